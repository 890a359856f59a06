//! `hao eval related`: 相关推荐 on split documents — is an article's second
//! half its first half's first related article?

use anyhow::Context;
use std::process::ExitCode;
use std::time::Instant;

use crate::corpus::{EvalArticle, read_articles};

use super::RelatedArgs;

pub(super) fn related(args: RelatedArgs) -> anyhow::Result<ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(related_async(args))
}

async fn related_async(args: RelatedArgs) -> anyhow::Result<ExitCode> {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    let articles: Vec<EvalArticle> = read_articles(&args.corpus)?
        .into_iter()
        .filter(|a| a.body.trim().chars().count() >= 200)
        .collect();
    let mut jsonl = String::new();
    for (i, a) in articles.iter().enumerate() {
        let body: Vec<char> = a.body.trim().chars().collect();
        let (first, second) = body.split_at(body.len() / 2);
        let channel = hao_text::classify_channel(&a.title, &a.body).slug();
        for (part, text, author) in [
            ("a", first, format!("前半作者{}", i % 97)),
            ("b", second, format!("后半作者{}", i % 89)),
        ] {
            let title = format!(
                "{}（{}）",
                a.title.trim(),
                if part == "a" { "上" } else { "下" }
            );
            jsonl.push_str(
                &serde_json::json!({
                    "external_id": format!("split-{i}-{part}"),
                    "title": title,
                    "body": text.iter().collect::<String>(),
                    "author": author,
                    "channel": channel,
                    "published_at": "2026-10-01T08:00:00+08:00",
                })
                .to_string(),
            );
            jsonl.push('\n');
        }
    }
    let mut data = jsonl.into_bytes();
    for path in &args.extra {
        let mut extra =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        if !data.ends_with(b"\n") && !data.is_empty() {
            data.push(b'\n');
        }
        data.append(&mut extra);
    }
    let dir = tempfile::tempdir()?;
    let store = hao_store::Store::connect(&hao_store::Store::sqlite_url(dir.path())).await?;
    let started = Instant::now();
    let stop = AtomicBool::new(false);
    let summary = hao_app::publish::import::import_reader(
        &store,
        std::io::Cursor::new(data),
        &hao_app::publish::import::Options {
            batch: 500,
            report: &hao_app::publish::import::Silent,
            stop: &stop,
            index: None,
        },
    )
    .await?;
    let index = Arc::new(hao_search::SearchIndex::in_memory()?);
    hao_app::sync::reindex_all(&store, &index, |_| {}, || false).await?;
    println!(
        "related: {} articles split into {} halves ({} articles in all), imported and indexed in {:.1} s",
        articles.len(),
        articles.len() * 2,
        summary.created,
        started.elapsed().as_secs_f64()
    );
    let now = store.now();
    let (mut n, mut at1, mut rr) = (0usize, 0usize, 0.0f64);
    let mut micros = Vec::new();
    for i in 0..articles.len() {
        let (Some(a), Some(b)) = (
            store
                .article_by_external_id(&format!("split-{i}-a"))
                .await?,
            store
                .article_by_external_id(&format!("split-{i}-b"))
                .await?,
        ) else {
            continue;
        };
        let t = Instant::now();
        let list = hao_app::related::compute(&store, &index, a.id, now)
            .await?
            .unwrap_or_default();
        micros.push(t.elapsed().as_micros() as u64);
        n += 1;
        if let Some(rank) = list.iter().take(5).position(|r| r.id == b.id) {
            rr += 1.0 / (rank + 1) as f64;
            at1 += usize::from(rank == 0);
        }
    }
    micros.sort_unstable();
    let pct =
        |p: f64| micros[((micros.len() as f64 * p) as usize).min(micros.len().saturating_sub(1))];
    let p1 = at1 as f64 / n.max(1) as f64;
    println!(
        "split documents: {n}  P@1 {p1:.4}  MRR@5 {:.4}  compute p50 {} µs, p99 {} µs",
        rr / n.max(1) as f64,
        pct(0.5),
        pct(0.99)
    );
    if let Some(min) = args.min_p1
        && p1 < min
    {
        println!("FAIL: P@1 {p1:.4} < {min}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
