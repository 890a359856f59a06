//! Text engine speed on real news text (`../shared/data/inews/dev.jsonl`):
//! segmentation MB/s, keywords, fingerprints (SimHash + MinHash sketch).
//!   cargo bench -p hao-text

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn corpus() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/inews/dev.jsonl"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (the benches read ../shared/data)"));
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["body"].as_str().map(str::to_owned))
        .filter(|b| b.chars().count() > 100)
        .take(300)
        .collect()
}

fn text(c: &mut Criterion) {
    let bodies = corpus();
    let bytes: usize = bodies.iter().map(String::len).sum();
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("segment (jieba, no HMM)", |b| {
        b.iter(|| bodies.iter().map(|t| hao_text::cut(t).len()).sum::<usize>())
    });
    g.bench_function("keywords (TF-IDF, 8)", |b| {
        b.iter(|| {
            bodies
                .iter()
                .map(|t| hao_text::keywords(t, 8).len())
                .sum::<usize>()
        })
    });
    // SimHash and the MinHash sketch come from one pass (`simhash` and
    // `sketch` alone are that pass too): one figure for both.
    g.bench_function("fingerprints (both, one pass)", |b| {
        b.iter(|| {
            bodies
                .iter()
                .map(|t| hao_text::fingerprint::fingerprints(t))
                .filter(|(f, s)| f.is_some() && s.is_some())
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, text);
criterion_main!(benches);
