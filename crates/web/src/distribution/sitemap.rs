//! `/sitemap.xml`: a sitemap index (sitemaps.org 0.9) of one sitemap per
//! month of publishing (`/sitemaps/2026-02.xml`, each far below the 50,000
//! URLs a sitemap may hold at the rates a platform publishes; a month past it
//! is cut at 50,000 and says so in the log) and one of the site's own pages
//! (`/sitemaps/pages.xml`: home, channels). `lastmod` is the newest change.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Datelike, FixedOffset, TimeZone};
use hao_domain::Channel;

use crate::http::AppState;
use crate::http::cache::PageKey;
use crate::http::error::PageError;
use crate::http::respond::cached;

/// The most URLs one sitemap may list (sitemaps.org).
const MAX_URLS: i64 = 50_000;
/// The most months an index lists (fifty years).
const MAX_MONTHS: usize = 600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sitemap.xml", get(index))
        .route("/sitemaps/{file}", get(file))
}

fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

fn w3c(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .with_timezone(&beijing())
        .to_rfc3339()
}

/// The first second of a month (Beijing time), and of the next.
fn month_span(year: i32, month: u32) -> Option<(i64, i64)> {
    let start = beijing()
        .with_ymd_and_hms(year, month, 1, 0, 0, 0)
        .single()?;
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let end = beijing().with_ymd_and_hms(ny, nm, 1, 0, 0, 0).single()?;
    Some((start.timestamp(), end.timestamp()))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

async fn index(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    cached(
        &state,
        PageKey::Sitemap {
            name: "index".into(),
        },
        &method,
        &headers,
        || async {
            let store = state.store();
            let origin = escape(&state.options().base_url);
            let mut xml = format!("{HEAD}<sitemapindex xmlns=\"{NS}\">\n");
            xml.push_str(&format!(
                "<sitemap><loc>{origin}/sitemaps/pages.xml</loc></sitemap>\n"
            ));
            if let Some((first, last)) = store.published_span().await? {
                let first = DateTime::from_timestamp(first, 0)
                    .unwrap_or_default()
                    .with_timezone(&beijing());
                let last = DateTime::from_timestamp(last, 0)
                    .unwrap_or_default()
                    .with_timezone(&beijing());
                let (mut y, mut m) = (first.year(), first.month());
                let mut months = 0;
                while (y, m) <= (last.year(), last.month()) && months < MAX_MONTHS {
                    if let Some((from, to)) = month_span(y, m) {
                        let (n, lastmod) = store.published_between(from, to).await?;
                        if n > 0 {
                            xml.push_str(&format!(
                                "<sitemap><loc>{origin}/sitemaps/{y:04}-{m:02}.xml</loc>"
                            ));
                            if let Some(t) = lastmod {
                                xml.push_str(&format!("<lastmod>{}</lastmod>", w3c(t)));
                            }
                            xml.push_str("</sitemap>\n");
                        }
                    }
                    (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                    months += 1;
                }
            }
            xml.push_str("</sitemapindex>\n");
            Ok(xml)
        },
    )
    .await
}

/// `pages.xml` or `YYYY-MM.xml`.
fn parse_file(file: &str) -> Option<Option<(i32, u32)>> {
    if file == "pages.xml" {
        return Some(None);
    }
    let (y, m) = file.strip_suffix(".xml")?.split_once('-')?;
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    ((1970..=9999).contains(&y) && (1..=12).contains(&m)).then_some(Some((y, m)))
}

async fn file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let month = parse_file(&file).ok_or_else(|| {
        PageError::not_found(format!(
            "没有名为“{file}”的站点地图：应为 pages.xml 或 年-月.xml。"
        ))
    })?;
    let key = PageKey::Sitemap {
        name: file.trim_end_matches(".xml").to_owned(),
    };
    cached(&state, key, &method, &headers, || async {
        let origin = escape(&state.options().base_url);
        let mut xml = format!("{HEAD}<urlset xmlns=\"{NS}\">\n");
        match month {
            None => {
                xml.push_str(&format!(
                    "<url><loc>{origin}/</loc><changefreq>hourly</changefreq></url>\n"
                ));
                for c in Channel::ALL {
                    xml.push_str(&format!(
                        "<url><loc>{origin}/channel/{}</loc><changefreq>hourly</changefreq></url>\n",
                        c.slug()
                    ));
                }
            }
            Some((y, m)) => {
                let (from, to) = month_span(y, m)
                    .ok_or_else(|| PageError::not_found("没有这个月份的站点地图。"))?;
                let rows = state
                    .store()
                    .published_ids_between(from, to, MAX_URLS)
                    .await?;
                if rows.is_empty() {
                    return Err(PageError::not_found("这个月没有发布文章。"));
                }
                if rows.len() as i64 == MAX_URLS {
                    tracing::warn!(year = y, month = m, "a month's sitemap was cut at 50,000 URLs");
                }
                for (id, updated) in rows {
                    xml.push_str(&format!(
                        "<url><loc>{origin}/article/{id}</loc><lastmod>{}</lastmod></url>\n",
                        w3c(updated)
                    ));
                }
            }
        }
        xml.push_str("</urlset>\n");
        Ok(xml)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_months() {
        assert_eq!(parse_file("pages.xml"), Some(None));
        assert_eq!(parse_file("2026-02.xml"), Some(Some((2026, 2))));
        assert_eq!(parse_file("2026-13.xml"), None);
        assert_eq!(parse_file("../etc.xml"), None);
        let (from, to) = month_span(2026, 12).unwrap();
        assert_eq!(to - from, 31 * 86_400);
        assert_eq!(w3c(from), "2026-12-01T00:00:00+08:00");
    }
}
