//! The read API's lists, paged by cursor (`next_cursor` names where the
//! next page starts; `null` on the last page):
//!
//! - `GET /api/v1/articles?channel=slug&author=id&tag=t&cursor=C&limit=N`:
//!   published articles, newest first.
//! - `GET /api/v1/channels`: every channel with its page and feeds.
//! - `GET /api/v1/authors?cursor=C&limit=N`: creators with published articles.
//! - `GET /api/v1/tags?limit=N`: the tags of the most articles (热门话题).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use hao_domain::{ArticleSummary, Channel};
use hao_store::ArticleFilter;
use serde::{Deserialize, Serialize};

use crate::http::AppState;
use crate::http::error::ApiError;
use crate::ui::layout::{rfc3339, tag_path};

/// Items a page holds unless `limit` says otherwise, and at most.
const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/articles", get(articles))
        .route("/api/v1/channels", get(channels))
        .route("/api/v1/authors", get(authors))
        .route("/api/v1/tags", get(tags))
}

/// A page of a list: its items, and where the next page starts (`null`
/// on the last).
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Page<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

fn limit(raw: Option<&str>) -> Result<usize, ApiError> {
    match raw {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit '{raw}' must be an integer from 1 to {MAX_LIMIT}"
                ))
            }),
    }
}

fn bad_cursor(raw: &str) -> ApiError {
    ApiError::bad_request(format!(
        "cursor '{raw}' is not one this API gave: pass next_cursor as it came"
    ))
}

#[derive(Deserialize)]
pub(super) struct ArticlesQuery {
    channel: Option<String>,
    author: Option<String>,
    tag: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct AuthorRef {
    id: i64,
    name: String,
    url: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ArticleItem {
    id: i64,
    external_id: String,
    title: String,
    summary: String,
    url: String,
    channel: &'static str,
    author: AuthorRef,
    published_at: String,
    cover: Option<String>,
    /// 跟帖: published comments.
    comments: i64,
}

impl From<ArticleSummary> for ArticleItem {
    fn from(a: ArticleSummary) -> ArticleItem {
        ArticleItem {
            url: format!("/article/{}", a.id),
            id: a.id,
            external_id: a.external_id,
            title: a.title,
            summary: a.summary,
            channel: a.channel.slug(),
            author: AuthorRef {
                url: format!("/author/{}", a.creator_id),
                id: a.creator_id,
                name: a.creator_name,
            },
            published_at: rfc3339(a.published_at),
            cover: a.cover_url,
            comments: a.comments,
        }
    }
}

/// Published articles, newest first, filtered by channel, author or tag.
#[utoipa::path(
    get,
    path = "/api/v1/articles",
    tag = "lists",
    params(
        ("channel" = Option<String>, Query, description = "A channel slug"),
        ("author" = Option<i64>, Query, description = "An author's id"),
        ("tag" = Option<String>, Query, description = "A tag"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the page before"),
        ("limit" = Option<usize>, Query, description = "1–100, default 20"),
    ),
    responses(
        (status = 200, body = Page<ArticleItem>),
        (status = 400, body = crate::http::error::ErrorBody),
    )
)]
pub(super) async fn articles(
    State(state): State<AppState>,
    Query(q): Query<ArticlesQuery>,
) -> Result<Json<Page<ArticleItem>>, ApiError> {
    let limit = limit(q.limit.as_deref())?;
    let mut filter = ArticleFilter::default();
    if let Some(c) = q.channel.as_deref().filter(|c| !c.is_empty()) {
        filter.channel = Some(
            Channel::parse(c)
                .map_err(|_| ApiError::bad_request(format!("unknown channel '{c}'")))?,
        );
    }
    if let Some(a) = q.author.as_deref().filter(|a| !a.is_empty()) {
        filter.creator_id = Some(a.parse().ok().filter(|id| *id > 0).ok_or_else(|| {
            ApiError::bad_request(format!("author '{a}' is not a positive integer"))
        })?);
    }
    if let Some(t) = q.tag.as_deref().filter(|t| !t.is_empty()) {
        filter.tag = Some(
            crate::http::respond::valid_tag(t)
                .map_err(|_| ApiError::bad_request(format!("tag '{t}' is not a tag")))?,
        );
    }
    let before = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(raw) => {
            let (t, id) = raw.split_once('.').ok_or_else(|| bad_cursor(raw))?;
            Some((
                t.parse().map_err(|_| bad_cursor(raw))?,
                id.parse().map_err(|_| bad_cursor(raw))?,
            ))
        }
    };
    // One more than asked: whether there is a next page.
    let mut rows = state
        .store()
        .articles_before(&filter, before, limit as i64 + 1)
        .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = more
        .then(|| rows.last().map(|a| format!("{}.{}", a.published_at, a.id)))
        .flatten();
    Ok(Json(Page {
        items: rows.into_iter().map(ArticleItem::from).collect(),
        next_cursor,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ChannelItem {
    slug: &'static str,
    name: &'static str,
    url: String,
    rss: String,
    atom: String,
}

/// Every channel, with its page and feeds.
#[utoipa::path(
    get,
    path = "/api/v1/channels",
    tag = "lists",
    responses((status = 200, body = Page<ChannelItem>))
)]
pub(super) async fn channels() -> Json<Page<ChannelItem>> {
    Json(Page {
        items: Channel::ALL
            .iter()
            .map(|c| ChannelItem {
                slug: c.slug(),
                name: c.name(),
                url: format!("/channel/{}", c.slug()),
                rss: format!("/channel/{}/rss.xml", c.slug()),
                atom: format!("/channel/{}/atom.xml", c.slug()),
            })
            .collect(),
        next_cursor: None,
    })
}

#[derive(Deserialize)]
pub(super) struct CursorQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct AuthorItem {
    id: i64,
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    bio: String,
    articles: i64,
    followers: i64,
    url: String,
}

/// Creators with published articles, by id.
#[utoipa::path(
    get,
    path = "/api/v1/authors",
    tag = "lists",
    params(
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the page before"),
        ("limit" = Option<usize>, Query, description = "1–100, default 20"),
    ),
    responses(
        (status = 200, body = Page<AuthorItem>),
        (status = 400, body = crate::http::error::ErrorBody),
    )
)]
pub(super) async fn authors(
    State(state): State<AppState>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Page<AuthorItem>>, ApiError> {
    let limit = limit(q.limit.as_deref())?;
    let after = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => 0,
        Some(raw) => raw.parse().map_err(|_| bad_cursor(raw))?,
    };
    let mut rows = state
        .store()
        .creators_after(after, limit as i64 + 1)
        .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = more
        .then(|| rows.last().map(|c| c.id.to_string()))
        .flatten();
    Ok(Json(Page {
        items: rows
            .into_iter()
            .map(|c| AuthorItem {
                url: format!("/author/{}", c.id),
                id: c.id,
                kind: c.account_type.label(),
                name: c.display_name,
                bio: c.bio,
                articles: c.article_count,
                followers: c.follower_count,
            })
            .collect(),
        next_cursor,
    }))
}

#[derive(Deserialize)]
pub(super) struct LimitQuery {
    limit: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct TagItem {
    tag: String,
    articles: i64,
    url: String,
}

/// The tags of the most articles (热门话题).
#[utoipa::path(
    get,
    path = "/api/v1/tags",
    tag = "lists",
    params(("limit" = Option<usize>, Query, description = "1–100, default 20")),
    responses(
        (status = 200, body = Page<TagItem>),
        (status = 400, body = crate::http::error::ErrorBody),
    )
)]
pub(super) async fn tags(
    State(state): State<AppState>,
    Query(q): Query<LimitQuery>,
) -> Result<Json<Page<TagItem>>, ApiError> {
    let limit = limit(q.limit.as_deref())?;
    let rows = state.store().hot_tags(0, limit as i64).await?;
    Ok(Json(Page {
        items: rows
            .into_iter()
            .map(|(tag, articles)| TagItem {
                url: format!("/tag/{}", tag_path(&tag)),
                tag,
                articles,
            })
            .collect(),
        next_cursor: None,
    }))
}
