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
    // 首页, 推荐 and the eleven channels.
    assert_eq!(texts(&html, "nav.channels li").len(), 13);
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

#[tokio::test]
async fn hot_follows_engagement_through_views_shares_and_follows() {
    let app = TestApp::with_articles().await;
    let viewed = app.id_of("fx-003").await;
    let shared = app.id_of("fx-005").await;
    let hot = |q: &'static str| {
        let app = &app;
        async move {
            let r = app.get(&format!("/api/v1/hot{q}")).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            r.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap())
                .collect::<Vec<i64>>()
        }
    };
    // Twelve readers read one article (one of them three times): 12 views.
    for reader in (0..12).chain([0, 0]) {
        let agent = format!("reader-{reader}");
        let page = app
            .get_with(&format!("/article/{viewed}"), &[("user-agent", &agent)])
            .await;
        assert_eq!(page.status, StatusCode::OK);
    }
    app.app().flush_views().await.unwrap();
    assert_eq!(
        app.store().article(viewed).await.unwrap().unwrap().views,
        12
    );
    assert_eq!(hot("?limit=3").await[0], viewed);

    // Two shares (8 views' worth each) outweigh twelve views.
    for reader in ["a", "b"] {
        let r = app.share(shared, "weibo", reader).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(hot("").await[..2], [shared, viewed]);

    // A follow started from an article's author card (15 views' worth) lifts it.
    let followed = app.id_of("fx-008").await;
    let creator = app
        .store()
        .article(followed)
        .await
        .unwrap()
        .unwrap()
        .creator_id;
    app.user("fan", hao_domain::Role::Reader, None).await;
    let session = app.sign_in("fan", PASSWORD).await.unwrap();
    let r = app
        .request(
            axum::http::Request::post(format!("/author/{creator}/follow"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", &session)
                .header("sec-fetch-site", "same-origin")
                .body(axum::body::Body::from(format!("from={followed}")))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let top = hot("").await;
    assert_eq!(top[..3], [shared, followed, viewed], "{top:?}");

    // The home page's 热点推荐 is the same list.
    app.state.invalidate();
    let html = app.get("/").await.html();
    let first = attrs(&html, "section.hot .pick-title", "href");
    assert_eq!(first[0], format!("/article/{shared}"));

    // One channel only; at most two per creator; bad input says why.
    let channel = app.store().article(viewed).await.unwrap().unwrap().channel;
    for id in hot(match channel.slug() {
        "finance" => "?channel=finance",
        other => panic!("fixture fx-003 is in finance, not {other}"),
    })
    .await
    {
        assert_eq!(
            app.store().article(id).await.unwrap().unwrap().channel,
            channel
        );
    }
    let all = hot("?limit=50").await;
    let mut per_creator = std::collections::HashMap::new();
    for id in &all {
        let c = app.store().article(*id).await.unwrap().unwrap().creator_id;
        *per_creator.entry(c).or_insert(0) += 1;
    }
    assert!(per_creator.values().all(|n| *n <= 2), "{per_creator:?}");
    for (q, needle) in [
        ("?limit=0", "limit"),
        ("?limit=abc", "limit"),
        ("?limit=51", "limit"),
        ("?channel=nope", "unknown channel"),
    ] {
        let r = app.get(&format!("/api/v1/hot{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        let j = r.json();
        assert!(j["message"].as_str().unwrap().contains(needle), "{q}: {j}");
        assert!(j["code"].is_string());
    }
}
