//! The one publish path (`hao_app::publish`), as the write API and the
//! studio call it: who may publish, drafts, schedules on the one clock,
//! typed errors that name their field, near-duplicates recorded.

use hao_app::publish::{ArticleInput, PublishError, Request, publish};
use hao_domain::{ArticleStatus, Role};

use crate::import::ORIGINAL;
use crate::support::*;

fn request(title: &str, body: &str) -> Request {
    Request {
        input: ArticleInput {
            title: Some(title.to_owned()),
            body: Some(body.to_owned()),
            channel: Some("tech".to_owned()),
            ..Default::default()
        },
        publish: true,
        publish_at: None,
    }
}

#[tokio::test]
async fn a_creator_publishes_and_a_reader_may_not() {
    let h = Harness::empty().await;
    let creator = h.user("写作者", Role::Creator, true).await;
    let done = publish(
        &h.app,
        &creator,
        request("国产芯片新进展", "正文一段。"),
        None,
    )
    .await
    .unwrap();
    assert!(done.created);
    assert_eq!(done.status, ArticleStatus::Published);
    assert!(done.external_id.starts_with("hao-"), "{}", done.external_id);
    let a = h.store().article(done.id).await.unwrap().unwrap();
    assert_eq!(a.creator_id, creator.creator_id.unwrap());

    let reader = h.user("读者", Role::Reader, false).await;
    let e = publish(&h.app, &reader, request("标题", "正文。"), None)
        .await
        .unwrap_err();
    assert!(matches!(e, PublishError::NotACreator), "{e}");

    // Another creator may not change it; its author and editors may.
    let other = h.user("另一位", Role::Creator, true).await;
    let e = publish(
        &h.app,
        &other,
        request("改标题", "改正文。"),
        Some(a.clone()),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, PublishError::NotTheirs), "{e}");
    let editor = h.user("编辑", Role::Editor, false).await;
    let edited = publish(
        &h.app,
        &editor,
        request("改过的标题", "改过的正文。"),
        Some(a),
    )
    .await
    .unwrap();
    assert_eq!((edited.id, edited.created), (done.id, false));
    let a = h.store().article(done.id).await.unwrap().unwrap();
    assert_eq!(a.title, "改过的标题");
    assert_eq!(
        a.creator_id,
        creator.creator_id.unwrap(),
        "an edit keeps the author"
    );
}

#[tokio::test]
async fn errors_name_their_field_and_nothing_is_stored() {
    let h = Harness::empty().await;
    let creator = h.user("写作者", Role::Creator, true).await;
    let field = |e: PublishError| match e {
        PublishError::Invalid(v) => v.field(),
        e => panic!("not a validation error: {e}"),
    };
    let e = publish(&h.app, &creator, request("", "正文。"), None).await;
    assert_eq!(field(e.unwrap_err()), "title");
    let e = publish(&h.app, &creator, request("标题", "  "), None).await;
    assert_eq!(field(e.unwrap_err()), "body");
    let mut r = request("标题", "正文。");
    r.publish_at = Some("明天早上".into());
    assert_eq!(
        field(publish(&h.app, &creator, r, None).await.unwrap_err()),
        "publish_at"
    );
    let mut r = request("标题", "正文。");
    r.input.original = Some(false);
    assert_eq!(
        field(publish(&h.app, &creator, r, None).await.unwrap_err()),
        "source"
    );
    let mut r = request("标题", "正文。");
    r.input.channel = Some("天气".into());
    assert_eq!(
        field(publish(&h.app, &creator, r, None).await.unwrap_err()),
        "channel"
    );
    assert_eq!(
        h.store()
            .studio_articles(creator.creator_id.unwrap(), 10)
            .await
            .unwrap()
            .len(),
        0
    );

    // A new article whose external id is taken is a conflict, not an update.
    let mut r = request("第一篇", "正文。");
    r.input.external_id = Some("mine-1".into());
    publish(&h.app, &creator, r, None).await.unwrap();
    let mut r = request("第二篇", "正文。");
    r.input.external_id = Some("mine-1".into());
    let e = publish(&h.app, &creator, r, None).await.unwrap_err();
    assert!(matches!(e, PublishError::Conflict { .. }), "{e}");
}

#[tokio::test]
async fn drafts_wait_and_schedules_go_live_once_on_the_one_clock() {
    let h = Harness::empty().await;
    let creator = h.user("写作者", Role::Creator, true).await;
    let mut r = request("草稿", "还没写完。");
    r.publish = false;
    let draft = publish(&h.app, &creator, r, None).await.unwrap();
    assert_eq!(draft.status, ArticleStatus::Draft);

    let at = chrono::DateTime::from_timestamp(h.app.now() + 3600, 0)
        .unwrap()
        .to_rfc3339();
    let mut r = request("定时的文章", "一小时后发布。");
    r.publish_at = Some(at);
    let scheduled = publish(&h.app, &creator, r, None).await.unwrap();
    assert_eq!(scheduled.status, ArticleStatus::Scheduled);
    assert!(h.app.publish_due().await.unwrap().is_empty(), "not yet");
    h.app.advance_clock(3601);
    assert_eq!(h.app.publish_due().await.unwrap(), [scheduled.id]);
    assert!(
        h.app.publish_due().await.unwrap().is_empty(),
        "exactly once"
    );
    let a = h.store().article(scheduled.id).await.unwrap().unwrap();
    assert_eq!(a.status, ArticleStatus::Published);
    // The store's writes went by the same clock as the rule.
    assert!(
        a.updated_at >= h.app.now() - 5,
        "{} vs {}",
        a.updated_at,
        h.app.now()
    );
}

#[tokio::test]
async fn a_copy_claiming_originality_is_linked_and_queued() {
    let h = Harness::empty().await;
    let first = h.user("原作者", Role::Creator, true).await;
    let copier = h.user("搬运工", Role::Creator, true).await;
    let a = publish(&h.app, &first, request("秋粮收购", ORIGINAL), None)
        .await
        .unwrap();
    // The same creator re-using their own text is not a copy.
    let again = publish(&h.app, &first, request("秋粮收购（续）", ORIGINAL), None)
        .await
        .unwrap();
    assert!(
        again.near_duplicate_of.is_empty(),
        "{:?}",
        again.near_duplicate_of
    );
    // Another creator's later copy is linked to both, and its 原创 claim
    // waits for an editor.
    let b = publish(&h.app, &copier, request("秋粮收购全面展开", ORIGINAL), None)
        .await
        .unwrap();
    let mut near = b.near_duplicate_of.clone();
    near.sort();
    assert_eq!(near, vec![a.id, again.id]);
    let queue = h
        .store()
        .originality_reviews(hao_domain::ReviewStatus::Pending, 10)
        .await
        .unwrap();
    assert_eq!(queue.len(), 2, "{queue:?}");
    assert!(queue.iter().all(|r| r.article_id == b.id));
}

#[tokio::test]
async fn dates_outside_a_sane_range_are_refused() {
    let h = Harness::empty().await;
    let creator = h.user("写作者", Role::Creator, true).await;
    let mut r = request("来自未来的文章", "正文。");
    r.input.published_at = Some("9999-12-31T23:59:59Z".into());
    let e = publish(&h.app, &creator, r, None).await.unwrap_err();
    assert!(
        matches!(&e, PublishError::Invalid(v) if v.field() == "published_at"),
        "{e}"
    );
    let mut r = request("很久以前", "正文。");
    r.input.published_at = Some("1800-01-01T00:00:00Z".into());
    assert!(publish(&h.app, &creator, r, None).await.is_err());
    let mut r = request("两年后发布", "正文。");
    r.publish_at = Some((chrono::Utc::now() + chrono::Duration::days(800)).to_rfc3339());
    let e = publish(&h.app, &creator, r, None).await.unwrap_err();
    assert!(
        matches!(&e, PublishError::Invalid(v) if v.field() == "publish_at"),
        "{e}"
    );
    // Within range: an archive's date, and a schedule next month.
    let mut r = request("旧闻", "正文。");
    r.input.published_at = Some("1998-06-01T08:00:00+08:00".into());
    publish(&h.app, &creator, r, None).await.unwrap();
    let mut r = request("下月发布", "正文。");
    r.publish_at = Some((chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339());
    assert_eq!(
        publish(&h.app, &creator, r, None).await.unwrap().status,
        ArticleStatus::Scheduled
    );
}

/// A 信用分 below the line sends a creator's articles back to review, and a
/// granted appeal gives direct publishing back.
#[tokio::test]
async fn a_low_standing_means_review_until_it_recovers() {
    let h = Harness::empty().await;
    let creator = h.user("失分作者", Role::Creator, true).await;
    let mut ledger = Vec::new();
    for i in 0..3 {
        let done = publish(
            &h.app,
            &creator,
            request(&format!("第{i}篇被下架的稿件"), "正文一段，内容另说。"),
            None,
        )
        .await
        .unwrap();
        assert_eq!(done.status, ArticleStatus::Published);
        ledger.push(
            h.store()
                .take_down(done.id, "不实信息")
                .await
                .unwrap()
                .unwrap(),
        );
    }
    let creator_id = creator.creator_id.unwrap();
    assert!(
        h.store().standing(creator_id).await.unwrap() < hao_domain::policy::STANDING_REVIEW_BELOW
    );
    let done = publish(&h.app, &creator, request("低分后的新稿", "正文。"), None)
        .await
        .unwrap();
    assert_eq!(done.status, ArticleStatus::InReview);
    // An appeal granted brings the score back to the line.
    assert!(
        h.store()
            .appeal(creator_id, ledger[0], "并非不实")
            .await
            .unwrap()
    );
    assert!(
        h.store()
            .decide_appeal(ledger[0], true, "editor", "核实无误")
            .await
            .unwrap()
    );
    let done = publish(&h.app, &creator, request("恢复后的新稿", "正文。"), None)
        .await
        .unwrap();
    assert_eq!(done.status, ArticleStatus::Published);
}
