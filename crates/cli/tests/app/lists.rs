//! Home, channel and author pages: what they list and how they paginate.

use axum::http::StatusCode;

use crate::support::*;

#[tokio::test]
async fn home_has_headline_blocks_hot_and_latest() {
    let app = TestApp::with_articles().await;
    let html = app.get("/").await.html();
    assert_eq!(
        html.select(&sel("section.headlines .headline-block"))
            .count(),
        11
    );
    assert_eq!(texts(&html, "section.hot h2"), ["热点推荐"]);
    let latest = texts(&html, "section.latest ul.articles h3");
    assert_eq!(latest.len(), 13);
    // Newest first; help pages are not news.
    assert_eq!(latest[0], "羽毛球世锦赛：国羽包揽男女单打冠军");
    assert!(!latest.iter().any(|t| t.contains("申请入驻")));
    assert_eq!(texts(&html, "nav.channels li").len(), 12);
}

#[tokio::test]
async fn the_most_viewed_lead_the_hot_list() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-007").await;
    app.store().add_views(&[(id, 50)]).await.unwrap();
    app.state.invalidate();
    let html = app.get("/").await.html();
    assert_eq!(
        texts(&html, "section.hot .pick-title")[0],
        "孩子写作业拖拉怎么办？三个方法很管用"
    );
}

#[tokio::test]
async fn channel_pages_paginate() {
    let app = TestApp::empty().await;
    let lines: String = (0..25)
        .map(|i| {
            format!(
                r#"{{"external_id":"p{i}","title":"科技新闻第{i}号","body":"正文{i}","channel":"tech","published_at":"2026-02-01T{:02}:{:02}:00+08:00"}}"#,
                i / 60,
                i % 60
            ) + "\n"
        })
        .collect();
    assert_eq!(app.import(lines.as_bytes()).await.created, 25);
    let p1 = app.get("/channel/tech").await.html();
    assert_eq!(texts(&p1, "ul.articles li").len(), 20);
    assert_eq!(texts(&p1, "ul.articles h3")[0], "科技新闻第24号");
    assert_eq!(
        attrs(&p1, ".pagination a[rel=next]", "href"),
        ["/channel/tech?page=2"]
    );
    assert!(text(&p1, "h1").contains("共 25 篇"));
    let p2 = app.get("/channel/tech?page=2").await.html();
    assert_eq!(
        texts(&p2, "ul.articles h3"),
        [
            "科技新闻第4号",
            "科技新闻第3号",
            "科技新闻第2号",
            "科技新闻第1号",
            "科技新闻第0号"
        ]
    );
    assert_eq!(
        attrs(&p2, ".pagination a[rel=prev]", "href"),
        ["/channel/tech?page=1"]
    );
    assert_eq!(
        app.get("/channel/tech?page=3").await.status,
        StatusCode::NOT_FOUND
    );
    // The Chinese name works as a slug alias; an empty channel says so.
    assert_eq!(app.get("/channel/military").await.status, StatusCode::OK);
    assert!(text(&app.get("/channel/military").await.html(), "p.empty").contains("还没有文章"));
}

#[tokio::test]
async fn author_page_lists_all_their_articles() {
    let app = TestApp::with_articles().await;
    let creator = app
        .store()
        .creator_by_name("育儿手记")
        .await
        .unwrap()
        .unwrap();
    let html = app.get(&format!("/author/{}", creator.id)).await.html();
    assert_eq!(text(&html, ".author-card .author-name"), "育儿手记");
    assert_eq!(text(&html, ".author-card .article-count"), "2文章数");
    assert_eq!(
        texts(&html, "ul.articles h3"),
        [
            "孩子写作业拖拉怎么办？三个方法很管用",
            "心理学家：为什么性格比能力更重要"
        ]
    );
    assert_eq!(text(&html, ".author-card .badge"), "个人");
}
