//! Files every page uses: the stylesheet and script, generated avatars and
//! the WeChat QR code of an article.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use qrcode::QrCode;

use crate::http::AppState;
use crate::http::error::PageError;
use crate::ui::assets::{CSS, JS};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/static/hao.css",
            get(|| async { asset("text/css; charset=utf-8", CSS) }),
        )
        .route(
            "/static/hao.js",
            get(|| async { asset("text/javascript; charset=utf-8", JS) }),
        )
        .route("/avatar/{file}", get(avatar))
        .route("/article/{id}/qr.svg", get(qr))
        .route("/article/{id}/card.png", get(card))
}

/// The share card of an article (the `og:image` of an article without a
/// cover), drawn once per version and kept: at most 256 cards in memory.
async fn card(
    State(state): State<AppState>,
    crate::http::ids::ArticleId(id): crate::http::ids::ArticleId,
    headers: axum::http::HeaderMap,
) -> Result<Response, PageError> {
    use std::sync::OnceLock;
    static CARDS: OnceLock<quick_cache::sync::Cache<(i64, i64), bytes::Bytes>> = OnceLock::new();
    let a = state
        .store()
        .article(id)
        .await?
        .filter(|a| a.status == hao_domain::ArticleStatus::Published)
        .ok_or_else(|| PageError::not_found("这篇文章不存在，或已被作者删除、下架。"))?;
    let etag = format!("\"card-{id}-{}\"", a.updated_at);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let cards = CARDS.get_or_init(|| quick_cache::sync::Cache::new(256));
    let png = match cards.get(&(id, a.updated_at)) {
        Some(png) => png,
        None => {
            let creator = state
                .store()
                .creator(a.creator_id)
                .await?
                .map(|c| c.display_name)
                .unwrap_or_default();
            let byline = format!("{creator} · {}", a.channel.name());
            let title = a.title.clone();
            let png = tokio::task::spawn_blocking(move || {
                hao_app::card::share_card("Hao 自媒体开放平台", &title, &byline)
            })
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "drawing a share card failed");
                PageError {
                    retry_after: None,
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    message: "分享卡片生成失败。".into(),
                    care: false,
                }
            })?;
            let png = bytes::Bytes::from(png);
            cards.insert((id, a.updated_at), png.clone());
            png
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
            (header::ETAG, HeaderValue::from_str(&etag).expect("ascii")),
        ],
        png,
    )
        .into_response())
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        body,
    )
        .into_response()
}

fn svg(body: String) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        body,
    )
        .into_response()
}

/// A generated avatar: the name's first character on a colour taken from the
/// creator id (dark enough for white text at ≥ 4.5:1).
async fn avatar(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let id: i64 = file
        .strip_suffix(".svg")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| PageError::bad_request(format!("头像地址“{file}”无效。")))?;
    let creator = state
        .store()
        .creator(id)
        .await?
        .ok_or_else(|| PageError::not_found("这位作者不存在。"))?;
    const COLOURS: [&str; 6] = [
        "#a61b29", "#1d4e89", "#2d6a4f", "#6a3d9a", "#8a4b08", "#37474f",
    ];
    let colour = COLOURS[(id.unsigned_abs() % COLOURS.len() as u64) as usize];
    let initial: String = creator
        .display_name
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    let initial = maud::html! { (initial) }.into_string();
    Ok(svg(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img"><circle cx="48" cy="48" r="48" fill="{colour}"/><text x="48" y="62" font-size="44" text-anchor="middle" fill="#fff" font-family="sans-serif">{initial}</text></svg>"##
    )))
}

/// The QR code a WeChat reader scans to open the article: drawn here, so no
/// third-party service learns what our readers share.
async fn qr(State(state): State<AppState>, Path(raw): Path<String>) -> Result<Response, PageError> {
    let id: i64 = raw
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| PageError::bad_request(format!("文章编号“{raw}”无效：应为正整数。")))?;
    let url = format!("{}/article/{id}", state.options().base_url);
    let code = QrCode::new(url.as_bytes()).map_err(|e| {
        tracing::error!(error = %e, "QR encoding failed");
        PageError {
            retry_after: None,
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "二维码生成失败。".into(),
            care: false,
        }
    })?;
    let image = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    Ok(svg(image))
}
