//! Search: the page and the API over the real index, fed from the change log.

use axum::http::StatusCode;

use crate::support::*;

#[tokio::test]
async fn the_search_page_finds_fragments_with_highlights() {
    let app = TestApp::with_articles().await;
    let html = app
        .get("/search?q=%E9%80%86%E8%BD%AC%E6%B5%B7%E6%B8%AF")
        .await
        .html(); // 逆转海港
    assert_eq!(
        texts(&html, "ol.search-results h2")[0],
        "申花主场2比1逆转海港 终结三连败"
    );
    assert!(
        texts(&html, "ol.search-results h2 b")
            .iter()
            .any(|b| b.contains('港'))
    );
    assert!(text(&html, ".search-total").starts_with("找到"));

    // Traditional characters and full-width letters find the same articles.
    let html = app
        .get("/search?q=%E5%AD%98%E6%AC%BE%E6%BA%96%E5%82%99%E9%87%91")
        .await
        .html(); // 存款準備金
    assert_eq!(
        texts(&html, "ol.search-results h2")[0],
        "央行宣布下调存款准备金率0.5个百分点"
    );
    let html = app
        .get("/search?q=%EF%BC%B3%EF%BC%B5%EF%BC%B6")
        .await
        .html(); // ＳＵＶ
    assert!(texts(&html, "ol.search-results h2")[0].contains("SUV"));

    // A channel filter and sorting by time.
    let html = app
        .get("/search?q=%E5%AD%A9%E5%AD%90&channel=sports")
        .await
        .html(); // 孩子
    assert_eq!(html.select(&sel("ol.search-results li")).count(), 0);
    assert!(text(&html, "p.empty").contains("没有找到"));
    let html = app.get("/search?q=%E7%9A%84&sort=time").await.html(); // 的
    let titles = texts(&html, "ol.search-results h2");
    assert_eq!(titles.len(), 10);
    assert_eq!(titles[0], "羽毛球世锦赛：国羽包揽男女单打冠军");
    assert_eq!(
        attrs(&html, ".pagination a[rel=next]", "href"),
        ["/search?q=%E7%9A%84&page=2&sort=time"]
    );
}

#[tokio::test]
async fn bad_searches_get_clear_messages() {
    let app = TestApp::with_articles().await;
    let r = app.get("/search?q=").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(text(&r.html(), ".search-message"), "请输入要搜索的内容。");
    let r = app.get("/search?q=%E2%80%8B").await; // only a zero-width space
    assert_eq!(text(&r.html(), ".search-message"), "请输入要搜索的内容");
    // Punctuation alone is something to search for (the texts holding it).
    let r = app.get("/search?q=%EF%BC%8C%E3%80%82").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.html().html().contains("请输入要搜索的内容"));
    let long = "%E5%AD%97".repeat(101);
    let r = app.get(&format!("/search?q={long}")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(text(&r.html(), ".search-message").contains("最多 100 个字"));
    // The typed query is kept in the box.
    assert_eq!(attrs(&r.html(), "input#q", "value")[0].chars().count(), 101);
    assert_eq!(
        app.get("/search?q=a&sort=best").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/search?q=a&page=0").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/search?q=a&channel=weather").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_api_answers_best_first() {
    let app = TestApp::with_articles().await;
    let r = app
        .get("/api/v1/search?q=%E7%BE%BD%E6%AF%9B%E7%90%83%E4%B8%96%E9%94%A6%E8%B5%9B&limit=3")
        .await; // 羽毛球世锦赛
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert!(j["total"].as_u64().unwrap() >= 1);
    let hit = &j["hits"][0];
    assert_eq!(hit["external_id"], "fx-013");
    assert_eq!(hit["url"], format!("/article/{}", hit["id"]));
    assert!(hit["snippet"].as_str().unwrap().contains("<b>"));
    assert!(j["hits"].as_array().unwrap().len() <= 3);
    for (q, code) in [("", "empty_query"), ("%E2%80%8B%20", "empty_query")] {
        let r = app.get(&format!("/api/v1/search?q={q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["code"], code);
    }
    let r = app.get("/api/v1/search?q=a&limit=0").await;
    assert_eq!(
        (r.status, r.json()["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
}

#[tokio::test]
async fn the_index_follows_edits() {
    let app = TestApp::with_articles().await;
    let found = |r: TestResponse| {
        r.json()["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["external_id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found(app.get("/api/v1/search?q=%E4%B8%A4%E4%BC%9A").await)[0],
        "fx-012"
    ); // 两会
    app.import(r#"{"external_id":"fx-012","title":"春节假期出行人数创新高","body":"交通运输部发布数据。","author":"环球视点"}"#.as_bytes())
        .await;
    assert!(
        !found(app.get("/api/v1/search?q=%E4%B8%A4%E4%BC%9A").await).contains(&"fx-012".to_owned())
    );
    assert_eq!(
        found(
            app.get("/api/v1/search?q=%E5%87%BA%E8%A1%8C%E4%BA%BA%E6%95%B0")
                .await
        )[0],
        "fx-012"
    ); // 出行人数
}

#[tokio::test]
async fn cached_results_are_refreshed_by_a_write() {
    let app = TestApp::with_articles().await;
    let q = "/api/v1/search?q=%E7%A7%8B%E7%B2%AE%E6%94%B6%E8%B4%AD"; // 秋粮收购
    let before = app.get(q).await;
    assert_eq!(before.json()["total"], 0);
    // Asked again: the same cached answer (same ETag).
    let again = app.get(q).await;
    assert_eq!(before.header("etag"), again.header("etag"));
    let line = serde_json::json!({"external_id": "new-1", "title": "秋粮收购全面展开", "body": "各地秋粮收购工作有序进行。"});
    app.import(format!("{line}\n").as_bytes()).await;
    let after = app.get(q).await.json();
    assert_eq!(after["total"], 1, "{after}");
    let page = app
        .get("/search?q=%E7%A7%8B%E7%B2%AE%E6%94%B6%E8%B4%AD")
        .await;
    assert!(text(&page.html(), "main").contains("秋粮收购全面展开"));
}

#[tokio::test]
async fn answers_given_while_the_index_is_being_built_are_not_kept() {
    let app = TestApp::empty().await;
    // Articles in the database, the index not built yet (a node's first start).
    app.import_unindexed(ARTICLES).await;
    let q = "/api/v1/search?q=%E7%94%B3%E8%8A%B1&limit=5";
    let early = app.get(q).await.json();
    assert_eq!(early["total"], 0, "nothing indexed yet");
    assert_eq!(early["index_building"], true, "{early}");
    let page = app.get("/search?q=%E7%94%B3%E8%8A%B1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        text(&page.html(), ".search-message").contains("搜索索引正在建立"),
        "the reader is told why results may be missing"
    );
    // The build finishes (no page generation moves): the same questions
    // now find the articles, not a kept empty answer.
    let index = app.state.search().unwrap().clone();
    hao_app::sync::reindex_all(app.store(), &index, |_| {}, || false)
        .await
        .unwrap();
    let built = app.get(q).await.json();
    assert!(built["total"].as_u64().unwrap() > 0);
    assert!(built.get("index_building").is_none(), "{built}");
    let html = app.get("/search?q=%E7%94%B3%E8%8A%B1").await.html();
    assert!(!texts(&html, "ol.search-results h2").is_empty());
    assert!(!text(&html, "main").contains("搜索索引正在建立"));
}

#[tokio::test]
async fn a_repost_word_for_word_is_folded_into_one_hit() {
    let app = TestApp::with_articles().await;
    let body = "各地秋粮收购工作有序进行，收购价格总体平稳。";
    // Three creators post the same body under three headlines.
    let lines: String = [
        ("r-1", "秋粮收购全面展开", "环球视点"),
        ("r-2", "转：秋粮收购全面展开", "江畔球评"),
        ("r-3", "秋粮收购有序进行", "财经观察"),
    ]
    .iter()
    .map(|(id, title, author)| {
        let line =
            serde_json::json!({"external_id": id, "title": title, "body": body, "author": author});
        format!("{line}\n")
    })
    .collect();
    app.import(lines.as_bytes()).await;
    let j = app
        .get(&format!("/api/v1/search?q={}", enc("秋粮收购")))
        .await
        .json();
    assert_eq!(j["total"], 1, "{j}");
    assert_eq!(j["hits"].as_array().unwrap().len(), 1, "{j}");
    assert_eq!(j["hits"][0]["copies"], 2, "{j}");
    let html = app
        .get(&format!("/search?q={}", enc("秋粮收购")))
        .await
        .html();
    assert_eq!(texts(&html, "ol.search-results h2").len(), 1);
    assert!(
        text(&html, "ol.search-results .meta").contains("另有 2 篇内容相同的文章未列出"),
        "{}",
        text(&html, "ol.search-results .meta")
    );
}
