//! `/metrics` (Prometheus text format 0.0.4, from `metrics-exporter-
//! prometheus`) and `/readyz`, and the layer that counts and times every
//! request by its route pattern (`/article/{id}`, never the path: the label
//! set stays bounded whatever the public sends).
//!
//! The figures: requests and their latency per route and status; page-cache
//! hits and misses (`http::cache`); the search queue's depth and each
//! search's time (`app::search_pool`); the change-log position this node
//! applied and how far behind the log it is; seconds since the last view
//! flush; the database pool's connections in use; background task errors.
//!
//! `/metrics` answers only requests from loopback or a private network (the
//! connection's peer) that no proxy relayed (no `X-Forwarded-For` or
//! `Forwarded`): what a scraper inside the deployment sends, not the public
//! reaching it through nginx.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::http::AppState;

/// The process's recorder: installed once (one node per process in
/// production; tests share it).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Suffix("_seconds".to_owned()),
                &[
                    0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                    1.0, 2.5, 5.0, 10.0, 30.0,
                ],
            )
            .expect("valid buckets");
        match builder.install_recorder() {
            Ok(h) => h,
            // Another recorder is installed (never in `hao serve`): render
            // an empty one rather than fail.
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        }
    })
}

/// Installs the recorder (before the first request is counted).
pub fn install() {
    let _ = handle();
}

/// The counter and histogram of one (route, method, status): looked up by
/// a hash, so the hot path allocates nothing (the `counter!` macro with
/// labels builds its key and finds it in the registry on every call: 12 %
/// of a cached page's throughput).
type Handles = (metrics::Counter, metrics::Histogram);

fn handles(route: &str, method: &axum::http::Method, status: StatusCode) -> Handles {
    use std::hash::{Hash, Hasher};
    static CACHE: OnceLock<quick_cache::sync::Cache<u64, Handles>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| quick_cache::sync::Cache::new(4096));
    let mut h = std::hash::DefaultHasher::new();
    (route, method.as_str(), status.as_u16()).hash(&mut h);
    let key = h.finish();
    if let Some(found) = cache.get(&key) {
        return found;
    }
    let made = (
        metrics::counter!(
            "hao_http_requests_total",
            "route" => route.to_owned(),
            "method" => method.as_str().to_owned(),
            "status" => status.as_u16().to_string()
        ),
        metrics::histogram!("hao_http_request_duration_seconds", "route" => route.to_owned()),
    );
    cache.insert(key, made.clone());
    made
}

/// Counts and times every request by route pattern, method and status: a
/// layer on every route (where `MatchedPath` is known), written as a plain
/// service whose future is not boxed (`from_fn` clones and boxes the inner
/// service on every request).
#[derive(Clone, Copy, Default)]
pub struct Track;

impl<S> tower::Layer<S> for Track {
    type Service = Tracked<S>;
    fn layer(&self, inner: S) -> Tracked<S> {
        Tracked { inner }
    }
}

#[derive(Clone)]
pub struct Tracked<S> {
    inner: S,
}

impl<S> tower::Service<Request> for Tracked<S>
where
    S: tower::Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = futures_util::future::Map<
        S::Future,
        Box<dyn FnOnce(Result<Response, S::Error>) -> Result<Response, S::Error> + Send>,
    >;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        use futures_util::FutureExt;
        let route = request.extensions().get::<MatchedPath>().cloned();
        let method = request.method().clone();
        let start = Instant::now();
        self.inner.call(request).map(Box::new(move |result| {
            if let Ok(response) = &result {
                let (counter, histogram) = handles(
                    route.as_ref().map_or("unmatched", |p| p.as_str()),
                    &method,
                    response.status(),
                );
                counter.increment(1);
                histogram.record(start.elapsed().as_secs_f64());
            }
            result
        }))
    }
}

fn internal(peer: Option<&ConnectInfo<SocketAddr>>) -> bool {
    match peer.map(|c| c.0.ip()) {
        // In-process (tests): no peer.
        None => true,
        Some(std::net::IpAddr::V4(v4)) => v4.is_loopback() || v4.is_private() || v4.is_link_local(),
        Some(std::net::IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.is_unique_local() || v6.is_unicast_link_local()
        }
    }
}

pub async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    // A request relayed by the reverse proxy comes from loopback too: one
    // that carries a forwarded address is the public's.
    let relayed = request.headers().contains_key("x-forwarded-for")
        || request.headers().contains_key("forwarded");
    if relayed || !internal(request.extensions().get::<ConnectInfo<SocketAddr>>()) {
        return crate::http::error::PageError::not_found("页面不存在。").into_response();
    }
    let app = state.app();
    let now = app.now();
    let flushed = app.last_view_flush();
    metrics::gauge!("hao_view_flush_age_seconds").set(if flushed == 0 {
        -1.0
    } else {
        (now - flushed) as f64
    });
    metrics::gauge!("hao_views_pending").set(app.views().pending() as f64);
    let (size, idle) = state.store().pool_use();
    metrics::gauge!("hao_db_pool_connections").set(f64::from(size));
    metrics::gauge!("hao_db_pool_in_use").set(f64::from(size) - idle as f64);
    metrics::gauge!("hao_search_queue_depth").set(app.search_queue_depth() as f64);
    metrics::gauge!("hao_page_generation").set(app.generation() as f64);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle().render(),
    )
        .into_response()
}

/// 200 when the database answers and this node's search index is built;
/// 503 with the reason otherwise (a load balancer's readiness check).
pub async fn readyz(State(state): State<AppState>) -> Response {
    let text = |status: StatusCode, body: String| {
        let mut r = (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            body,
        )
            .into_response();
        r.extensions_mut().insert(crate::http::error::Meant);
        r
    };
    if let Err(e) = state.store().ping().await {
        tracing::warn!(error = %e, "readiness: the database does not answer");
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the database does not answer\n".into(),
        );
    }
    if state.app().search().is_some() && state.app().built_search().is_none() {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the search index is being built\n".into(),
        );
    }
    text(StatusCode::OK, "ready\n".into())
}
