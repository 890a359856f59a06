//! 点赞 and 收藏: a reader likes an article (once; the same button takes it
//! back) and keeps it in their favourites (`/favorites`, newest first,
//! removable). The buttons are on the cached article page, the same bytes
//! for everyone, so like the follow button they are accepted with the
//! session's CSRF token or when the browser says the form was this site's.
//! The API: `POST`/`DELETE /api/v1/articles/{id}/like` with a bearer token.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use maud::html;
use serde::{Deserialize, Serialize};

use crate::http::AppState;
use crate::http::auth::{ApiUser, ClientAddr, MaybeSession, SignedIn};
use crate::http::error::{ApiError, PageError};
use crate::http::forms::bad_form;
use crate::http::ids::ArticleId;
use crate::http::respond::{PER_PAGE, PageQuery, is_care, parse_page, private_page};
use crate::ui::layout::{Frame, layout};
use crate::ui::parts::{pagination, summary_list};
use hao_app::engage::Actor;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/article/{id}/like", post(like))
        .route("/article/{id}/favorite", post(favorite))
        .route("/favorites", get(favorites))
        .route("/favorites/remove", post(remove))
        .route(
            "/api/v1/articles/{id}/like",
            post(api_like).delete(api_unlike),
        )
}

#[derive(Debug, Default, Deserialize)]
pub struct ArticleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    article: String,
}

/// The signed-in reader of a form sent from a cached page, or where to go.
fn reader_of(
    session: Option<crate::http::auth::Session>,
    headers: &HeaderMap,
    csrf: &str,
    id: i64,
) -> Result<Result<crate::http::auth::Session, Response>, PageError> {
    crate::http::auth::form_reader(session, headers, csrf, &format!("/article/{id}"))
}

fn not_found() -> PageError {
    PageError::not_found("这篇文章不存在，或已被作者删除、下架。")
}

/// 点赞: likes the article, or takes the like back when the reader had given it.
async fn like(
    State(state): State<AppState>,
    ArticleId(id): ArticleId,
    headers: HeaderMap,
    ClientAddr(addr): ClientAddr,
    MaybeSession(session): MaybeSession,
    form: Result<Form<ArticleForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Form(form) = form.map_err(bad_form)?;
    let session = match reader_of(session, &headers, &form.csrf, id)? {
        Ok(session) => session,
        Err(to_sign_in) => return Ok(to_sign_in),
    };
    let actor = Actor {
        user: &session.user,
        addr: &addr,
    };
    let care = is_care(&headers);
    let new = state
        .app()
        .like_article(actor, id)
        .await
        .map_err(|e| PageError::from(e).with_care(care))?;
    if !new {
        state
            .app()
            .unlike_article(actor, id)
            .await
            .map_err(|e| PageError::from(e).with_care(care))?;
    }
    Ok(Redirect::to(&format!("/article/{id}")).into_response())
}

/// 收藏: keeps the article in the reader's favourites.
async fn favorite(
    State(state): State<AppState>,
    ArticleId(id): ArticleId,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
    form: Result<Form<ArticleForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Form(form) = form.map_err(bad_form)?;
    let user = match reader_of(session, &headers, &form.csrf, id)? {
        Ok(session) => session.user.id,
        Err(to_sign_in) => return Ok(to_sign_in),
    };
    if state.store().favorite(user, id).await?.is_none() {
        return Err(not_found().with_care(is_care(&headers)));
    }
    Ok(Redirect::to("/favorites").into_response())
}

/// `/favorites`: the reader's favourites, newest first, each removable.
async fn favorites(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let page = parse_page(&q).map_err(|e| e.with_care(care))?;
    let offset = i64::from((page - 1) * PER_PAGE);
    let list = state
        .store()
        .favorites(session.user.id, PER_PAGE.into(), offset)
        .await?;
    let frame = Frame::new("我的收藏", "/favorites", care).describe("收藏的文章");
    let content = html! {
        section class="primary favorites" {
            h1 { "我的收藏" span class="count" { "共 " (list.total) " 篇" } }
            @if list.items.is_empty() {
                p class="empty" { "还没有收藏文章。在文章页点“收藏”即可。" }
            } @else {
                (summary_list(&list.items))
                ul class="favorite-actions" {
                    @for a in &list.items {
                        li {
                            form method="post" action="/favorites/remove" {
                                input type="hidden" name="csrf" value=(session.csrf);
                                input type="hidden" name="article" value=(a.id);
                                button type="submit" { "取消收藏" span class="visually-hidden" { "：" (a.title) } }
                            }
                        }
                    }
                }
            }
            (pagination("/favorites", page, list.total, PER_PAGE))
        }
    };
    Ok(private_page(StatusCode::OK, layout(&frame, content)))
}

async fn remove(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Form(form): Form<ArticleForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let id = crate::http::respond::parse_id(form.article.trim(), "文章")?;
    state.store().unfavorite(session.user.id, id).await?;
    Ok(Redirect::to("/favorites").into_response())
}

/// The answer of the like API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Liked {
    /// Whether the token's user likes the article now.
    liked: bool,
    /// The article's likes.
    likes: i64,
}

async fn likes_of(state: &AppState, id: i64) -> Result<i64, ApiError> {
    Ok(state
        .store()
        .article(id)
        .await?
        .map(|a| a.likes)
        .unwrap_or_default())
}

/// Like an article (once per user; liking again changes nothing).
#[utoipa::path(
    post,
    path = "/api/v1/articles/{id}/like",
    tag = "articles",
    params(("id" = i64, Path, description = "The article")),
    security(("token" = [])),
    responses(
        (status = 200, body = Liked),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 404, body = crate::http::error::ErrorBody),
        (status = 429, body = crate::http::error::ErrorBody, description = "Too many likes: see `Retry-After`"),
    )
)]
async fn api_like(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ClientAddr(addr): ClientAddr,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> Result<Json<Liked>, ApiError> {
    let id = crate::http::ids::api_id(&raw, "article")?;
    let actor = Actor {
        user: &user,
        addr: &addr,
    };
    state.app().like_article(actor, id).await?;
    Ok(Json(Liked {
        liked: true,
        likes: likes_of(&state, id).await?,
    }))
}

/// Take a like back.
#[utoipa::path(
    delete,
    path = "/api/v1/articles/{id}/like",
    tag = "articles",
    params(("id" = i64, Path, description = "The article")),
    security(("token" = [])),
    responses(
        (status = 200, body = Liked),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 429, body = crate::http::error::ErrorBody, description = "Too many likes: see `Retry-After`"),
    )
)]
async fn api_unlike(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ClientAddr(addr): ClientAddr,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> Result<Json<Liked>, ApiError> {
    let id = crate::http::ids::api_id(&raw, "article")?;
    let actor = Actor {
        user: &user,
        addr: &addr,
    };
    state.app().unlike_article(actor, id).await?;
    Ok(Json(Liked {
        liked: false,
        likes: likes_of(&state, id).await?,
    }))
}

/// The API document's part for likes (merged in `crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(api_like, api_unlike))]
pub struct EngageApi;
