//! The storage test suite, run against every backend available: SQLite always
//! (a temporary file), PostgreSQL when `HAO_TEST_POSTGRES` names a server
//! (e.g. `postgres://postgres@127.0.0.1:5432/postgres`): each test then gets a
//! fresh database, dropped afterwards.

use hao_domain::{ArticleDraft, ArticleStatus, Channel, Originality};
use hao_store::{Backend, NewCreator, Store};

mod accounts;
mod bulk;
mod editorial;
mod engagement;
mod transfer;

/// A store on a fresh database, and what to remove afterwards.
pub(crate) struct TestDb {
    pub(crate) store: Store,
    _dir: Option<tempfile::TempDir>,
    drop_pg: Option<(String, String)>,
}

impl TestDb {
    pub(crate) async fn cleanup(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.drop_pg {
            use sqlx::Executor;
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin).await.unwrap();
            pool.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await
                .unwrap();
            pool.close().await;
        }
    }
}

pub(crate) async fn backends() -> Vec<TestDb> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::connect(&Store::sqlite_url(dir.path()))
        .await
        .unwrap();
    let mut dbs = vec![TestDb {
        store: sqlite,
        _dir: Some(dir),
        drop_pg: None,
    }];
    if let Ok(admin) = std::env::var("HAO_TEST_POSTGRES") {
        use sqlx::Executor;
        sqlx::any::install_default_drivers();
        let name = format!(
            "hao_test_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let pool = sqlx::AnyPool::connect(&admin).await.unwrap();
        pool.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        pool.close().await;
        let base = admin.rsplit_once('/').unwrap().0;
        let url = format!("{base}/{name}");
        let store = Store::connect(&url).await.unwrap();
        assert_eq!(store.backend(), Backend::Postgres);
        dbs.push(TestDb {
            store,
            _dir: None,
            drop_pg: Some((admin, name)),
        });
    }
    dbs
}

pub(crate) fn draft(
    external_id: &str,
    creator_id: i64,
    channel: Channel,
    title: &str,
    at: i64,
) -> ArticleDraft {
    ArticleDraft {
        external_id: external_id.to_owned(),
        creator_id,
        channel,
        title: title.to_owned(),
        body_markdown: format!("{title}的正文"),
        body_html: format!("<p>{title}的正文</p>"),
        summary: format!("{title}的正文"),
        cover_url: None,
        tags: vec!["标签一".into(), "标签二".into()],
        originality: Originality::Original,
        status: ArticleStatus::Published,
        published_at: at,
        listed: true,
        keywords: vec!["关键词".into()],
        fingerprint: None,
        sketch: None,
        bands: vec![],
    }
}

pub(crate) async fn creator(store: &Store, name: &str) -> i64 {
    store
        .ensure_creator(&NewCreator {
            display_name: name,
            account_type: hao_domain::AccountType::Media,
            bio: "简介",
            is_demo: true,
            is_official: false,
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn upserts_create_then_update_and_log_changes() {
    for db in backends().await {
        let s = &db.store;
        let before = s.last_change().await.unwrap();
        let c = creator(s, "甲").await;
        assert_eq!(creator(s, "甲").await, c, "ensure_creator is idempotent");
        let r = s
            .upsert_articles(&[
                draft("a", c, Channel::Tech, "一", 100),
                draft("b", c, Channel::Tech, "二", 200),
            ])
            .await
            .unwrap();
        assert!(r.iter().all(|u| u.created));
        assert!(s.last_change().await.unwrap() >= before + 2);
        s.add_views(&[(r[0].id, 5)]).await.unwrap();

        let mut edited = draft("a", c, Channel::Sports, "一（更新）", 100);
        edited.originality = Originality::Reprint {
            source_name: "新华社".into(),
            source_url: Some("https://www.news.cn/".into()),
        };
        let r2 = s.upsert_articles(&[edited]).await.unwrap();
        assert_eq!(r2[0].id, r[0].id);
        assert!(!r2[0].created);
        let a = s.article(r[0].id).await.unwrap().unwrap();
        assert_eq!(a.title, "一（更新）");
        assert_eq!(a.channel, Channel::Sports);
        assert_eq!(a.views, 5, "views survive an update");
        assert_eq!(a.tags, ["标签一", "标签二"]);
        assert!(
            matches!(a.originality, Originality::Reprint { ref source_name, .. } if source_name == "新华社")
        );
        assert_eq!(
            s.article_by_external_id("b").await.unwrap().unwrap().id,
            r[1].id
        );
        assert!(s.article(9999).await.unwrap().is_none());

        // One batch naming an external id twice: the later line updates the
        // article the earlier one created; one change-log row per line, in order.
        let seq = s.last_change().await.unwrap();
        let r3 = s
            .upsert_articles(&[
                draft("c", c, Channel::Tech, "三", 300),
                draft("c", c, Channel::Tech, "三（改）", 300),
            ])
            .await
            .unwrap();
        assert_eq!(r3[0].id, r3[1].id);
        assert!(r3[0].created && !r3[1].created);
        assert_eq!(
            s.article(r3[0].id).await.unwrap().unwrap().title,
            "三（改）"
        );
        let changes = s.changes_since(seq, 10).await.unwrap();
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert!(changes[0].0 < changes[1].0);
        assert!(changes.iter().all(|c| c.1 == Some(r3[0].id)));

        let card = s.creator(c).await.unwrap().unwrap();
        assert_eq!(
            (card.article_count, card.follower_count, card.is_demo),
            (3, 0, true)
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn lists_show_published_listed_articles_newest_first() {
    for db in backends().await {
        let s = &db.store;
        let c1 = creator(s, "甲").await;
        let c2 = creator(s, "乙").await;
        let mut hidden = draft("help", c1, Channel::Tech, "帮助页", 500);
        hidden.listed = false;
        let mut draft_only = draft("draft", c1, Channel::Tech, "草稿", 600);
        draft_only.status = ArticleStatus::Draft;
        s.upsert_articles(&[
            draft("t1", c1, Channel::Tech, "科技一", 100),
            draft("t2", c2, Channel::Tech, "科技二", 300),
            draft("s1", c2, Channel::Sports, "体育一", 200),
            hidden,
            draft_only,
        ])
        .await
        .unwrap();
        let titles =
            |p: &hao_store::ListPage| p.items.iter().map(|a| a.title.clone()).collect::<Vec<_>>();

        let latest = s.latest(10, 0).await.unwrap();
        assert_eq!(titles(&latest), ["科技二", "体育一", "科技一"]);
        assert_eq!(latest.total, 3);
        let tech = s.channel_articles(Channel::Tech, 1, 1).await.unwrap();
        assert_eq!((titles(&tech), tech.total), (vec!["科技一".to_owned()], 2));
        // The author page shows unlisted (help) pages too, never drafts.
        let c1_page = s.creator_articles(c1, 10, 0).await.unwrap();
        assert_eq!(titles(&c1_page), ["帮助页", "科技一"]);
        assert_eq!(s.count_listed().await.unwrap(), 3);

        let t1 = s.article_by_external_id("t1").await.unwrap().unwrap().id;
        let recent = s.recent_in_channel(Channel::Tech, t1, 5).await.unwrap();
        assert_eq!(
            recent.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(),
            ["科技二"]
        );

        s.add_views(&[(t1, 10)]).await.unwrap();
        let hot = s.most_viewed_since(0, None, 2).await.unwrap();
        assert_eq!(hot[0].title, "科技一");
        let recent_hot = s.most_viewed_since(150, None, 5).await.unwrap();
        assert!(recent_hot.iter().all(|a| a.published_at >= 150));
        let sports_hot = s
            .most_viewed_since(0, Some(Channel::Sports), 5)
            .await
            .unwrap();
        assert_eq!(sports_hot.len(), 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_failed_batch_stores_nothing() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "甲").await;
        // The second draft names a creator that does not exist: the foreign key
        // fails and the whole batch is rolled back.
        let err = s
            .upsert_articles(&[
                draft("ok", c, Channel::Local, "好", 1),
                draft("bad", 987_654, Channel::Local, "坏", 1),
            ])
            .await;
        assert!(err.is_err());
        assert!(s.article_by_external_id("ok").await.unwrap().is_none());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn unsupported_urls_are_refused_clearly() {
    let e = Store::connect("mysql://localhost/hao").await.unwrap_err();
    assert!(
        e.to_string()
            .contains("expected sqlite://… or postgres://…"),
        "{e}"
    );
}

#[tokio::test]
async fn media_round_trips_bytes_once_per_name() {
    use hao_domain::Role;
    for db in backends().await {
        let s = &db.store;
        let u = s
            .create_user("up", "h", Role::Creator, None)
            .await
            .unwrap()
            .unwrap();
        let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        s.put_media("abc.jpg", "image/jpeg", &bytes, (10, 20), u)
            .await
            .unwrap();
        s.put_media("abc.jpg", "image/jpeg", b"other", (1, 1), u)
            .await
            .unwrap();
        let (mime, got) = s.media("abc.jpg").await.unwrap().unwrap();
        assert_eq!((mime.as_str(), got), ("image/jpeg", bytes));
        assert!(s.media("missing.png").await.unwrap().is_none());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn related_lists_are_kept_replaced_and_removed() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "甲").await;
        let ids: Vec<i64> = s
            .upsert_articles(&[
                draft("r1", c, Channel::Tech, "一", 100),
                draft("r2", c, Channel::Tech, "二", 200),
                draft("r3", c, Channel::Tech, "三", 300),
            ])
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        assert_eq!(s.published_ids_without_related(0, 10).await.unwrap(), ids);
        let items = vec![
            (ids[1], "「芯片」".to_owned()),
            (ids[2], "同频道相关".to_owned()),
        ];
        s.put_related(ids[0], Some(&items), 1).await.unwrap();
        s.put_related(ids[1], Some(&[]), 1).await.unwrap();
        assert_eq!(
            s.published_ids_without_related(0, 10).await.unwrap(),
            [ids[2]]
        );
        let found = s.related_lists(&[ids[0], ids[1], ids[2]]).await.unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[&ids[0]], items);
        assert!(found[&ids[1]].is_empty());
        // Replaced, then removed.
        s.put_related(ids[0], Some(&items[..1]), 2).await.unwrap();
        assert_eq!(
            s.related_lists(&[ids[0]]).await.unwrap()[&ids[0]],
            items[..1]
        );
        s.put_related(ids[0], None, 3).await.unwrap();
        assert!(s.related_lists(&[ids[0]]).await.unwrap().is_empty());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn tags_are_rows_kept_with_their_article() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "话题作者").await;
        let mut a = draft("t-a", c, Channel::Tech, "芯片", 1_000);
        a.tags = vec!["芯片".into(), "人工智能".into()];
        let mut b = draft("t-b", c, Channel::Tech, "模型", 2_000);
        b.tags = vec!["人工智能".into()];
        let mut hidden = draft("t-c", c, Channel::Tech, "草稿", 3_000);
        hidden.tags = vec!["人工智能".into()];
        hidden.status = ArticleStatus::Draft;
        let ids: Vec<i64> = s
            .upsert_articles(&[a.clone(), b, hidden])
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        let ai = s.tag_articles("人工智能", 10, 0).await.unwrap();
        assert_eq!(ai.total, 2, "a draft is not listed");
        assert_eq!(
            ai.items.iter().map(|i| i.id).collect::<Vec<_>>(),
            [ids[1], ids[0]],
            "newest first"
        );
        assert_eq!(s.tag_articles("芯片", 10, 0).await.unwrap().total, 1);
        assert_eq!(
            s.hot_tags(0, 10).await.unwrap(),
            [("人工智能".to_owned(), 2), ("芯片".to_owned(), 1)]
        );
        // An edit replaces the article's tags.
        a.tags = vec!["半导体".into()];
        s.upsert_articles(&[a]).await.unwrap();
        assert_eq!(s.tag_articles("芯片", 10, 0).await.unwrap().total, 0);
        assert_eq!(
            s.tag_articles("半导体", 10, 0).await.unwrap().items[0].id,
            ids[0]
        );
        // What a sitemap needs.
        assert_eq!(s.published_span().await.unwrap(), Some((1_000, 2_000)));
        let (n, lastmod) = s.published_between(0, 1_500).await.unwrap();
        assert_eq!(n, 1);
        assert!(lastmod.is_some());
        assert_eq!(
            s.published_ids_between(0, 10_000, 10)
                .await
                .unwrap()
                .iter()
                .map(|(id, _)| *id)
                .collect::<Vec<_>>(),
            [ids[0], ids[1]]
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn keyset_lists_page_without_skipping_or_repeating() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "分页作者").await;
        let d = creator(s, "另一位").await;
        // Two articles at the same second: the id breaks the tie.
        let drafts = vec![
            draft("k1", c, Channel::Tech, "一", 100),
            draft("k2", d, Channel::Tech, "二", 200),
            draft("k3", c, Channel::Sports, "三", 200),
            draft("k4", c, Channel::Tech, "四", 300),
        ];
        s.upsert_articles(&drafts).await.unwrap();
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let page = s
                .articles_before(&hao_store::ArticleFilter::default(), before, 1)
                .await
                .unwrap();
            let Some(a) = page.last() else { break };
            before = Some((a.published_at, a.id));
            seen.push(a.external_id.clone());
        }
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert_eq!(seen[0], "k4");
        assert_eq!(seen[3], "k1");
        let filter = hao_store::ArticleFilter {
            channel: Some(Channel::Tech),
            creator_id: Some(c),
            tag: Some("标签一".into()),
        };
        let mine: Vec<String> = s
            .articles_before(&filter, None, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.external_id)
            .collect();
        assert_eq!(mine, ["k4", "k1"]);
        let authors = s.creators_after(0, 10).await.unwrap();
        assert_eq!(authors.iter().map(|a| a.id).collect::<Vec<_>>(), [c, d]);
        assert_eq!(s.creators_after(c, 10).await.unwrap().len(), 1);
        db.cleanup().await;
    }
}
