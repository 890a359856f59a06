//! `hao backup` while `hao serve` takes writes, then `hao restore` into a
//! fresh data dir: the copy is one instant of the first site, whole, and
//! the restored site serves it with its search index rebuilt. Restores that
//! would overwrite, or of a damaged file, are refused.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use hao_store::Store;

const HAO: &str = env!("CARGO_BIN_EXE_hao");
const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/articles.jsonl"
);

fn hao(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(HAO);
    c.args(args).env("HAO_LOG", "warn").stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn post(addr: &str, token: &str, body: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /api/v1/articles HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out[9..12].parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_while_serving_writes_restores_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let a_s = a.to_str().unwrap();
    assert!(
        hao(&["import", "--quiet", "--data-dir", a_s, FIXTURES], &[])
            .status
            .success()
    );
    let out = hao(
        &[
            "user",
            "create",
            "--data-dir",
            a_s,
            "--username",
            "writer",
            "--role",
            "creator",
            "--creator",
            "备份测试号",
        ],
        &[("HAO_PASSWORD", "backup-password-1")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(
        hao(
            &["token", "create", "--data-dir", a_s, "--username", "writer"],
            &[],
        )
        .stdout,
    )
    .unwrap()
    .trim()
    .to_owned();

    // The first site serves and takes writes all through the backup.
    let (mut server, addr, _) = crate::serving::serve(&a, &["--no-rate-limits"], &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (stop, written, addr, token) =
            (stop.clone(), written.clone(), addr.clone(), token.clone());
        std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let body = format!(
                    r#"{{"title": "备份期间写入的第{i}篇", "body": "第{i}篇的正文：备份进行时仍在写入，副本应是某一瞬间的完整数据库。"}}"#
                );
                assert_eq!(post(&addr, &token, &body), 201);
                written.fetch_add(1, Ordering::SeqCst);
                i += 1;
            }
        })
    };
    while written.load(Ordering::SeqCst) < 5 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let copy = dir.path().join("hao-backup.db");
    let out = hao(&["backup", "--data-dir", a_s, copy.to_str().unwrap()], &[]);
    let during = written.load(Ordering::SeqCst);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("backup written to"));
    while written.load(Ordering::SeqCst) < during + 5 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let _ = server.kill();
    let _ = server.wait();
    // A second backup to the same name is refused.
    let again = hao(&["backup", "--data-dir", a_s, copy.to_str().unwrap()], &[]);
    assert!(!again.status.success());

    // Restored into a fresh data dir: checked, migrated, indexed.
    let b_s = b.to_str().unwrap();
    let out = hao(&["restore", "--data-dir", b_s, copy.to_str().unwrap()], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(b.join("search").is_dir(), "the index is rebuilt");
    // Not over an existing database; not a damaged file.
    let out = hao(&["restore", "--data-dir", b_s, copy.to_str().unwrap()], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already has a database"));
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"SQLite format 3\0 but not really a database at all").unwrap();
    let out = hao(
        &[
            "restore",
            "--data-dir",
            dir.path().join("c").to_str().unwrap(),
            junk.to_str().unwrap(),
        ],
        &[],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be restored"));

    // The copy is one instant of the first site: every article it has is
    // the first site's, with the same title and body, and it has those the
    // first site had before the backup began.
    let src = Store::connect(&Store::sqlite_url(&a)).await.unwrap();
    let dst = Store::connect(&Store::sqlite_url(&b)).await.unwrap();
    let (n_src, n_dst) = (
        src.count_published().await.unwrap(),
        dst.count_published().await.unwrap(),
    );
    assert!(
        n_dst <= n_src && n_dst >= n_src - (written.load(Ordering::SeqCst) - 5) as i64,
        "{n_dst} of {n_src}"
    );
    for id in 1..=n_dst {
        let (x, y) = (
            src.article(id).await.unwrap(),
            dst.article(id).await.unwrap(),
        );
        if let (Some(x), Some(y)) = (x, y) {
            assert_eq!(
                (x.title, x.body_markdown),
                (y.title, y.body_markdown),
                "article {id}"
            );
        }
    }
    assert!(
        dst.user_for_signin("writer").await.unwrap().is_some(),
        "accounts kept"
    );
}
