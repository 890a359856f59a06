//! What editors and the clock decide: near-duplicates and their review,
//! schedules, 申请入驻, the 新手期, take-downs and 信用分, revisions.

use hao_domain::{ArticleStatus, Channel, Originality};
use hao_store::Store;

use crate::{backends, creator, draft};

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
        assert_eq!(
            s.record_near_duplicates(&[pair, pair]).await.unwrap().added,
            1
        );
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
                .unwrap()
                .added,
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
async fn a_band_key_holds_its_first_articles_only() {
    use hao_store::BAND_HOLDERS;
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "通讯社").await;
        let reprint = |n: usize| {
            let mut d = draft(&format!("r{n}"), c, Channel::Tech, "通稿", 100 + n as i64);
            d.sketch = Some(format!("s-{n}"));
            d.bands = vec![42, 1_000 + n as i64];
            d
        };
        // One at a time (the write API): the key takes its first holders,
        // then no more; the article's other keys are stored as before.
        let mut ids = Vec::new();
        for n in 0..BAND_HOLDERS + 3 {
            ids.push(s.upsert_articles(&[reprint(n)]).await.unwrap()[0].id);
        }
        let held: Vec<i64> = s
            .near_candidates(&[42], 0)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(held, ids[..BAND_HOLDERS], "{:?}", s.backend());
        let last = *ids.last().unwrap();
        assert_eq!(
            s.near_candidates(&[1_000 + BAND_HOLDERS as i64 + 2], 0)
                .await
                .unwrap()[0]
                .id,
            last
        );
        // A batch brings at most `BAND_HOLDERS` to a key, and only to a key
        // that is not full: a fresh key ends with that many, never more
        // than twice.
        let batch: Vec<_> = (100..100 + 3 * BAND_HOLDERS)
            .map(|n| {
                let mut d = reprint(n);
                d.bands = vec![43];
                d
            })
            .collect();
        s.upsert_articles(&batch).await.unwrap();
        assert_eq!(
            s.near_candidates(&[43], 0).await.unwrap().len(),
            BAND_HOLDERS
        );
        s.upsert_articles(&batch[..1]).await.unwrap();
        assert_eq!(
            s.near_candidates(&[43], 0).await.unwrap().len(),
            BAND_HOLDERS
        );
        db.cleanup().await;
    }
}

/// Rows of `article_bands` and of `article_bands_fresh`, counted in an export.
async fn band_rows(s: &hao_store::Store) -> (usize, usize) {
    #[derive(Default)]
    struct Count {
        table: String,
        held: usize,
        fresh: usize,
    }
    impl hao_store::RowSink for Count {
        fn table(&mut self, table: &str, _: &[String]) -> std::io::Result<()> {
            self.table = table.to_owned();
            Ok(())
        }
        fn row(&mut self, _: Vec<hao_store::Cell>) -> std::io::Result<()> {
            match self.table.as_str() {
                "article_bands" => self.held += 1,
                "article_bands_fresh" => self.fresh += 1,
                _ => {}
            }
            Ok(())
        }
    }
    let mut count = Count::default();
    s.export_rows(&mut count).await.unwrap();
    (count.held, count.fresh)
}

#[tokio::test]
async fn a_bulk_store_stages_band_rows_and_folds_them() {
    use hao_store::BAND_HOLDERS;
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "批量").await;
        s.stage_bands(10);
        let article = |n: i64, bands: Vec<i64>| {
            let mut d = draft(&format!("b{n}"), c, Channel::Tech, "批量稿", 100 + n);
            d.sketch = Some(format!("s-{n}"));
            d.bands = bands;
            d
        };
        let holders = |keys: &'static [i64]| async move {
            let rows = s.near_candidates(keys, 0).await.unwrap();
            rows.iter().map(|r| r.id).collect::<Vec<i64>>()
        };
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
        // Nine rows, fewer than ten: staged, and found by a lookup.
        assert_eq!(band_rows(s).await, (0, 9), "{:?}", s.backend());
        assert_eq!(holders(&[7]).await, ids);
        assert_eq!(holders(&[701]).await, [ids[1]]);
        // Fifteen: folded into the large table.
        let next: Vec<_> = (3..5)
            .map(|n| article(n, vec![7, 70 + n, 700 + n]))
            .collect();
        ids.extend(s.upsert_articles(&next).await.unwrap().iter().map(|u| u.id));
        assert_eq!(band_rows(s).await, (15, 0));
        assert_eq!(holders(&[7]).await, ids);
        // An update replaces the article's folded rows with staged ones.
        s.upsert_articles(&[article(0, vec![8, 80, 800])])
            .await
            .unwrap();
        assert_eq!(band_rows(s).await, (12, 3));
        assert!(holders(&[700]).await.is_empty());
        assert_eq!(holders(&[800]).await, [ids[0]]);
        // The cap counts the holders of both tables: key 7 holds four
        // folded, and takes staged ones up to `BAND_HOLDERS` in all.
        for n in 10..20 {
            s.upsert_articles(&[article(n, vec![7])]).await.unwrap();
        }
        assert_eq!(holders(&[7]).await.len(), BAND_HOLDERS);
        // A store that does not stage writes to the large table; lookups
        // still read what is staged.
        s.stage_bands(0);
        let before = band_rows(s).await;
        s.upsert_articles(&[article(30, vec![9])]).await.unwrap();
        assert_eq!(band_rows(s).await, (before.0 + 1, before.1));
        assert_eq!(holders(&[800]).await, [ids[0]]);
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
