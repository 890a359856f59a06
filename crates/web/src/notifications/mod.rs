//! 消息 (`/notifications`): what editors decided about the reader's
//! application, articles, originality claims and appeals, with the reason
//! and a link to act on it. Unread ones stand out until the reader marks
//! them read (a form, not a side effect of looking).

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
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "application" => "入驻申请",
        "review" => "文章审核",
        "take-down" => "下架",
        "originality" => "原创审核",
        "appeal" => "申诉",
        _ => "通知",
    }
}

async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let items = state.store().notifications(session.user.id, 200).await?;
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
