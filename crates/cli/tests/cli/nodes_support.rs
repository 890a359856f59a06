//! The two-node test's tools: a fresh PostgreSQL database, raw HTTP on
//! loopback, the `hao` binary, a real webhook receiver.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command};
use std::time::Duration;

const HAO: &str = env!("CARGO_BIN_EXE_hao");

/// A fresh PostgreSQL database for one test.
pub(crate) struct PgDb {
    admin: String,
    name: String,
    pub(crate) url: String,
}

impl PgDb {
    pub(crate) async fn create(admin: &str) -> PgDb {
        use sqlx::Executor;
        sqlx::any::install_default_drivers();
        let name = format!(
            "hao_nodes_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let pool = sqlx::AnyPool::connect(admin).await.unwrap();
        pool.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        pool.close().await;
        let base = admin.rsplit_once('/').unwrap().0;
        PgDb {
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }

    pub(crate) async fn drop(self) {
        use sqlx::Executor;
        let pool = sqlx::AnyPool::connect(&self.admin).await.unwrap();
        pool.execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
            .await
            .unwrap();
        pool.close().await;
    }
}

/// One HTTP/1.1 exchange; returns (status, body). `None` when the node is
/// unreachable or the connection broke (a killed node).
pub(crate) fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String)> {
    http_with_head(addr, method, path, headers, body).map(|(status, _, body)| (status, body))
}

/// [`http`], also returning the response head (status line and headers).
pub(crate) fn http_with_head(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.get(9..12)?.parse().ok()?;
    let (head, rest) = text.split_once("\r\n\r\n")?;
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Some((status, head.to_owned(), body))
}

pub(crate) fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub(crate) fn get(addr: &str, path: &str) -> (u16, String) {
    http(addr, "GET", path, &[], "").unwrap_or((0, String::new()))
}

pub(crate) fn hao(
    url: &str,
    data: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> String {
    let mut cmd = Command::new(HAO);
    cmd.args(args)
        .arg("--data-dir")
        .arg(data)
        .env("HAO_DATABASE_URL", url);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "hao {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn start_node(url: &str, data: &std::path::Path) -> (Child, String) {
    let (child, addr, _) = crate::serving::serve(
        data,
        &[],
        &[
            ("HAO_DATABASE_URL", url),
            // The test's webhook receiver listens on loopback.
            ("HAO_WEBHOOKS_ALLOW_PRIVATE", "true"),
        ],
    );
    (child, addr)
}

pub(crate) fn publish(addr: &str, token: &str, n: usize) -> Option<(u16, String)> {
    let body = serde_json::json!({
        "title": format!("双节点测试稿件第{n}篇：量子计算芯片"),
        "body": format!("第{n}篇。国内科研团队发布新一代量子计算芯片，比特数与保真度均有提升。\n团队表示将继续推进纠错研究。"),
        "channel": "tech",
        "author": "双节点测试",
    });
    http(
        addr,
        "POST",
        "/api/v1/articles",
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", "application/json"),
        ],
        &body.to_string(),
    )
}

/// A real HTTP receiver on loopback: every request's body, in order.
pub(crate) fn receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let g = got.clone();
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let n = sock.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                    continue;
                };
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                if buf.len() < end + 4 + len {
                    continue;
                }
                g.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).into_owned());
                let _ = sock.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
                break;
            }
        }
    });
    (url, got)
}

pub(crate) fn id_of(json: &str) -> i64 {
    serde_json::from_str::<serde_json::Value>(json).unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// Stops a node gracefully (SIGTERM), as an orchestrator does.
pub(crate) fn sigterm(child: &Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
}
