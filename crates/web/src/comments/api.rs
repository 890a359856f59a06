//! The 跟帖 API: an article's threads (nested replies), posting a comment or
//! a reply with a reader's token, liking a comment, and reports.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use hao_app::engage::{Actor, Draft};
use hao_domain::{ArticleStatus, Comment, ReportReason, ReportTarget};
use hao_store::CommentSort;
use serde::{Deserialize, Serialize};

use crate::http::AppState;
use crate::http::auth::{ApiUser, ClientAddr};
use crate::http::error::ApiError;
use crate::http::ids::api_id;
use crate::ui::layout::rfc3339;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/articles/{id}/comments",
            axum::routing::get(list_comments).post(post_comment),
        )
        .route(
            "/api/v1/comments/{id}/like",
            post(like_comment).delete(unlike_comment),
        )
        .route("/api/v1/reports", post(create_report))
}

/// Threads per page of the API.
const PER_PAGE: u32 = 20;
/// Replies returned per thread (the first ones; the rest on its page).
const REPLIES: i64 = 100;

/// One comment, with its replies nested under it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CommentJson {
    id: i64,
    /// The commenter's username.
    author: String,
    /// Plain text.
    body: String,
    created_at: String,
    likes: i64,
    /// The comment this one answers (`null` for a thread's first).
    reply_to: Option<i64>,
    #[schema(no_recursion)]
    replies: Vec<CommentJson>,
}

fn nest(c: &Comment, children: &HashMap<i64, Vec<&Comment>>) -> CommentJson {
    CommentJson {
        id: c.id,
        author: c.author.clone(),
        body: c.body.clone(),
        created_at: rfc3339(c.created_at),
        likes: c.likes,
        reply_to: c.parent_id,
        replies: children
            .get(&c.id)
            .map(|cs| cs.iter().map(|r| nest(r, children)).collect())
            .unwrap_or_default(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CommentPage {
    items: Vec<CommentJson>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    sort: Option<String>,
    cursor: Option<String>,
}

/// An article's comment threads: `hot` (likes with time decay, the
/// default) or `new` (newest first), each with its replies nested.
#[utoipa::path(
    get,
    path = "/api/v1/articles/{id}/comments",
    tag = "comments",
    params(
        ("id" = i64, Path, description = "The article"),
        ("sort" = Option<String>, Query, description = "`hot` (default) or `new`"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the page before"),
    ),
    responses(
        (status = 200, body = CommentPage),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 404, body = crate::http::error::ErrorBody),
    )
)]
async fn list_comments(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<CommentPage>, ApiError> {
    let id = api_id(&raw, "article")?;
    let sort = match q.sort.as_deref() {
        None | Some("") | Some("hot") => CommentSort::Hot,
        Some("new") => CommentSort::New,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "sort '{other}' must be 'hot' or 'new'"
            )));
        }
    };
    let offset: i64 = match q.cursor.as_deref() {
        None | Some("") => 0,
        Some(raw) => raw
            .parse()
            .ok()
            .filter(|o| (0..=1_000_000).contains(o))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "cursor '{raw}' is not one this API gave: pass next_cursor as it came"
                ))
            })?,
    };
    let store = state.store();
    store
        .article(id)
        .await?
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or_else(|| ApiError::not_found(format!("no published article with id {id}")))?;
    let roots = store.threads(id, sort, PER_PAGE.into(), offset).await?;
    let ids: Vec<i64> = roots.iter().map(|c| c.id).collect();
    let replies = store.replies_of(&ids, REPLIES).await?;
    let mut children: HashMap<i64, Vec<&Comment>> = HashMap::new();
    for r in &replies {
        if let Some(p) = r.parent_id {
            children.entry(p).or_default().push(r);
        }
    }
    let next_cursor =
        (roots.len() == PER_PAGE as usize).then(|| (offset + i64::from(PER_PAGE)).to_string());
    Ok(Json(CommentPage {
        items: roots.iter().map(|c| nest(c, &children)).collect(),
        next_cursor,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewCommentJson {
    /// Plain text, 1–1000 characters.
    body: String,
    /// The comment answered, for a reply.
    reply_to: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PostedJson {
    id: i64,
    /// `published`, or `held` for an editor's review (a new account, a
    /// word of the 敏感词 list, a flood of the same text).
    status: &'static str,
}

/// Post a comment, or a reply with `reply_to` (a reader's token).
#[utoipa::path(
    post,
    path = "/api/v1/articles/{id}/comments",
    tag = "comments",
    params(("id" = i64, Path, description = "The article")),
    request_body = NewCommentJson,
    security(("token" = [])),
    responses(
        (status = 201, body = PostedJson),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 403, body = crate::http::error::ErrorBody, description = "Muted (禁言), or comments closed"),
        (status = 404, body = crate::http::error::ErrorBody),
        (status = 422, body = crate::http::error::ErrorBody, description = "Empty, too long, or a blocked word"),
        (status = 429, body = crate::http::error::ErrorBody, description = "Too many comments: see `Retry-After`"),
    )
)]
async fn post_comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ClientAddr(addr): ClientAddr,
    Path(raw): Path<String>,
    body: Result<Json<NewCommentJson>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<PostedJson>), ApiError> {
    let id = api_id(&raw, "article")?;
    let Json(body) = body.map_err(|e| ApiError::rejection(e.status(), e.body_text()))?;
    let c = state
        .app()
        .post_comment(
            Actor {
                user: &user,
                addr: &addr,
            },
            Draft {
                article_id: id,
                reply_to: body.reply_to,
                body: &body.body,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(PostedJson {
            id: c.id,
            status: c.status.code(),
        }),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CommentLiked {
    liked: bool,
    likes: i64,
}

/// Like a comment (once per user).
#[utoipa::path(
    post,
    path = "/api/v1/comments/{id}/like",
    tag = "comments",
    params(("id" = i64, Path, description = "The comment")),
    security(("token" = [])),
    responses(
        (status = 200, body = CommentLiked),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 404, body = crate::http::error::ErrorBody),
        (status = 429, body = crate::http::error::ErrorBody),
    )
)]
async fn like_comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ClientAddr(addr): ClientAddr,
    Path(raw): Path<String>,
) -> Result<Json<CommentLiked>, ApiError> {
    let id = api_id(&raw, "comment")?;
    let likes = state
        .app()
        .like_comment(
            Actor {
                user: &user,
                addr: &addr,
            },
            id,
        )
        .await?;
    Ok(Json(CommentLiked { liked: true, likes }))
}

/// Take a comment like back.
#[utoipa::path(
    delete,
    path = "/api/v1/comments/{id}/like",
    tag = "comments",
    params(("id" = i64, Path, description = "The comment")),
    security(("token" = [])),
    responses(
        (status = 200, body = CommentLiked),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 429, body = crate::http::error::ErrorBody),
    )
)]
async fn unlike_comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ClientAddr(addr): ClientAddr,
    Path(raw): Path<String>,
) -> Result<Json<CommentLiked>, ApiError> {
    let id = api_id(&raw, "comment")?;
    let likes = state
        .app()
        .unlike_comment(
            Actor {
                user: &user,
                addr: &addr,
            },
            id,
        )
        .await?;
    Ok(Json(CommentLiked {
        liked: false,
        likes,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReportJson {
    /// `article` or `comment`.
    target: String,
    id: i64,
    /// `rumor` 谣言, `vulgar` 色情低俗, `illegal` 违法违规, `infringement`
    /// 侵权/抄袭, `abuse` 人身攻击, `spam` 垃圾广告, `other` 其他 (or the
    /// Chinese label).
    reason: String,
    /// Up to 500 characters.
    text: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportedJson {
    /// `received`, or `already_reported` when this user reported it before.
    status: &'static str,
}

/// Report an article or a comment to the editors.
#[utoipa::path(
    post,
    path = "/api/v1/reports",
    tag = "comments",
    request_body = ReportJson,
    security(("token" = [])),
    responses(
        (status = 201, body = ReportedJson),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 404, body = crate::http::error::ErrorBody),
        (status = 429, body = crate::http::error::ErrorBody),
    )
)]
async fn create_report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ClientAddr(addr): ClientAddr,
    body: Result<Json<ReportJson>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<ReportedJson>), ApiError> {
    let Json(body) = body.map_err(|e| ApiError::rejection(e.status(), e.body_text()))?;
    let target = ReportTarget::parse(&body.target).ok_or_else(|| {
        ApiError::bad_request(format!(
            "target '{}' must be 'article' or 'comment'",
            body.target
        ))
    })?;
    let reason = ReportReason::parse(&body.reason).ok_or_else(|| {
        ApiError::bad_request(format!(
            "reason '{}' must be one of rumor, vulgar, illegal, infringement, abuse, spam, other",
            body.reason
        ))
    })?;
    let new = state
        .app()
        .report(
            Actor {
                user: &user,
                addr: &addr,
            },
            target,
            body.id,
            reason,
            body.text.as_deref().unwrap_or(""),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ReportedJson {
            status: if new { "received" } else { "already_reported" },
        }),
    ))
}

/// The API document's part for comments (merged in `crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_comments,
    post_comment,
    like_comment,
    unlike_comment,
    create_report
))]
pub struct CommentsApi;
