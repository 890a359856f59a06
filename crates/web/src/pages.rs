//! The reader site's pages: home, channel, article, author, care mode, help
//! redirects, health.

use std::future::Future;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hao_domain::{ArticleStatus, Channel};
use hao_recommend::merge;
use serde::Deserialize;

use crate::AppState;
use crate::cache::PageKey;
use crate::error::{ApiError, PageError};
use crate::templates::{self, ArticleView, Frame};

/// Articles per list page.
pub const PER_PAGE: u32 = 20;
/// The highest page number accepted: deeper pages are refused, not scanned.
const MAX_PAGE: u32 = 5000;
/// The cookie that keeps a reader's care-mode choice.
pub const CARE_COOKIE: &str = "hao_care";

/// Marks a response as meant for one reader only (signed-in pages, forms
/// carrying their token): no cache may store it.
pub(crate) fn no_store(response: impl IntoResponse) -> Response {
    let mut r = response.into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A page for one reader: `markup` with `status`, never stored by a cache.
pub(crate) fn private_page(status: StatusCode, markup: maud::Markup) -> Response {
    no_store((status, axum::response::Html(markup.into_string())))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/channel/{slug}", get(channel))
        .route("/article/{id}", get(article))
        .route("/article/{id}/share", post(share))
        .route("/author/{id}", get(author))
        .route("/care", get(care_toggle))
        .route(
            "/accessibility",
            get(|| async { Redirect::to("/help/accessibility") }),
        )
        .route("/help/{slug}", get(help))
        .route("/healthz", get(healthz))
}

/// Whether the reader chose care mode (关怀版).
pub fn is_care(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim() == "hao_care=1")
}

/// Parses a numeric path id; anything else is a 400 with a clear message.
pub(crate) fn parse_id(raw: &str, what: &str) -> Result<i64, PageError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| PageError::bad_request(format!("{what}编号“{raw}”无效：应为正整数。")))
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

fn parse_page(q: &PageQuery) -> Result<u32, PageError> {
    parse_page_number(q.page.as_deref(), MAX_PAGE)
}

/// A 1-based page number from a query string: absent or empty is page 1;
/// anything but a whole number from 1 to `max` is a 400 saying so.
pub fn parse_page_number(raw: Option<&str>, max: u32) -> Result<u32, PageError> {
    match raw {
        None | Some("") => Ok(1),
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=max).contains(p))
            .ok_or_else(|| {
                PageError::bad_request(format!("页码“{raw}”无效：应为 1 到 {max} 之间的整数。"))
            }),
    }
}

/// Serves a page from the cache, rendering (and compressing) it on a miss.
pub(crate) async fn cached<F, Fut>(
    state: &AppState,
    key: PageKey,
    method: &Method,
    headers: &HeaderMap,
    render: F,
) -> Result<Response, PageError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<String, PageError>>,
{
    let page = state
        .inner
        .cache
        .get_or_render(key, state.generation(), state.options().page_ttl, render)
        .await?;
    Ok(page.respond(method, headers))
}

async fn home(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    cached(&state, PageKey::Home { care }, &method, &headers, || async {
        let lists = state
            .inner
            .lists
            .get(state.store(), state.generation(), state.options().page_ttl)
            .await?;
        let latest = state.store().latest(30, 0).await?;
        let frame = Frame {
            title: "首页",
            description: "号：中文自媒体开放平台，新闻、体育、娱乐、财经、科技等频道的原创内容。",
            path: "/",
            care,
            active: None,
        };
        Ok(templates::home_page(&frame, &lists.headlines, &lists.hot, &latest.items).into_string())
    })
    .await
    .map_err(|e| e.with_care(care))
}

async fn channel(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let channel = Channel::parse(&slug)
        .map_err(|_| PageError::not_found(format!("没有名为“{slug}”的频道。")).with_care(care))?;
    let page = parse_page(&q).map_err(|e| e.with_care(care))?;
    let key = PageKey::Channel {
        channel,
        page,
        care,
    };
    cached(&state, key, &method, &headers, || async {
        let offset = i64::from((page - 1) * PER_PAGE);
        let list = state
            .store()
            .channel_articles(channel, PER_PAGE.into(), offset)
            .await?;
        if list.items.is_empty() && page > 1 {
            return Err(PageError::not_found(format!(
                "{}频道没有第 {page} 页。",
                channel.name()
            )));
        }
        let hot = crate::lists::hot(state.store(), Some(channel)).await?;
        let path = format!("/channel/{}", channel.slug());
        let description = format!("号 · {}频道", channel.name());
        let frame = Frame {
            title: channel.name(),
            description: &description,
            path: &path,
            care,
            active: Some(channel),
        };
        Ok(templates::channel_page(
            &frame,
            channel,
            &list.items,
            page,
            list.total,
            PER_PAGE,
            &hot,
        )
        .into_string())
    })
    .await
    .map_err(|e| e.with_care(care))
}

async fn article(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    method: Method,
    headers: HeaderMap,
    crate::auth::ClientAddr(addr): crate::auth::ClientAddr,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let id = parse_id(&raw, "文章").map_err(|e| e.with_care(care))?;
    let response = cached(
        &state,
        PageKey::Article { id, care },
        &method,
        &headers,
        || async { render_article(&state, id, care).await },
    )
    .await
    .map_err(|e| e.with_care(care))?;
    if method == Method::GET {
        let session = crate::auth::cookie(&headers, crate::auth::SESSION_COOKIE);
        let agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let counted = state.views().hit(
            id,
            crate::views::reader_key(session.as_deref(), &addr, agent),
        );
        if counted && let Some(session) = session {
            // The reading history of the personal feed (resolved to the
            // reader at the flush: no query on this path).
            state.views().read(hao_app::secrets::sha256_hex(&session), id, state.now());
        }
    }
    Ok(response)
}

async fn render_article(state: &AppState, id: i64, care: bool) -> Result<String, PageError> {
    let store = state.store();
    let article = store
        .article(id)
        .await?
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or_else(|| PageError::not_found("这篇文章不存在，或已被作者删除、下架。"))?;
    let creator = store
        .creator(article.creator_id)
        .await?
        .ok_or_else(|| PageError::not_found("这篇文章的作者不存在。"))?;
    let lists = state
        .inner
        .lists
        .get(store, state.generation(), state.options().page_ttl)
        .await?;
    let related = match state
        .related()
        .get_or_compute(store, state.built_search(), article.id)
        .await?
    {
        // Computed at publish time or on first read: the picks, in order,
        // still published.
        Some(list) => {
            let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
            let found = store.summaries_with_keywords(&ids).await?;
            found
                .into_iter()
                .filter_map(|(a, _)| {
                    let reason = list.iter().find(|r| r.id == a.id)?.reason.clone();
                    Some(hao_recommend::Pick { article: a, reason })
                })
                .collect()
        }
        // Not computable yet (the index is being built): the newest of the channel.
        None => {
            let candidates = store
                .recent_in_channel(article.channel, article.id, 30)
                .await?;
            merge(&[(&candidates, "同频道最新")], Some(article.id), 2, 6)
        }
    };
    let past = store.creator_articles(creator.id, 6, 0).await?.items;
    let path = format!("/article/{id}");
    let share_url = format!("{}{path}", state.options().base_url);
    let frame = Frame {
        title: &article.title,
        description: &article.summary,
        path: &path,
        care,
        active: Some(article.channel),
    };
    let view = ArticleView {
        article: &article,
        creator: &creator,
        related: &related,
        hot: &lists.hot,
        past: &past,
        headlines: &lists.headlines,
        share_url,
    };
    Ok(templates::article_page(&frame, &view).into_string())
}

#[derive(Deserialize)]
struct ShareForm {
    to: String,
}

/// Counts a share and sends the reader on to the share target.
async fn share(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Form(form): Form<ShareForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&raw, "文章")?;
    let target = match form.to.as_str() {
        "weibo" => "https://service.weibo.com/share/share.php",
        "qq" => "https://connect.qq.com/widget/shareqq/index.html",
        other => return Err(PageError::bad_request(format!("不支持分享到“{other}”。"))),
    };
    let article = state
        .store()
        .article(id)
        .await?
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or_else(|| PageError::not_found("这篇文章不存在，或已被作者删除、下架。"))?;
    if state.store().add_share(id).await? {
        state.invalidate();
    }
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let url = format!("{}/article/{id}", state.options().base_url);
    let location = format!("{target}?url={}&title={}", enc(&url), enc(&article.title));
    Ok(Redirect::to(&location).into_response())
}

async fn author(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let id = parse_id(&raw, "作者").map_err(|e| e.with_care(care))?;
    let page = parse_page(&q).map_err(|e| e.with_care(care))?;
    cached(
        &state,
        PageKey::Author { id, page, care },
        &method,
        &headers,
        || async {
            let creator = state
                .store()
                .creator(id)
                .await?
                .ok_or_else(|| PageError::not_found("这位作者不存在。"))?;
            let offset = i64::from((page - 1) * PER_PAGE);
            let list = state
                .store()
                .creator_articles(id, PER_PAGE.into(), offset)
                .await?;
            if list.items.is_empty() && page > 1 {
                return Err(PageError::not_found(format!("没有第 {page} 页。")));
            }
            let path = format!("/author/{id}");
            let description = format!("{}的号主页", creator.display_name);
            let frame = Frame {
                title: &creator.display_name,
                description: &description,
                path: &path,
                care,
                active: None,
            };
            Ok(
                templates::author_page(&frame, &creator, &list.items, page, list.total, PER_PAGE)
                    .into_string(),
            )
        },
    )
    .await
    .map_err(|e| e.with_care(care))
}

#[derive(Deserialize)]
struct CareQuery {
    on: Option<String>,
    next: Option<String>,
}

/// Turns care mode on or off for this browser (a year-long cookie) and goes
/// back to the page the reader came from.
async fn care_toggle(Query(q): Query<CareQuery>) -> Response {
    let on = q.on.as_deref() != Some("0");
    // Only a local path: never an open redirect.
    let next = q
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = if on {
        format!("{CARE_COOKIE}=1; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly")
    } else {
        format!("{CARE_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly")
    };
    let mut response = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// Help pages are articles of the official account, found by external id.
async fn help(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let article = state
        .store()
        .article_by_external_id(&format!("hao-help-{slug}"))
        .await?
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or_else(|| {
            PageError::not_found(format!("没有名为“{slug}”的帮助页。")).with_care(care)
        })?;
    Ok(Redirect::to(&format!("/article/{}", article.id)).into_response())
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// Unknown paths: a JSON error under `/api/`, the site's 404 page elsewhere.
pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found(format!("no API route {}", uri.path())).into_response()
    } else {
        PageError::not_found(format!("找不到页面 {}。", uri.path()))
            .with_care(is_care(&headers))
            .into_response()
    }
}
