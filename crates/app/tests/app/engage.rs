//! 跟帖, likes and 举报 at the application boundary: a thread's life, the
//! moderation of it, reports and their outcomes, 禁言, the rate limits, the
//! 敏感词 list and the flood check.

use hao_app::App;
use hao_app::engage::limits::{Rate, Rates};
use hao_app::engage::words::WordFilter;
use hao_app::engage::{Actor, Draft, EngageError};
use hao_domain::{CommentStatus, ReportAction, ReportReason, ReportTarget, Role, User};
use hao_store::CommentSort;

use crate::support::Harness;

fn at(user: &User) -> Actor<'_> {
    Actor {
        user,
        addr: "192.0.2.1",
    }
}

fn draft(article_id: i64, reply_to: Option<i64>, body: &str) -> Draft<'_> {
    Draft {
        article_id,
        reply_to,
        body,
    }
}

async fn kinds(h: &Harness, user: &User) -> Vec<String> {
    h.store()
        .notifications(user.id, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

#[tokio::test]
async fn a_threads_life() {
    let h = Harness::with_articles().await;
    let article = h.id_of("fx-001").await;
    let creator_id = h
        .store()
        .article(article)
        .await
        .unwrap()
        .unwrap()
        .creator_id;
    let alice = h.user("alice", Role::Reader, false).await;
    let bob = h.user("bob", Role::Reader, false).await;
    // A new account's first comment waits for an editor.
    let first = h
        .app
        .post_comment(at(&alice), draft(article, None, "新号第一条"))
        .await
        .unwrap();
    assert_eq!(first.status, CommentStatus::Held);
    assert!(first.status_reason.contains("新注册"));
    assert_eq!(
        h.store().article(article).await.unwrap().unwrap().comments,
        0
    );
    // An hour on, comments are published at once.
    h.app.advance_clock(3600);
    let root = h
        .app
        .post_comment(at(&alice), draft(article, None, "申花这场踢得好"))
        .await
        .unwrap();
    assert_eq!(root.status, CommentStatus::Published);
    assert_eq!(root.root_id, root.id);
    let reply = h
        .app
        .post_comment(
            at(&bob),
            draft(article, Some(root.id), "同意，下半场尤其好"),
        )
        .await
        .unwrap();
    assert_eq!((reply.root_id, reply.depth), (root.id, 2));
    let deeper = h
        .app
        .post_comment(at(&alice), draft(article, Some(reply.id), "换人换得对"))
        .await
        .unwrap();
    assert_eq!((deeper.root_id, deeper.depth), (root.id, 3));
    // A reply tells the author of what it answers (not oneself).
    assert!(kinds(&h, &alice).await.contains(&"reply".to_owned()));
    assert!(kinds(&h, &bob).await.contains(&"reply".to_owned()));
    // A reply to a comment of another article is refused.
    let other = h.id_of("fx-002").await;
    assert!(matches!(
        h.app
            .post_comment(at(&bob), draft(other, Some(root.id), "串楼"))
            .await,
        Err(EngageError::NoComment)
    ));
    // Counts: three published comments, one thread, one direct reply.
    let a = h.store().article(article).await.unwrap().unwrap();
    assert_eq!(a.comments, 3);
    assert_eq!(h.store().thread_count(article).await.unwrap(), 1);
    assert_eq!(
        h.store().comment(root.id).await.unwrap().unwrap().replies,
        1
    );
    // Likes: twice counts once; undone.
    assert_eq!(h.app.like_comment(at(&bob), root.id).await.unwrap(), 1);
    assert_eq!(h.app.like_comment(at(&bob), root.id).await.unwrap(), 1);
    assert!(kinds(&h, &alice).await.contains(&"comment-like".to_owned()));
    assert_eq!(h.app.unlike_comment(at(&bob), root.id).await.unwrap(), 0);
    assert_eq!(h.app.unlike_comment(at(&bob), root.id).await.unwrap(), 0);
    // 最热 ranks a liked newer thread over an older one; 最新 by time.
    h.app.advance_clock(600);
    let second = h
        .app
        .post_comment(at(&bob), draft(article, None, "裁判尺度有问题"))
        .await
        .unwrap();
    h.app.advance_clock(7200);
    h.app.like_comment(at(&alice), second.id).await.unwrap();
    let hot = h
        .store()
        .threads(article, CommentSort::Hot, 10, 0)
        .await
        .unwrap();
    assert_eq!(hot[0].id, second.id);
    let new = h
        .store()
        .threads(article, CommentSort::New, 10, 0)
        .await
        .unwrap();
    assert_eq!(
        new.iter().map(|c| c.id).collect::<Vec<_>>(),
        [second.id, root.id]
    );
    // Hiding: not by a stranger; by the article's creator, with a reason.
    assert!(matches!(
        h.app.hide_comment(&bob, reply.id, "").await,
        Err(EngageError::Forbidden(_))
    ));
    let owner = h.user("owner", Role::Creator, false).await;
    let owner = User {
        creator_id: Some(creator_id),
        ..owner
    };
    h.app
        .hide_comment(&owner, reply.id, "与本文无关")
        .await
        .unwrap();
    let hidden = h.store().comment(reply.id).await.unwrap().unwrap();
    assert_eq!(hidden.status, CommentStatus::Hidden);
    assert_eq!(hidden.status_reason, "与本文无关");
    assert!(kinds(&h, &bob).await.contains(&"comment".to_owned()));
    assert_eq!(
        h.store().article(article).await.unwrap().unwrap().comments,
        3
    );
    // Its author still sees it, hidden, with the reason.
    let mine = h.store().user_comments(bob.id, 10, 0).await.unwrap();
    assert!(
        mine.iter()
            .any(|c| c.id == reply.id && c.status == CommentStatus::Hidden)
    );
    // An editor hides anywhere.
    let editor = h.user("editor", Role::Editor, false).await;
    h.app.hide_comment(&editor, deeper.id, "").await.unwrap();
    assert_eq!(
        h.store().article(article).await.unwrap().unwrap().comments,
        2
    );
    // Closing comments: by the creator; then refused for everyone.
    assert!(h.app.close_comments(&bob, article, true).await.is_err());
    h.app.close_comments(&owner, article, true).await.unwrap();
    assert!(matches!(
        h.app
            .post_comment(at(&alice), draft(article, None, "还能说吗"))
            .await,
        Err(EngageError::Closed)
    ));
    h.app.close_comments(&editor, article, false).await.unwrap();
    h.app
        .post_comment(at(&alice), draft(article, None, "又能说了"))
        .await
        .unwrap();
    // Every moderation step is in the log.
    let log = h.store().moderation_log(20).await.unwrap();
    for action in [
        "creator-hide-comment",
        "hide-comment",
        "close-comments",
        "open-comments",
    ] {
        assert!(
            log.iter().any(|e| e.action == action),
            "{action} not logged"
        );
    }
}

#[tokio::test]
async fn a_report_reaches_its_outcome() {
    let h = Harness::with_articles().await;
    let article = h.id_of("fx-001").await;
    let title = h.store().article(article).await.unwrap().unwrap().title;
    let troll = h.user("troll", Role::Reader, false).await;
    let r1 = h.user("reporter1", Role::Reader, false).await;
    let r2 = h.user("reporter2", Role::Reader, false).await;
    let editor = h.user("editor", Role::Editor, false).await;
    h.app.advance_clock(3600);
    let bad = h
        .app
        .post_comment(at(&troll), draft(article, None, "你们都是一群废物"))
        .await
        .unwrap();
    // Two readers report the comment; the same reader twice counts once.
    assert!(
        h.app
            .report(
                at(&r1),
                ReportTarget::Comment,
                bad.id,
                ReportReason::Abuse,
                "骂人"
            )
            .await
            .unwrap()
    );
    assert!(
        !h.app
            .report(
                at(&r1),
                ReportTarget::Comment,
                bad.id,
                ReportReason::Abuse,
                ""
            )
            .await
            .unwrap()
    );
    h.app
        .report(
            at(&r2),
            ReportTarget::Comment,
            bad.id,
            ReportReason::Spam,
            "",
        )
        .await
        .unwrap();
    h.app
        .report(
            at(&r2),
            ReportTarget::Article,
            article,
            ReportReason::Infringement,
            "抄袭",
        )
        .await
        .unwrap();
    assert!(matches!(
        h.app
            .report(
                at(&r2),
                ReportTarget::Comment,
                999_999,
                ReportReason::Spam,
                ""
            )
            .await,
        Err(EngageError::NoComment)
    ));
    let queue = h.store().open_reports(10).await.unwrap();
    assert_eq!(queue.len(), 2);
    assert_eq!(
        (queue[0].target, queue[0].target_id, queue[0].count),
        (ReportTarget::Comment, bad.id, 2)
    );
    assert_eq!(queue[0].reasons.len(), 2);
    assert_eq!(queue[0].texts, ["骂人"]);
    // Readers cannot act; the editor hides and mutes for 3 days.
    assert!(
        h.app
            .act_on_reports(&r1, ReportTarget::Comment, bad.id, ReportAction::Dismiss, 0)
            .await
            .is_err()
    );
    let resolved = h
        .app
        .act_on_reports(
            &editor,
            ReportTarget::Comment,
            bad.id,
            ReportAction::Mute,
            3,
        )
        .await
        .unwrap();
    assert_eq!(resolved, 2);
    assert_eq!(
        h.store().comment(bad.id).await.unwrap().unwrap().status,
        CommentStatus::Hidden
    );
    for reporter in [&r1, &r2] {
        let notes = h.store().notifications(reporter.id, 10).await.unwrap();
        assert!(
            notes
                .iter()
                .any(|n| n.kind == "report" && n.text.contains("禁言")),
            "{notes:?}"
        );
    }
    // The muted reader is refused, told until when and why; 3 days on, not.
    match h
        .app
        .post_comment(at(&troll), draft(article, None, "我又来了"))
        .await
    {
        Err(EngageError::Muted { until, reason }) => {
            assert_eq!(until, h.app.now() + 3 * 86_400);
            assert!(reason.contains("禁言 3 天"), "{reason}");
        }
        other => panic!("not muted: {other:?}"),
    }
    assert!(kinds(&h, &troll).await.contains(&"mute".to_owned()));
    // The article report: taken down, gone from lists and search.
    h.app
        .act_on_reports(
            &editor,
            ReportTarget::Article,
            article,
            ReportAction::TakeDown,
            0,
        )
        .await
        .unwrap();
    h.sync().await;
    assert!(h.store().open_reports(10).await.unwrap().is_empty());
    let listed = h.store().latest(100, 0).await.unwrap();
    assert!(listed.items.iter().all(|a| a.id != article));
    assert!(!h.search(&title).contains(&article), "{title} still found");
    let log = h.store().moderation_log(20).await.unwrap();
    assert!(log.iter().any(|e| e.action == "report-mute"));
    assert!(log.iter().any(|e| e.action == "report-take-down"));
    assert!(log.iter().any(|e| e.action == "mute"));
    h.app.advance_clock(3 * 86_400 + 1);
    h.app
        .post_comment(
            at(&troll),
            draft(h.id_of("fx-002").await, None, "我会好好说话"),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn rate_limits_refuse_with_a_wait() {
    let h = Harness::with_articles().await;
    let app = App::new(h.store().clone(), None).with_rates(Rates {
        comment_per_user: Rate::new(2, 60),
        like_per_addr: Rate::new(3, 60),
        ..Rates::default()
    });
    let article = h.id_of("fx-001").await;
    let a = h.user("a", Role::Reader, false).await;
    let b = h.user("b", Role::Reader, false).await;
    app.post_comment(at(&a), draft(article, None, "一"))
        .await
        .unwrap();
    app.post_comment(at(&a), draft(article, None, "二"))
        .await
        .unwrap();
    match app.post_comment(at(&a), draft(article, None, "三")).await {
        Err(EngageError::RateLimited(r)) => assert!((50..=60).contains(&r.retry_after_secs())),
        other => panic!("not limited: {other:?}"),
    }
    // Another account has its own budget; one address shares one for likes.
    app.post_comment(at(&b), draft(article, None, "三"))
        .await
        .unwrap();
    for user in [&a, &b, &a] {
        app.like_article(at(user), article).await.unwrap();
    }
    assert!(matches!(
        app.like_article(at(&b), article).await,
        Err(EngageError::RateLimited(_))
    ));
}

#[tokio::test]
async fn the_word_list_blocks_masks_and_holds() {
    let h = Harness::with_articles().await;
    let app = App::new(h.store().clone(), None).with_words(WordFilter::from_text(
        "代开发票 block\n加微信 hold\n蠢货 mask\n",
    ));
    let article = h.id_of("fx-001").await;
    let a = h.user("a", Role::Reader, false).await;
    app.advance_clock(3600);
    match app
        .post_comment(at(&a), draft(article, None, "专业代 开 发票"))
        .await
    {
        Err(EngageError::Blocked { word }) => assert_eq!(word, "代开发票"),
        other => panic!("not blocked: {other:?}"),
    }
    let masked = app
        .post_comment(at(&a), draft(article, None, "写这种文章的都是蠢货"))
        .await
        .unwrap();
    assert_eq!(masked.body, "写这种文章的都是＊＊");
    assert_eq!(masked.status, CommentStatus::Published);
    let held = app
        .post_comment(at(&a), draft(article, None, "想要资料的加微信"))
        .await
        .unwrap();
    assert_eq!(held.status, CommentStatus::Held);
    // An editor publishes it.
    let editor = h.user("editor", Role::Editor, false).await;
    app.approve_comment(&editor, held.id).await.unwrap();
    assert_eq!(
        h.store().comment(held.id).await.unwrap().unwrap().status,
        CommentStatus::Published
    );
    assert_eq!(
        h.store().article(article).await.unwrap().unwrap().comments,
        2
    );
}

#[tokio::test]
async fn a_flood_of_near_identical_comments_is_held() {
    let h = Harness::with_articles().await;
    let article = h.id_of("fx-001").await;
    let other = h.id_of("fx-002").await;
    let mut users = Vec::new();
    for i in 0..6 {
        users.push(h.user(&format!("bot{i}"), Role::Reader, false).await);
    }
    h.app.advance_clock(3600);
    let texts = [
        "免费领取会员，私信我获取领取方式，名额有限",
        "免费领取会员!私信我获取领取方式，名额有限哦",
        "免费领取会员，私信我获取领取方式,名额有限！！",
        "【免费领取会员】私信我获取领取方式，名额有限",
        "免费领取会员，私信我获取领取方法，名额有限",
    ];
    let mut statuses = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let on = if i % 2 == 0 { article } else { other };
        let c = h
            .app
            .post_comment(at(&users[i]), draft(on, None, t))
            .await
            .unwrap();
        statuses.push(c.status);
    }
    assert_eq!(
        statuses,
        [
            CommentStatus::Published,
            CommentStatus::Published,
            CommentStatus::Published,
            CommentStatus::Held,
            CommentStatus::Held
        ]
    );
    // A different remark is not caught; nor are short ones said by many.
    let fine = h
        .app
        .post_comment(
            at(&users[5]),
            draft(article, None, "这篇报道的数据来源是哪里？"),
        )
        .await
        .unwrap();
    assert_eq!(fine.status, CommentStatus::Published);
    for u in &users[..4] {
        let c = h
            .app
            .post_comment(at(u), draft(other, None, "支持！"))
            .await
            .unwrap();
        assert_eq!(c.status, CommentStatus::Published);
    }
}

#[tokio::test]
async fn a_reader_turns_off_a_kind_of_notice() {
    let h = Harness::with_articles().await;
    let article = h.id_of("fx-001").await;
    let a = h.user("a", Role::Reader, false).await;
    let b = h.user("b", Role::Reader, false).await;
    h.app.advance_clock(3600);
    let c = h
        .app
        .post_comment(at(&a), draft(article, None, "第一"))
        .await
        .unwrap();
    assert!(
        h.store()
            .set_notification_kind(a.id, "comment-like", false)
            .await
            .unwrap()
    );
    assert!(
        !h.store()
            .set_notification_kind(a.id, "take-down", false)
            .await
            .unwrap()
    );
    h.app.like_comment(at(&b), c.id).await.unwrap();
    h.app
        .post_comment(at(&b), draft(article, Some(c.id), "第二"))
        .await
        .unwrap();
    assert_eq!(kinds(&h, &a).await, ["reply"]);
    assert_eq!(
        h.store().notifications_off(a.id).await.unwrap(),
        ["comment-like"]
    );
}
