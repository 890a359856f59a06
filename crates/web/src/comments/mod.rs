//! 跟帖: an article's comment pages (最热 `/article/{id}/comments`, 最新
//! `…/comments/new`, both cached like every public page), one thread
//! (`/comment/{id}`), replying (`/comment/{id}/reply`), liking a comment,
//! a reader's own comments with their status (`/me/comments`), and the page
//! where an article's creator or an editor hides comments and closes them
//! (`/manage/comments?article=ID`). The rules are `hao_app::engage`'s.

pub mod api;
mod manage;
pub mod views;

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hao_app::engage::{Actor, Draft};
use hao_domain::{ArticleStatus, CommentStatus};
use hao_store::CommentSort;
use maud::html;
use serde::Deserialize;

use crate::http::AppState;
use crate::http::auth::{ClientAddr, MaybeSession, SignedIn, form_reader};
use crate::http::cache::PageKey;
use crate::http::error::PageError;
use crate::http::forms::bad_form;
use crate::http::ids::{ArticleId, CommentId};
use crate::http::respond::{PageQuery, cached, is_care, parse_page, private_page};
use crate::ui::layout::{Frame, layout};
use crate::ui::parts::{pagination, time};
use views::Threads;

/// Threads per comment page, and comments per thread page.
const THREADS_PER_PAGE: u32 = 20;
const THREAD_PAGE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/article/{id}/comments", get(hot).post(post_comment))
        .route("/article/{id}/comments/new", get(newest))
        .route("/comment/{id}", get(thread))
        .route("/comment/{id}/reply", get(reply_page))
        .route("/comment/{id}/like", post(like))
        .route("/me/comments", get(mine))
        .merge(manage::router())
        .merge(api::router())
}

/// The threads of an article's page `page` in `sort` order, with their
/// first replies.
pub(crate) async fn threads(
    state: &AppState,
    article_id: i64,
    sort: CommentSort,
    limit: u32,
    offset: i64,
) -> Result<Threads, hao_store::StoreError> {
    let store = state.store();
    let roots = store
        .threads(article_id, sort, limit.into(), offset)
        .await?;
    let ids: Vec<i64> = roots.iter().map(|c| c.id).collect();
    let replies = store
        .replies_of(&ids, views::REPLIES_SHOWN as i64 * 4)
        .await?;
    let sizes = store.thread_sizes(&ids).await?;
    Ok(Threads::new(roots, replies, &sizes))
}

fn gone() -> PageError {
    PageError::not_found("这篇文章不存在，或已被作者删除、下架。")
}

async fn hot(
    state: State<AppState>,
    id: ArticleId,
    q: Query<PageQuery>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    list_page(state, id, q, method, headers, false).await
}

async fn newest(
    state: State<AppState>,
    id: ArticleId,
    q: Query<PageQuery>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    list_page(state, id, q, method, headers, true).await
}

async fn list_page(
    State(state): State<AppState>,
    ArticleId(id): ArticleId,
    Query(q): Query<PageQuery>,
    method: Method,
    headers: HeaderMap,
    newest: bool,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let page = parse_page(&q).map_err(|e| e.with_care(care))?;
    let key = PageKey::Comments {
        id,
        newest,
        page,
        care,
    };
    cached(&state, key, &method, &headers, || async {
        let article = state
            .store()
            .article(id)
            .await?
            .filter(|a| a.status == ArticleStatus::Published)
            .ok_or_else(gone)?;
        let sort = if newest {
            CommentSort::New
        } else {
            CommentSort::Hot
        };
        let offset = i64::from((page - 1) * THREADS_PER_PAGE);
        let t = threads(&state, id, sort, THREADS_PER_PAGE, offset).await?;
        let total = state.store().thread_count(id).await?;
        if t.threads.is_empty() && page > 1 {
            return Err(PageError::not_found(format!("跟帖没有第 {page} 页。")));
        }
        let base = format!("/article/{id}/comments{}", if newest { "/new" } else { "" });
        let title = format!("跟帖：{}", article.title);
        let frame = Frame::new(&title, &base, care)
            .describe(&article.summary)
            .in_channel(article.channel);
        let content = html! {
            section class="primary comment-page" {
                nav class="breadcrumb" aria-label="当前位置" {
                    ol {
                        li { a href="/" { "首页" } }
                        li { a href={ "/article/" (id) } { (article.title) } }
                        li aria-current="page" { "跟帖" }
                    }
                }
                h1 { "跟帖 " span class="count" { (article.comments) } }
                p { "原文：" a href={ "/article/" (id) } { (article.title) } }
                nav class="sort" aria-label="排序" {
                    @if newest {
                        a href={ "/article/" (id) "/comments" } { "最热" } " · "
                        span aria-current="page" { "最新" }
                    } @else {
                        span aria-current="page" { "最热" } " · "
                        a href={ "/article/" (id) "/comments/new" } { "最新" }
                    }
                }
                @if article.comments_closed {
                    p class="closed" { "作者已关闭本文跟帖。" }
                } @else if page == 1 {
                    (views::form(id, None, None))
                }
                @if t.threads.is_empty() {
                    p class="empty" { "还没有跟帖，来说两句吧。" }
                } @else {
                    (views::thread_list(&t))
                }
                (pagination(&base, page, total, THREADS_PER_PAGE))
            }
        };
        Ok(layout(&frame, content).into_string())
    })
    .await
    .map_err(|e| e.with_care(care))
}

/// `/comment/{id}`: a whole thread, oldest first, each reply quoting the
/// comment it answers (盖楼). A reply's id leads to its thread.
async fn thread(
    State(state): State<AppState>,
    CommentId(id): CommentId,
    Query(q): Query<PageQuery>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let page = parse_page(&q).map_err(|e| e.with_care(care))?;
    let missing = || PageError::not_found("这条跟帖不存在或已被隐藏。").with_care(care);
    let c = state
        .store()
        .comment(id)
        .await?
        .filter(|c| c.status == CommentStatus::Published)
        .ok_or_else(missing)?;
    if c.root_id != id {
        return Ok(Redirect::to(&format!("/comment/{}#c{id}", c.root_id)).into_response());
    }
    let key = PageKey::Thread { id, page, care };
    cached(&state, key, &method, &headers, || async {
        let store = state.store();
        let article = store
            .article(c.article_id)
            .await?
            .filter(|a| a.status == ArticleStatus::Published)
            .ok_or_else(gone)?;
        let offset = i64::from((page - 1) * THREAD_PAGE);
        let comments = store.thread(id, THREAD_PAGE.into(), offset).await?;
        if comments.is_empty() {
            return Err(PageError::not_found(format!("这组跟帖没有第 {page} 页。")));
        }
        let parents: Vec<i64> = comments
            .iter()
            .filter(|c| c.depth > 2)
            .filter_map(|c| c.parent_id)
            .collect();
        let quoted = store.comments_by_id(&parents).await?;
        let total = store
            .thread_sizes(&[id])
            .await?
            .first()
            .map_or(0, |(_, n)| *n)
            + 1;
        let path = format!("/comment/{id}");
        let title = format!("{} 的跟帖：{}", c.author, article.title);
        let frame = Frame::new(&title, &path, care).in_channel(article.channel);
        let content = html! {
            section class="primary comment-page" {
                nav class="breadcrumb" aria-label="当前位置" {
                    ol {
                        li { a href="/" { "首页" } }
                        li { a href={ "/article/" (article.id) } { (article.title) } }
                        li { a href={ "/article/" (article.id) "/comments" } { "跟帖" } }
                        li aria-current="page" { "盖楼" }
                    }
                }
                h1 { (c.author) " 的跟帖" span class="count" { "共 " (total) " 条" } }
                ol class="thread-flat" {
                    @for m in &comments {
                        li class={ "depth-" (m.depth.min(3)) } {
                            (views::comment(m, m.parent_id.filter(|_| m.depth > 2).and_then(|p| quoted.iter().find(|q| q.id == p))))
                        }
                    }
                }
                (pagination(&path, page, total, THREAD_PAGE))
            }
        };
        Ok(layout(&frame, content).into_string())
    })
    .await
    .map_err(|e| e.with_care(care))
}

/// `/comment/{id}/reply`: the comment quoted, and the form to answer it.
async fn reply_page(
    State(state): State<AppState>,
    CommentId(id): CommentId,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let c = state
        .store()
        .comment(id)
        .await?
        .filter(|c| c.status == CommentStatus::Published)
        .ok_or_else(|| PageError::not_found("这条跟帖不存在或已被隐藏。").with_care(care))?;
    let path = format!("/comment/{id}/reply");
    let frame = Frame::new("回复跟帖", &path, care);
    let content = html! {
        section class="primary comment-page" {
            h1 { "回复 " (c.author) }
            (views::form(c.article_id, Some(&c), Some(&session.csrf)))
            p { a href={ "/comment/" (c.root_id) "#c" (c.id) } { "返回跟帖" } }
        }
    };
    Ok(private_page(StatusCode::OK, layout(&frame, content)))
}

#[derive(Debug, Default, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    reply_to: String,
}

/// Posts a comment or a reply; published ones are shown in their thread,
/// held ones on the reader's own list with the reason.
async fn post_comment(
    State(state): State<AppState>,
    ArticleId(id): ArticleId,
    headers: HeaderMap,
    ClientAddr(addr): ClientAddr,
    MaybeSession(session): MaybeSession,
    form: Result<Form<CommentForm>, FormRejection>,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let Form(form) = form.map_err(|e| bad_form(e).with_care(care))?;
    let back = format!("/article/{id}/comments");
    let session = match form_reader(session, &headers, &form.csrf, &back)? {
        Ok(session) => session,
        Err(to_sign_in) => return Ok(to_sign_in),
    };
    let reply_to = match form.reply_to.trim() {
        "" => None,
        raw => Some(crate::http::respond::parse_id(raw, "跟帖").map_err(|e| e.with_care(care))?),
    };
    let c = state
        .app()
        .post_comment(
            Actor {
                user: &session.user,
                addr: &addr,
            },
            Draft {
                article_id: id,
                reply_to,
                body: &form.body,
            },
        )
        .await
        .map_err(|e| PageError::from(e).with_care(care))?;
    let to = match c.status {
        CommentStatus::Published => format!("/comment/{}#c{}", c.root_id, c.id),
        _ => format!("/me/comments#c{}", c.id),
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct LikeForm {
    #[serde(default)]
    csrf: String,
}

/// 赞 on a comment: likes it, or takes the like back.
async fn like(
    State(state): State<AppState>,
    CommentId(id): CommentId,
    headers: HeaderMap,
    ClientAddr(addr): ClientAddr,
    MaybeSession(session): MaybeSession,
    form: Result<Form<LikeForm>, FormRejection>,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let Form(form) = form.map_err(|e| bad_form(e).with_care(care))?;
    let c = state
        .store()
        .comment(id)
        .await?
        .filter(|c| c.status == CommentStatus::Published)
        .ok_or_else(|| PageError::not_found("这条跟帖不存在或已被隐藏。").with_care(care))?;
    let back = format!("/comment/{}", c.root_id);
    let session = match form_reader(session, &headers, &form.csrf, &back)? {
        Ok(session) => session,
        Err(to_sign_in) => return Ok(to_sign_in),
    };
    let actor = Actor {
        user: &session.user,
        addr: &addr,
    };
    let liked = state
        .store()
        .liked_comments(session.user.id, &[id])
        .await?
        .contains(&id);
    let done = if liked {
        state.app().unlike_comment(actor, id).await
    } else {
        state.app().like_comment(actor, id).await
    };
    done.map_err(|e| PageError::from(e).with_care(care))?;
    Ok(Redirect::to(&format!("/comment/{}#c{id}", c.root_id)).into_response())
}

/// `/me/comments`: the reader's comments, with what became of each.
async fn mine(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let page = parse_page(&q).map_err(|e| e.with_care(care))?;
    let offset = i64::from((page - 1) * THREAD_PAGE);
    let store = state.store();
    let items = store
        .user_comments(session.user.id, THREAD_PAGE.into(), offset)
        .await?;
    let muted = store.muted(session.user.id).await?;
    let frame = Frame::new("我的跟帖", "/me/comments", care).describe("我发表的跟帖及其状态");
    let content = html! {
        section class="primary my-comments" {
            h1 { "我的跟帖" }
            @if let Some((until, reason)) = &muted {
                p class="notice" role="status" { "你已被禁言至 " (time(*until)) "，原因：" (reason) "。" }
            }
            @if items.is_empty() {
                p class="empty" { "还没有发表过跟帖。" }
            } @else {
                ol class="my-comment-list" {
                    @for c in &items {
                        li id={ "c" (c.id) } class={ "status-" (c.status.code()) } {
                            p class="comment-meta" {
                                span class="status" { (c.status.label()) }
                                @if !c.status_reason.is_empty() { "：" (c.status_reason) }
                                " · " (time(c.created_at))
                            }
                            div class="comment-body" { (maud::PreEscaped(hao_text::render_comment(&c.body))) }
                            p {
                                @if c.status == CommentStatus::Published {
                                    a href={ "/comment/" (c.root_id) "#c" (c.id) } { "查看跟帖" }
                                } @else {
                                    a href={ "/article/" (c.article_id) } { "查看原文" }
                                }
                            }
                        }
                    }
                }
            }
            // The count so far, and one more when this page is full: the
            // pager offers a next page exactly when there may be one.
            (pagination("/me/comments", page, offset + items.len() as i64 + i64::from(items.len() as u32 == THREAD_PAGE), THREAD_PAGE))
        }
    };
    Ok(private_page(StatusCode::OK, layout(&frame, content)))
}
