//! The storage test suite, run against every backend available: SQLite always
//! (a temporary file), PostgreSQL when `HAO_TEST_POSTGRES` names a server
//! (e.g. `postgres://postgres@127.0.0.1:5432/postgres`): each test then gets a
//! fresh database, dropped afterwards.

use hao_domain::{ArticleDraft, ArticleStatus, Channel, Originality};
use hao_store::{Backend, NewCreator, Store};

/// A store on a fresh database, and what to remove afterwards.
struct TestDb {
    store: Store,
    _dir: Option<tempfile::TempDir>,
    drop_pg: Option<(String, String)>,
}

impl TestDb {
    async fn cleanup(self) {
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

async fn backends() -> Vec<TestDb> {
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

fn draft(
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

async fn creator(store: &Store, name: &str) -> i64 {
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
async fn shares_count_published_articles_only() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "甲").await;
        let r = s
            .upsert_articles(&[draft("x", c, Channel::Local, "本地", 1)])
            .await
            .unwrap();
        let seq = s.last_change().await.unwrap();
        assert!(s.add_share(r[0].id).await.unwrap());
        assert!(
            s.last_change().await.unwrap() > seq,
            "a share is a change pages show"
        );
        assert!(!s.add_share(424242).await.unwrap());
        assert_eq!(s.article(r[0].id).await.unwrap().unwrap().shares, 1);
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
async fn users_sessions_tokens_and_throttling() {
    use hao_domain::Role;
    for db in backends().await {
        let s = &db.store;
        let id = s
            .create_user("alice", "$argon2id$hash", Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            s.create_user("alice", "x", Role::Admin, None)
                .await
                .unwrap(),
            None,
            "a taken username"
        );
        let (u, hash) = s.user_for_signin("alice").await.unwrap().unwrap();
        assert_eq!(
            (u.id, u.role, hash.as_str()),
            (id, Role::Reader, "$argon2id$hash")
        );
        let c = creator(s, "爱丽丝").await;
        assert!(s.set_user_role(id, Role::Creator, Some(c)).await.unwrap());
        assert_eq!(s.user(id).await.unwrap().unwrap().creator_id, Some(c));

        let now = s.now();
        s.create_session("live", id, "csrf1", now + 60)
            .await
            .unwrap();
        s.create_session("old", id, "csrf2", now - 1).await.unwrap();
        let (su, csrf) = s.session("live").await.unwrap().unwrap();
        assert_eq!((su.id, csrf.as_str()), (id, "csrf1"));
        assert!(s.session("old").await.unwrap().is_none(), "expired");
        s.delete_session("live").await.unwrap();
        assert!(s.session("live").await.unwrap().is_none());

        let t = s.create_token(id, "ci", "tokenhash").await.unwrap();
        assert_eq!(s.token_user("tokenhash").await.unwrap().unwrap().id, id);
        assert!(s.tokens(id).await.unwrap()[0].last_used_at.is_some());
        assert!(s.revoke_token(id, t).await.unwrap());
        assert!(!s.revoke_token(id, t).await.unwrap(), "already revoked");
        assert!(s.token_user("tokenhash").await.unwrap().is_none());

        // Suspension: sessions end, tokens are refused while it lasts; each
        // act logged and told.
        use hao_store::{AdminAct, AdminRefusal};
        s.create_session("s2", id, "csrf3", now + 60).await.unwrap();
        s.create_token(id, "ci2", "tokenhash2").await.unwrap();
        let suspend = AdminAct::Suspend {
            until: now + 3600,
            reason: "刷屏".into(),
        };
        assert_eq!(s.admin_act("root", id, &suspend).await.unwrap(), Ok(()));
        assert!(s.session("s2").await.unwrap().is_none());
        assert!(s.token_user("tokenhash2").await.unwrap().is_none());
        assert_eq!(
            s.suspension(id).await.unwrap(),
            Some((now + 3600, "刷屏".to_owned()))
        );
        let found = s.find_users("lic", 10).await.unwrap();
        assert_eq!(found[0].suspended_until, Some(now + 3600));
        assert_eq!(s.moderation_log(1).await.unwrap()[0].action, "user.suspend");
        assert_eq!(s.notifications(id, 1).await.unwrap()[0].kind, "account");
        let unsuspend = AdminAct::Unsuspend;
        assert_eq!(s.admin_act("root", id, &unsuspend).await.unwrap(), Ok(()));
        assert!(s.token_user("tokenhash2").await.unwrap().is_some());
        let revoke = AdminAct::RevokeTokens;
        assert_eq!(s.admin_act("root", id, &revoke).await.unwrap(), Ok(()));
        assert!(s.token_user("tokenhash2").await.unwrap().is_none());
        assert_eq!(
            s.admin_act("root", 999_999, &revoke).await.unwrap(),
            Err(AdminRefusal::NoSuchUser)
        );
        // The only admin stays one.
        let root = s
            .create_user("root", "$argon2id$h", Role::Admin, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            s.admin_act("root", root, &AdminAct::Role(Role::Reader))
                .await
                .unwrap(),
            Err(AdminRefusal::LastAdmin)
        );

        // Sign-in limits: claimed all or none, refused with the wait.
        let limits = |n| {
            vec![
                hao_store::Limit {
                    key: "pair:alice".into(),
                    limit: n,
                    window: 900,
                },
                hao_store::Limit {
                    key: "addr:1".into(),
                    limit: 10,
                    window: 900,
                },
            ]
        };
        for _ in 0..3 {
            assert_eq!(s.claim_attempt(&limits(3)).await.unwrap(), Ok(()));
        }
        let wait = s.claim_attempt(&limits(3)).await.unwrap().unwrap_err();
        assert!((1..=900).contains(&wait), "{wait}");
        // The refused claim counted nowhere: the address has 3, not 4.
        assert_eq!(s.claim_attempt(&limits(5)).await.unwrap(), Ok(()));
        s.release_attempt(&["addr:1"], &["pair:alice"])
            .await
            .unwrap();
        for _ in 0..3 {
            assert_eq!(s.claim_attempt(&limits(3)).await.unwrap(), Ok(()));
        }
        // addr:1 is at 3 + 1 - 1 + 3 = 6 of 10.
        let addr_only = |n| {
            vec![hao_store::Limit {
                key: "addr:1".into(),
                limit: n,
                window: 900,
            }]
        };
        assert!(s.claim_attempt(&addr_only(6)).await.unwrap().is_err());
        assert_eq!(s.claim_attempt(&addr_only(7)).await.unwrap(), Ok(()));
        let _ = now;

        s.log_moderation("ed", "take-down", "article 1", "谣言")
            .await
            .unwrap();
        let log = s.moderation_log(10).await.unwrap();
        assert_eq!(
            (log[0].actor.as_str(), log[0].reason.as_str()),
            ("ed", "谣言")
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn near_duplicates_candidates_reviews_and_verdicts() {
    use hao_store::{NearDuplicate, Verdict};
    for db in backends().await {
        let s = &db.store;
        let (c1, c2) = (creator(s, "原作者").await, creator(s, "搬运者").await);
        let mut a = draft("a", c1, Channel::Tech, "原文", 100);
        a.sketch = Some("s-a".into());
        a.bands = vec![1, 2, 3];
        let mut b = draft("b", c2, Channel::Tech, "抄袭", 200);
        b.sketch = Some("s-b".into());
        b.bands = vec![3, 4];
        let mut other = draft("o", c2, Channel::Tech, "无关", 300);
        other.sketch = Some("s-o".into());
        other.bands = vec![9];
        let ids: Vec<i64> = s
            .upsert_articles(&[a.clone(), b, other])
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        let found = s.near_candidates(&[3, 4], ids[1]).await.unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].id, found[0].sketch.as_str()), (ids[0], "s-a"));
        assert!(s.near_candidates(&[], ids[1]).await.unwrap().is_empty());
        // The batch lookup an import makes answers each article the same.
        let asks: [(i64, &[i64]); 4] = [
            (ids[1], &[3, 4]),
            (ids[0], &[1, 2, 3]),
            (ids[2], &[9]),
            (0, &[]),
        ];
        let many = s.near_candidates_many(&asks).await.unwrap();
        assert_eq!(many.len(), asks.len());
        for ((id, bands), got) in asks.iter().zip(&many) {
            assert_eq!(
                got,
                &s.near_candidates(bands, *id).await.unwrap(),
                "article {id}"
            );
        }
        assert_eq!(many[1].len(), 1, "b found from a");
        // An update replaces the article's bands.
        a.bands = vec![7];
        s.upsert_articles(&[a]).await.unwrap();
        assert!(s.near_candidates(&[3], ids[1]).await.unwrap().is_empty());
        assert_eq!(s.near_candidates(&[7], 0).await.unwrap()[0].id, ids[0]);

        let seq = s.last_change().await.unwrap();
        let pair = NearDuplicate {
            article_id: ids[1],
            duplicate_of: ids[0],
            similarity: 87,
        };
        assert_eq!(s.record_near_duplicates(&[pair, pair]).await.unwrap(), 1);
        assert!(
            s.last_change().await.unwrap() > seq,
            "the copy's JSON is refreshed"
        );
        assert_eq!(s.near_duplicate_of(ids[1]).await.unwrap(), vec![ids[0]]);
        assert!(s.near_duplicate_of(ids[0]).await.unwrap().is_empty());

        let pending = s
            .originality_reviews(hao_domain::ReviewStatus::Pending, 10)
            .await
            .unwrap();
        assert_eq!(pending.len(), 1, "the copy claims 原创: queued");
        // Recorded again, with a pair whose article does not claim 原创: only
        // the new pair counts, and nothing more is queued.
        let mut reposted = draft("r", c2, Channel::Tech, "转载", 400);
        reposted.originality = Originality::Reprint {
            source_name: "原作者".into(),
            source_url: None,
        };
        let r_id = s.upsert_articles(&[reposted]).await.unwrap()[0].id;
        let repost_pair = NearDuplicate {
            article_id: r_id,
            duplicate_of: ids[0],
            similarity: 90,
        };
        assert_eq!(
            s.record_near_duplicates(&[pair, repost_pair])
                .await
                .unwrap(),
            1
        );
        assert_eq!(s.near_duplicate_of(r_id).await.unwrap(), vec![ids[0]]);
        assert_eq!(
            s.originality_reviews(hao_domain::ReviewStatus::Pending, 10)
                .await
                .unwrap(),
            pending
        );
        let r = pending[0].id;
        assert!(
            s.decide_originality(r, Verdict::Copy, "ed", "抄袭")
                .await
                .unwrap()
        );
        assert!(
            !s.decide_originality(r, Verdict::Original, "ed", "x")
                .await
                .unwrap(),
            "decided once"
        );
        let copy = s.article(ids[1]).await.unwrap().unwrap();
        assert_eq!(
            copy.originality,
            Originality::Reprint {
                source_name: "原作者".into(),
                source_url: None
            }
        );
        let done = s.originality_review(r).await.unwrap().unwrap();
        assert_eq!(
            (done.status.code(), done.decided_by.as_deref()),
            ("confirmed", Some("ed"))
        );
        // The rejected claim is charged to the copy's creator, with its reason.
        assert_eq!(
            s.standing(c2).await.unwrap(),
            hao_domain::policy::STANDING_START + hao_domain::policy::FALSE_ORIGINAL
        );
        let ledger = s.ledger(c2).await.unwrap();
        assert_eq!(ledger.len(), 1);
        assert_eq!(ledger[0].article_id, Some(ids[1]));
        assert!(
            ledger[0].reason.contains("原创声明不成立") && ledger[0].reason.contains("抄袭"),
            "{}",
            ledger[0].reason
        );
        assert_eq!(
            s.standing(c1).await.unwrap(),
            hao_domain::policy::STANDING_START
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn scheduled_articles_publish_once_at_their_time() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "定时").await;
        let mut drafts = Vec::new();
        for i in 0..40 {
            let mut d = draft(&format!("s{i}"), c, Channel::Tech, "定时稿", 1000 + i);
            d.status = ArticleStatus::Scheduled;
            drafts.push(d);
        }
        let ids: Vec<i64> = s
            .upsert_articles(&drafts)
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        assert!(s.publish_due(999, 100).await.unwrap().is_empty(), "not yet");
        assert_eq!(s.publish_due(1000, 100).await.unwrap(), vec![ids[0]]);
        assert!(
            s.publish_due(1000, 100).await.unwrap().is_empty(),
            "only once"
        );
        // Four "nodes" at once: every due article is published by exactly one.
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let got = s.publish_due(5000, 3).await.unwrap();
                    if got.is_empty() {
                        return mine;
                    }
                    mine.extend(got);
                }
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all.sort_unstable();
        assert_eq!(all, ids[1..].to_vec());
        for id in &ids {
            let kinds = s.change_kinds(*id).await.unwrap();
            assert_eq!(kinds.iter().filter(|k| *k == "publish").count(), 1);
            let a = s.article(*id).await.unwrap().unwrap();
            assert_eq!(a.status, ArticleStatus::Published);
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn follows_count_once_and_list_followed_creators_articles() {
    use hao_domain::Role;
    for db in backends().await {
        let s = &db.store;
        let (c1, c2) = (creator(s, "甲").await, creator(s, "乙").await);
        s.upsert_articles(&[
            draft("a1", c1, Channel::Tech, "甲的旧文", 100),
            draft("a2", c1, Channel::Tech, "甲的新文", 300),
            draft("b1", c2, Channel::Sports, "乙的文章", 200),
        ])
        .await
        .unwrap();
        let u = s
            .create_user("reader", "h", Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        let v = s
            .create_user("reader2", "h", Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        let before = s.last_change().await.unwrap();
        assert!(s.follow(u, c1, None).await.unwrap());
        assert!(
            !s.follow(u, c1, None).await.unwrap(),
            "a second follow is no news"
        );
        assert!(s.follow(v, c1, None).await.unwrap());
        assert_eq!(s.creator(c1).await.unwrap().unwrap().follower_count, 2);
        assert_eq!(
            s.last_change().await.unwrap(),
            before + 2,
            "each new follow is logged once, for every node's author cards"
        );
        assert!(s.follows(u, c1).await.unwrap());
        assert!(!s.follows(u, c2).await.unwrap());

        let list = s.following_articles(u, 10, 0).await.unwrap();
        let titles: Vec<&str> = list.items.iter().map(|a| a.title.as_str()).collect();
        assert_eq!((titles, list.total), (vec!["甲的新文", "甲的旧文"], 2));
        assert!(s.follow(u, c2, None).await.unwrap());
        let names: Vec<String> = s
            .followed_creators(u)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.display_name)
            .collect();
        assert_eq!(names.len(), 2);
        assert_eq!(s.following_articles(u, 10, 0).await.unwrap().total, 3);

        assert!(s.unfollow(u, c1).await.unwrap());
        assert!(!s.unfollow(u, c1).await.unwrap());
        assert_eq!(s.creator(c1).await.unwrap().unwrap().follower_count, 1);
        assert_eq!(s.following_articles(u, 10, 0).await.unwrap().total, 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn hot_scores_add_up_decay_and_survive_an_epoch_move() {
    use hao_recommend::hot;
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "甲").await;
        let d = creator(s, "乙").await;
        let now = s.now();
        let r = s
            .upsert_articles(&[
                draft("old", c, Channel::Tech, "旧闻", now - 3 * 24 * 3600),
                draft("new", d, Channel::Tech, "新闻", now - 60),
                draft("other", c, Channel::Sports, "体育", now - 120),
            ])
            .await
            .unwrap();
        let (old, new, other) = (r[0].id, r[1].id, r[2].id);
        // With no engagement the publish decides: newest first.
        let order = |v: Vec<(hao_domain::ArticleSummary, f64)>| -> Vec<i64> {
            v.iter().map(|(a, _)| a.id).collect()
        };
        assert_eq!(
            order(s.hottest_since(0, None, 10, now).await.unwrap()),
            [new, other, old]
        );
        // Increments from "two nodes" add up: 5 + 5 views now outweigh the
        // newer article's publish (10 views' worth, a minute ago, decayed).
        s.add_views(&[(old, 5)]).await.unwrap();
        s.add_hot(&[old], 5.0 * hot::VIEW, now).await.unwrap();
        let ranked = s.hottest_since(0, None, 10, now).await.unwrap();
        assert_eq!(order(ranked.clone()), [old, new, other]);
        let heat = ranked[0].1;
        assert!(
            (heat - 10.0).abs() < 0.5,
            "decayed hotness in views: {heat}"
        );
        // The channel filter and the time filter.
        assert_eq!(
            order(
                s.hottest_since(0, Some(Channel::Sports), 10, now)
                    .await
                    .unwrap()
            ),
            [other]
        );
        assert_eq!(
            order(s.hottest_since(now - 3600, None, 10, now).await.unwrap()),
            [new, other]
        );
        // Not due yet; then, a month and more later, the epoch moves and the
        // ranking does not change.
        assert!(!s.rebase_hot_if_due(now).await.unwrap());
        let later = now + 61 * hot::HALF_LIFE as i64;
        assert!(s.rebase_hot_if_due(later).await.unwrap());
        assert_eq!(s.hot_epoch().await.unwrap(), later);
        assert_eq!(
            order(s.hottest_since(0, None, 10, later).await.unwrap()),
            [old, new, other]
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn applications_are_decided_once_and_never_share_a_name() {
    use hao_domain::{AccountType, Role};
    use hao_store::{ApplicationRefusal, NewApplication};
    for db in backends().await {
        let s = &db.store;
        let u = s
            .create_user("applicant", "h", Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        let form = |name: &str| NewApplication {
            account_type: AccountType::Government,
            display_name: name.to_owned(),
            bio: "政务发布".into(),
            channel: "local".into(),
            contact: "gov@example.com".into(),
            statement: "市政府新闻办公室官方账号，发布权威信息。".into(),
            avatar_url: Some("/media/0123456789abcdef0123456789abcdef.jpg".into()),
        };
        let first = s.apply(u, &form("城市发布")).await.unwrap().unwrap();
        assert_eq!(
            s.apply(u, &form("城市发布2")).await.unwrap(),
            Err(ApplicationRefusal::Pending)
        );
        // Rejected, then a creator of that name appears (an import): the
        // new application is refused; another name is approved.
        assert_eq!(
            s.decide_application(first, false, "editor", "请补充证明")
                .await
                .unwrap(),
            Ok(None)
        );
        assert_eq!(
            s.decide_application(first, true, "editor", "")
                .await
                .unwrap(),
            Err(ApplicationRefusal::NotPending)
        );
        creator(s, "城市发布").await;
        assert_eq!(
            s.apply(u, &form("城市发布")).await.unwrap(),
            Err(ApplicationRefusal::NameTaken)
        );
        let second = s.apply(u, &form("城市发布厅")).await.unwrap().unwrap();
        let c = s
            .decide_application(second, true, "editor", "")
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let user = s.user(u).await.unwrap().unwrap();
        assert_eq!((user.role, user.creator_id), (Role::Creator, Some(c)));
        assert_eq!(
            s.creator(c).await.unwrap().unwrap().avatar_url.as_deref(),
            Some("/media/0123456789abcdef0123456789abcdef.jpg"),
            "the applied avatar is the creator's"
        );
        let mine = s.applications_of(u).await.unwrap();
        let statuses: Vec<&str> = mine.iter().map(|a| a.status.code()).collect();
        assert_eq!(statuses, ["approved", "rejected"]);
        assert_eq!(mine[1].reason, "请补充证明");
        assert!(
            s.applications(hao_domain::ApplicationStatus::Pending, 10)
                .await
                .unwrap()
                .is_empty()
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn novice_articles_are_reviewed_and_three_approvals_end_the_novice_period() {
    for db in backends().await {
        let s = &db.store;
        let c = novice(s).await;
        assert!(s.is_novice(c).await.unwrap());
        assert!(!s.is_novice(creator(s, "老作者").await).await.unwrap());
        let now = s.now();
        let mut drafts = Vec::new();
        for (i, at) in [now - 10, now - 10, now - 10, now + 3600, now - 10]
            .into_iter()
            .enumerate()
        {
            let mut d = draft(
                &format!("n{i}"),
                c,
                Channel::Sports,
                &format!("稿件{i}"),
                at,
            );
            d.status = ArticleStatus::InReview;
            drafts.push(d);
        }
        let ids: Vec<i64> = s
            .upsert_articles(&drafts)
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        assert_eq!(s.in_review(10).await.unwrap().len(), 5);
        let r = s
            .review_article(ids[0], false, "请修改")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.status, ArticleStatus::Rejected);
        assert!(s.review_article(ids[0], true, "").await.unwrap().is_none());
        for id in &ids[1..3] {
            let r = s.review_article(*id, true, "").await.unwrap().unwrap();
            assert_eq!((r.status, r.graduated), (ArticleStatus::Published, false));
        }
        // Its time is still ahead: scheduled, not published; the third
        // approval in a row ends the novice period.
        let r = s.review_article(ids[3], true, "").await.unwrap().unwrap();
        assert_eq!((r.status, r.graduated), (ArticleStatus::Scheduled, true));
        assert!(!s.is_novice(c).await.unwrap());
        assert_eq!(s.review_note(ids[0]).await.unwrap(), "请修改");
        assert_eq!(s.in_review(10).await.unwrap().len(), 1);
        db.cleanup().await;
    }
}

/// A novice creator: the only way in is an application an editor approves.
async fn novice(s: &Store) -> i64 {
    use hao_domain::{AccountType, Role};
    use hao_store::NewApplication;
    let u = s
        .create_user("newcomer", "h", Role::Reader, None)
        .await
        .unwrap()
        .unwrap();
    let app = s
        .apply(
            u,
            &NewApplication {
                account_type: AccountType::Personal,
                display_name: "新人号".into(),
                bio: String::new(),
                channel: "sports".into(),
                contact: "x@example.com".into(),
                statement: "二十个字以上的资质说明，用于测试新手期。".into(),
                avatar_url: None,
            },
        )
        .await
        .unwrap()
        .unwrap();
    s.decide_application(app, true, "editor", "")
        .await
        .unwrap()
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn take_downs_charge_standing_and_granted_appeals_refund_it() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "甲").await;
        let account = s
            .create_user("jia", "h", hao_domain::Role::Creator, Some(c))
            .await
            .unwrap()
            .unwrap();
        let r = s
            .upsert_articles(&[
                draft("t1", c, Channel::Tech, "一", 100),
                draft("t2", c, Channel::Tech, "二", 200),
            ])
            .await
            .unwrap();
        assert_eq!(
            s.standing(c).await.unwrap(),
            hao_domain::policy::STANDING_START
        );
        let e1 = s.take_down(r[0].id, "违规").await.unwrap().unwrap();
        assert!(s.take_down(r[0].id, "再次").await.unwrap().is_none());
        s.take_down(r[1].id, "不实").await.unwrap().unwrap();
        assert_eq!(s.standing(c).await.unwrap(), 80);
        assert_eq!(
            s.article(r[0].id).await.unwrap().unwrap().status,
            ArticleStatus::TakenDown
        );
        let other = creator(s, "乙").await;
        assert!(!s.appeal(other, e1, "不是我的记录").await.unwrap());
        assert!(s.appeal(c, e1, "有官方来源").await.unwrap());
        assert!(!s.appeal(c, e1, "再申诉").await.unwrap());
        assert_eq!(s.pending_appeals(10).await.unwrap().len(), 1);
        assert!(s.decide_appeal(e1, true, "editor", "属实").await.unwrap());
        assert!(!s.decide_appeal(e1, false, "editor", "x").await.unwrap());
        assert_eq!(s.standing(c).await.unwrap(), 90);
        let ledger = s.ledger(c).await.unwrap();
        assert_eq!(ledger.len(), 2);
        assert_eq!(ledger[1].appeal.as_deref(), Some("granted"));
        // Every decision reached the creator's account, newest first.
        let notices = s.notifications(account, 10).await.unwrap();
        let kinds: Vec<&str> = notices.iter().map(|n| n.kind.as_str()).collect();
        assert_eq!(kinds, ["appeal", "take-down", "take-down"]);
        assert!(notices[0].text.contains("属实") && notices[2].text.contains("违规"));
        assert_eq!(s.unread_notifications(account).await.unwrap(), 3);
        assert_eq!(s.mark_notifications_read(account).await.unwrap(), 3);
        assert_eq!(s.unread_notifications(account).await.unwrap(), 0);
        assert!(s.notifications(account, 10).await.unwrap()[0].read);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn updates_keep_the_replaced_version_and_statuses_move_only_from_allowed_ones() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "甲").await;
        let id = s
            .upsert_articles(&[draft("r", c, Channel::Tech, "一稿", 100)])
            .await
            .unwrap()[0]
            .id;
        assert!(s.revisions(id).await.unwrap().is_empty());
        s.upsert_articles(&[draft("r", c, Channel::Tech, "二稿", 100)])
            .await
            .unwrap();
        s.upsert_articles(&[draft("r", c, Channel::Tech, "二稿", 100)])
            .await
            .unwrap();
        let revs = s.revisions(id).await.unwrap();
        assert_eq!(revs.len(), 1, "an unchanged save adds no version");
        assert_eq!(
            (revs[0].title.as_str(), revs[0].body.as_str()),
            ("一稿", "一稿的正文")
        );
        let published = [ArticleStatus::Published];
        assert!(
            s.set_status(id, &published, ArticleStatus::Draft)
                .await
                .unwrap()
        );
        assert!(
            !s.set_status(id, &published, ArticleStatus::Draft)
                .await
                .unwrap()
        );
        assert!(
            s.set_status(id, &[ArticleStatus::Draft], ArticleStatus::Deleted)
                .await
                .unwrap()
        );
        assert_eq!(
            s.article(id).await.unwrap().unwrap().status,
            ArticleStatus::Deleted
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn daily_stats_cover_thirty_days_with_zeros() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "甲").await;
        let id = s
            .upsert_articles(&[draft("d", c, Channel::Tech, "一", 100)])
            .await
            .unwrap()[0]
            .id;
        s.add_views(&[(id, 7)]).await.unwrap();
        s.add_views(&[(id, 2), (9_999_999, 5)]).await.unwrap();
        assert!(s.add_share(id).await.unwrap());
        let now = s.now();
        let days = s.daily_stats(c, None, 30, now).await.unwrap();
        assert_eq!(days.len(), 30);
        assert_eq!(days[29].day, hao_store::beijing_day(now));
        assert_eq!((days[29].views, days[29].shares), (9, 1));
        assert!(days[..29].iter().all(|d| d.views == 0 && d.shares == 0));
        let one = s.daily_stats(c, Some(id), 7, now).await.unwrap();
        assert_eq!((one.len(), one[6].views), (7, 9));
        db.cleanup().await;
    }
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

#[tokio::test]
async fn likes_count_once_each_and_favorites_are_a_readers_list() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "点赞作者").await;
        let ids: Vec<i64> = s
            .upsert_articles(&[
                draft("l1", c, Channel::Tech, "一", 100),
                draft("l2", c, Channel::Tech, "二", 200),
            ])
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        let u = s
            .create_user("liker", "x", hao_domain::Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        let v = s
            .create_user("liker2", "x", hao_domain::Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        let hot_before = s.hottest_since(0, None, 10, s.now()).await.unwrap();
        let before = s.last_change().await.unwrap();
        assert_eq!(s.like(u, ids[0]).await.unwrap(), Some(true));
        assert_eq!(
            s.like(u, ids[0]).await.unwrap(),
            Some(false),
            "once per reader"
        );
        assert_eq!(s.like(v, ids[0]).await.unwrap(), Some(true));
        assert_eq!(s.like(u, 9_999_999).await.unwrap(), None);
        assert_eq!(s.article(ids[0]).await.unwrap().unwrap().likes, 2);
        assert!(
            s.last_change().await.unwrap() > before,
            "every node re-renders"
        );
        let hot_after = s.hottest_since(0, None, 10, s.now()).await.unwrap();
        let score = |h: &[(hao_domain::ArticleSummary, f64)], id| {
            h.iter()
                .find(|(a, _)| a.id == id)
                .map(|(_, s)| *s)
                .unwrap_or(0.0)
        };
        assert!(
            score(&hot_after, ids[0]) > score(&hot_before, ids[0]),
            "likes feed 热点"
        );
        assert!(s.unlike(u, ids[0]).await.unwrap());
        assert!(!s.unlike(u, ids[0]).await.unwrap());
        assert_eq!(s.article(ids[0]).await.unwrap().unwrap().likes, 1);
        assert_eq!(
            s.liked_and_favorited(v, ids[0]).await.unwrap(),
            (true, false)
        );

        assert_eq!(s.favorite(u, ids[0]).await.unwrap(), Some(true));
        assert_eq!(s.favorite(u, ids[1]).await.unwrap(), Some(true));
        assert_eq!(s.favorite(u, ids[1]).await.unwrap(), Some(false));
        assert_eq!(s.favorite(u, 9_999_999).await.unwrap(), None);
        let mine = s.favorites(u, 10, 0).await.unwrap();
        assert_eq!(mine.total, 2);
        assert!(mine.items.iter().any(|a| a.id == ids[0]));
        assert!(s.unfavorite(u, ids[0]).await.unwrap());
        assert_eq!(s.favorites(u, 10, 0).await.unwrap().total, 1);
        assert_eq!(
            s.favorites(v, 10, 0).await.unwrap().total,
            0,
            "a reader's own"
        );
        db.cleanup().await;
    }
}
