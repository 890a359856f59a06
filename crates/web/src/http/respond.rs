//! Responders and request parsing shared by every feature: the page cache's
//! one path (`cached`), private pages, care mode, ids and page numbers.

use std::future::Future;

use axum::http::StatusCode;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::http::AppState;
use crate::http::cache::PageKey;
use crate::http::error::PageError;

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

pub use crate::ui::site::is_care;

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

pub fn parse_page(q: &PageQuery) -> Result<u32, PageError> {
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
        .page_cache()
        .get_or_render(key, state.generation(), state.options().page_ttl, render)
        .await?;
    let mut response = page.respond(method, headers);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, state.shared_cache_control().clone());
    Ok(response)
}

/// A tag from a path: as articles store them (trimmed, at most
/// `hao_domain::limits::TAG_CHARS` characters, no control characters), else a 404 saying so.
pub fn valid_tag(raw: &str) -> Result<String, PageError> {
    let tag = raw.trim();
    if tag.is_empty()
        || tag.chars().count() > hao_domain::limits::TAG_CHARS
        || tag.chars().any(char::is_control)
    {
        return Err(PageError::not_found(format!(
            "没有名为“{}”的话题。",
            tag.chars()
                .take(hao_domain::limits::TAG_CHARS)
                .collect::<String>()
        )));
    }
    Ok(tag.to_owned())
}

/// Whether the browser says this request was sent by a page of this site.
/// (A form on a cached page cannot carry a session's CSRF token: with
/// `SameSite=Lax` cookies, this is what proves a POST came from the site.)
pub fn same_origin(headers: &HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return site == "same-origin";
    }
    let Some(host) = get(header::HOST.as_str()) else {
        return false;
    };
    let host_of = |url: &str| {
        url.split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or("").to_owned())
    };
    match (get(header::ORIGIN.as_str()), get(header::REFERER.as_str())) {
        (Some(origin), _) if origin != "null" => host_of(origin).as_deref() == Some(host),
        (_, Some(referer)) => host_of(referer).as_deref() == Some(host),
        _ => false,
    }
}

/// Where a `next` parameter may send the browser: a path of this site, or
/// `fallback`. Refused: anything not starting with one `/` (`//host`,
/// `/\\host`, `https:`), and any control character or white space anywhere
/// (browsers drop tabs and line breaks inside URLs, so `/\t/evil.example`
/// would be read as `//evil.example`; a CR or LF would end the header).
/// Non-ASCII is percent-encoded, so `Location` stays ASCII.
pub fn local_redirect(next: &str, fallback: &str) -> String {
    let mut chars = next.chars();
    let safe = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !next.chars().any(|c| {
            c.is_control() || c.is_whitespace() || c == '\\' || hao_domain::comment::is_invisible(c)
        });
    if safe {
        percent_encoding::utf8_percent_encode(next, percent_encoding::CONTROLS).to_string()
    } else {
        fallback.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::local_redirect;

    #[test]
    fn only_paths_of_this_site_are_redirect_targets() {
        for bad in [
            "",
            "x",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/\0",
            "\t//evil.example",
            " /x",
            "/ /evil",
            "/\u{3000}/evil",
            "/\u{00A0}/evil",
            "/\u{200B}/evil",
            "/\u{2028}/evil",
            "/\u{7f}",
            "/\u{85}/evil",
            "/x\\y",
            "//",
            "/\\",
        ] {
            assert_eq!(local_redirect(bad, "/me"), "/me", "{bad:?}");
        }
        for (good, to) in [
            ("/", "/"),
            ("/article/1?x=1#c2", "/article/1?x=1#c2"),
            ("/tag/中超", "/tag/%E4%B8%AD%E8%B6%85"),
            ("/search?q=%E7%90%83", "/search?q=%E7%90%83"),
        ] {
            assert_eq!(local_redirect(good, "/me"), to, "{good:?}");
        }
    }
}
