//! Search speed on real news (`../shared/data/inews/{train,dev}.jsonl`):
//! indexing articles/s, and query latency for a title fragment, a body span
//! and a frequent two-character word.
//!   cargo bench -p hao-search

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hao_search::{SearchDoc, SearchIndex, SearchQuery};

fn corpus() -> Vec<SearchDoc> {
    let mut docs = Vec::new();
    for split in ["train", "dev"] {
        let path = format!(
            "{}/../../../shared/data/inews/{split}.jsonl",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e} (the benches read ../shared/data)"));
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let (Some(title), Some(body)) = (v["title"].as_str(), v["body"].as_str()) else {
                continue;
            };
            docs.push(SearchDoc {
                id: docs.len() as i64 + 1,
                external_id: v["external_id"].as_str().unwrap_or("").to_owned(),
                title: title.to_owned(),
                body: body.to_owned(),
                author: "作者".to_owned(),
                tags: vec![],
                keywords: vec![],
                channel: "local".to_owned(),
                published_at: 0,
            });
        }
    }
    docs
}

fn search(c: &mut Criterion) {
    let docs = corpus();
    let mut g = c.benchmark_group("search");
    g.sample_size(10);
    let batch = &docs[..1000];
    g.throughput(Throughput::Elements(batch.len() as u64));
    g.bench_function("index 1000 articles", |b| {
        b.iter(|| {
            let index = SearchIndex::in_memory().unwrap();
            index.update(batch, &[]).unwrap();
        })
    });
    g.finish();

    let index = SearchIndex::in_memory().unwrap();
    for chunk in docs.chunks(2000) {
        index.update(chunk, &[]).unwrap();
    }
    let title: String = docs[100]
        .title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .take(8)
        .collect();
    let body: String = docs[200].body.chars().skip(100).take(15).collect();
    let mut g = c.benchmark_group("query");
    g.sample_size(50);
    for (name, q) in [
        ("title fragment", title.as_str()),
        ("body span", body.as_str()),
        ("frequent word 北京", "北京"),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                index
                    .search(&SearchQuery {
                        text: q,
                        limit: 10,
                        ..Default::default()
                    })
                    .unwrap()
                    .total
            })
        });
    }
    g.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
