//! Take-downs (−10 信用分), restoring deleted articles, and appeals.

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::pins::PinForm;
use crate::http::AppState;
use crate::http::auth::EditorSession;
use crate::http::error::PageError;
use crate::http::forms::DecideForm;
use crate::http::ids::EntryId;
use crate::http::respond::private_page;
use crate::http::respond::{is_care, parse_id};
use crate::ui::forms::decide_form;
use crate::ui::layout::{Frame, layout};

/// Take-downs and appeals: `/editor/standing`.
pub(super) async fn standing(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
) -> Result<Response, PageError> {
    standing_page(&state, &headers, &session, &PinForm::default(), None).await
}

pub(super) async fn standing_page(
    state: &AppState,
    headers: &HeaderMap,
    session: &crate::http::auth::Session,
    typed: &PinForm,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let appeals = state.store().pending_appeals(200).await?;
    let frame = Frame::new("下架与申诉", "/editor/standing", is_care(headers))
        .describe("下架文章、处理信用分申诉");
    let mut response = private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "下架与申诉" }
                    h2 { "下架文章" }
                    p { "下架后文章从所有页面和搜索中消失，作者信用分 " (hao_domain::policy::TAKE_DOWN) "，作者可以申诉。" }
                    form method="post" action="/editor/takedown" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        @if let Some(e) = error { p class="form-error" id="takedown-error" role="alert" { (e) } }
                        p {
                            label for="takedown-article" { "文章编号" }
                            input id="takedown-article" name="article" type="text" inputmode="numeric" value=(typed.article)
                                aria-describedby=[error.map(|_| "takedown-error")];
                        }
                        p {
                            label for="takedown-reason" { "理由（作者会看到）" }
                            input id="takedown-reason" name="reason" type="text" maxlength="500" value=(typed.reason);
                        }
                        p { button type="submit" { "下架" } }
                    }
                    h2 { "恢复已删除的文章" }
                    p { "作者删除的文章可以由编辑恢复为草稿。" }
                    form method="post" action="/editor/restore" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        p {
                            label for="restore-article" { "文章编号" }
                            input id="restore-article" name="article" type="text" inputmode="numeric";
                        }
                        p {
                            label for="restore-reason" { "理由" }
                            input id="restore-reason" name="reason" type="text" maxlength="500";
                        }
                        p { button type="submit" { "恢复为草稿" } }
                    }
                    h2 { "待处理的申诉" }
                    @if appeals.is_empty() { p { "没有待处理的申诉。" } }
                    @for a in &appeals {
                        article class="appeal" aria-labelledby={ "appeal-" (a.id) } {
                            h3 id={ "appeal-" (a.id) } { "第 " (a.id) " 条记录：" (a.reason) "（" (a.delta) "）" }
                            p { "申诉理由：" (a.appeal_text) }
                            (decide_form(
                                &format!("/editor/appeals/{}", a.id),
                                &session.csrf,
                                &format!("reply-{}", a.id),
                                "答复（必填）",
                                ("grant", "申诉成立，撤销扣分"),
                                ("deny", "维持"),
                            ))
                        }
                    }
                }
            },
        ),
    );
    if error.is_some() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

pub(super) async fn take_down(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
    Form(form): Form<PinForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let Some(id) = form.article.trim().parse::<i64>().ok().filter(|id| *id > 0) else {
        return standing_page(
            &state,
            &headers,
            &session,
            &form,
            Some("文章编号须为正整数。"),
        )
        .await;
    };
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return standing_page(
            &state,
            &headers,
            &session,
            &form,
            Some("请填写 1–500 字的理由。"),
        )
        .await;
    }
    if state.store().take_down(id, reason).await?.is_none() {
        return standing_page(
            &state,
            &headers,
            &session,
            &form,
            Some("没有这篇可下架的文章（已发布、定时或审核中）。"),
        )
        .await;
    }
    state
        .store()
        .log_moderation(
            &session.user.username,
            "article.take-down",
            &format!("article {id}"),
            reason,
        )
        .await?;
    state.invalidate();
    Ok(Redirect::to("/editor/standing").into_response())
}

pub(super) async fn restore_deleted(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    Form(form): Form<PinForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let id = parse_id(form.article.trim(), "文章")?;
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(PageError::bad_request("请填写 1–500 字的理由。"));
    }
    let deleted = [hao_domain::ArticleStatus::Deleted];
    if !state
        .store()
        .set_status(id, &deleted, hao_domain::ArticleStatus::Draft)
        .await?
    {
        return Err(PageError::not_found("没有这篇已删除的文章。"));
    }
    state
        .store()
        .log_moderation(
            &session.user.username,
            "article.restore",
            &format!("article {id}"),
            reason,
        )
        .await?;
    state.invalidate();
    Ok(Redirect::to("/editor/standing").into_response())
}

pub(super) async fn decide_appeal(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    EntryId(id): EntryId,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let (grant, reply) = form.decision(
        ("grant", "deny"),
        "请选择申诉成立或维持。",
        true,
        "请填写 1–500 字的答复，作者会看到它。",
    )?;
    let editor = &session.user.username;
    if !state
        .store()
        .decide_appeal(id, grant, editor, reply)
        .await?
    {
        return Err(PageError::not_found("没有这条待处理的申诉。"));
    }
    let action = if grant { "appeal.grant" } else { "appeal.deny" };
    state
        .store()
        .log_moderation(editor, action, &format!("ledger {id}"), reply)
        .await?;
    Ok(Redirect::to("/editor/standing").into_response())
}
