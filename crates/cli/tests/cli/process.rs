//! The real `hao` binary as a user runs it: `hao import` on a file with bad
//! lines, `hao serve` over real HTTP, and a graceful stop (SIGTERM) that
//! flushes the counted views.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hao_store::Store;

const HAO: &str = env!("CARGO_BIN_EXE_hao");

fn http_get(addr: &str, path: &str) -> (u16, String) {
    http_get_as(addr, path, "hao-test")
}

/// A GET from a browser named `agent` (readers are told apart by it).
fn http_get_as(addr: &str, path: &str, agent: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: {agent}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    (status, out)
}

/// Starts `hao serve` on a free port; returns the child, its address and the
/// first line it printed.
fn start_server(data: &std::path::Path) -> (std::process::Child, String, String) {
    // A damaged index makes tantivy panic (caught, and the index rebuilt):
    // its message is expected, a 50-frame backtrace is not useful.
    crate::serving::serve(data, &[], &[("RUST_BACKTRACE", "0")])
}

/// `hao import --quiet --data-dir DATA FILE`.
fn import(data: &std::path::Path, file: &str) -> std::process::Output {
    Command::new(HAO)
        .args(["import", "--quiet", "--data-dir"])
        .arg(data)
        .arg(file)
        .output()
        .unwrap()
}

#[tokio::test]
async fn import_serve_and_stop_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");

    // Import: a summary on stdout, each bad line on stderr with its number.
    let out = import(&data, &format!("{fixtures}/bad-lines.jsonl"));
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.contains("10 lines: 2 created, 0 updated, 7 skipped, 1 blank"),
        "{stdout}"
    );
    assert!(
        stderr.contains("bad-lines.jsonl:2: skipped: missing required field 'body'"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 7, "{stderr}");
    // The node's index is filled by the import itself.
    assert!(stdout.contains("search index: up to date"), "{stdout}");

    let out = import(&data, &format!("{fixtures}/articles.jsonl"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let missing = Command::new(HAO)
        .args(["import", "--data-dir"])
        .arg(&data)
        .arg("/nonexistent.jsonl")
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot open /nonexistent.jsonl"));

    // Serve on a free port, read the address from the first line.
    let (child, addr, first) = start_server(&data);
    assert!(first.contains("serving 15 articles"), "{first}");
    let mut child = child;

    let store = Store::connect(&Store::sqlite_url(&data)).await.unwrap();
    let id = store
        .article_by_external_id("fx-010")
        .await
        .unwrap()
        .unwrap()
        .id;
    // Three readers, one of them twice: three views.
    for reader in [1, 2, 3, 1] {
        let (status, body) = http_get_as(
            &addr,
            &format!("/article/{id}"),
            &format!("reader-{reader}"),
        );
        assert_eq!(status, 200);
        assert!(body.contains("新型无人机亮相航展"));
    }
    assert_eq!(http_get(&addr, "/healthz").0, 200);

    // Search: the imports filled the index (a new one is built in the
    // background at the first start) …
    let search = |q: &str| http_get(&addr, &format!("/api/v1/search?q={q}&limit=3")).1;
    let ready = Instant::now();
    while !search("%E8%88%AA%E5%B1%95").contains("fx-010") {
        // 航展
        assert!(
            ready.elapsed() < Duration::from_secs(10),
            "search index not built"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // … and follows an import made by another process within a second or so.
    let extra = dir.path().join("extra.jsonl");
    std::fs::write(&extra, r#"{"external_id":"live-1","title":"冰雪大世界开园迎客","body":"哈尔滨冰雪大世界今日开园。","channel":"本地"}"#).unwrap();
    let out = import(&data, extra.to_str().unwrap());
    assert!(out.status.success());
    // The serving node holds the index: the import leaves it to the node.
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not indexing here"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let published = Instant::now();
    while !search("%E5%86%B0%E9%9B%AA%E5%A4%A7%E4%B8%96%E7%95%8C").contains("live-1") {
        // 冰雪大世界
        assert!(
            published.elapsed() < Duration::from_secs(3),
            "not searchable 3 s after the import"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
    eprintln!(
        "searchable {} ms after the import finished",
        published.elapsed().as_millis()
    );
    assert_eq!(http_get(&addr, "/article/nope").0, 400);

    // SIGTERM: the server stops accepting, finishes, flushes views, exits 0.
    let started = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(store.article(id).await.unwrap().unwrap().views, 3);
    store.close().await;

    // A damaged index is rebuilt at the next start, never a crash.
    for e in std::fs::read_dir(data.join("search")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "idx" || x == "term") {
            std::fs::write(&p, b"garbage").unwrap();
        }
    }
    let (mut child, addr, _) = start_server(&data);
    let ready = Instant::now();
    while !http_get(&addr, "/api/v1/search?q=%E8%88%AA%E5%B1%95")
        .1
        .contains("fx-010")
    {
        assert!(
            ready.elapsed() < Duration::from_secs(10),
            "damaged index not rebuilt"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A node that finds no index has a `hao reindex` of its own build it,
/// then searches what that process built (the build's memory leaves with it).
#[tokio::test]
async fn a_missing_index_is_built_by_a_child_process() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");
    // `--no-index`: the import leaves the node's index alone (it would
    // otherwise fill it as it stores).
    let out = Command::new(HAO)
        .args(["import", "--quiet", "--no-index", "--data-dir"])
        .arg(&data)
        .arg(format!("{fixtures}/articles.jsonl"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("search index"));
    let args = hao::DataArgs {
        data_dir: data.clone(),
        database_url: None,
    };
    let (index, _) = hao::reindex::open_index(&args, hao_store::Workload::Serving).unwrap();
    assert_eq!(index.applied_seq(), None);
    assert_eq!(index.doc_count(), 0);
    hao::serve::reindex_in_child(std::path::Path::new(HAO), &args, &index)
        .await
        .unwrap();
    assert!(index.applied_seq().is_some());
    let search = |q| {
        index
            .search(&hao_search::SearchQuery {
                text: q,
                limit: 3,
                ..Default::default()
            })
            .unwrap()
            .hits
    };
    let hits = search("航展");
    assert_eq!(hits[0].external_id, "fx-010");
    // The node writes again afterwards (its writer is made anew).
    index.update(&[], &[hits[0].id]).unwrap();
    assert!(search("航展").iter().all(|h| h.external_id != "fx-010"));
    // A child that fails says why, and the index is left for this process.
    let missing = std::path::Path::new("/nonexistent/hao");
    let e = hao::serve::reindex_in_child(missing, &args, &index)
        .await
        .unwrap_err();
    assert!(format!("{e:#}").contains("/nonexistent/hao"), "{e:#}");
}

#[test]
fn segment_uses_the_user_dictionary_of_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let segment = |input: &str| {
        let mut child = Command::new(HAO)
            .args(["segment", "--data-dir"])
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let input = "特朗普与泽连斯基会谈\n\n我来到北京清华大学\n";
    assert_eq!(
        segment(input),
        "特朗普  与  泽  连斯基  会谈\n\n我  来到  北京  清华大学\n"
    );
    std::fs::write(dir.path().join("userdict.txt"), "泽连斯基 10 nr\n").unwrap();
    assert_eq!(
        segment(input),
        "特朗普  与  泽连斯基  会谈\n\n我  来到  北京  清华大学\n"
    );
}

/// A file of more articles than the table holds: the import drops the
/// article table's secondary indexes and builds them before it ends.
#[tokio::test]
async fn an_import_builds_the_indexes_it_deferred_before_it_ends() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");
    let lines = std::fs::read_to_string(format!("{fixtures}/articles.jsonl")).unwrap();
    let mut file = String::new();
    for copy in 0..12 {
        for line in lines.lines().filter(|l| !l.trim().is_empty()) {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            v["external_id"] = format!("{}-{copy}", v["external_id"].as_str().unwrap()).into();
            v["title"] = format!("{}（{copy}）", v["title"].as_str().unwrap()).into();
            file.push_str(&v.to_string());
            file.push('\n');
        }
    }
    let path = dir.path().join("many.jsonl");
    std::fs::write(&path, &file).unwrap();
    let out = import(&data, path.to_str().unwrap());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("156 created"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Read without opening a `Store`, which would build them itself.
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", data.join("hao.db").display());
    let mut db = sqlx::AnyConnection::connect(&url).await.unwrap();
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' \
         AND tbl_name IN ('articles', 'near_duplicates')",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    for name in [
        "articles_listing",
        "articles_channel",
        "articles_creator",
        "near_duplicates_of",
    ] {
        assert!(indexes.iter().any(|i| i == name), "{indexes:?}");
    }
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deferred_indexes")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(pending, 0);
    db.close().await.unwrap();
}
