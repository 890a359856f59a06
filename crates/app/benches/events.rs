//! 热点's event path: ingestion of page views (the repeat check and the
//! in-memory batch a page request costs), and a full recomputation of every
//! article's hotness from an event log (what the incremental scores avoid).
//!   cargo bench -p hao-app --bench events

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hao_app::{ViewCounter, reader_key};
use hao_recommend::hot::{self, Event};

/// A small deterministic generator, so every run sees the same events.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn ingestion(c: &mut Criterion) {
    const EVENTS: usize = 100_000;
    let mut rng = Rng(7);
    // 100,000 views of 100,000 articles by 20,000 readers, skewed to a few
    // hot articles (half the views on 1 % of them), with repeats.
    let views: Vec<(i64, u64, String)> = (0..EVENTS)
        .map(|_| {
            let r = rng.next();
            let article = if r.is_multiple_of(2) {
                r % 1_000
            } else {
                r % 100_000
            } as i64;
            let addr = format!("10.0.{}.{}", (r >> 20) % 80, (r >> 28) % 250);
            let reader = reader_key(None, &addr, "Mozilla/5.0");
            (article, reader, addr)
        })
        .collect();
    let mut g = c.benchmark_group("events");
    g.throughput(Throughput::Elements(EVENTS as u64));
    g.sample_size(20);
    g.bench_function("ingest 100k views (repeat check + batch)", |b| {
        b.iter_batched(
            ViewCounter::default,
            |counter| {
                for (article, reader, addr) in &views {
                    counter.hit(*article, *reader, addr);
                }
                counter
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
    c.bench_function("events/reader key (address + browser)", |b| {
        b.iter(|| {
            reader_key(
                None,
                "203.0.113.7",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)",
            )
        })
    });
}

fn recompute(c: &mut Criterion) {
    const ARTICLES: usize = 100_000;
    const EVENTS: usize = 10_000_000;
    let now = 1_800_000_000;
    let mut rng = Rng(11);
    let events: Vec<Event> = (0..EVENTS)
        .map(|_| {
            let r = rng.next();
            let weight = match r % 100 {
                0..=94 => hot::VIEW,
                95..=98 => hot::SHARE,
                _ => hot::FOLLOW,
            };
            Event {
                article: ((r >> 8) % ARTICLES as u64) as i64,
                weight,
                // spread over the last week
                at: now - ((r >> 32) % (7 * 24 * 3600)) as i64,
            }
        })
        .collect();
    let mut g = c.benchmark_group("hot");
    g.throughput(Throughput::Elements(EVENTS as u64));
    g.sample_size(10);
    g.bench_function("recompute 100k articles from 10M events + top 50", |b| {
        b.iter(|| {
            let mut scores = vec![0.0; ARTICLES];
            hot::accumulate(&mut scores, &events, now);
            hot::top(&scores, 50)
        })
    });
    g.finish();
}

criterion_group!(benches, ingestion, recompute);
criterion_main!(benches);
