//! Hao's web layer: the reader site and the JSON API over HTTP.
//!
//! Architecture Invariant: only this crate knows HTTP, HTML and JSON wire
//! shapes. A handler extracts, calls `hao_app` (or reads the store), renders.
//! Rendered pages go through [`http::cache::PageCache`]: the hot path of a
//! cached page is a map lookup and a reference-counted copy of
//! pre-compressed bytes.
//!
//! Layout: `http` (cross-cutting HTTP: state, auth extractors, errors, the
//! page cache, responders) and `ui` (the page frame and shared markup) are
//! used by the feature folders, never the other way round; each feature
//! folder holds its routes, handlers and views.

mod http;
mod server;
mod ui;

mod accounts;
mod admin;
mod api;
mod apply;
mod comments;
mod developers;
mod distribution;
mod editor;
mod engage;
mod feed;
mod follows;
mod media;
mod notifications;
mod reader;
mod reports;
mod search;
mod studio;
mod webhooks;

use axum::Router;

pub use http::{AppState, SiteOptions, current_request_id};
pub use server::ServerLimits;

/// The API document: every feature's part merged in one place, as the
/// routers are. Served at `/api/openapi.json` and shown on `/developers`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    let mut doc = api::ApiDoc::openapi();
    doc.merge(search::SearchApi::openapi());
    doc.merge(engage::EngageApi::openapi());
    doc.merge(comments::api::CommentsApi::openapi());
    doc.merge(webhooks::WebhooksApi::openapi());
    doc
}

/// The whole site: every feature's router merged in one place.
pub fn router(state: AppState) -> Router {
    let security = http::headers::SecurityHeaders::new(&state.options().base_url);
    http::metrics::install();
    Router::new()
        .merge(developers::router(openapi()))
        .merge(reader::router())
        .merge(reader::files::router())
        .merge(accounts::router())
        .merge(admin::router())
        .merge(editor::router())
        .merge(follows::router())
        .merge(engage::router())
        .merge(comments::router())
        .merge(reports::router())
        .merge(webhooks::router())
        .merge(apply::router())
        .merge(studio::router())
        .merge(media::router())
        .merge(notifications::router())
        .merge(feed::router())
        .merge(api::router())
        .merge(search::router())
        .merge(distribution::router())
        .route("/metrics", axum::routing::get(http::metrics::metrics))
        .route("/readyz", axum::routing::get(http::metrics::readyz))
        .fallback(reader::not_found)
        .layer(http::metrics::Track)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(
            http::Frame { state, security },
            http::frame,
        ))
}

/// Serves until SIGINT or SIGTERM, then stops accepting, finishes the requests
/// in flight and flushes the counted views.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    from_seq: i64,
) -> std::io::Result<()> {
    serve_with(
        state,
        listener,
        from_seq,
        ServerLimits::default(),
        shutdown_signal(),
    )
    .await
}

/// [`serve`] with these limits, until `shutdown` completes.
pub async fn serve_with(
    state: AppState,
    listener: tokio::net::TcpListener,
    from_seq: i64,
    limits: ServerLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let background = state.app().spawn_background(from_seq);
    let result = server::run(listener, router(state.clone()), limits, shutdown).await;
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
