//! The state every handler gets: the application (`hao_app::App`) and what
//! only the web needs (site options, the page cache).

use std::sync::Arc;
use std::time::Duration;

use axum::response::IntoResponse;
use hao_app::App;
use hao_store::Store;

use crate::http::cache;

/// What the server needs to know that is not in the database.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// Public origin used in share links and QR codes, without a trailing
    /// slash, e.g. `https://hao.example.com`.
    pub base_url: String,
    /// How long a rendered page may be served before it is rendered again
    /// even if nothing was written (lists such as 热点 move with views).
    pub page_ttl: Duration,
    /// The node sits behind a reverse proxy: take the client's address from
    /// `X-Forwarded-For` (sign-in throttling per address).
    pub trust_forwarded: bool,
}

/// Shared state of one node: the application and what only the web needs
/// (options, the page cache). Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    app: App,
    options: SiteOptions,
    cache: cache::PageCache,
    /// `Cache-Control` of the pages every reader shares, made once.
    shared_cache_control: axum::http::HeaderValue,
}

impl AppState {
    pub fn new(app: App, options: SiteOptions) -> AppState {
        // The same bytes for every reader: browsers revalidate (ETag), a
        // shared cache (a CDN) may keep them as long as a node does.
        let ttl = options.page_ttl.as_secs();
        let shared_cache_control = axum::http::HeaderValue::from_str(&format!(
            "public, max-age=0, s-maxage={ttl}, stale-while-revalidate={ttl}"
        ))
        .expect("an ASCII header value");
        AppState {
            inner: Arc::new(Inner {
                app,
                options,
                cache: cache::PageCache::new(32 << 20),
                shared_cache_control,
            }),
        }
    }

    /// `Cache-Control` of the pages every reader shares (docs/deploy.md).
    pub(crate) fn shared_cache_control(&self) -> &axum::http::HeaderValue {
        &self.inner.shared_cache_control
    }

    /// The application: every rule of the platform is called through it.
    pub fn app(&self) -> &App {
        &self.inner.app
    }

    pub fn store(&self) -> &Store {
        self.inner.app.store()
    }

    pub fn related(&self) -> &hao_app::related::RelatedCache {
        self.inner.app.related()
    }

    pub async fn run_search<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        self.inner.app.run_search(f).await
    }

    pub fn views(&self) -> &hao_app::ViewCounter {
        self.inner.app.views()
    }

    pub fn search(&self) -> Option<&Arc<hao_search::SearchIndex>> {
        self.inner.app.search()
    }

    pub fn built_search(&self) -> Option<&Arc<hao_search::SearchIndex>> {
        self.inner.app.built_search()
    }

    pub(crate) fn options(&self) -> &SiteOptions {
        &self.inner.options
    }

    pub(crate) fn generation(&self) -> u64 {
        self.inner.app.generation()
    }

    /// This node's rendered pages.
    pub(crate) fn page_cache(&self) -> &cache::PageCache {
        &self.inner.cache
    }

    /// Marks every cached page and list as stale.
    pub fn invalidate(&self) {
        self.inner.app.invalidate();
    }

    /// The time every rule goes by (`App::now`).
    pub fn now(&self) -> i64 {
        self.inner.app.now()
    }
}

tokio::task_local! {
    static REQUEST_ID: std::sync::Arc<str>;
}

/// The id of the request this task serves (for log lines), if any.
pub fn current_request_id() -> Option<std::sync::Arc<str>> {
    REQUEST_ID.try_with(std::sync::Arc::clone).ok()
}

/// What the one outer layer needs: the state and the security headers.
#[derive(Clone)]
pub struct Frame {
    pub state: AppState,
    pub security: crate::http::headers::SecurityHeaders,
}

/// The one layer every answer passes (one layer, not five: each layer of
/// its own cost 5–11 % of a cached page's throughput, BENCHMARKS.md):
/// - the request's id (the client's sane `X-Request-Id`, else a new one)
///   and the node's site settings in task-locals, for every line drawn or
///   logged for it, and the id on the answer;
/// - a request that may carry a body (anything but GET, HEAD, OPTIONS) has
///   `server::REQUEST_TIMEOUT` to be read and answered (408 after): reading
///   the body is part of its handler;
/// - every error answer in the site's format (`error::shape`);
/// - the security headers (`headers::SecurityHeaders`).
pub async fn frame(
    axum::extract::State(frame): axum::extract::State<Frame>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let id = request_id(request.headers());
    let api = request.uri().path().starts_with("/api/");
    let care = crate::ui::site::is_care(request.headers());
    let bounded = !request.method().is_safe();
    let header = axum::http::HeaderValue::from_str(&id).ok();
    let run = crate::ui::site::with(
        frame.state.app().site_settings(),
        REQUEST_ID.scope(id.into(), next.run(request)),
    );
    let response = if bounded {
        match tokio::time::timeout(crate::server::REQUEST_TIMEOUT, run).await {
            Ok(r) => r,
            Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
        }
    } else {
        run.await
    };
    let mut response = crate::http::error::shape(response, api, care).await;
    frame.security.apply(response.headers_mut());
    if let Some(h) = header {
        response.headers_mut().insert("x-request-id", h);
    }
    response
}

/// Request ids: this process's random prefix and a counter (cheaper than a
/// UUID per request, unique across nodes and restarts).
fn new_request_id() -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        hao_app::secrets::random_secret()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect()
    });
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}-{n:x}")
}

/// The request's id: the client's `X-Request-Id` when it is 1–64 of
/// `[A-Za-z0-9._-]` (a proxy's), else a new one.
pub fn request_id(headers: &axum::http::HeaderMap) -> String {
    match headers.get("x-request-id") {
        Some(v)
            if (1..=64).contains(&v.len())
                && v.as_bytes()
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) =>
        {
            String::from_utf8_lossy(v.as_bytes()).into_owned()
        }
        _ => new_request_id(),
    }
}
