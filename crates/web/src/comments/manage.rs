//! `/manage/comments?article=ID`: every comment of one article, whatever
//! its status, for the article's creator and editors: hide one (with the
//! reason its author will read), publish a held one (editors), and close
//! or reopen the article's comments.

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hao_domain::CommentStatus;
use maud::html;
use serde::Deserialize;

use crate::http::AppState;
use crate::http::auth::SignedIn;
use crate::http::error::PageError;
use crate::http::ids::{ArticleId, CommentId};
use crate::http::respond::{is_care, parse_id, private_page};
use crate::ui::layout::{Frame, layout};
use crate::ui::parts::time;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/comments", get(page))
        .route("/manage/comments/{id}/hide", post(hide))
        .route("/manage/comments/{id}/approve", post(approve))
        .route("/manage/articles/{id}/comments", post(close))
}

#[derive(Deserialize)]
struct ArticleQuery {
    #[serde(default)]
    article: String,
}

async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ArticleQuery>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let id = parse_id(q.article.trim(), "文章").map_err(|e| e.with_care(care))?;
    let article = state
        .store()
        .article(id)
        .await?
        .ok_or_else(|| PageError::not_found("没有这篇文章。").with_care(care))?;
    if !state
        .app()
        .moderates(&session.user, id)
        .await
        .map_err(PageError::from)?
    {
        return Err(
            PageError::forbidden("只有文章作者或编辑可以管理这篇文章的跟帖。").with_care(care),
        );
    }
    let comments = state.store().article_comments(id, 500, 0).await?;
    let editor = session.user.role.is_editor();
    let path = format!("/manage/comments?article={id}");
    let frame = Frame::new("管理跟帖", &path, care);
    let content = html! {
        section class="editor manage-comments" {
            h1 { "管理跟帖：" a href={ "/article/" (id) } { (article.title) } }
            form method="post" action={ "/manage/articles/" (id) "/comments" } {
                input type="hidden" name="csrf" value=(session.csrf);
                @if article.comments_closed {
                    p { "本文跟帖已关闭。" }
                    input type="hidden" name="closed" value="0";
                    button type="submit" { "重新开放跟帖" }
                } @else {
                    p { "本文跟帖开放中，共 " (article.comments) " 条已发布。" }
                    input type="hidden" name="closed" value="1";
                    button type="submit" { "关闭跟帖" }
                }
            }
            @if comments.is_empty() { p class="empty" { "还没有跟帖。" } }
            @else {
                table {
                    thead { tr { th scope="col" { "跟帖" } th scope="col" { "作者" } th scope="col" { "状态" } th scope="col" { "时间" } th scope="col" { "操作" } } }
                    tbody {
                        @for c in &comments {
                            tr id={ "c" (c.id) } {
                                td { (hao_store::excerpt(&c.body, 120)) }
                                td { (c.author) }
                                td { (c.status.label()) @if !c.status_reason.is_empty() { "：" (c.status_reason) } }
                                td { (time(c.created_at)) }
                                td {
                                    @if c.status != CommentStatus::Hidden {
                                        form class="inline" method="post" action={ "/manage/comments/" (c.id) "/hide" } {
                                            input type="hidden" name="csrf" value=(session.csrf);
                                            label for={ "reason-" (c.id) } class="visually-hidden" { "隐藏理由" }
                                            input id={ "reason-" (c.id) } name="reason" maxlength="200" placeholder="隐藏理由（作者可见）";
                                            button type="submit" { "隐藏" span class="visually-hidden" { " " (c.author) " 的跟帖" } }
                                        }
                                    }
                                    @if editor && c.status == CommentStatus::Held {
                                        form class="inline" method="post" action={ "/manage/comments/" (c.id) "/approve" } {
                                            input type="hidden" name="csrf" value=(session.csrf);
                                            button type="submit" { "通过" span class="visually-hidden" { " " (c.author) " 的跟帖" } }
                                        }
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
struct HideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    /// Where to go back to (an editor's queue), else the article's page here.
    #[serde(default)]
    back: String,
}

fn back_to(back: &str, article: i64) -> String {
    match back {
        "reports" => "/editor/reports".to_owned(),
        _ => format!("/manage/comments?article={article}"),
    }
}

async fn hide(
    State(state): State<AppState>,
    CommentId(id): CommentId,
    SignedIn(session): SignedIn,
    Form(f): Form<HideForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    let c = state
        .app()
        .hide_comment(&session.user, id, &f.reason)
        .await?;
    Ok(Redirect::to(&back_to(&f.back, c.article_id)).into_response())
}

async fn approve(
    State(state): State<AppState>,
    CommentId(id): CommentId,
    SignedIn(session): SignedIn,
    Form(f): Form<HideForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    let c = state.app().approve_comment(&session.user, id).await?;
    Ok(Redirect::to(&back_to(&f.back, c.article_id)).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct CloseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    closed: String,
}

async fn close(
    State(state): State<AppState>,
    ArticleId(id): ArticleId,
    SignedIn(session): SignedIn,
    Form(f): Form<CloseForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    let closed = match f.closed.as_str() {
        "1" => true,
        "0" => false,
        _ => {
            return Err(PageError::bad_request(
                "closed 应为 1（关闭）或 0（开放）。",
            ));
        }
    };
    state
        .app()
        .close_comments(&session.user, id, closed)
        .await?;
    Ok(Redirect::to(&format!("/manage/comments?article={id}")).into_response())
}
