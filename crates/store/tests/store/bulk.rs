//! A bulk import's deferred indexes: dropped into a list, built at its end,
//! and built by the next open when the import died first.

use hao_domain::Channel;
use hao_store::Store;

use crate::{backends, creator, draft};

/// A connection of its own to the SQLite database in `dir`, read-only.
async fn read_only(dir: &std::path::Path) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", dir.join("hao.db").display());
    sqlx::AnyConnection::connect(&url).await.unwrap()
}

/// The indexes SQLite holds on the article and pair tables, by name.
async fn indexes(dir: &std::path::Path) -> Vec<(String, String)> {
    use sqlx::Connection;
    let mut conn = read_only(dir).await;
    let rows = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
         AND tbl_name IN ('articles', 'near_duplicates', 'article_bands') ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    rows
}

#[tokio::test]
async fn an_import_into_a_small_table_defers_its_indexes_and_a_later_open_builds_them() {
    let dir = tempfile::tempdir().unwrap();
    let url = Store::sqlite_url(dir.path());
    let store = Store::connect(&url).await.unwrap();
    let whole = indexes(dir.path()).await;
    let names: Vec<&str> = whole.iter().map(|(n, _)| n.as_str()).collect();
    for name in [
        "articles_listing",
        "articles_creator",
        "near_duplicates_of",
        "article_bands_article",
    ] {
        assert!(names.contains(&name), "{names:?}");
    }
    let c = creator(&store, "导入者").await;
    store
        .upsert_articles(&[draft("d-1", c, Channel::Tech, "第一篇", 100)])
        .await
        .unwrap();

    // The table holds more than the import would add: nothing is deferred.
    assert_eq!(store.defer_indexes(0).await.unwrap(), 0);
    assert_eq!(indexes(dir.path()).await, whole);

    // Small enough: every index that is not unique goes, the unique ones stay.
    let deferred = store.defer_indexes(1).await.unwrap();
    let left = indexes(dir.path()).await;
    assert_eq!(deferred + left.len(), whole.len(), "{left:?}");
    assert!(deferred >= 8, "{deferred}");
    assert!(
        left.iter().all(|(_, sql)| sql.starts_with("CREATE UNIQUE")),
        "{left:?}"
    );
    // Deferring twice defers nothing more.
    assert_eq!(store.defer_indexes(1).await.unwrap(), 0);

    // The import goes on without them; pages still read what it stored.
    let more: Vec<_> = (2..40)
        .map(|n| {
            draft(
                &format!("d-{n}"),
                c,
                Channel::Tech,
                &format!("第{n}篇"),
                100 + n,
            )
        })
        .collect();
    store.upsert_articles(&more).await.unwrap();
    let page = store.latest(5, 0).await.unwrap();
    assert_eq!(page.total, 39);
    assert_eq!(page.items[0].title, "第39篇");

    // It dies before its end: the next process to open the database builds
    // them, with the definitions they had.
    store.close().await;
    let reopened = Store::connect(&url).await.unwrap();
    assert_eq!(indexes(dir.path()).await, whole);
    assert_eq!(reopened.build_deferred_indexes().await.unwrap(), 0);

    // The import's own end builds them the same way.
    assert!(reopened.defer_indexes(1_000).await.unwrap() >= 8);
    assert!(reopened.build_deferred_indexes().await.unwrap() >= 8);
    assert_eq!(indexes(dir.path()).await, whole);
    reopened.close().await;
}

#[tokio::test]
async fn postgres_keeps_its_indexes_through_an_import() {
    for db in backends().await {
        if db.store.backend() == hao_store::Backend::Postgres {
            assert_eq!(db.store.defer_indexes(u64::MAX).await.unwrap(), 0);
            assert_eq!(db.store.build_deferred_indexes().await.unwrap(), 0);
        }
        db.cleanup().await;
    }
}

/// A bulk store can stop checking references (an import whose rows refer
/// only to rows it wrote or read); a serving store never does.
#[tokio::test]
async fn only_a_bulk_store_stops_checking_references() {
    let dir = tempfile::tempdir().unwrap();
    let url = Store::sqlite_url(dir.path());
    let serving = Store::connect(&url).await.unwrap();
    assert!(!serving.check_references(false).await.unwrap());
    let missing = 9_999;
    let orphan = |id: &str| vec![draft(id, missing, Channel::Tech, "无主之文", 100)];
    assert!(serving.upsert_articles(&orphan("o-1")).await.is_err());
    serving.close().await;

    let bulk = Store::connect_for(&url, hao_store::Workload::Bulk)
        .await
        .unwrap();
    assert!(bulk.upsert_articles(&orphan("o-2")).await.is_err());
    assert!(bulk.check_references(false).await.unwrap());
    bulk.upsert_articles(&orphan("o-3")).await.unwrap();
    assert!(bulk.check_references(true).await.unwrap());
    assert!(bulk.upsert_articles(&orphan("o-4")).await.is_err());
    bulk.close().await;

    for db in backends().await {
        if db.store.backend() == hao_store::Backend::Postgres {
            assert!(!db.store.check_references(false).await.unwrap());
        }
        db.cleanup().await;
    }
}

/// Rows in `article_bands` and `article_bands_held`.
async fn band_tables(dir: &std::path::Path) -> (i64, i64) {
    use sqlx::Connection;
    let mut conn = read_only(dir).await;
    let counts = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM article_bands), (SELECT COUNT(*) FROM article_bands_held)",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    counts
}

/// An import that is the database's one user holds its band rows: its
/// lookups find them, the band table stays as it was until the import's
/// end folds them in, and a crashed import's rows are folded at the next
/// open. Each key keeps its first `BAND_HOLDERS` articles, held or not.
#[tokio::test]
async fn an_import_holds_its_band_rows_and_folds_them_once() {
    use hao_store::BAND_HOLDERS;
    let dir = tempfile::tempdir().unwrap();
    let url = Store::sqlite_url(dir.path());
    let s = Store::connect_for(&url, hao_store::Workload::Bulk)
        .await
        .unwrap();
    let c = creator(&s, "批量").await;
    let article = |n: i64, bands: Vec<i64>| {
        let mut d = draft(&format!("h{n}"), c, Channel::Tech, "批量稿", 100 + n);
        d.sketch = Some(format!("s-{n}"));
        d.bands = bands;
        d
    };
    let holders = |keys: &'static [i64]| {
        let s = s.clone();
        async move {
            let rows = s.near_candidates(keys, 0).await.unwrap();
            rows.iter().map(|r| r.id).collect::<Vec<i64>>()
        }
    };
    assert!(s.hold_bands().await.unwrap());
    let first: Vec<_> = (0..3)
        .map(|n| article(n, vec![7, 70 + n, 700 + n]))
        .collect();
    let mut ids: Vec<i64> = s
        .upsert_articles(&first)
        .await
        .unwrap()
        .iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(band_tables(dir.path()).await, (0, 9));
    assert_eq!(holders(&[7]).await, ids);
    assert_eq!(holders(&[701]).await, [ids[1]]);
    // An update replaces the article's held rows.
    s.upsert_articles(&[article(0, vec![8, 80, 800])])
        .await
        .unwrap();
    assert_eq!(band_tables(dir.path()).await, (0, 9));
    assert!(holders(&[700]).await.is_empty());
    assert_eq!(holders(&[800]).await, [ids[0]]);
    assert_eq!(holders(&[7]).await, ids[1..]);
    // Key 7 takes its first holders and no more, within a batch too.
    let many: Vec<_> = (3..12).map(|n| article(n, vec![7])).collect();
    ids.extend(s.upsert_articles(&many).await.unwrap().iter().map(|u| u.id));
    let seven = holders(&[7]).await;
    assert_eq!(seven.len(), BAND_HOLDERS);
    assert_eq!(seven, ids[1..=BAND_HOLDERS]);

    // The import's end folds them into the band table, once.
    s.build_deferred_indexes().await.unwrap();
    assert_eq!(
        band_tables(dir.path()).await,
        (9 + BAND_HOLDERS as i64 - 2, 0)
    );
    assert_eq!(holders(&[7]).await, seven);
    assert_eq!(holders(&[800]).await, [ids[0]]);

    // A second import into a store that has band rows counts them too:
    // key 7 is full; key 900 is new. It dies before its end.
    assert!(s.hold_bands().await.unwrap());
    let late = s
        .upsert_articles(&[article(20, vec![7, 900])])
        .await
        .unwrap()[0]
        .id;
    assert_eq!(holders(&[7]).await, seven);
    assert_eq!(holders(&[900]).await, [late]);
    assert_eq!(band_tables(dir.path()).await.1, 1);
    s.close().await;
    let reopened = Store::connect(&url).await.unwrap();
    assert_eq!(band_tables(dir.path()).await.1, 0);
    let rows = reopened.near_candidates(&[900, 7], 0).await.unwrap();
    let mut found: Vec<i64> = rows.iter().map(|r| r.id).collect();
    found.sort_unstable();
    let mut expected = seven.clone();
    expected.push(late);
    expected.sort_unstable();
    assert_eq!(found, expected);
    reopened.close().await;
}
