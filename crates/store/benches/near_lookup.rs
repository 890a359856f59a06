//! Near-duplicate lookup at scale: the band-table query a publish runs, on a
//! SQLite database holding `HAO_BENCH_SKETCHES` articles (default 1,000,000)
//! with 16 band keys each. Keys are drawn from 2 million values, so a lookup's
//! 16 keys find ~128 candidate articles — more than real text collides
//! (`hao eval near-dup` measures ~1 unrelated candidate per 7,700 articles,
//! ~130 at a million) — and their sketches are read back for verification.
//!   cargo bench -p hao-store --bench near_lookup

use criterion::{Criterion, criterion_group, criterion_main};
use hao_store::Store;
use sqlx::Executor;

fn near_lookup(c: &mut Criterion) {
    let n: i64 = std::env::var("HAO_BENCH_SKETCHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt.block_on(async {
        let store = Store::connect(&Store::sqlite_url(dir.path()))
            .await
            .unwrap();
        let pool =
            sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("hao.db").display()))
                .await
                .unwrap();
        let started = std::time::Instant::now();
        pool.execute("INSERT INTO creators (display_name, created_at) VALUES ('bench', 0);")
            .await
            .unwrap();
        let sketch = format!("{}:100", "0".repeat(256));
        pool.execute(
            format!(
                "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < {n}) \
                 INSERT INTO articles (external_id, creator_id, channel, title, body_markdown, \
                 body_html, summary, original, status, published_at, created_at, updated_at) \
                 SELECT 'b' || x, 1, 'tech', 't', '', '', '', 1, 'published', x, 0, 0 FROM g; \
                 INSERT INTO article_sketches (article_id, sketch) SELECT id, '{sketch}' \
                 FROM articles;"
            )
            .as_str(),
        )
        .await
        .unwrap();
        pool.execute(
            format!(
                "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < {n}), \
                 b(y) AS (SELECT 0 UNION ALL SELECT y + 1 FROM b WHERE y < 15) \
                 INSERT OR IGNORE INTO article_bands (band_key, article_id) \
                 SELECT (abs(random()) % 2000000) * 16 + y, x FROM g, b;"
            )
            .as_str(),
        )
        .await
        .unwrap();
        pool.close().await;
        eprintln!(
            "near_lookup: {n} articles, {} band rows, built in {:.0} s",
            n * 16,
            started.elapsed().as_secs_f64()
        );
        store
    });
    let mut probe: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut keys = move || {
        (0..16)
            .map(|band| {
                probe = probe
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((probe >> 33) % 2_000_000 * 16 + band) as i64
            })
            .collect::<Vec<i64>>()
    };
    let mut g = c.benchmark_group("near-duplicate lookup");
    g.sample_size(50);
    g.bench_function(format!("16 band keys among {n} articles"), |b| {
        b.iter(|| {
            let k = keys();
            rt.block_on(store.near_candidates(&k, 0)).unwrap().len()
        })
    });
    g.finish();
}

criterion_group!(benches, near_lookup);
criterion_main!(benches);
