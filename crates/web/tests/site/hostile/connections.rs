//! Slow and idle connections against the real accept loop (issue 21
//! finding 4: no header-read or idle timeout, no bound on connections;
//! ~20,000 idle connections exhausted the descriptors and the site stopped
//! answering). Here a node with a 1 s header timeout and 8 connection slots.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::*;

const HEADER_READ: Duration = Duration::from_secs(1);

async fn node() -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let app = TestApp::with_articles().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = app.state.clone();
    tokio::spawn(async move {
        let _app = app; // keeps the data dir
        hao_web::serve_with(
            state,
            listener,
            0,
            hao_web::ServerLimits {
                header_read: HEADER_READ,
                max_connections: 8,
            },
            async move {
                let _ = stopped.await;
            },
        )
        .await
        .unwrap();
    });
    (addr, stop)
}

/// Reads until the peer closes; how long that took (None: still open at `within`).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(
            within.saturating_sub(start.elapsed()),
            stream.read(&mut buf),
        )
        .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(start.elapsed()),
            Ok(Ok(_)) => continue,
            Err(_) => return None,
        }
    }
}

async fn get_home(addr: std::net::SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: hao.test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_connections_are_closed_and_bounded() {
    let (addr, stop) = node().await;
    // A connection that never sends a byte is closed.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    let t = closed_within(&mut idle, HEADER_READ * 5).await;
    assert!(t.is_some(), "an idle connection stayed open");
    // Headers sent a byte at a time, never finished (slowloris): closed.
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: hao.test\r\n")
        .await
        .unwrap();
    let start = Instant::now();
    let mut closed = false;
    while start.elapsed() < HEADER_READ * 5 {
        if slow.write_all(b"X-a: b\r\n").await.is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 512];
        if let Ok(Ok(0)) =
            tokio::time::timeout(Duration::from_millis(200), slow.read(&mut buf)).await
        {
            closed = true;
            break;
        }
    }
    assert!(closed, "a never-ending header stayed open");
    // A keep-alive connection idle after its answer is closed too.
    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(b"GET /about HTTP/1.1\r\nHost: hao.test\r\n\r\n")
        .await
        .unwrap();
    assert!(closed_within(&mut kept, HEADER_READ * 5).await.is_some());

    // Every slot taken by idle connections: a reader waits, is not refused,
    // and is answered once the idle ones time out.
    let mut hogs = Vec::new();
    for _ in 0..8 {
        hogs.push(TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let start = Instant::now();
    let answer = tokio::time::timeout(HEADER_READ * 10, get_home(addr))
        .await
        .expect("answered once idle connections were closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(start.elapsed() >= HEADER_READ / 2, "it waited for a slot");
    // And the node still answers at once afterwards.
    assert!(get_home(addr).await.starts_with("HTTP/1.1 200"));
    let _ = stop.send(());
}
