//! The editors' report queue: open reports grouped by target (the most
//! reported first), with the near-duplicate evidence of a reported
//! article, and the comments held for review.

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hao_domain::policy::MUTE_DAYS;
use hao_domain::{ReportAction, ReportReason, ReportTarget};
use maud::html;
use serde::Deserialize;

use super::{describe, parse_target};
use crate::http::AppState;
use crate::http::auth::EditorSession;
use crate::http::error::PageError;
use crate::http::respond::{is_care, private_page};
use crate::ui::layout::{Frame, layout};
use crate::ui::parts::time;

pub(super) async fn queue(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
) -> Result<Response, PageError> {
    let store = state.store();
    let groups = store.open_reports(100).await?;
    let mut rows = Vec::with_capacity(groups.len());
    for g in groups {
        let described = describe(&state, g.target, g.target_id).await?;
        // A 侵权/抄袭 report on an article the detector already linked: the
        // earlier articles it near-duplicates, beside the report.
        let evidence = if g.target == ReportTarget::Article
            && g.reasons
                .iter()
                .any(|(r, _)| *r == ReportReason::Infringement)
        {
            let ids = store.near_duplicate_of(g.target_id).await?;
            store.summaries_with_keywords(&ids).await?
        } else {
            Vec::new()
        };
        rows.push((g, described, evidence));
    }
    let held = store.held_comments(100).await?;
    let frame = Frame::new("举报与跟帖审核", "/editor/reports", is_care(&headers));
    let csrf = &session.csrf;
    let content = html! {
        section class="editor reports" {
            h1 { "举报与跟帖审核" }
            h2 { "待处理举报 " span class="count" { (rows.len()) } }
            @if rows.is_empty() { p class="empty" { "没有待处理的举报。" } }
            @for (g, described, evidence) in &rows {
                article class="report-group" aria-label={ (g.target.label()) " " (g.target_id) " 的举报" } {
                    h3 {
                        (g.target.label()) " " (g.target_id) "："
                        @match described {
                            Some((what, link)) => { a href=(link) { (what) } }
                            None => { "（已不再公开）" }
                        }
                    }
                    p {
                        strong { (g.count) } " 人举报 · 最早 " (time(g.first_at)) " · "
                        @for (r, n) in &g.reasons { span class="reason" { (r.label()) " ×" (n) } " " }
                    }
                    @if !g.texts.is_empty() {
                        ul class="report-texts" { @for t in &g.texts { li { (t) } } }
                    }
                    @if !evidence.is_empty() {
                        div class="evidence" {
                            p { "查重发现与以下更早的文章内容相近：" }
                            ul { @for (a, _) in evidence { li { a href={ "/article/" (a.id) } { (a.title) } " · " (a.creator_name) " · " (time(a.published_at)) } } }
                        }
                    }
                    form method="post" action="/editor/reports/act" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="target" value=(g.target.code());
                        input type="hidden" name="id" value=(g.target_id);
                        button type="submit" name="action" value="dismiss" { "驳回（未违规）" }
                        @match g.target {
                            ReportTarget::Comment => {
                                button type="submit" name="action" value="hide" { "隐藏跟帖" }
                                label for={ "days-" (g.target_id) } { "禁言天数" }
                                select id={ "days-" (g.target_id) } name="days" {
                                    @for d in MUTE_DAYS { option value=(d) { (d) " 天" } }
                                }
                                button type="submit" name="action" value="mute" { "隐藏并禁言" }
                            }
                            ReportTarget::Article => {
                                button type="submit" name="action" value="take-down" { "下架文章" }
                            }
                        }
                    }
                }
            }
            h2 { "待审核跟帖 " span class="count" { (held.len()) } }
            @if held.is_empty() { p class="empty" { "没有待审核的跟帖。" } }
            @else {
                table {
                    thead { tr { th scope="col" { "跟帖" } th scope="col" { "作者" } th scope="col" { "待审原因" } th scope="col" { "时间" } th scope="col" { "操作" } } }
                    tbody {
                        @for c in &held {
                            tr {
                                td { (hao_store::excerpt(&c.body, 120)) " " a href={ "/article/" (c.article_id) } { "原文" } }
                                td { (c.author) }
                                td { (c.status_reason) }
                                td { (time(c.created_at)) }
                                td {
                                    form class="inline" method="post" action={ "/manage/comments/" (c.id) "/approve" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="back" value="reports";
                                        button type="submit" { "通过" span class="visually-hidden" { " " (c.author) " 的跟帖" } }
                                    }
                                    form class="inline" method="post" action={ "/manage/comments/" (c.id) "/hide" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="back" value="reports";
                                        input type="hidden" name="reason" value="未通过审核";
                                        button type="submit" { "不通过" span class="visually-hidden" { " " (c.author) " 的跟帖" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(private_page(StatusCode::OK, layout(&frame, content)))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    days: String,
}

pub(super) async fn act(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    Form(f): Form<ActForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    let (target, id) = parse_target(&f.target, &f.id)?;
    let action =
        ReportAction::parse(&f.action).ok_or_else(|| PageError::bad_request("请选择处理方式。"))?;
    let days = f.days.trim().parse().unwrap_or(MUTE_DAYS[0]);
    state
        .app()
        .act_on_reports(&session.user, target, id, action, days)
        .await?;
    Ok(Redirect::to("/editor/reports").into_response())
}
