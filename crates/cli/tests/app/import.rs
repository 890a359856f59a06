//! The import: bad lines are reported with their numbers and skipped, nothing
//! else is lost; re-import updates.

use axum::http::StatusCode;
use hao_domain::limits;

use crate::support::*;

#[tokio::test]
async fn bad_lines_are_reported_and_skipped_and_nothing_else_is_lost() {
    let app = TestApp::empty().await;
    // The fixture's bad lines, then a huge body, then one more good line.
    let mut data = BAD_LINES.to_vec();
    let huge = format!(
        r#"{{"external_id":"huge","title":"超长正文","body":"{}"}}"#,
        "长".repeat(limits::BODY_BYTES / 3 + 10)
    );
    data.extend_from_slice(huge.as_bytes());
    data.extend_from_slice(b"\n");
    data.extend_from_slice(
        r#"{"external_id":"after-huge","title":"最后一行","body":"最后一篇。","channel":"本地"}"#
            .as_bytes(),
    );

    let s = app.import(&data).await;
    assert_eq!(s.lines, 12);
    assert_eq!(s.blank, 1);
    assert_eq!(s.created, 3, "{:?}", s.errors);
    assert_eq!(s.skipped, 8);
    let lines: Vec<usize> = s.errors.iter().map(|(n, _)| *n).collect();
    assert_eq!(lines, [2, 3, 4, 5, 8, 9, 10, 11]);
    let reason = |n: usize| s.errors.iter().find(|(l, _)| *l == n).unwrap().1.clone();
    assert_eq!(reason(2), "missing required field 'body'");
    assert!(reason(3).starts_with("invalid JSON"), "{}", reason(3));
    assert!(reason(4).starts_with("not valid UTF-8"), "{}", reason(4));
    assert_eq!(reason(5), "missing required field 'external_id'");
    assert!(
        reason(8).contains("unknown channel '天气'"),
        "{}",
        reason(8)
    );
    assert!(reason(9).contains("RFC 3339"), "{}", reason(9));
    assert!(reason(10).starts_with("invalid JSON"), "{}", reason(10));
    assert!(reason(11).contains("'body' is too long"), "{}", reason(11));

    for id in ["bad-ok-1", "bad-ok-2", "after-huge"] {
        let r = app
            .get(&format!("/api/v1/articles/by-external-id/{id}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{id}");
        assert_eq!(r.json()["channel"], "local");
    }
    for id in ["bad-2", "bad-3", "bad-4", "huge"] {
        assert!(
            app.store()
                .article_by_external_id(id)
                .await
                .unwrap()
                .is_none(),
            "{id}"
        );
    }
}

#[tokio::test]
async fn reimport_updates_instead_of_duplicating() {
    let app = TestApp::with_articles().await;
    let before = app.store().count_listed().await.unwrap();
    let views_id = app.id_of("fx-005").await;
    app.store().add_views(&[(views_id, 7)]).await.unwrap();
    let s = app.import(ARTICLES).await;
    assert_eq!((s.created, s.updated, s.skipped), (0, 13, 0));
    assert_eq!(app.store().count_listed().await.unwrap(), before);
    // The same id, and the counters survive an update.
    assert_eq!(app.id_of("fx-005").await, views_id);
    assert_eq!(
        app.store().article(views_id).await.unwrap().unwrap().views,
        7
    );
}

#[tokio::test]
async fn articles_without_a_channel_are_spread_over_channels() {
    let app = TestApp::empty().await;
    // Strip every channel: classification must not put them all in one place.
    let data: String = String::from_utf8(ARTICLES.to_vec())
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("channel");
            v.to_string() + "\n"
        })
        .collect();
    let s = app.import(data.as_bytes()).await;
    assert_eq!(s.created, 13);
    assert!(s.channels.len() >= 6, "{:?}", s.channels);
    assert!(s.channels.values().all(|n| *n <= 5), "{:?}", s.channels);
}

#[tokio::test]
async fn gen_corpus_writes_a_deterministic_importable_corpus_from_real_text() {
    let dir = tempfile::tempdir().unwrap();
    let from =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles.jsonl");
    let gen_to = |name: &str, seed: u64| {
        let out = dir.path().join(name);
        let code = hao::gen_corpus::run(hao::gen_corpus::GenCorpusArgs {
            articles: 300,
            from: vec![from.clone()],
            out: out.clone(),
            creators: Some(12),
            seed,
            quiet: true,
        })
        .unwrap();
        assert_eq!(code, std::process::ExitCode::SUCCESS);
        std::fs::read(out).unwrap()
    };
    let a = gen_to("a.jsonl", 7);
    assert_eq!(a, gen_to("b.jsonl", 7), "the same seed, the same corpus");
    assert_ne!(a, gen_to("c.jsonl", 8));
    assert!(!dir.path().join("a.tmp").exists(), "no temporary file left");
    let lines: Vec<serde_json::Value> = a
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 300);
    let authors: std::collections::HashSet<&str> = lines
        .iter()
        .map(|l| l["author"].as_str().unwrap())
        .collect();
    assert!(authors.len() > 5 && authors.len() <= 12, "{authors:?}");
    assert!(
        lines
            .iter()
            .any(|l| l["original"] == false && l["source"].is_string())
    );

    let app = TestApp::empty().await;
    let s = app.import(&a).await;
    assert_eq!((s.created, s.skipped), (300, 0), "{:?}", s.errors);
    assert!(
        s.channels.len() > 1,
        "spread over channels: {:?}",
        s.channels
    );
}

#[tokio::test]
async fn gen_corpus_refuses_sources_without_text() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "{\"title\":\"\",\"body\":\"\"}\n").unwrap();
    let e = hao::gen_corpus::run(hao::gen_corpus::GenCorpusArgs {
        articles: 10,
        from: vec![empty],
        out: dir.path().join("out.jsonl"),
        creators: None,
        seed: 1,
        quiet: true,
    })
    .unwrap_err();
    assert!(e.to_string().contains("no articles"), "{e}");
    assert!(!dir.path().join("out.jsonl").exists());
}
