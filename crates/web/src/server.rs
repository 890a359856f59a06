//! The accept loop of `hao serve`, with the limits `axum::serve` has no
//! knobs for: a bound on open connections that leaves file descriptors for
//! the database and the index, a header-read timeout that also closes idle
//! keep-alive connections (hyper starts it as soon as it waits for a
//! request), and, in `http::frame`, a timeout on each request that may
//! carry a body. Without them, ~20,000 idle connections exhausted the
//! descriptors and the site stopped answering with nothing logged.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// What a node allows one connection and all of them together.
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    /// From waiting for a request to having all its headers (also the most
    /// a keep-alive connection may sit idle).
    pub header_read: Duration,
    /// The most connections open at once; past it, new ones wait in the
    /// kernel's backlog until one closes.
    pub max_connections: usize,
}

/// Descriptors kept for everything that is not a connection (the
/// database, the search index's segments, logs).
pub const DESCRIPTOR_HEADROOM: u64 = 512;
/// The time a request that may carry a body has to be read and answered
/// (reading the body is part of its handler): past it, 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for ServerLimits {
    fn default() -> ServerLimits {
        ServerLimits {
            header_read: Duration::from_secs(10),
            max_connections: connection_budget(),
        }
    }
}

/// Raises this process's descriptor limit to what it may, and returns how
/// many connections fit under it with [`DESCRIPTOR_HEADROOM`] to spare
/// (at most 50,000, at least 64).
pub fn connection_budget() -> usize {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if let Some(max) = limit.maximum
        && limit.current.is_some_and(|c| c < max)
    {
        limit.current = Some(max);
        if let Err(e) = setrlimit(Resource::Nofile, limit) {
            tracing::warn!(error = %e, "could not raise the open-file limit");
        }
    }
    let current = getrlimit(Resource::Nofile).current.unwrap_or(65_536);
    current
        .saturating_sub(DESCRIPTOR_HEADROOM)
        .clamp(64, 50_000) as usize
}

/// Serves `router` on `listener` until `shutdown` completes, then stops
/// accepting and waits for the connections' requests in flight.
pub async fn run(
    listener: TcpListener,
    router: axum::Router,
    limits: ServerLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    tracing::info!(
        max_connections = limits.max_connections,
        header_read_secs = limits.header_read.as_secs(),
        "accepting connections"
    );
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    // HTTP/1.1 only: the reverse proxy in front speaks HTTP/2 and TLS to
    // browsers (docs/deploy.md); and an auto-detecting builder waits for
    // the first bytes before any timer runs.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    let mut full_since: Option<std::time::Instant> = None;
    loop {
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                if full_since.is_none() {
                    tracing::warn!(
                        max = limits.max_connections,
                        "every connection slot is taken; new connections wait"
                    );
                    full_since = Some(std::time::Instant::now());
                }
                tokio::select! {
                    p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
                    () = &mut shutdown => break,
                }
            }
        };
        if let Some(since) = full_since.take() {
            tracing::info!(
                waited_ms = since.elapsed().as_millis() as u64,
                "a connection slot is free again"
            );
        }
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // EMFILE and friends: say so, and give the descriptors a
                    // moment instead of spinning.
                    tracing::error!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service =
            hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                router.clone().oneshot(request)
            });
        let builder = builder.clone();
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection's errors (a reset, a header timeout) are the
            // client's business.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(REQUEST_TIMEOUT) => {
            tracing::warn!("connections still open after the request timeout; closing");
        }
    }
    Ok(())
}
