//! Hao's web layer: the reader site and the JSON API.
//!
//! Architecture Invariant: only this crate knows HTTP, HTML and JSON wire
//! shapes. Handlers extract, call the store or a ranking function, render.
//! Rendered pages go through [`cache::PageCache`]: the hot path of a cached
//! page is a map lookup and a reference-counted copy of pre-compressed bytes.

mod accounts;
mod api;
mod api_write;
mod apply;
mod assets;
mod auth;
mod cache;
mod editor;
mod error;
mod feed;
mod follows;
mod media;
mod notifications;
mod pages;
mod search;
mod studio;
mod templates;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hao_app::App;
use hao_store::Store;

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
}

impl AppState {
    pub fn new(app: App, options: SiteOptions) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                app,
                options,
                cache: cache::PageCache::new(32 << 20),
            }),
        }
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

    fn options(&self) -> &SiteOptions {
        &self.inner.options
    }

    fn generation(&self) -> u64 {
        self.inner.app.generation()
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

/// The whole application: every feature's router merged in one place.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(accounts::router())
        .merge(editor::router())
        .merge(follows::router())
        .merge(apply::router())
        .merge(studio::router())
        .merge(media::router())
        .merge(notifications::router())
        .merge(feed::router())
        .merge(api::router())
        .merge(api_write::router())
        .merge(search::router())
        .merge(assets::router())
        .fallback(pages::not_found)
        .with_state(state)
}

/// Serves until SIGINT or SIGTERM, then stops accepting, finishes the requests
/// in flight and flushes the counted views.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    from_seq: i64,
) -> std::io::Result<()> {
    let background = state.app().spawn_background(from_seq);
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    background.abort();
    match state.app().flush_views().await {
        Ok(n) => tracing::info!(articles = n, "views flushed at shutdown"),
        Err(e) => tracing::error!(error = %e, "flushing views at shutdown failed"),
    }
    state.store().close().await;
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
