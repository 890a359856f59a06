//! 相关推荐: computed when the change log moves, explained, never the article
//! itself or its near-duplicates; served by the page and the API.

use axum::http::StatusCode;

use crate::support::*;

#[tokio::test]
async fn related_articles_share_keywords_and_say_so() {
    let app = TestApp::with_articles().await;
    // What the change-log follower does after applying changes.
    let index = app.state.search().unwrap().clone();
    hao_app::related::fill_all(app.store(), &index, app.state.related())
        .await
        .unwrap();
    app.state.invalidate();

    // fx-001 (申花 vs 海港) and fx-002 (中超赛程) are both Chinese Super League news.
    let id = app.id_of("fx-001").await;
    let r = app
        .get(&format!("/api/v1/articles/{id}/related?limit=3"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let items = r.json()["items"].as_array().unwrap().clone();
    assert!(!items.is_empty() && items.len() <= 3, "{items:?}");
    assert!(items.iter().all(|i| i["id"] != id), "never itself");
    for i in &items {
        for k in ["id", "external_id", "title", "url", "reason"] {
            assert!(!i[k].is_null(), "{k} missing in {i}");
        }
        assert!(!i["reason"].as_str().unwrap().is_empty());
    }
    // The page shows the same picks with their reasons.
    let page = app.get(&format!("/article/{id}")).await.html();
    let first = items[0]["url"].as_str().unwrap();
    assert!(
        attrs(&page, "a", "href").iter().any(|h| h == first),
        "the page links the first related article"
    );
    assert!(text(&page, "body").contains(items[0]["reason"].as_str().unwrap()));

    // Bad requests are JSON errors.
    let r = app
        .get(&format!("/api/v1/articles/{id}/related?limit=0"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["code"], "bad_request");
    let r = app.get("/api/v1/articles/987654/related").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_imported_article_gets_its_list_on_first_read_kept_for_every_node() {
    // Imported before the node started: its first start builds the index
    // from the database, and the change log has nothing new for it.
    let app = TestApp::empty().await;
    app.import_unindexed(ARTICLES).await;
    let index = app.state.search().unwrap().clone();
    hao_app::sync::reindex_all(app.store(), &index, |_| {}, || false)
        .await
        .unwrap();
    app.state.invalidate();
    let id = app.id_of("fx-001").await;
    // Imported, never computed: no pass over every article ran.
    assert!(app.store().related_lists(&[id]).await.unwrap().is_empty());
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = text(&page.html(), "body");
    assert!(
        !body.contains("同频道最新"),
        "a computed list, not the fallback"
    );
    // The page computed it once and kept it in the database.
    let kept = app.store().related_lists(&[id]).await.unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");

    // A second node on the same database: an empty memory, the same list.
    let other = hao_app::related::RelatedCache::default();
    let here = app
        .state
        .related()
        .get(app.store(), id)
        .await
        .unwrap()
        .unwrap();
    let there = other.get(app.store(), id).await.unwrap().unwrap();
    assert_eq!(here, there);
    assert!(!there.is_empty());
    // Nothing left for a pass over every article but the ones not read.
    let index = app.state.search().unwrap().clone();
    let computed = hao_app::related::fill_all(app.store(), &index, app.state.related())
        .await
        .unwrap();
    assert!(computed > 0);
    assert_eq!(
        hao_app::related::fill_all(app.store(), &index, app.state.related())
            .await
            .unwrap(),
        0,
        "nothing left to compute"
    );
    // An article no longer published has no list.
    other.put(app.store(), id, None).await.unwrap();
    assert!(
        hao_app::related::RelatedCache::default()
            .get(app.store(), id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn while_the_index_is_being_built_pages_fall_back_and_keep_nothing() {
    let app = TestApp::empty().await;
    // Written to the database, the index not yet told (a node building it).
    app.import_unindexed(ARTICLES).await;
    app.state.invalidate();
    let id = app.id_of("fx-001").await;
    assert!(app.state.search().unwrap().applied_seq().is_none());
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(text(&page.html(), "body").contains("同频道最新"));
    assert!(app.store().related_lists(&[id]).await.unwrap().is_empty());
    let r = app.get(&format!("/api/v1/articles/{id}/related")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json()["code"], "not_ready");
}
