//! The originality review queue: a 原创 claim on a near-duplicate of an
//! earlier article, both texts side by side, and the editor's verdict.

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hao_domain::ReviewStatus;
use hao_store::Verdict;
use maud::html;

use crate::http::AppState;
use crate::http::auth::EditorSession;
use crate::http::error::PageError;
use crate::http::forms::DecideForm;
use crate::http::ids::ReviewId;
use crate::http::respond::is_care;
use crate::http::respond::private_page;
use crate::ui::diff::side_by_side;
use crate::ui::layout::{Frame, article_url, layout};
use crate::ui::parts::time;

pub(super) async fn queue(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(_session): EditorSession,
) -> Result<Response, PageError> {
    let reviews = state
        .store()
        .originality_reviews(hao_domain::ReviewStatus::Pending, 200)
        .await?;
    // Both articles of every review, in one query.
    let ids: Vec<i64> = reviews
        .iter()
        .flat_map(|r| [r.article_id, r.duplicate_of])
        .collect();
    let articles = state.store().articles(&ids).await?;
    let rows: Vec<_> = reviews
        .iter()
        .filter_map(|r| {
            Some((
                r,
                articles.get(&r.article_id)?,
                articles.get(&r.duplicate_of)?,
            ))
        })
        .collect();
    let frame = Frame::new("原创审核", "/editor/originality", is_care(&headers))
        .describe("声明原创、但与更早文章高度相似的文章");
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "原创审核队列" }
                    p { "以下文章声明了原创，但与其他创作者更早发布的文章指纹相近（相似度：较短一篇的内容出现在另一篇中的比例）。" }
                    @if rows.is_empty() {
                        p { "队列为空。" }
                    } @else {
                        table {
                            thead { tr { th scope="col" { "声明原创的文章" } th scope="col" { "更早的文章" } th scope="col" { "相似度" } th scope="col" { "发现时间" } } }
                            tbody {
                                @for (r, a, b) in &rows {
                                    tr {
                                        td { a href={ "/editor/originality/" (r.id) } { (a.title) } }
                                        td { a href=(article_url(b.id)) { (b.title) } }
                                        td { (r.similarity) "%" }
                                        td { (time(r.created_at)) }
                                    }
                                }
                            }
                        }
                    }
                }
            },
        ),
    ))
}

pub(super) async fn review(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
    ReviewId(id): ReviewId,
) -> Result<Response, PageError> {
    let r = state
        .store()
        .originality_review(id)
        .await?
        .ok_or_else(|| PageError::not_found("没有这条审核。"))?;
    let (later, earlier) = match (
        state.store().article(r.article_id).await?,
        state.store().article(r.duplicate_of).await?,
    ) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(PageError::not_found("审核涉及的文章已不存在。")),
    };
    let (left, right) = side_by_side(
        &hao_text::plain_text(&earlier.body_markdown),
        &hao_text::plain_text(&later.body_markdown),
    );
    let frame = Frame::new("原创审核", "/editor/originality", is_care(&headers))
        .describe("两篇文章并排对比");
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "原创审核：" (later.title) }
                    p { "较短的一篇约有 " (r.similarity) "% 的内容出现在另一篇中。" del { "删去的文字" } "只在更早的文章中，" ins { "加入的文字" } "只在声明原创的文章中。" }
                    div class="side-by-side" {
                        article {
                            h2 { "更早的文章" }
                            p { a href=(article_url(earlier.id)) { (earlier.title) } " · " (time(earlier.published_at)) }
                            (left)
                        }
                        article {
                            h2 { "声明原创的文章" }
                            p { a href=(article_url(later.id)) { (later.title) } " · " (time(later.published_at)) }
                            (right)
                        }
                    }
                    @if r.status == ReviewStatus::Pending {
                        form method="post" action={ "/editor/originality/" (r.id) } {
                            input type="hidden" name="csrf" value=(session.csrf);
                            fieldset {
                                legend { "结论" }
                                p { label { input type="radio" name="verdict" value="copy" required; " 确认抄袭：取消原创标记，扣作者信用分 " (-hao_domain::policy::FALSE_ORIGINAL) " 分（作者可申诉）" } }
                                p { label { input type="radio" name="verdict" value="original"; " 确属原创：保留原创标记" } }
                            }
                            p {
                                label for="reason" { "理由（创作者可见）" }
                                textarea id="reason" name="reason" rows="3" maxlength="500" required {}
                            }
                            p { button type="submit" { "提交结论" } }
                        }
                    } @else {
                        p { "已处理：" (r.status.label()) "（" (r.decided_by.clone().unwrap_or_default()) "，" (r.reason) "）" }
                    }
                }
            },
        ),
    ))
}

pub(super) async fn decide(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    ReviewId(id): ReviewId,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let (copy, reason) = form.decision(
        ("copy", "original"),
        "请选择结论：确认抄袭或确属原创。",
        true,
        "请填写 1–500 字的理由。",
    )?;
    let verdict = if copy {
        Verdict::Copy
    } else {
        Verdict::Original
    };
    let editor = &session.user.username;
    if !state
        .store()
        .decide_originality(id, verdict, editor, reason)
        .await?
    {
        return Err(PageError::not_found("没有这条待审核记录，或它已被处理。"));
    }
    let action = match verdict {
        Verdict::Copy => "originality.confirm-copy",
        Verdict::Original => "originality.dismiss",
    };
    state
        .store()
        .log_moderation(editor, action, &format!("review {id}"), reason)
        .await?;
    state.invalidate();
    Ok(Redirect::to("/editor/originality").into_response())
}
