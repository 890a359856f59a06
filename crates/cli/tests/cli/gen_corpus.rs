//! `hao gen-corpus`: a deterministic corpus built from real text.

use std::sync::atomic::AtomicBool;

use hao_app::publish::import::{Options, Silent, import_reader};
use hao_store::Store;

#[tokio::test]
async fn gen_corpus_writes_a_deterministic_importable_corpus_from_real_text() {
    let dir = tempfile::tempdir().unwrap();
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/articles.jsonl");
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

    let store = Store::connect(&Store::sqlite_url(dir.path()))
        .await
        .unwrap();
    let opts = Options {
        batch: 100,
        report: &Silent,
        stop: &AtomicBool::new(false),
        index: None,
    };
    let s = import_reader(&store, std::io::Cursor::new(a), &opts)
        .await
        .unwrap();
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
