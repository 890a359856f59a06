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
pub mod auth;
mod cache;
pub mod drafts;
mod editor;
mod error;
mod feed;
mod follows;
mod lists;
mod media;
mod notifications;
pub mod originality;
mod pages;
pub mod related;
mod search;
pub mod search_pool;
pub mod search_sync;
mod studio;
mod templates;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use hao_store::Store;

pub use views::{ViewCounter, reader_key};

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

/// Shared state of one node: cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    options: SiteOptions,
    cache: cache::PageCache,
    lists: lists::SharedLists,
    views: ViewCounter,
    /// This node's search index; `None` serves the site without search.
    search: Option<Arc<hao_search::SearchIndex>>,
    /// Bumped whenever anything a page shows may have changed (a local write,
    /// or a new row in the database's change log). Cached pages rendered
    /// under an older generation are rendered again.
    generation: AtomicU64,
    /// 相关推荐 of this node (see `related`).
    related: related::RelatedCache,
    /// The threads searches run on (see `search_pool`).
    search_pool: search_pool::SearchPool,
    /// Seconds added to the system clock for scheduling (0 in production;
    /// tests move time forward with [`AppState::advance_clock`]).
    clock_offset: AtomicI64,
}

impl AppState {
    pub fn new(store: Store, options: SiteOptions) -> AppState {
        AppState::with_search(store, options, None)
    }

    /// A state whose node keeps `search` in step with the change log.
    pub fn with_search(
        store: Store,
        options: SiteOptions,
        search: Option<Arc<hao_search::SearchIndex>>,
    ) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store,
                options,
                cache: cache::PageCache::new(32 << 20),
                lists: lists::SharedLists::default(),
                views: ViewCounter::default(),
                search,
                generation: AtomicU64::new(1),
                related: related::RelatedCache::default(),
                search_pool: search_pool::SearchPool::sized_for_cores(),
                clock_offset: AtomicI64::new(0),
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn related(&self) -> &related::RelatedCache {
        &self.inner.related
    }

    /// Runs `f` (a search) on this node's search threads, in arrival order;
    /// `None` when it panicked.
    pub async fn run_search<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        self.inner.search_pool.run(f).await
    }

    pub fn views(&self) -> &ViewCounter {
        &self.inner.views
    }

    pub fn search(&self) -> Option<&Arc<hao_search::SearchIndex>> {
        self.inner.search.as_ref()
    }

    /// This node's search index once it is complete: `None` while it is
    /// being built at a first start (it answers from what it has so far, and
    /// nothing derived from it is kept), or when the node has none.
    pub fn built_search(&self) -> Option<&Arc<hao_search::SearchIndex>> {
        self.search().filter(|i| i.applied_seq().is_some())
    }

    fn options(&self) -> &SiteOptions {
        &self.inner.options
    }

    fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Marks every cached page and list as stale.
    pub fn invalidate(&self) {
        self.inner.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Writes the counted views to the database. Called periodically and on
    /// shutdown; counts that fail to write are kept for the next flush.
    /// The time scheduling goes by: the system clock, plus whatever
    /// [`AppState::advance_clock`] added.
    pub fn now(&self) -> i64 {
        hao_store::now() + self.inner.clock_offset.load(Ordering::Acquire)
    }

    /// Moves this node's scheduling clock forward (a test's controllable
    /// clock: "it is now two hours later").
    pub fn advance_clock(&self, seconds: i64) {
        self.inner.clock_offset.fetch_add(seconds, Ordering::AcqRel);
    }

    /// Publishes the scheduled articles whose time has come, each exactly
    /// once however many nodes run this (see `Store::publish_due`).
    pub async fn publish_due(&self) -> Result<Vec<i64>, hao_store::StoreError> {
        let ids = self.inner.store.publish_due(self.now(), 100).await?;
        if !ids.is_empty() {
            self.invalidate();
        }
        Ok(ids)
    }

    pub async fn flush_views(&self) -> Result<usize, hao_store::StoreError> {
        self.inner.views.flush(&self.inner.store).await
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

/// Background work of a serving node: flushing views and following the
/// database's change log (caches, search index). `from_seq` is the change-log
/// position the search index is known to reflect. Runs until aborted.
pub fn spawn_background(state: AppState, from_seq: i64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_seen = from_seq;
        let mut ticks: u64 = 0;
        loop {
            tick.tick().await;
            ticks += 1;
            match state.store().last_change().await {
                Ok(seq) if seq != last_seen => {
                    if let Some(index) = state.search() {
                        match search_sync::apply_changes_ids(state.store(), index, last_seen).await
                        {
                            Ok((applied, ids)) => {
                                last_seen = applied;
                                if let Err(e) =
                                    related::refresh(state.store(), index, state.related(), &ids)
                                        .await
                                {
                                    tracing::warn!(error = %e, "computing related articles failed");
                                }
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "updating the search index failed; will retry")
                            }
                        }
                    } else {
                        last_seen = seq;
                    }
                    state.invalidate();
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reading the change log failed"),
            }
            // Scheduled articles every second, on every node: each is
            // published once (see `Store::publish_due`).
            if ticks.is_multiple_of(4) {
                match state.publish_due().await {
                    Ok(ids) if !ids.is_empty() => {
                        tracing::info!(articles = ?ids, "scheduled articles published")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "publishing scheduled articles failed"),
                }
            }
            // 热点's epoch, once a minute: moved (rarely) when due.
            if ticks.is_multiple_of(240)
                && let Err(e) = state.store().rebase_hot_if_due(hao_store::now()).await
            {
                tracing::warn!(error = %e, "moving the hot-score epoch failed; will retry");
            }
            // Views every 2 s: one transaction for all articles viewed since.
            if ticks.is_multiple_of(8)
                && let Err(e) = state.flush_views().await
            {
                tracing::warn!(error = %e, "flushing views failed; kept for the next flush");
            }
        }
    })
}

/// Serves until SIGINT or SIGTERM, then stops accepting, finishes the requests
/// in flight and flushes the counted views.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    from_seq: i64,
) -> std::io::Result<()> {
    let background = spawn_background(state.clone(), from_seq);
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    background.abort();
    match state.flush_views().await {
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
