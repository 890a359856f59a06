//! The webhooks API: register a URL for events (creators and admins), list
//! one's webhooks, delete one, and read a webhook's delivery log. The
//! events and deliveries are `hao_app::webhooks`'.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use hao_app::webhooks::WebhookError;
use serde::{Deserialize, Serialize};

use crate::http::AppState;
use crate::http::auth::ApiUser;
use crate::http::error::ApiError;
use crate::ui::layout::rfc3339;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/webhooks", get(list_webhooks).post(create_webhook))
        .route("/api/v1/webhooks/{id}", delete(delete_webhook))
        .route("/api/v1/webhooks/{id}/deliveries", get(webhook_deliveries))
}

impl From<WebhookError> for ApiError {
    fn from(e: WebhookError) -> ApiError {
        match e {
            WebhookError::Forbidden => ApiError::forbidden(e.to_string()),
            WebhookError::BadUrl(_) | WebhookError::BadEvents(_) | WebhookError::TooMany => {
                ApiError {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    code: "invalid",
                    message: e.to_string(),
                    retry_after: None,
                }
            }
            WebhookError::Store(e) => e.into(),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewWebhook {
    /// Where to POST events: http(s), not a private address.
    url: String,
    /// Any of `article.published`, `article.updated`, `article.unpublished`,
    /// `article.taken_down`, `comment.created`, `follower.created`.
    events: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedWebhook {
    id: i64,
    /// The key of `X-Hao-Signature: sha256=HMAC-SHA256(secret, body)`;
    /// shown this once.
    secret: String,
    url: String,
    events: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct WebhookJson {
    id: i64,
    url: String,
    events: Vec<String>,
    /// False once a delivery was given up (the owner is told in 消息).
    active: bool,
    created_at: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct WebhookList {
    items: Vec<WebhookJson>,
}

/// Register a webhook (a creator's hears of their own articles, comments on
/// them and their followers; an admin's, of the whole site).
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    request_body = NewWebhook,
    security(("token" = [])),
    responses(
        (status = 201, body = CreatedWebhook),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 403, body = crate::http::error::ErrorBody),
        (status = 422, body = crate::http::error::ErrorBody),
    )
)]
async fn create_webhook(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<NewWebhook>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    let Json(body) = body.map_err(|e| ApiError::rejection(e.status(), e.body_text()))?;
    let w = state
        .app()
        .create_webhook(&user, &body.url, &body.events)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhook {
            id: w.id,
            secret: w.secret,
            url: w.url,
            events: w.events,
        }),
    ))
}

/// The token's user's webhooks, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    security(("token" = [])),
    responses(
        (status = 200, body = WebhookList),
        (status = 401, body = crate::http::error::ErrorBody),
    )
)]
async fn list_webhooks(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<WebhookList>, ApiError> {
    let items = state
        .store()
        .webhooks_of(user.id)
        .await?
        .into_iter()
        .map(|w| WebhookJson {
            id: w.id,
            url: w.url,
            events: w.events,
            active: w.active,
            created_at: rfc3339(w.created_at),
        })
        .collect();
    Ok(Json(WebhookList { items }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Deleted {
    id: i64,
    deleted: bool,
}

/// Delete one of the token's user's webhooks (and its delivery log).
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    params(("id" = i64, Path, description = "The webhook")),
    security(("token" = [])),
    responses(
        (status = 200, body = Deleted),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 404, body = crate::http::error::ErrorBody),
    )
)]
async fn delete_webhook(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<Deleted>, ApiError> {
    let id = crate::http::ids::api_id(&raw, "webhook")?;
    if !state.store().delete_webhook(user.id, id).await? {
        return Err(ApiError::not_found(format!("you have no webhook {id}")));
    }
    Ok(Json(Deleted { id, deleted: true }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DeliveryJson {
    id: i64,
    event: String,
    /// `pending`, `delivered` or `failed` (given up).
    status: String,
    attempts: i64,
    /// The receiver's HTTP status of the last attempt.
    response_status: Option<i64>,
    error: String,
    created_at: String,
    delivered_at: Option<String>,
    /// The body as sent.
    body: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DeliveryLog {
    items: Vec<DeliveryJson>,
}

/// A webhook's newest 100 deliveries.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    params(("id" = i64, Path, description = "The webhook")),
    security(("token" = [])),
    responses(
        (status = 200, body = DeliveryLog),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 404, body = crate::http::error::ErrorBody),
    )
)]
async fn webhook_deliveries(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<DeliveryLog>, ApiError> {
    let id = crate::http::ids::api_id(&raw, "webhook")?;
    let mine = state
        .store()
        .webhook(id)
        .await?
        .filter(|w| w.user_id == user.id)
        .ok_or_else(|| ApiError::not_found(format!("you have no webhook {id}")))?;
    let items = state
        .store()
        .deliveries(mine.id, 100)
        .await?
        .into_iter()
        .map(|d| DeliveryJson {
            id: d.id,
            event: d.event,
            status: d.status,
            attempts: d.attempts,
            response_status: d.response_status,
            error: d.error,
            created_at: rfc3339(d.created_at),
            delivered_at: d.delivered_at.map(rfc3339),
            body: d.body,
        })
        .collect();
    Ok(Json(DeliveryLog { items }))
}

/// The API document's part for webhooks (merged in `crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(create_webhook, list_webhooks, delete_webhook, webhook_deliveries))]
pub struct WebhooksApi;
