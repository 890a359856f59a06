//! The import (`hao import`'s use case): bad lines are reported with their
//! numbers and skipped, nothing else is lost; re-import updates; near-
//! duplicates between creators are recorded through the one publish path.

use hao_domain::{Channel, limits};

use crate::support::*;

/// An original text that other articles copy.
pub const ORIGINAL: &str = "今年秋粮收购工作全面展开，各地粮食部门提前准备仓容，组织收购网点。\n\
    据介绍，今年全省秋粮播种面积稳中有增，玉米和水稻长势良好，预计总产量将再创新高。\n\
    为保护种粮农民利益，有关部门将适时启动最低收购价执行预案，确保农民种粮收益。";

#[tokio::test]
async fn bad_lines_are_reported_and_skipped_and_nothing_else_is_lost() {
    let app = Harness::empty().await;
    // The fixture's bad lines, then a huge body, then one more good line.
    let mut data = BAD_LINES.to_vec();
    let huge = format!(
        r#"{{"external_id":"huge","title":"超长正文","body":"{}"}}"#,
        "长".repeat(limits::BODY_BYTES / 3 + 10)
    );
    data.extend_from_slice(huge.as_bytes());
    data.extend_from_slice(b"\n");
    data.extend_from_slice(
        r#"{"external_id":"after-huge","title":"最后一行","body":"最后一篇。","channel":"本地"}"#
            .as_bytes(),
    );

    let s = app.import(&data).await;
    assert_eq!(s.lines, 12);
    assert_eq!(s.blank, 1);
    assert_eq!(s.created, 3, "{:?}", s.errors);
    assert_eq!(s.skipped, 8);
    let lines: Vec<usize> = s.errors.iter().map(|(n, _)| *n).collect();
    assert_eq!(lines, [2, 3, 4, 5, 8, 9, 10, 11]);
    let reason = |n: usize| s.errors.iter().find(|(l, _)| *l == n).unwrap().1.clone();
    assert_eq!(reason(2), "missing required field 'body'");
    assert!(reason(3).starts_with("invalid JSON"), "{}", reason(3));
    assert!(reason(4).starts_with("not valid UTF-8"), "{}", reason(4));
    assert_eq!(reason(5), "missing required field 'external_id'");
    assert!(
        reason(8).contains("unknown channel '天气'"),
        "{}",
        reason(8)
    );
    assert!(reason(9).contains("RFC 3339"), "{}", reason(9));
    assert!(reason(10).starts_with("invalid JSON"), "{}", reason(10));
    assert!(reason(11).contains("'body' is too long"), "{}", reason(11));

    for id in ["bad-ok-1", "bad-ok-2", "after-huge"] {
        let a = app.store().article_by_external_id(id).await.unwrap();
        assert_eq!(a.expect(id).channel, Channel::Local, "{id}");
    }
    for id in ["bad-2", "bad-3", "bad-4", "huge"] {
        assert!(
            app.store()
                .article_by_external_id(id)
                .await
                .unwrap()
                .is_none(),
            "{id}"
        );
    }
}

#[tokio::test]
async fn reimport_updates_instead_of_duplicating() {
    let app = Harness::with_articles().await;
    let before = app.store().count_listed().await.unwrap();
    let views_id = app.id_of("fx-005").await;
    app.store().add_views(&[(views_id, 7)]).await.unwrap();
    let s = app.import(ARTICLES).await;
    assert_eq!((s.created, s.updated, s.skipped), (0, 13, 0));
    assert_eq!(app.store().count_listed().await.unwrap(), before);
    // The same id, and the counters survive an update.
    assert_eq!(app.id_of("fx-005").await, views_id);
    assert_eq!(
        app.store().article(views_id).await.unwrap().unwrap().views,
        7
    );
}

#[tokio::test]
async fn articles_without_a_channel_are_spread_over_channels() {
    let app = Harness::empty().await;
    // Strip every channel: classification must not put them all in one place.
    let data: String = String::from_utf8(ARTICLES.to_vec())
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("channel");
            v.to_string() + "\n"
        })
        .collect();
    let s = app.import(data.as_bytes()).await;
    assert_eq!(s.created, 13);
    assert!(s.channels.len() >= 6, "{:?}", s.channels);
    assert!(s.channels.values().all(|n| *n <= 5), "{:?}", s.channels);
}

#[tokio::test]
async fn imports_record_near_duplicates_between_creators_only() {
    let app = Harness::empty().await;
    let lines = [
        serde_json::json!({"external_id": "a", "title": "甲", "body": ORIGINAL, "author": "甲方", "published_at": "2026-10-01T08:00:00+08:00"}),
        // The same creator re-using their text: not a copy.
        serde_json::json!({"external_id": "b", "title": "乙", "body": ORIGINAL, "author": "甲方", "published_at": "2026-10-02T08:00:00+08:00"}),
        // Another creator, later, declared a reprint: recorded, not queued.
        serde_json::json!({"external_id": "c", "title": "丙", "body": ORIGINAL, "author": "丙方", "source": "甲方", "published_at": "2026-10-03T08:00:00+08:00"}),
    ];
    let data: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let summary = app.import(data.as_bytes()).await;
    assert_eq!(summary.near_duplicates, 2);
    let (a, b) = (app.id_of("a").await, app.id_of("b").await);
    let c = app.id_of("c").await;
    let mut near = app.store().near_duplicate_of(c).await.unwrap();
    near.sort();
    assert_eq!(near, vec![a, b]);
    assert_eq!(
        app.store().near_duplicate_of(b).await.unwrap(),
        Vec::<i64>::new()
    );
    assert!(
        app.store()
            .originality_reviews(hao_domain::ReviewStatus::Pending, 10)
            .await
            .unwrap()
            .is_empty(),
        "a declared reprint is not an originality claim"
    );
}

#[tokio::test]
async fn near_duplicates_across_batches_are_all_recorded() {
    // Nine creators post the same text: batches of four, so pairs fall
    // within a batch, between batches, and in the last batch, whose pairs
    // are recorded after every line is stored.
    let app = Harness::empty().await;
    let data: String = (0..9)
        .map(|n| {
            let line = serde_json::json!({"external_id": format!("n{n}"), "title": format!("第{n}篇"), "body": ORIGINAL, "author": format!("作者{n}"), "published_at": format!("2026-10-0{}T08:00:00+08:00", n + 1)});
            format!("{line}\n")
        })
        .collect();
    let summary = app.import(data.as_bytes()).await;
    assert_eq!(summary.created, 9);
    assert_eq!(summary.near_duplicates, 9 * 8 / 2);
    for n in 0..9 {
        let id = app.id_of(&format!("n{n}")).await;
        let mut earlier = Vec::new();
        for m in 0..n {
            earlier.push(app.id_of(&format!("n{m}")).await);
        }
        let mut near = app.store().near_duplicate_of(id).await.unwrap();
        near.sort();
        assert_eq!(near, earlier, "article {n}");
    }
}

/// Imports `data` (batches of 4) filling the harness's index as it stores,
/// without a follower step afterwards.
async fn import_indexed(h: &Harness, data: &[u8]) -> hao_app::publish::import::Summary {
    use hao_app::publish::import::{Options, Silent, import_reader};
    let opts = Options {
        batch: 4,
        report: &Silent,
        stop: &std::sync::atomic::AtomicBool::new(false),
        index: Some(h.app.search().unwrap().clone()),
    };
    import_reader(h.store(), std::io::Cursor::new(data.to_vec()), &opts)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_import_given_the_index_fills_it_as_it_stores() {
    use hao_app::publish::import::Indexed;
    let h = Harness::empty().await;
    let index = h.app.search().unwrap().clone();
    assert_eq!(index.applied_seq(), None, "a new index");
    // The new index is first filled with what the site had (the help
    // pages), then takes the imported articles.
    let s = import_indexed(&h, ARTICLES).await;
    assert_eq!(s.created, 13);
    let last = h.store().last_change().await.unwrap();
    assert!(
        matches!(s.indexed, Indexed::Through(seq) if seq == last),
        "{:?}, log at {last}",
        s.indexed
    );
    assert_eq!(index.applied_seq(), Some(last));
    assert_eq!(
        index.doc_count() as i64,
        h.store().count_published().await.unwrap()
    );
    let derby = h.id_of("fx-001").await;
    assert_eq!(h.search("上海德比").first(), Some(&derby));

    // Another writer's change while no import runs (a take-down) is applied
    // before the next import starts; an article that import updates is
    // replaced, not doubled.
    let rate = h.id_of("fx-003").await;
    h.store().take_down(rate, "违规").await.unwrap().unwrap();
    let edited: String = String::from_utf8(ARTICLES.to_vec())
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"fx-001\""))
        .map(|l| l.replace("申花主场2比1逆转海港", "红嘴鸥飞抵滇池越冬") + "\n")
        .collect();
    h.store()
        .put_related(derby, Some(&[(rate, "同频道".to_owned())]), 0)
        .await
        .unwrap();
    let s = import_indexed(&h, edited.as_bytes()).await;
    assert_eq!((s.created, s.updated), (0, 1));
    assert!(
        h.store().related_lists(&[derby]).await.unwrap().is_empty(),
        "an updated article's 相关推荐 is computed afresh on its next read"
    );
    assert!(matches!(s.indexed, Indexed::Through(_)), "{:?}", s.indexed);
    assert_eq!(h.search("红嘴鸥飞抵"), [derby]);
    assert!(!h.search("存款准备金率").contains(&rate), "taken down");
    assert_eq!(
        index.doc_count() as i64,
        h.store().count_published().await.unwrap()
    );

    // A new article twice in one batch: indexed as new (no delete of its
    // id), then replaced by its later line — once, with the later text.
    let schedule = String::from_utf8(ARTICLES.to_vec())
        .unwrap()
        .lines()
        .find(|l| l.contains("\"fx-002\""))
        .unwrap()
        .replace("\"fx-002\"", "\"fx-twice\"");
    let twice = format!(
        "{}\n{}\n",
        schedule.replace("揭幕战三月开打", "冬训名单出炉"),
        schedule.replace("揭幕战三月开打", "青训基地落成")
    );
    let s = import_indexed(&h, twice.as_bytes()).await;
    assert_eq!((s.created, s.updated), (1, 1));
    let new = h.id_of("fx-twice").await;
    assert_eq!(h.search("青训基地落成"), [new]);
    assert!(
        h.search("冬训名单出炉").is_empty(),
        "the earlier line is replaced"
    );
    assert_eq!(
        index.doc_count() as i64,
        h.store().count_published().await.unwrap()
    );
}
