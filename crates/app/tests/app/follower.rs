//! The change-log follower (`App::follow_changes`), the one function the
//! background task of every node and the tests call.

use hao_domain::Role;

use crate::support::*;

#[tokio::test]
async fn the_follower_indexes_computes_related_and_marks_pages_stale() {
    let h = Harness::with_articles().await;
    let seq = h.store().last_change().await.unwrap();
    let from = h.app.search().unwrap().applied_seq().unwrap();
    assert_eq!(from, seq, "the import's changes are applied");
    let generation = h.app.generation();
    assert_eq!(h.app.follow_changes(seq).await.unwrap(), seq);
    assert_eq!(h.app.generation(), generation, "nothing new, nothing stale");

    // A write elsewhere (another door, another node): the follower finds it.
    let creator = h.user("写作者", Role::Creator, true).await;
    let request = hao_app::publish::Request {
        input: hao_app::publish::ArticleInput {
            title: Some("滇池湿地候鸟数量创新高".into()),
            body: Some("今年冬天飞抵滇池的红嘴鸥等候鸟数量创下新高，湿地保护成效明显。".into()),
            ..Default::default()
        },
        publish: true,
        publish_at: None,
    };
    let done = hao_app::publish::publish(&h.app, &creator, request, None)
        .await
        .unwrap();
    assert!(
        h.search("红嘴鸥").is_empty(),
        "not indexed before the follower runs"
    );
    let generation = h.app.generation();
    let reached = h.app.follow_changes(seq).await.unwrap();
    assert!(reached > seq);
    assert!(h.app.generation() > generation);
    assert_eq!(h.search("红嘴鸥"), [done.id]);
    // Its 相关推荐 was computed and kept for every node.
    let kept = h.store().related_lists(&[done.id]).await.unwrap();
    assert!(kept.contains_key(&done.id), "{kept:?}");
}

/// Views are written on their own timer, not every n-th pass of the
/// follower (issue 21 finding 10: under write load the flush was starved
/// and a busy minute's views were lost on a crash).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_are_flushed_on_their_own_timer_while_writes_keep_the_follower_busy() {
    let h = Harness::with_articles().await;
    let id = h.id_of("fx-001").await;
    let from = h.store().last_change().await.unwrap();
    let background = h.app.spawn_background(from);
    let creator = h.user("写作者", Role::Creator, true).await;
    let app = h.app.clone();
    let writes = tokio::spawn(async move {
        for i in 0.. {
            let request = hao_app::publish::Request {
                input: hao_app::publish::ArticleInput {
                    title: Some(format!("持续写入的第{i}篇稿件")),
                    body: Some(format!("第{i}篇的正文：写入不停，跟随者一直有事可做。")),
                    ..Default::default()
                },
                publish: true,
                publish_at: None,
            };
            hao_app::publish::publish(&app, &creator, request, None)
                .await
                .unwrap();
        }
    });
    assert!(h.app.views().hit(id, 1, "192.0.2.1"));
    let start = std::time::Instant::now();
    // Until the view is in the database (the counter empties when a flush
    // takes it, before the flush's write commits).
    while h.store().article(id).await.unwrap().unwrap().views < 1 {
        assert!(
            start.elapsed() < hao_app::VIEW_FLUSH_EVERY * 5,
            "no flush within {:?}",
            start.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(h.app.views().pending(), 0);
    assert!(h.app.last_view_flush() > 0);
    writes.abort();
    background.abort();
    assert_eq!(h.store().article(id).await.unwrap().unwrap().views, 1);
}
