//! The in-process page cache: rendered pages with their gzip and brotli
//! variants, compressed once when rendered, never per request.
//!
//! A page is stale when it was rendered under an older generation (something
//! was written) or longer ago than the page TTL (lists move with views).

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use hao_domain::Channel;

/// What a cached page is: its route and whether it was rendered in care mode.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PageKey {
    Home {
        care: bool,
    },
    Channel {
        channel: Channel,
        page: u32,
        care: bool,
    },
    Article {
        id: i64,
        care: bool,
    },
    Author {
        id: i64,
        page: u32,
        care: bool,
    },
    /// `/api/v1/articles/{id}`: JSON.
    ApiArticle {
        id: i64,
    },
    /// `/api/v1/articles/by-external-id/{external_id}`: JSON.
    ApiArticleByExternalId {
        external_id: String,
    },
    /// `/search`: a results page (valid queries only).
    Search {
        q: String,
        channel: Option<Channel>,
        newest: bool,
        page: usize,
        care: bool,
    },
    /// `/api/v1/search`: JSON results.
    ApiSearch {
        q: String,
        limit: usize,
    },
    /// `/tag/{tag}`: a 话题 page.
    Tag {
        tag: String,
        page: u32,
        care: bool,
    },
    /// A feed: RSS 2.0 or Atom, of the site, a channel, an author or a tag.
    Feed {
        scope: FeedScope,
        atom: bool,
    },
    /// `/sitemap.xml` (`name` "index") or one of its sitemaps (`pages`,
    /// `2026-02`).
    Sitemap {
        name: String,
    },
    /// `/robots.txt`.
    Robots,
    /// `/article/{id}/comments` (最热) or `…/comments/new` (最新).
    Comments {
        id: i64,
        newest: bool,
        page: u32,
        care: bool,
    },
    /// `/comment/{id}`: one thread.
    Thread {
        id: i64,
        page: u32,
        care: bool,
    },
}

/// Whose articles a feed holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FeedScope {
    Site,
    Channel(Channel),
    Author(i64),
    Tag(String),
}

/// What a cached answer is, for its `Content-Type` and `Vary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Html,
    Json,
    Rss,
    Atom,
    Xml,
    Text,
}

impl Kind {
    fn content_type(self) -> &'static str {
        match self {
            Kind::Html => "text/html; charset=utf-8",
            Kind::Json => "application/json",
            Kind::Rss => "application/rss+xml; charset=utf-8",
            Kind::Atom => "application/atom+xml; charset=utf-8",
            Kind::Xml => "application/xml; charset=utf-8",
            Kind::Text => "text/plain; charset=utf-8",
        }
    }

    /// Pages differ with the care cookie; nothing else does.
    fn vary(self) -> &'static str {
        match self {
            Kind::Html => "Accept-Encoding, Cookie",
            _ => "Accept-Encoding",
        }
    }
}

impl PageKey {
    /// One reader's query rather than a page many readers share: compressed
    /// quickly (gzip only), since it is likely rendered for one request.
    fn is_one_off(&self) -> bool {
        matches!(self, PageKey::Search { .. } | PageKey::ApiSearch { .. })
    }

    fn kind(&self) -> Kind {
        match self {
            PageKey::ApiArticle { .. }
            | PageKey::ApiArticleByExternalId { .. }
            | PageKey::ApiSearch { .. } => Kind::Json,
            PageKey::Feed { atom: false, .. } => Kind::Rss,
            PageKey::Feed { atom: true, .. } => Kind::Atom,
            PageKey::Sitemap { .. } => Kind::Xml,
            PageKey::Robots => Kind::Text,
            _ => Kind::Html,
        }
    }
}

/// A rendered page in every encoding, with its validators.
pub struct Rendered {
    pub status: StatusCode,
    kind: Kind,
    identity: Bytes,
    /// Made when first asked for, for a one-off answer (see `compressed`).
    gzip: std::sync::OnceLock<Bytes>,
    brotli: Bytes,
    etag: [HeaderValue; 3],
    /// Feeds: when their newest item changed (`Last-Modified`).
    last_modified: Option<std::time::SystemTime>,
    generation: u64,
    rendered_at: Instant,
}

/// A feed's own date of change, read once from its bytes: RSS's
/// `<lastBuildDate>` (RFC 2822), Atom's first `<updated>` (the feed's, RFC 3339).
fn feed_date(kind: Kind, body: &[u8]) -> Option<std::time::SystemTime> {
    let text = std::str::from_utf8(body).ok()?;
    let between = |open: &str, close: &str| {
        let start = text.find(open)? + open.len();
        let end = start + text[start..].find(close)?;
        Some(text[start..end].trim().to_owned())
    };
    let date = match kind {
        Kind::Rss => {
            chrono::DateTime::parse_from_rfc2822(&between("<lastBuildDate>", "</lastBuildDate>")?)
                .ok()?
        }
        Kind::Atom => {
            chrono::DateTime::parse_from_rfc3339(&between("<updated>", "</updated>")?).ok()?
        }
        _ => return None,
    };
    let secs = u64::try_from(date.timestamp()).ok()?;
    Some(std::time::UNIX_EPOCH + Duration::from_secs(secs))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    Identity = 0,
    Gzip = 1,
    Brotli = 2,
}

impl Rendered {
    /// Compresses `html` both ways and computes the ETag (a hash of the
    /// identity bytes, so every node serving the same bytes agrees).
    /// `kind` says what the bytes are (`Content-Type`, `Vary`).
    /// `thorough` false compresses with gzip only, at a fast level (brotli
    /// readers get gzip), and only once a reader asks for it: for one-off
    /// answers such as a search, where compressing hard costs more than it
    /// saves, and an API client may not ask for compression at all.
    pub fn compressed(
        status: StatusCode,
        html: String,
        generation: u64,
        kind: Kind,
        thorough: bool,
    ) -> Rendered {
        let identity = Bytes::from(html);
        let (gzip, brotli) = if thorough {
            (
                std::sync::OnceLock::from(gzip(&identity, flate2::Compression::best())),
                brotli(&identity),
            )
        } else {
            (std::sync::OnceLock::new(), Bytes::new())
        };
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            identity.hash(&mut h);
            h.finish()
        };
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"h{hash:016x}{suffix}\"")).expect("ascii etag")
        };
        Rendered {
            last_modified: feed_date(kind, &identity),
            status,
            kind,
            etag: [etag(""), etag("-gz"), etag("-br")],
            identity,
            gzip,
            brotli,
            generation,
            rendered_at: Instant::now(),
        }
    }

    fn weight(&self) -> u64 {
        // A gzip not made yet counts as the identity's size: never larger.
        let gzip = self.gzip.get().map_or(self.identity.len(), Bytes::len);
        (self.identity.len() + gzip + self.brotli.len() + 256) as u64
    }

    pub fn is_fresh(&self, generation: u64, ttl: Duration) -> bool {
        self.generation == generation && self.rendered_at.elapsed() < ttl
    }

    /// Builds the response for a request: picks the encoding the client
    /// accepts, answers `304` to a matching `If-None-Match`, and an empty
    /// body to `HEAD`.
    pub fn respond(&self, method: &Method, request: &HeaderMap) -> Response {
        let encoding = match negotiate(request) {
            Encoding::Brotli if self.brotli.is_empty() => Encoding::Gzip,
            e => e,
        };
        let (body, etag) = match encoding {
            Encoding::Identity => (&self.identity, &self.etag[0]),
            Encoding::Gzip => (
                self.gzip
                    .get_or_init(|| gzip(&self.identity, flate2::Compression::fast())),
                &self.etag[1],
            ),
            Encoding::Brotli => (&self.brotli, &self.etag[2]),
        };
        // RFC 9110 § 13.2.2: If-None-Match first; If-Modified-Since only
        // without it.
        let not_modified = self.status == StatusCode::OK
            && match request
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
            {
                Some(v) => etag_matches(v, &self.etag),
                None => self.last_modified.is_some_and(|modified| {
                    request
                        .get(header::IF_MODIFIED_SINCE)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| httpdate::parse_http_date(v).ok())
                        .is_some_and(|since| modified <= since)
                }),
            };
        let mut builder = Response::builder()
            .status(if not_modified {
                StatusCode::NOT_MODIFIED
            } else {
                self.status
            })
            .header(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.kind.content_type()),
            )
            .header(header::ETAG, etag.clone())
            .header(header::VARY, HeaderValue::from_static(self.kind.vary()))
            .header(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Some(modified) = self.last_modified {
            builder = builder.header(header::LAST_MODIFIED, httpdate::fmt_http_date(modified));
        }
        if encoding != Encoding::Identity {
            builder = builder.header(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(if encoding == Encoding::Gzip {
                    "gzip"
                } else {
                    "br"
                }),
            );
        }
        let body = if not_modified || method == Method::HEAD {
            // HEAD keeps the length a GET would have sent.
            if method == Method::HEAD && !not_modified {
                builder = builder.header(header::CONTENT_LENGTH, body.len());
            }
            Body::empty()
        } else {
            Body::from(body.clone())
        };
        builder.body(body).expect("valid response")
    }
}

fn etag_matches(if_none_match: &str, etags: &[HeaderValue; 3]) -> bool {
    if_none_match.trim() == "*"
        || if_none_match.split(',').map(str::trim).any(|candidate| {
            let candidate = candidate.strip_prefix("W/").unwrap_or(candidate);
            etags.iter().any(|e| e.as_bytes() == candidate.as_bytes())
        })
}

/// Brotli when accepted, else gzip when accepted, else identity. `q=0`
/// refuses an encoding.
fn negotiate(headers: &HeaderMap) -> Encoding {
    let Some(accept) = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Encoding::Identity;
    };
    let mut br = false;
    let mut gz = false;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim();
        let refused = it.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if refused {
            continue;
        }
        match name {
            "br" => br = true,
            "gzip" | "x-gzip" => gz = true,
            "*" => {
                br = true;
                gz = true;
            }
            _ => {}
        }
    }
    if br {
        Encoding::Brotli
    } else if gz {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

fn gzip(data: &[u8], level: flate2::Compression) -> Bytes {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), level);
    enc.write_all(data).expect("writing to memory");
    Bytes::from(enc.finish().expect("writing to memory"))
}

fn brotli(data: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(data.len() / 3);
    {
        // Quality 8 and a window just large enough for the page: quality 9
        // always allocates and clears a 32 MB hash table (brotli's H9), which
        // cost more than compressing a 10 KB page (profiled: most of an
        // uncached search's time); with a window of at most 64 KB, quality 8
        // uses a small table. See BENCHMARKS.md for the sizes.
        let lgwin = (usize::BITS - data.len().max(1 << 10).leading_zeros()).clamp(10, 22);
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 8, lgwin);
        w.write_all(data).expect("writing to memory");
    }
    Bytes::from(out)
}

#[derive(Clone)]
struct Weigher;

impl quick_cache::Weighter<PageKey, Arc<Rendered>> for Weigher {
    fn weight(&self, _key: &PageKey, val: &Arc<Rendered>) -> u64 {
        val.weight()
    }
}

type Shelf = quick_cache::sync::Cache<PageKey, Arc<Rendered>, Weigher>;

/// Rendered pages, bounded by their total size in bytes; readers' queries
/// (one-off answers, see [`PageKey::is_one_off`]) on a smaller shelf of
/// their own, so that a stream of different searches neither evicts the
/// pages every reader shares nor holds the node's memory.
pub struct PageCache {
    pages: Shelf,
    queries: Shelf,
}

impl PageCache {
    /// `max_bytes` for the pages, an eighth of it for the queries.
    pub fn new(max_bytes: u64) -> PageCache {
        PageCache {
            pages: Shelf::with_weighter(4096, max_bytes, Weigher),
            queries: Shelf::with_weighter(512, max_bytes / 8, Weigher),
        }
    }

    fn shelf(&self, key: &PageKey) -> &Shelf {
        if key.is_one_off() {
            &self.queries
        } else {
            &self.pages
        }
    }

    /// Serves `key` from the cache, or renders it once: when many requests
    /// miss the same page together (a cold start, a new generation), exactly
    /// one renders and compresses it while the others wait for its bytes.
    pub async fn get_or_render<F, Fut, E>(
        &self,
        key: PageKey,
        generation: u64,
        ttl: Duration,
        render: F,
    ) -> Result<Arc<Rendered>, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<String, E>>,
    {
        let shelf = self.shelf(&key);
        if let Some(page) = shelf.get(&key) {
            if page.is_fresh(generation, ttl) {
                metrics::counter!("hao_page_cache_hits_total").increment(1);
                return Ok(page);
            }
            shelf.remove_if(&key, |p| !p.is_fresh(generation, ttl));
        }
        match shelf.get_value_or_guard_async(&key).await {
            Ok(page) => Ok(page),
            Err(guard) => {
                metrics::counter!("hao_page_cache_misses_total").increment(1);
                let kind = key.kind();
                let body = render().await?;
                let page = Arc::new(Rendered::compressed(
                    StatusCode::OK,
                    body,
                    generation,
                    kind,
                    !key.is_one_off(),
                ));
                let _ = guard.insert(page.clone());
                Ok(page)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        h
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate(&HeaderMap::new()), Encoding::Identity);
        assert_eq!(negotiate(&headers("gzip, deflate, br")), Encoding::Brotli);
        assert_eq!(negotiate(&headers("gzip")), Encoding::Gzip);
        assert_eq!(negotiate(&headers("br;q=0, gzip;q=0.8")), Encoding::Gzip);
        assert_eq!(negotiate(&headers("identity")), Encoding::Identity);
        assert_eq!(negotiate(&headers("*")), Encoding::Brotli);
    }

    #[test]
    fn variants_decompress_to_the_same_bytes() {
        use std::io::Read;
        let html = "<p>你好，号</p>".repeat(200);
        let r = Rendered::compressed(StatusCode::OK, html.clone(), 1, Kind::Html, true);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&r.gzip.get().expect("made at once")[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, html);
        let mut out = Vec::new();
        brotli::Decompressor::new(&r.brotli[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), html);
        assert!(r.brotli.len() < html.len() / 4);
    }

    #[tokio::test]
    async fn a_stream_of_searches_leaves_the_pages_alone() {
        let cache = PageCache::new(1 << 20);
        let ttl = Duration::from_secs(60);
        let article = PageKey::Article { id: 1, care: false };
        let render = |s: String| move || async move { Ok::<_, ()>(s) };
        cache
            .get_or_render(article.clone(), 1, ttl, render("<p>文章</p>".repeat(2000)))
            .await
            .unwrap();
        // 2 MB of different searches: twice the pages' budget, sixteen
        // times the queries'.
        for i in 0..1000 {
            let key = PageKey::ApiSearch {
                q: format!("查询{i}"),
                limit: 10,
            };
            cache
                .get_or_render(key, 1, ttl, render(format!("{i:0>2000}")))
                .await
                .unwrap();
        }
        let kept = cache
            .get_or_render(article, 1, ttl, || async { Err(()) })
            .await;
        assert!(kept.is_ok(), "the article page was evicted");
        let held: u64 = cache.queries.weight();
        assert!(held <= (1 << 20) / 8, "{held}");
    }

    #[tokio::test]
    async fn a_one_off_answer_is_gzipped_only_when_asked() {
        use http_body_util::BodyExt;
        use std::io::Read;
        let html = "{\"hits\": \"号\"}".repeat(100);
        let r = Rendered::compressed(StatusCode::OK, html.clone(), 1, Kind::Html, false);
        assert!(r.gzip.get().is_none());
        let plain = r.respond(&Method::GET, &HeaderMap::new());
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert!(r.gzip.get().is_none());
        let zipped = r.respond(&Method::GET, &headers("gzip, br"));
        assert_eq!(zipped.headers()[header::CONTENT_ENCODING], "gzip");
        let body = zipped.into_body().collect().await.unwrap().to_bytes();
        let mut out = String::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, html);
    }

    #[test]
    fn etags_match_any_variant_and_weak_forms() {
        let r = Rendered::compressed(StatusCode::OK, "x".into(), 1, Kind::Html, true);
        let e = r.etag[2].to_str().unwrap().to_owned();
        assert!(etag_matches(&e, &r.etag));
        assert!(etag_matches(&format!("W/{e}, \"other\""), &r.etag));
        assert!(!etag_matches("\"other\"", &r.etag));
    }
}
