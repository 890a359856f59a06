//! 举报: the form a reader reports an article or a comment with
//! (`/report?target=comment&id=N`), and the editors' queue
//! (`/editor/reports`): open reports grouped by target with their counts
//! and reasons, the near-duplicate evidence beside a 侵权/抄袭 report, the
//! comments held for review, and the actions (dismiss, hide, take down,
//! 禁言) whose outcome every reporter reads in 消息.

mod queue;

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use hao_app::engage::Actor;
use hao_domain::{ArticleStatus, CommentStatus, ReportReason, ReportTarget};
use maud::{Markup, html};
use serde::Deserialize;

use crate::http::AppState;
use crate::http::auth::{ClientAddr, SignedIn};
use crate::http::error::PageError;
use crate::http::respond::{is_care, parse_id, private_page};
use crate::ui::layout::{Frame, layout};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/report", get(form).post(submit))
        .route("/editor/reports", get(queue::queue))
        .route("/editor/reports/act", axum::routing::post(queue::act))
}

#[derive(Debug, Default, Deserialize)]
struct TargetQuery {
    #[serde(default)]
    target: String,
    #[serde(default)]
    id: String,
}

fn parse_target(target: &str, id: &str) -> Result<(ReportTarget, i64), PageError> {
    let target = ReportTarget::parse(target)
        .ok_or_else(|| PageError::bad_request("举报对象应为文章（article）或跟帖（comment）。"))?;
    Ok((target, parse_id(id.trim(), target.label())?))
}

/// What is reported, as the form and the queue show it: a title or the
/// comment's first words, and a link.
async fn describe(
    state: &AppState,
    target: ReportTarget,
    id: i64,
) -> Result<Option<(String, String)>, PageError> {
    Ok(match target {
        ReportTarget::Article => state
            .store()
            .article(id)
            .await?
            .filter(|a| a.status == ArticleStatus::Published)
            .map(|a| (format!("《{}》", a.title), format!("/article/{id}"))),
        ReportTarget::Comment => state
            .store()
            .comment(id)
            .await?
            .filter(|c| c.status == CommentStatus::Published)
            .map(|c| {
                (
                    format!("{} 的跟帖：{}", c.author, hao_store::excerpt(&c.body, 60)),
                    format!("/comment/{}#c{id}", c.root_id),
                )
            }),
    })
}

fn reasons() -> Markup {
    html! {
        fieldset {
            legend { "举报理由" }
            @for (i, r) in ReportReason::ALL.iter().enumerate() {
                label class="choice" {
                    input type="radio" name="reason" value=(r.code()) required[i == 0];
                    " " (r.label())
                }
            }
        }
    }
}

async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let (target, id) = parse_target(&q.target, &q.id).map_err(|e| e.with_care(care))?;
    let (what, link) = describe(&state, target, id).await?.ok_or_else(|| {
        PageError::not_found(format!("要举报的{}不存在或已被处理。", target.label()))
            .with_care(care)
    })?;
    let frame = Frame::new("举报", "/report", care);
    let content = html! {
        section class="primary report" {
            h1 { "举报" (target.label()) }
            p { "举报对象：" a href=(link) { (what) } }
            form method="post" action="/report" {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="target" value=(target.code());
                input type="hidden" name="id" value=(id);
                (reasons())
                label for="report-text" { "补充说明（选填，最多 500 字）" }
                textarea id="report-text" name="text" rows="3" maxlength="500" {}
                button type="submit" { "提交举报" }
            }
            p class="hint" { "编辑会尽快核实，处理结果将通过“消息”告诉你。" }
        }
    };
    Ok(private_page(StatusCode::OK, layout(&frame, content)))
}

#[derive(Debug, Default, Deserialize)]
struct ReportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    text: String,
}

async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(addr): ClientAddr,
    SignedIn(session): SignedIn,
    Form(f): Form<ReportForm>,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    session.check_csrf(&f.csrf)?;
    let (target, id) = parse_target(&f.target, &f.id).map_err(|e| e.with_care(care))?;
    let reason = ReportReason::parse(&f.reason)
        .ok_or_else(|| PageError::bad_request("请选择举报理由。").with_care(care))?;
    let new = state
        .app()
        .report(
            Actor {
                user: &session.user,
                addr: &addr,
            },
            target,
            id,
            reason,
            &f.text,
        )
        .await
        .map_err(|e| PageError::from(e).with_care(care))?;
    let frame = Frame::new("举报已提交", "/report", care);
    let content = html! {
        section class="primary report" {
            h1 { "举报已提交" }
            p role="status" {
                @if new { "感谢你的举报。编辑核实后，处理结果会通过" a href="/notifications" { "消息" } "告诉你。" }
                @else { "你已举报过该" (target.label()) "，编辑正在处理，无需重复提交。" }
            }
        }
    };
    Ok(private_page(StatusCode::OK, layout(&frame, content)))
}
