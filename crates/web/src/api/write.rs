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
    ApiError {
        status: StatusCode::BAD_REQUEST,
        code: "bad_request",
        message: format!("the body is not a valid article object: {}", e.body_text()),
    }
}

async fn write(
    state: &AppState,
    user: &hao_domain::User,
    request: Request,
    existing: Option<hao_domain::Article>,
) -> Result<Response, ApiError> {
    let saved = publish::publish(state.app(), user, request, existing).await?;
    let body = serde_json::json!({
        "id": saved.id,
        "external_id": saved.external_id,
        "url": format!("/article/{}", saved.id),
        "status": saved.status.code(),
        "near_duplicate_of": saved.near_duplicate_of,
    });
    let status = if saved.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(body)).into_response())
}

async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<Request>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body.map_err(json_error)?;
    write(&state, &user, request, None).await
}

async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    body: Result<Json<Request>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id: i64 = raw.parse().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::bad_request(format!("article id '{raw}' is not a positive integer"))
    })?;
    let Json(request) = body.map_err(json_error)?;
    let article = state
        .store()
        .article(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no article with id {id}")))?;
    write(&state, &user, request, Some(article)).await
}
