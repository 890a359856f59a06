//! The creator's studio: `/studio` lists their articles by status with views
//! and shares; `/write` and `/write/{id}` are the editor (title, Markdown body
//! with a server-rendered preview, channel, tags, 原创 or 转载 with its
//! source, publish now, at a time, or keep a draft). The form works without
//! JavaScript; a refused form comes back with everything typed and the
//! reason next to the field. It saves through the API's write path.

mod history;
mod standing;
mod stats;
mod write;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use hao_domain::ArticleStatus;
use maud::html;

use crate::http::AppState;
use crate::http::auth::{Session, SignedIn};
use crate::http::error::PageError;
use crate::http::respond::private_page;
use crate::http::respond::{is_care, parse_id};
use crate::ui::layout::{Frame, article_url, layout};
use crate::ui::parts::time;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/studio", get(studio))
        .route("/write", get(write::new_form).post(write::create))
        .route("/write/{id}", get(write::edit_form).post(write::update))
        .route("/studio/appeal/{id}", axum::routing::post(standing::appeal))
        .route("/write/{id}/history", get(history::history))
        .route("/studio/stats", get(stats::stats))
        .route(
            "/write/{id}/restore/{rev}",
            axum::routing::post(history::restore),
        )
        .route(
            "/write/{id}/unpublish",
            axum::routing::post(history::unpublish),
        )
        .route("/write/{id}/delete", axum::routing::post(history::delete))
}

pub(super) fn status_label(s: ArticleStatus) -> &'static str {
    match s {
        ArticleStatus::Draft => "草稿",
        ArticleStatus::InReview => "审核中",
        ArticleStatus::Scheduled => "定时发布",
        ArticleStatus::Published => "已发布",
        ArticleStatus::Rejected => "已退回",
        ArticleStatus::TakenDown => "已下架",
        ArticleStatus::Deleted => "已删除",
    }
}

/// The creator account the session writes as, or a page saying how to get one.
pub(super) fn creator_of(session: &Session) -> Result<i64, PageError> {
    session
        .user
        .creator_id
        .ok_or_else(|| PageError::forbidden("只有创作者可以写文章：请先申请入驻（/apply）。"))
}

async fn studio(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let creator = creator_of(&session)?;
    let rows = state.store().studio_articles(creator, 500).await?;
    let novice = state.store().is_novice(creator).await?;
    let standing = state.store().standing(creator).await?;
    let ledger = state.store().ledger(creator).await?;
    let unread = state.store().unread_notifications(session.user.id).await?;
    let frame =
        Frame::new("创作中心", "/studio", is_care(&headers)).describe("我的文章、状态与数据");
    let count = |s: ArticleStatus| rows.iter().filter(|r| r.status == s).count();
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor studio" {
                    h1 { "创作中心" }
                    p { a class="button" href="/write" { "写文章" } " " a href="/studio/stats" { "数据" } " " a href={ "/author/" (creator) } { "我的主页" } }
                    @if unread > 0 { p class="form-notice" { a href="/notifications" { "你有 " (unread) " 条未读消息" } } }
                    @if novice { p class="form-notice" { "你在新手期：文章经编辑审核通过后发布。" } }
                    @if standing < hao_domain::policy::STANDING_REVIEW_BELOW {
                        p class="form-notice" {
                            "你的信用分为 " (standing) "，低于 " (hao_domain::policy::STANDING_REVIEW_BELOW)
                            "：文章经编辑审核通过后发布。申诉成功、信用分回到 "
                            (hao_domain::policy::STANDING_REVIEW_BELOW) " 分及以上后恢复直接发布。"
                        }
                    }
                    p class="status-counts" {
                        @for s in [ArticleStatus::Draft, ArticleStatus::InReview, ArticleStatus::Scheduled, ArticleStatus::Published, ArticleStatus::Rejected, ArticleStatus::TakenDown] {
                            span { (status_label(s)) " " strong { (count(s)) } } " "
                        }
                    }
                    form class="upload" method="post" action="/studio/upload" enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        label for="upload-file" { "上传图片（PNG、JPEG、WebP、GIF，最大 5 MB）" }
                        input id="upload-file" name="file" type="file" accept="image/png,image/jpeg,image/webp,image/gif";
                        button type="submit" { "上传" }
                    }
                    (standing::ledger_section(standing, &ledger, &session.csrf))
                    h2 { "我的文章" }
                    @if rows.is_empty() { p { "还没有文章。" } }
                    @else {
                        table {
                            thead { tr { th scope="col" { "标题" } th scope="col" { "状态" } th scope="col" { "阅读" } th scope="col" { "分享" } th scope="col" { "发布时间" } th scope="col" { "修改时间" } } }
                            tbody {
                                @for r in &rows {
                                    tr {
                                        td {
                                            a href={ "/write/" (r.id) } { (r.title) }
                                            @if r.status == ArticleStatus::Published { " " a href=(article_url(r.id)) { "查看" } }
                                            " " a href={ "/write/" (r.id) "/history" } { "历史" }
                                            " " a href={ "/studio/stats?article=" (r.id) } { "数据" }
                                            @if r.status == ArticleStatus::Published { " " a href={ "/manage/comments?article=" (r.id) } { "跟帖" } }
                                            @if matches!(r.status, ArticleStatus::Published | ArticleStatus::Scheduled | ArticleStatus::InReview) {
                                                form class="inline" method="post" action={ "/write/" (r.id) "/unpublish" } {
                                                    input type="hidden" name="csrf" value=(session.csrf);
                                                    button type="submit" aria-label={ "撤回 " (r.title) } { "撤回" }
                                                }
                                            }
                                            @if r.status != ArticleStatus::TakenDown {
                                                form class="inline" method="post" action={ "/write/" (r.id) "/delete" } {
                                                    input type="hidden" name="csrf" value=(session.csrf);
                                                    button type="submit" aria-label={ "删除 " (r.title) } { "删除" }
                                                }
                                            }
                                            @if !r.review_note.is_empty() && r.status == ArticleStatus::Rejected { p class="reason" { "编辑意见：" (r.review_note) } }
                                        }
                                        td class={ "status " (r.status.code()) } { (status_label(r.status)) }
                                        td { (r.views) } td { (r.shares) }
                                        td { (time(r.published_at)) } td { (time(r.updated_at)) }
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

/// The article `raw` names, if the session may edit it.
pub(super) async fn editable(
    state: &AppState,
    session: &Session,
    raw: &str,
) -> Result<hao_domain::Article, PageError> {
    let id = parse_id(raw, "文章")?;
    let article = state
        .store()
        .article(id)
        .await?
        .filter(|a| a.status != ArticleStatus::Deleted)
        .ok_or_else(|| PageError::not_found("没有这篇文章。"))?;
    if !session.user.role.is_editor() && session.user.creator_id != Some(article.creator_id) {
        return Err(PageError::forbidden("只有作者本人或编辑可以修改这篇文章。"));
    }
    Ok(article)
}
