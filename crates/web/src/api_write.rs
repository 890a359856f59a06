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
use hao_domain::{AccountType, ArticleStatus, Role};
use hao_store::NewCreator;
use serde::Deserialize;

use crate::AppState;
use crate::auth::ApiUser;
use crate::drafts::{self, ArticleInput};
use crate::error::ApiError;
use crate::originality::{self, Written};
use hao_text::fingerprint::Sketch;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/articles", post(create))
        .route("/api/v1/articles/{id}", put(update))
}

#[derive(Debug, Deserialize)]
pub struct WriteRequest {
    #[serde(flatten)]
    pub(crate) input: ArticleInput,
    /// False keeps the article as a draft.
    #[serde(default = "yes")]
    pub(crate) publish: bool,
    /// RFC 3339 time in the future: the article is scheduled and goes live
    /// then (on whichever node gets there first, exactly once).
    pub(crate) publish_at: Option<String>,
}

/// What a save did (the API's answer, the studio's redirect).
#[derive(Debug, Clone)]
pub struct Saved {
    pub id: i64,
    pub external_id: String,
    pub status: ArticleStatus,
    pub near_duplicate_of: Vec<i64>,
    pub created: bool,
}

fn yes() -> bool {
    true
}

fn json_error(e: JsonRejection) -> ApiError {
    ApiError {
        status: StatusCode::BAD_REQUEST,
        code: "bad_request",
        message: format!("the body is not a valid article object: {}", e.body_text()),
    }
}

/// The creator an article is written as: the user's own for creators; for
/// editors and admins, the named `author` (created if new) or their own.
async fn author_of(
    state: &AppState,
    user: &hao_domain::User,
    author: &str,
    author_type: AccountType,
) -> Result<i64, ApiError> {
    if user.role.is_editor() && (author != drafts::ANONYMOUS || user.creator_id.is_none()) {
        return Ok(state
            .store()
            .ensure_creator(&NewCreator {
                display_name: author,
                account_type: author_type,
                bio: "",
                is_demo: false,
                is_official: false,
            })
            .await?);
    }
    match (user.role, user.creator_id) {
        (Role::Creator | Role::Editor | Role::Admin, Some(id)) => Ok(id),
        _ => Err(ApiError::forbidden(
            "only creators publish: apply to become a creator (申请入驻) first",
        )),
    }
}

async fn write(
    state: &AppState,
    user: &hao_domain::User,
    request: WriteRequest,
    existing: Option<hao_domain::Article>,
) -> Result<Response, ApiError> {
    let saved = save(state, user, request, existing).await?;
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

/// Validates, analyses and stores an article written by `user` (new, or an
/// update of `existing`), records its near-duplicates: the one write path of
/// the API and the studio's editor.
pub(crate) async fn save(
    state: &AppState,
    user: &hao_domain::User,
    request: WriteRequest,
    existing: Option<hao_domain::Article>,
) -> Result<Saved, ApiError> {
    let mut input = request.input;
    let created = existing.is_none();
    match &existing {
        Some(a) => input.external_id = Some(a.external_id.clone()),
        None => {
            if input
                .external_id
                .as_deref()
                .is_none_or(|e| e.trim().is_empty())
            {
                input.external_id = Some(format!("hao-{}", &crate::auth::random_secret()[..16]));
            }
        }
    }
    let parsed = drafts::parse(input, hao_store::now()).map_err(|e| ApiError::invalid(&e))?;
    let creator_id = match &existing {
        // An update keeps the article's author.
        Some(a) => a.creator_id,
        None => author_of(state, user, &parsed.author, parsed.author_type).await?,
    };
    if created
        && let Some(a) = state
            .store()
            .article_by_external_id(&parsed.draft.external_id)
            .await?
    {
        return Err(ApiError {
            status: StatusCode::CONFLICT,
            code: "conflict",
            message: format!(
                "external_id '{}' is already article {}: update it with PUT /api/v1/articles/{}",
                a.external_id, a.id, a.id
            ),
        });
    }
    let mut draft = parsed.draft;
    draft.creator_id = creator_id;
    let publish_at = request
        .publish_at
        .as_deref()
        .map(|t| {
            chrono::DateTime::parse_from_rfc3339(t.trim())
                .map(|d| d.timestamp())
                .map_err(|e| ApiError {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    code: "invalid",
                    message: format!(
                        "field 'publish_at' is invalid: '{t}' is not an RFC 3339 time ({e})"
                    ),
                })
        })
        .transpose()?;
    draft.status = match publish_at {
        _ if !request.publish => ArticleStatus::Draft,
        Some(at) if at > state.now() => {
            draft.published_at = at;
            ArticleStatus::Scheduled
        }
        _ => ArticleStatus::Published,
    };
    // 新手期: a novice creator's article waits for an editor (editors and
    // admins writing as the creator are trusted).
    if matches!(
        draft.status,
        ArticleStatus::Published | ArticleStatus::Scheduled
    ) && !user.role.is_editor()
        && state.store().is_novice(creator_id).await?
    {
        draft.status = ArticleStatus::InReview;
    }
    let upserted = state.store().upsert_articles(&[draft.clone()]).await?[0];
    let pairs = match draft.sketch.as_deref().and_then(Sketch::decode) {
        Some(sketch) => {
            originality::near_duplicates(
                state.store(),
                Written {
                    id: upserted.id,
                    creator_id,
                    published_at: draft.published_at,
                    sketch: &sketch,
                    bands: &draft.bands,
                },
            )
            .await?
        }
        None => vec![],
    };
    state.store().record_near_duplicates(&pairs).await?;
    state.invalidate();
    let near = state.store().near_duplicate_of(upserted.id).await?;
    Ok(Saved {
        id: upserted.id,
        external_id: draft.external_id,
        status: draft.status,
        near_duplicate_of: near,
        created,
    })
}

async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<WriteRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body.map_err(json_error)?;
    write(&state, &user, request, None).await
}

async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    body: Result<Json<WriteRequest>, JsonRejection>,
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
    if !user.role.is_editor() && user.creator_id != Some(article.creator_id) {
        return Err(ApiError::forbidden(
            "only the article's creator or an editor may change it",
        ));
    }
    write(&state, &user, request, Some(article)).await
}
