//! The JSON API (`/api/v1`). Wire shapes are defined here and converted from
//! domain types by hand, so the format never changes by accident.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::get;
use hao_domain::{Article, ArticleStatus, Creator, Originality};
use serde::Serialize;

use crate::http::AppState;
use crate::http::cache::PageKey;
use crate::http::error::ApiError;
use crate::ui::layout::rfc3339;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/articles/{id}", get(by_id))
        .route("/api/v1/articles/{id}/related", get(related))
        .route("/api/v1/hot", get(hot))
        .route(
            "/api/v1/articles/by-external-id/{external_id}",
            get(by_external_id),
        )
}

/// An article as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ArticleJson {
    id: i64,
    external_id: String,
    title: String,
    /// Site-relative URL of the article page.
    url: String,
    /// Channel slug.
    channel: String,
    channel_name: &'static str,
    /// Author display name.
    author: String,
    author_id: i64,
    summary: String,
    body_markdown: String,
    body_html: String,
    tags: Vec<String>,
    /// TF-IDF keywords, best first (suggested tags).
    keywords: Vec<String>,
    original: bool,
    source: Option<String>,
    source_url: Option<String>,
    status: &'static str,
    published_at: String,
    updated_at: String,
    views: i64,
    shares: i64,
    /// 点赞: readers who like it.
    likes: i64,
    /// 跟帖: published comments.
    comments: i64,
    /// Ids of earlier articles by other creators that this one near-duplicates.
    near_duplicate_of: Vec<i64>,
}

impl ArticleJson {
    fn new(a: Article, c: &Creator, near_duplicate_of: Vec<i64>) -> ArticleJson {
        let (original, source, source_url) = match a.originality {
            Originality::Original => (true, None, None),
            Originality::Reprint {
                source_name,
                source_url,
            } => (false, Some(source_name), source_url),
        };
        ArticleJson {
            url: format!("/article/{}", a.id),
            id: a.id,
            external_id: a.external_id,
            title: a.title,
            channel: a.channel.slug().to_owned(),
            channel_name: a.channel.name(),
            author: c.display_name.clone(),
            author_id: c.id,
            summary: a.summary,
            body_markdown: a.body_markdown,
            body_html: a.body_html,
            tags: a.tags,
            keywords: a
                .keywords
                .into_iter()
                .take(hao_text::KEYWORDS_PER_ARTICLE)
                .collect(),
            original,
            source,
            source_url,
            status: a.status.code(),
            published_at: rfc3339(a.published_at),
            updated_at: rfc3339(a.updated_at),
            views: a.views,
            shares: a.shares,
            likes: a.likes,
            comments: a.comments,
            near_duplicate_of,
        }
    }
}

/// The article's JSON, for a published article only: readers of the API see
/// what readers of the site see.
async fn article_json(
    state: &AppState,
    article: Option<Article>,
    what: &str,
) -> Result<String, ApiError> {
    let article = article
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or_else(|| ApiError::not_found(format!("no published article with {what}")))?;
    let creator = state
        .store()
        .creator(article.creator_id)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!("the author of article {} is missing", article.id))
        })?;
    let near = state.store().near_duplicate_of(article.id).await?;
    Ok(serde_json::to_string(&ArticleJson::new(article, &creator, near)).expect("serialisable"))
}

/// Article JSON goes through the page cache like pages: rendered once per
/// generation (views in it may lag by up to the page TTL), pre-compressed.
#[utoipa::path(
    get,
    path = "/api/v1/articles/{id}",
    tag = "articles",
    params(("id" = i64, Path, description = "The article")),
    responses(
        (status = 200, body = ArticleJson),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 404, body = crate::http::error::ErrorBody),
    )
)]
pub(super) async fn by_id(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = crate::http::ids::api_id(&raw, "article")?;
    let page = state
        .page_cache()
        .get_or_render(
            PageKey::ApiArticle { id },
            state.generation(),
            state.options().page_ttl,
            || async {
                let article = state.store().article(id).await?;
                article_json(&state, article, &format!("id {id}")).await
            },
        )
        .await?;
    Ok(page.respond(&method, &headers))
}

/// A published article by the id the importing system gave it.
#[utoipa::path(
    get,
    path = "/api/v1/articles/by-external-id/{external_id}",
    tag = "articles",
    params(("external_id" = String, Path, description = "The import's external id")),
    responses(
        (status = 200, body = ArticleJson),
        (status = 404, body = crate::http::error::ErrorBody),
    )
)]
pub(super) async fn by_external_id(
    State(state): State<AppState>,
    Path(external_id): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let key = PageKey::ApiArticleByExternalId {
        external_id: external_id.clone(),
    };
    let page = state
        .page_cache()
        .get_or_render(
            key,
            state.generation(),
            state.options().page_ttl,
            || async {
                let article = state.store().article_by_external_id(&external_id).await?;
                article_json(&state, article, &format!("external_id '{external_id}'")).await
            },
        )
        .await?;
    Ok(page.respond(&method, &headers))
}

#[derive(serde::Deserialize)]
pub(super) struct LimitQuery {
    limit: Option<String>,
}

/// One 相关推荐 pick and why.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct RelatedItem {
    id: i64,
    external_id: String,
    title: String,
    url: String,
    /// The keywords it shares (「俄乌 · 和谈」), as the page shows them.
    reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct RelatedList {
    items: Vec<RelatedItem>,
}

/// 相关推荐 of a published article, with the reason each is there.
#[utoipa::path(
    get,
    path = "/api/v1/articles/{id}/related",
    tag = "articles",
    params(
        ("id" = i64, Path, description = "The article"),
        ("limit" = Option<usize>, Query, description = "1–6, default 6"),
    ),
    responses(
        (status = 200, body = RelatedList),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 404, body = crate::http::error::ErrorBody),
        (status = 503, description = "The search index is being built", body = crate::http::error::ErrorBody),
    )
)]
pub(super) async fn related(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    axum::extract::Query(q): axum::extract::Query<LimitQuery>,
) -> Result<Response, ApiError> {
    use axum::response::IntoResponse;
    let id = crate::http::ids::api_id(&raw, "article")?;
    let limit = match q.limit.as_deref() {
        None | Some("") => hao_app::related::KEEP,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=hao_app::related::KEEP).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit '{l}' must be an integer from 1 to {}",
                    hao_app::related::KEEP
                ))
            })?,
    };
    let Some(list) = state
        .related()
        .get_or_compute(state.store(), state.built_search(), id)
        .await?
    else {
        let published = state
            .store()
            .article(id)
            .await?
            .is_some_and(|a| a.status == hao_domain::ArticleStatus::Published);
        return Err(if published {
            ApiError {
                retry_after: None,
                status: axum::http::StatusCode::SERVICE_UNAVAILABLE,
                code: "not_ready",
                message: "related articles are not ready yet: the search index is being built"
                    .into(),
            }
        } else {
            ApiError::not_found(format!("no published article with id {id}"))
        });
    };
    let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
    let found = state.store().summaries_with_keywords(&ids).await?;
    let items: Vec<RelatedItem> = found
        .into_iter()
        .filter_map(|(a, _)| {
            let reason = list.iter().find(|r| r.id == a.id)?.reason.clone();
            Some(RelatedItem {
                url: format!("/article/{}", a.id),
                id: a.id,
                external_id: a.external_id,
                title: a.title,
                reason,
            })
        })
        .take(limit)
        .collect();
    Ok(axum::Json(RelatedList { items }).into_response())
}

#[derive(serde::Deserialize)]
pub(super) struct HotQuery {
    limit: Option<String>,
    channel: Option<String>,
}

/// The longest 热点 list the API gives.
const HOT_MAX: usize = 50;

/// One article of 热点.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct HotItem {
    id: i64,
    external_id: String,
    title: String,
    url: String,
    /// Channel slug.
    channel: &'static str,
    /// Author display name.
    author: String,
    published_at: String,
    reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct HotList {
    items: Vec<HotItem>,
}

/// 热点: hottest first (engagement decayed with a 12-hour half-life), at
/// most two per creator, globally or in one channel.
#[utoipa::path(
    get,
    path = "/api/v1/hot",
    tag = "articles",
    params(
        ("limit" = Option<usize>, Query, description = "1–50, default 10"),
        ("channel" = Option<String>, Query, description = "A channel slug"),
    ),
    responses(
        (status = 200, body = HotList),
        (status = 400, body = crate::http::error::ErrorBody),
    )
)]
pub(super) async fn hot(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<HotQuery>,
) -> Result<Response, ApiError> {
    use axum::response::IntoResponse;
    let limit = match q.limit.as_deref() {
        None | Some("") => hao_app::lists::HOT_LEN,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=HOT_MAX).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit '{l}' must be an integer from 1 to {HOT_MAX}"
                ))
            })?,
    };
    let channel = match q.channel.as_deref() {
        None | Some("") => None,
        Some(c) => Some(hao_domain::Channel::parse(c).map_err(|_| {
            ApiError::bad_request(format!(
                "unknown channel '{c}': one of headlines, sports, ent, finance, tech, auto, house, parenting, local, open-course, military"
            ))
        })?),
    };
    let picks = hao_app::lists::hot_limited(state.store(), channel, limit, state.now()).await?;
    let items: Vec<HotItem> = picks
        .into_iter()
        .map(|p| {
            let a = p.article;
            HotItem {
                url: format!("/article/{}", a.id),
                id: a.id,
                external_id: a.external_id,
                title: a.title,
                channel: a.channel.slug(),
                author: a.creator_name,
                published_at: rfc3339(a.published_at),
                reason: p.reason,
            }
        })
        .collect();
    Ok(axum::Json(HotList { items }).into_response())
}
