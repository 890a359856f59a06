//! 消息 (`/notifications`): what editors decided about the reader's
//! application, articles, originality claims, appeals and reports, with the
//! reason and a link to act on it, and what readers did: replies, likes,
//! new followers. Unread ones stand out until the reader marks them read (a
//! form, not a side effect of looking); the kinds readers cause can be
//! turned off (`/notifications/settings`).

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;

use crate::http::AppState;
use crate::http::auth::SignedIn;
use crate::http::error::PageError;
use crate::http::forms::CsrfOnly;
use crate::http::respond::is_care;
use crate::http::respond::private_page;
use crate::ui::layout::{Frame, layout};
use crate::ui::parts::time;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(page))
        .route("/notifications/read", post(mark_read))
        .route("/notifications/settings", post(settings))
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "application" => "入驻申请",
        "review" => "文章审核",
        "take-down" => "下架",
        "originality" => "原创审核",
        "appeal" => "申诉",
        "reply" => "回复",
        "comment-like" => "跟帖点赞",
        "like" => "文章点赞",
        "follower" => "新关注",
        "comment" => "跟帖",
        "report" => "举报结果",
        "mute" => "禁言",
        _ => "通知",
    }
}

async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let items = state.store().notifications(session.user.id, 200).await?;
    let off = state.store().notifications_off(session.user.id).await?;
    let unread = items.iter().filter(|n| !n.read).count();
    let frame = Frame::new("消息", "/notifications", is_care(&headers))
        .describe("编辑对你的申请、文章与申诉的处理结果");
    let markup = layout(
        &frame,
        html! {
            section class="editor notifications" {
                h1 { "消息" @if unread > 0 { span class="count" { (unread) " 条未读" } } }
                @if items.is_empty() { p { "还没有消息。申请入驻、文章审核和申诉的结果会出现在这里。" } }
                @else {
                    @if unread > 0 {
                        form method="post" action="/notifications/read" {
                            input type="hidden" name="csrf" value=(session.csrf);
                            button type="submit" { "全部标为已读" }
                        }
                    }
                    ol class="notices" {
                        @for n in &items {
                            li class=[(!n.read).then_some("unread")] {
                                @if !n.read { span class="visually-hidden" { "未读：" } }
                                span class="kind" { (kind_label(&n.kind)) } " "
                                @if n.link.is_empty() { (n.text) } @else { a href=(n.link) { (n.text) } }
                                " " span class="time" { (time(n.created_at)) }
                            }
                        }
                    }
                }
                form class="notification-settings" method="post" action="/notifications/settings" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    fieldset {
                        legend { "接收哪些互动消息" }
                        @for (kind, label) in hao_store::TURNABLE_OFF {
                            label class="choice" {
                                input type="checkbox" name="on" value=(kind) checked[!off.iter().any(|k| k == kind)];
                                " " (label)
                            }
                        }
                    }
                    p class="hint" { "编辑对申请、文章、申诉和举报的处理结果总会通知你。" }
                    button type="submit" { "保存设置" }
                }
            }
        },
    );
    Ok(private_page(StatusCode::OK, markup))
}

async fn mark_read(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    state
        .store()
        .mark_notifications_read(session.user.id)
        .await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// Which kinds stay on: the checked boxes (`on=reply&on=like…`).
async fn settings(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let mut csrf = String::new();
    let mut on: Vec<String> = Vec::new();
    // Repeated names (one `on` per box): read with `form_urlencoded`,
    // since serde's form extractor keeps one value per name.
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "csrf" => csrf = v.into_owned(),
            "on" => on.push(v.into_owned()),
            _ => {}
        }
    }
    session.check_csrf(&csrf)?;
    for (kind, _) in hao_store::TURNABLE_OFF {
        state
            .store()
            .set_notification_kind(session.user.id, kind, on.iter().any(|k| k == kind))
            .await?;
    }
    Ok(Redirect::to("/notifications").into_response())
}
