//! The reader site: home, channel, article, author pages, care mode, help
//! redirects, health, and the 404 page.

mod article;
pub mod files;
mod tag;
mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hao_domain::{ArticleStatus, Channel};
use serde::Deserialize;

use crate::http::AppState;
use crate::http::cache::PageKey;
use crate::http::error::{ApiError, PageError};
use crate::http::ids::AuthorId;
use crate::http::respond::{CARE_COOKIE, PER_PAGE, PageQuery, cached, is_care, parse_page};
use crate::ui::layout::{Frame, feed_links, json_ld};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/channel/{slug}", get(channel))
        .route("/article/{id}", get(article::article))
        .route("/article/{id}/share", post(article::share))
        .route("/author/{id}", get(author))
        .route("/tag/{tag}", get(tag::page))
        .route("/care", get(care_toggle))
        .route(
            "/accessibility",
            get(|| async { Redirect::to("/help/accessibility") }),
        )
        .route("/help/{slug}", get(help))
        .route("/healthz", get(healthz))
}

async fn home(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    cached(
        &state,
        PageKey::Home { care },
        &method,
        &headers,
        || async {
            let lists = state.app().lists(state.options().page_ttl).await?;
            let latest = state.store().latest(30, 0).await?;
            let tags = hot_tags(&state).await?;
            let origin = &state.options().base_url;
            let site = serde_json::json!({
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": crate::ui::site::name(),
                "url": format!("{origin}/"),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": format!("{origin}/search?q={{q}}"),
                    "query-input": "required name=q",
                },
            });
            let frame = Frame::new("首页", "/", care)
                .describe("号：中文自媒体开放平台，新闻、体育、娱乐、财经、科技等频道的原创内容。")
                .canonical(origin)
                .structured(json_ld(&site));
            Ok(
                views::home_page(&frame, &lists.headlines, &lists.hot, &latest.items, &tags)
                    .into_string(),
            )
        },
    )
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
        let hot = hao_app::lists::hot(state.store(), Some(channel), state.now()).await?;
        let path = format!("/channel/{}", channel.slug());
        let description = format!("号 · {}频道", channel.name());
        let frame = Frame::new(channel.name(), &path, care)
            .describe(&description)
            .in_channel(channel)
            .canonical(&state.options().base_url)
            .feeds(feed_links(channel.name(), &format!("{path}/")));
        Ok(views::channel_page(
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

async fn author(
    State(state): State<AppState>,
    AuthorId(id): AuthorId,
    Query(q): Query<PageQuery>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
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
            let origin = &state.options().base_url;
            let kind = if creator.account_type == hao_domain::AccountType::Personal {
                "Person"
            } else {
                "Organization"
            };
            let profile = serde_json::json!({
                "@context": "https://schema.org",
                "@type": "ProfilePage",
                "url": format!("{origin}{path}"),
                "mainEntity": {
                    "@type": kind,
                    "name": creator.display_name,
                    "description": creator.bio,
                    "url": format!("{origin}{path}"),
                    "image": absolute(origin, &crate::ui::layout::avatar_url(&creator)),
                    "interactionStatistic": {
                        "@type": "InteractionCounter",
                        "interactionType": "https://schema.org/FollowAction",
                        "userInteractionCount": creator.follower_count,
                    },
                },
            });
            let frame = Frame::new(&creator.display_name, &path, care)
                .describe(&description)
                .canonical(origin)
                .feeds(feed_links(&creator.display_name, &format!("{path}/")))
                .card("profile", None)
                .structured(json_ld(&profile));
            Ok(
                views::author_page(&frame, &creator, &list.items, page, list.total, PER_PAGE)
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
    let next = crate::http::respond::local_redirect(q.next.as_deref().unwrap_or("/"), "/");
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

/// 热门话题: the tags of the most articles of the last week, topped up from
/// all time when the week was quiet.
async fn hot_tags(state: &AppState) -> Result<Vec<(String, i64)>, PageError> {
    const WANT: i64 = 12;
    let week = state.now() - 7 * 24 * 3600;
    let mut tags = state.store().hot_tags(week, WANT).await?;
    if (tags.len() as i64) < WANT {
        for (tag, n) in state.store().hot_tags(0, WANT).await? {
            if tags.len() as i64 >= WANT {
                break;
            }
            if !tags.iter().any(|(t, _)| *t == tag) {
                tags.push((tag, n));
            }
        }
    }
    Ok(tags)
}

/// `path` on this site as an absolute URL (share cards and structured data
/// need them); absolute URLs are kept.
pub(crate) fn absolute(origin: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        path.to_owned()
    } else {
        format!("{origin}{path}")
    }
}
