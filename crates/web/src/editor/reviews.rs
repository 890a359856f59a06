//! The novice review queue (新手期).

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::http::AppState;
use crate::http::auth::EditorSession;
use crate::http::error::PageError;
use crate::http::forms::DecideForm;
use crate::http::ids::ArticleId;
use crate::http::respond::is_care;
use crate::http::respond::private_page;
use crate::ui::forms::decide_form;
use crate::ui::layout::{Frame, layout};
use crate::ui::parts::time;

/// The novice review queue (新手期): articles waiting for an editor.
pub(super) async fn reviews(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
) -> Result<Response, PageError> {
    let waiting = state.store().in_review(200).await?;
    let ids: Vec<i64> = waiting.iter().map(|a| a.id).collect();
    let mut full = state.store().articles(&ids).await?;
    let items: Vec<_> = waiting
        .into_iter()
        .filter_map(|a| {
            let f = full.remove(&a.id)?;
            Some((a, f))
        })
        .collect();
    let frame = Frame::new("新手期审核", "/editor/reviews", is_care(&headers))
        .describe("新手期创作者等待审核的文章");
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "新手期审核" span class="count" { "共 " (items.len()) " 篇" } }
                    p { "新手期创作者的文章经编辑通过后才会发布；连续通过 " (hao_domain::policy::NOVICE_APPROVALS) " 篇后转为直接发布，被退回则重新计数。" }
                    @if items.is_empty() { p { "没有等待审核的文章。" } }
                    @for (a, full) in &items {
                        article class="review-item" aria-labelledby={ "review-" (a.id) } {
                            h2 id={ "review-" (a.id) } { (a.title) }
                            p class="meta" { (a.creator_name) " · " (a.channel.name()) " · " (time(full.updated_at)) }
                            div class="body" { (maud::PreEscaped(&full.body_html)) }
                            (decide_form(
                                &format!("/editor/reviews/{}", a.id),
                                &session.csrf,
                                &format!("note-{}", a.id),
                                "审核意见（退回时必填，创作者会看到）",
                                ("approve", "通过并发布"),
                                ("reject", "退回"),
                            ))
                        }
                    }
                }
            },
        ),
    ))
}

pub(super) async fn review_article(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    ArticleId(id): ArticleId,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let (approve, reason) = form.decision(
        ("approve", "reject"),
        "请选择通过或退回。",
        false,
        "退回时请填写理由，创作者会看到它。",
    )?;
    let Some(done) = state.store().review_article(id, approve, reason).await? else {
        return Err(PageError::not_found("这篇文章不在审核队列中，或已被处理。"));
    };
    let editor = &session.user.username;
    let action = if approve {
        "review.approve"
    } else {
        "review.reject"
    };
    state
        .store()
        .log_moderation(editor, action, &format!("article {id}"), reason)
        .await?;
    if done.graduated {
        state
            .store()
            .log_moderation(
                editor,
                "creator.graduate",
                &format!("article {id}"),
                "新手期结束",
            )
            .await?;
    }
    state.invalidate();
    Ok(Redirect::to("/editor/reviews").into_response())
}
