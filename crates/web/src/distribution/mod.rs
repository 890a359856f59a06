//! What leaves the site: RSS 2.0 and Atom feeds (the site, each channel,
//! author and tag), the sitemap index and its monthly sitemaps, and
//! `robots.txt`. Every answer goes through the page cache like a page:
//! rendered once per generation, compressed, with an ETag for conditional
//! GETs.

mod feeds;
mod sitemap;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::get;

use crate::http::AppState;
use crate::http::cache::PageKey;
use crate::http::error::PageError;
use crate::http::respond::cached;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(feeds::router())
        .merge(sitemap::router())
        .route("/robots.txt", get(robots))
}

/// Crawlers may read every public page; the private ones and the API are
/// not for them. The sitemap is named with the site's public origin.
async fn robots(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    cached(&state, PageKey::Robots, &method, &headers, || async {
        Ok(format!(
            "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /editor/\nDisallow: /studio\n\
             Disallow: /write\nDisallow: /me\nDisallow: /notifications\nDisallow: /feed\n\
             Disallow: /following\nDisallow: /signin\nDisallow: /signup\nDisallow: /search\n\n\
             Sitemap: {}/sitemap.xml\n",
            state.options().base_url
        ))
    })
    .await
}
