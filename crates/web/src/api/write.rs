//! The token-authenticated write API: external tools create, update and
//! publish articles (`Authorization: Bearer TOKEN`, tokens made on `/me`).
//!
//! - `POST /api/v1/articles` → 201 `{"id", "external_id", "url", "status", "near_duplicate_of"}`
//! - `PUT /api/v1/articles/{id}` → 200, same shape
//!
//! A novice creator's (新手期) articles come back `"status": "in_review"`:
//! they go live when an editor approves them.
//!
//! The body is the import's article object (title, body, channel, tags,
//! original/source/source_url, cover, published_at, external_id) plus
//! `"publish": false` to keep a draft. Creators write as themselves; editors
//! and admins may name any `author`.

use axum::Json;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use hao_app::publish::{self, Request};

use crate::http::AppState;
use crate::http::auth::ApiUser;
use crate::http::error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/articles", post(create))
        .route("/api/v1/articles/{id}", put(update))
}

fn json_error(e: JsonRejection) -> ApiError {
    ApiError::rejection(
        e.status(),
        format!("the body is not a valid article object: {}", e.body_text()),
    )
}

/// An article to create or update (the import's article object, plus what
/// to do with it). Documents `hao_app::publish::Request`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(super) struct ArticleBody {
    /// Unique; a new one is made when absent. Ignored by `PUT`.
    external_id: Option<String>,
    title: String,
    /// Markdown; each line is a paragraph.
    body: String,
    /// Editors and admins only: the author's display name (created if new).
    author: Option<String>,
    /// 个人, 媒体, 企业 or 政务, for a new author.
    author_type: Option<String>,
    /// A slug (`sports`) or a name (体育); chosen from the content when absent.
    channel: Option<String>,
    /// RFC 3339.
    published_at: Option<String>,
    /// 原创 (default) or 转载.
    original: Option<bool>,
    /// A 转载's origin: required when `original` is false.
    source: Option<String>,
    source_url: Option<String>,
    /// An image uploaded here (`/media/…`) or an http(s) link.
    cover: Option<String>,
    tags: Option<Vec<String>>,
    /// False keeps a draft (default true).
    publish: Option<bool>,
    /// RFC 3339, in the future: scheduled.
    publish_at: Option<String>,
}

/// What a write did.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct Written {
    id: i64,
    external_id: String,
    url: String,
    /// `published`, `scheduled`, `draft` or `in_review` (新手期).
    status: &'static str,
    /// Earlier articles by other creators this one near-duplicates.
    near_duplicate_of: Vec<i64>,
}

async fn write(
    state: &AppState,
    user: &hao_domain::User,
    request: Request,
    existing: Option<hao_domain::Article>,
) -> Result<Response, ApiError> {
    let saved = publish::publish(state.app(), user, request, existing).await?;
    let body = Written {
        id: saved.id,
        url: format!("/article/{}", saved.id),
        external_id: saved.external_id,
        status: saved.status.code(),
        near_duplicate_of: saved.near_duplicate_of,
    };
    let status = if saved.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(body)).into_response())
}

/// Create an article (as the token's user).
#[utoipa::path(
    post,
    path = "/api/v1/articles",
    tag = "write",
    request_body = ArticleBody,
    security(("token" = [])),
    responses(
        (status = 201, body = Written),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 403, body = crate::http::error::ErrorBody),
        (status = 409, body = crate::http::error::ErrorBody),
        (status = 422, body = crate::http::error::ErrorBody),
    )
)]
pub(super) async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<Request>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body.map_err(json_error)?;
    write(&state, &user, request, None).await
}

/// Update an article (its author, or an editor).
#[utoipa::path(
    put,
    path = "/api/v1/articles/{id}",
    tag = "write",
    params(("id" = i64, Path, description = "The article")),
    request_body = ArticleBody,
    security(("token" = [])),
    responses(
        (status = 200, body = Written),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 403, body = crate::http::error::ErrorBody),
        (status = 404, body = crate::http::error::ErrorBody),
        (status = 422, body = crate::http::error::ErrorBody),
    )
)]
pub(super) async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    body: Result<Json<Request>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = crate::http::ids::api_id(&raw, "article")?;
    let Json(request) = body.map_err(json_error)?;
    let article = state
        .store()
        .article(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no article with id {id}")))?;
    write(&state, &user, request, Some(article)).await
}
