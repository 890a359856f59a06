//! `/search` (the page) and `/api/v1/search` (JSON).

mod views;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hao_domain::Channel;
use hao_search::{SearchError, SearchQuery, Sort};
use serde::{Deserialize, Serialize};

use crate::http::AppState;
use crate::http::cache::PageKey;
use crate::http::error::{ApiError, PageError};
use crate::http::respond::{cached, is_care, parse_page_number};
use crate::ui::layout::Frame;

pub const PER_PAGE: usize = 10;

const MAX_PAGE: u32 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/search", get(page))
        .route("/api/v1/search", get(api))
}

#[derive(Deserialize, Default)]
pub struct PageParams {
    q: Option<String>,
    channel: Option<String>,
    sort: Option<String>,
    page: Option<String>,
}

/// A validated search form, also what the template shows back.
pub struct Form {
    pub q: String,
    pub channel: Option<Channel>,
    pub newest: bool,
    pub page: usize,
}

fn unavailable() -> PageError {
    PageError {
        retry_after: None,
        status: StatusCode::SERVICE_UNAVAILABLE,
        message: "搜索暂不可用，请稍后再试。".into(),
        care: false,
    }
}

/// Whether the search would refuse `q` (empty or too long): such answers
/// carry a message and are not cached.
fn refused(q: &str) -> bool {
    q.chars().count() > hao_search::MAX_QUERY_CHARS || !hao_search::searchable(q)
}

async fn page(
    State(state): State<AppState>,
    Query(p): Query<PageParams>,
    method: axum::http::Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let form = Form {
        q: p.q.unwrap_or_default().trim().to_owned(),
        channel: match p.channel.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(Channel::parse(c).map_err(|_| {
                PageError::bad_request(format!("没有名为“{c}”的频道。")).with_care(care)
            })?),
        },
        newest: match p.sort.as_deref() {
            None | Some("") | Some("relevance") => false,
            Some("time") => true,
            Some(other) => {
                return Err(PageError::bad_request(format!(
                    "排序方式“{other}”无效：应为 relevance 或 time。"
                ))
                .with_care(care));
            }
        },
        page: parse_page_number(p.page.as_deref(), MAX_PAGE).map_err(|e| e.with_care(care))?
            as usize,
    };
    let frame = Frame::new(
        if form.q.is_empty() { "搜索" } else { &form.q },
        "/search",
        care,
    )
    .describe("在号搜索文章");
    if form.q.is_empty() {
        let html = views::search_page(&frame, &form, None, Some("请输入要搜索的内容。"));
        return Ok(Html(html.into_string()).into_response());
    }
    if !refused(&form.q) && state.built_search().is_some() {
        // Results are cached like pages: popular queries are asked again and
        // again, and any write (a new change-log row) renders them afresh.
        // Not while the index is still being built (a node's first start):
        // those answers would outlive the build.
        let key = PageKey::Search {
            q: form.q.clone(),
            channel: form.channel,
            newest: form.newest,
            page: form.page,
            care,
        };
        return cached(&state, key, &method, &headers, || async {
            let results = run(&state, &form)
                .await
                .map_err(|e| e.with_care(care))?
                .map_err(|_| unavailable().with_care(care))?;
            Ok(views::search_page(&frame, &form, Some(&results), None).into_string())
        })
        .await;
    }
    let result = run(&state, &form).await.map_err(|e| e.with_care(care))?;
    match result {
        Ok(results) => {
            let building = state.built_search().is_none().then_some(BUILDING);
            let html = views::search_page(&frame, &form, Some(&results), building);
            Ok(Html(html.into_string()).into_response())
        }
        Err(e @ (SearchError::EmptyQuery | SearchError::QueryTooLong(_))) => {
            let status = if matches!(e, SearchError::EmptyQuery) {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            };
            let html = views::search_page(&frame, &form, None, Some(&e.to_string()));
            Ok((status, Html(html.into_string())).into_response())
        }
        Err(e) => {
            tracing::error!(error = %e, "search failed");
            Err(unavailable().with_care(care))
        }
    }
}

/// Runs the form's query on this node's index, off the async threads.
async fn run(
    state: &AppState,
    form: &Form,
) -> Result<Result<hao_search::SearchResults, SearchError>, PageError> {
    let care = false;
    let index = state
        .search()
        .ok_or_else(|| unavailable().with_care(care))?
        .clone();
    let query_text = form.q.clone();
    let channel = form.channel.map(|c| c.slug());
    let sort = if form.newest {
        Sort::Newest
    } else {
        Sort::Relevance
    };
    let offset = (form.page - 1) * PER_PAGE;
    let result = state
        .run_search(move || {
            index.search(&SearchQuery {
                text: &query_text,
                channel,
                sort,
                limit: PER_PAGE,
                offset,
                snippets: true,
                ..Default::default()
            })
        })
        .await
        .ok_or_else(|| unavailable().with_care(care))?;
    if let Err(e) = &result
        && !matches!(e, SearchError::EmptyQuery | SearchError::QueryTooLong(_))
    {
        tracing::error!(error = %e, "search failed");
    }
    Ok(result)
}

#[derive(Deserialize)]
struct ApiParams {
    q: Option<String>,
    limit: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ApiHit {
    id: i64,
    external_id: String,
    title: String,
    /// HTML: matches in `<b>`, the rest escaped.
    snippet: String,
    url: String,
    /// Other articles with the very same body, folded into this hit.
    copies: usize,
}

/// Said above the results while a node builds its index (its first start,
/// or after the index was found damaged); they are not cached then.
const BUILDING: &str = "搜索索引正在建立，结果可能不完整，请稍后再试。";

#[derive(Serialize, utoipa::ToSchema)]
struct ApiResults {
    /// Articles matching, copies folded into a hit not counted; counting
    /// stops at 1,000 (then `more` is true).
    total: usize,
    /// Present (true) when more articles match than `total` counts.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    more: bool,
    hits: Vec<ApiHit>,
    /// Present (true) while this node is still building its index: the
    /// answer may miss articles.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    index_building: bool,
}

/// Search: best first, copies word for word folded into one hit.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(
        ("q" = String, Query, description = "1–100 characters: a fragment, words, even symbols alone"),
        ("limit" = Option<usize>, Query, description = "1–100, default 10"),
    ),
    responses(
        (status = 200, body = ApiResults),
        (status = 400, body = crate::http::error::ErrorBody),
        (status = 503, body = crate::http::error::ErrorBody),
    )
)]
async fn api(
    State(state): State<AppState>,
    Query(p): Query<ApiParams>,
    method: axum::http::Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let q = p.q.unwrap_or_default();
    let limit = match p.limit.as_deref() {
        None => 10,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!("limit '{raw}' must be an integer from 1 to 100"))
            })?,
    };
    if !refused(&q) && state.built_search().is_some() {
        let key = PageKey::ApiSearch {
            q: q.clone(),
            limit,
        };
        let page = state
            .page_cache()
            .get_or_render(
                key,
                state.generation(),
                state.options().page_ttl,
                || async {
                    let results = api_search(&state, q, limit).await?;
                    Ok::<_, ApiError>(serde_json::to_string(&results).expect("serialisable"))
                },
            )
            .await?;
        return Ok(page.respond(&method, &headers));
    }
    Ok(Json(api_search(&state, q, limit).await?).into_response())
}

async fn api_search(state: &AppState, q: String, limit: usize) -> Result<ApiResults, ApiError> {
    let index = state.search().cloned().ok_or_else(|| ApiError {
        retry_after: None,
        status: StatusCode::SERVICE_UNAVAILABLE,
        code: "search_unavailable",
        message: "search is not available on this node".into(),
    })?;
    let result = state
        .run_search(move || {
            index.search(&SearchQuery {
                text: &q,
                limit,
                snippets: true,
                ..Default::default()
            })
        })
        .await
        .ok_or_else(|| {
            tracing::error!("a search panicked");
            ApiError {
                retry_after: None,
                status: StatusCode::INTERNAL_SERVER_ERROR,
                code: "internal",
                message: "internal error; it has been logged".into(),
            }
        })?;
    match result {
        Ok(r) => Ok(ApiResults {
            index_building: state.built_search().is_none(),
            total: r.total,
            more: r.more,
            hits: r
                .hits
                .into_iter()
                .map(|h| ApiHit {
                    url: format!("/article/{}", h.id),
                    id: h.id,
                    external_id: h.external_id,
                    title: h.title,
                    snippet: h.snippet,
                    copies: h.copies,
                })
                .collect(),
        }),
        Err(SearchError::EmptyQuery) => Err(ApiError {
            retry_after: None,
            status: StatusCode::BAD_REQUEST,
            code: "empty_query",
            message: "q is empty: give words to search for".into(),
        }),
        Err(SearchError::QueryTooLong(n)) => Err(ApiError {
            retry_after: None,
            status: StatusCode::BAD_REQUEST,
            code: "query_too_long",
            message: format!(
                "q has {n} characters; at most {} are allowed",
                hao_search::MAX_QUERY_CHARS
            ),
        }),
        Err(e) => {
            tracing::error!(error = %e, "search failed");
            Err(ApiError {
                retry_after: None,
                status: StatusCode::INTERNAL_SERVER_ERROR,
                code: "internal",
                message: "internal error; it has been logged".into(),
            })
        }
    }
}

/// The API document's part for search (merged in `crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(api),
    tags((name = "search", description = "Search that understands Chinese the way readers type it"))
)]
pub struct SearchApi;
