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
