//! How pages are served: pre-compressed variants, validators, HEAD, batched
//! views, invalidation, and error pages in the site's style.

use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::*;

#[tokio::test]
async fn variants_validators_and_head() {
    let app = TestApp::with_articles().await;
    let path = format!("/article/{}", app.id_of("fx-004").await);
    let plain = app.get(&path).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(
        plain.header("vary").as_deref(),
        Some("Accept-Encoding, Cookie")
    );
    // Shared by every reader: a CDN may keep it as long as a node does
    // (the page TTL, 60 s here); browsers revalidate.
    assert_eq!(
        plain.header("cache-control").as_deref(),
        Some("public, max-age=0, s-maxage=60, stale-while-revalidate=60")
    );
    // Feeds vary with nothing but the encoding.
    let feed = app.get("/rss.xml").await;
    assert_eq!(feed.header("vary").as_deref(), Some("Accept-Encoding"));
    assert!(
        feed.header("cache-control")
            .unwrap()
            .contains("s-maxage=60")
    );
    // A page for one reader never reaches a shared cache.
    app.user("someone", hao_domain::Role::Reader, None).await;
    let session = app.sign_in("someone", PASSWORD).await.unwrap();
    let me = app.get_with("/me", &[("cookie", &session)]).await;
    assert_eq!(me.header("cache-control").as_deref(), Some("no-store"));
    let etag = plain.header("etag").unwrap();

    let gz = app.get_with(&path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding").as_deref(), Some("gzip"));
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz.body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain.body);

    let br = app
        .get_with(&path, &[("accept-encoding", "gzip, deflate, br")])
        .await;
    assert_eq!(br.header("content-encoding").as_deref(), Some("br"));
    let mut unbrotli = Vec::new();
    brotli::Decompressor::new(&br.body[..], 4096)
        .read_to_end(&mut unbrotli)
        .unwrap();
    assert_eq!(unbrotli, plain.body);
    assert!(br.body.len() < plain.body.len() / 2);
    assert_ne!(
        br.header("etag"),
        Some(etag.clone()),
        "each encoding has its own ETag"
    );

    let not_modified = app.get_with(&path, &[("if-none-match", &etag)]).await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    assert!(not_modified.body.is_empty());
    let changed = app.get_with(&path, &[("if-none-match", "\"nope\"")]).await;
    assert_eq!(changed.status, StatusCode::OK);

    let head = app
        .request(Request::head(&path).body(Body::empty()).unwrap())
        .await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), Some(etag));
    assert_eq!(
        head.header("content-length"),
        Some(plain.body.len().to_string())
    );
}

#[tokio::test]
async fn views_are_batched_and_flushed() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-008").await;
    // Three readers (told apart by their browsers), the first one twice: a
    // reader's repeated views within the hour count once.
    for reader in ["a", "b", "c", "a"] {
        let page = app
            .get_with(&format!("/article/{id}"), &[("user-agent", reader)])
            .await;
        assert_eq!(page.status, StatusCode::OK);
    }
    // HEAD is not a view.
    app.request(
        Request::head(format!("/article/{id}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    // Nothing written yet: the count waits in memory.
    assert_eq!(app.store().article(id).await.unwrap().unwrap().views, 0);
    assert_eq!(app.state.views().pending(), 3);
    assert_eq!(app.app().flush_views().await.unwrap(), 1);
    assert_eq!(app.store().article(id).await.unwrap().unwrap().views, 3);
    assert_eq!(app.state.views().pending(), 0);
}

#[tokio::test]
async fn a_share_is_counted_and_the_cached_page_refreshed() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-004").await;
    let path = format!("/article/{id}");
    assert_eq!(
        text(&app.get(&path).await.html(), ".share-count"),
        "0 分享至"
    );
    let r = app.share(id, "weibo", "reader-1").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let location = r.header("location").unwrap();
    assert!(
        location.starts_with(
            "https://service.weibo.com/share/share.php?url=https%3A%2F%2Fhao%2Etest%2Farticle%2F"
        ),
        "{location}"
    );
    assert_eq!(
        text(&app.get(&path).await.html(), ".share-count"),
        "1 分享至"
    );
    // The same reader again: sent on, not counted again.
    let r = app.share(id, "qq", "reader-1").await;
    assert!(
        r.header("location")
            .unwrap()
            .starts_with("https://connect.qq.com/")
    );
    assert_eq!(
        text(&app.get(&path).await.html(), ".share-count"),
        "1 分享至"
    );
    // A form from another site, or a script without one: refused.
    let forged = app.post_form(&format!("{path}/share"), "to=weibo").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let r = app.share(id, "qq", "reader-2").await;
    assert!(
        r.header("location")
            .unwrap()
            .starts_with("https://connect.qq.com/")
    );
    let bad = app.share(id, "myspace", "reader-3").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        text(&app.get(&path).await.html(), ".share-count"),
        "2 分享至"
    );
}

#[tokio::test]
async fn a_reimport_shows_on_the_page() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-012").await;
    let path = format!("/article/{id}");
    assert_eq!(
        text(&app.get(&path).await.html(), "article h1"),
        "全国两会将于三月初召开"
    );
    let edited = r#"{"external_id":"fx-012","title":"全国两会将于三月五日召开","body":"更新后的正文。","author":"环球视点"}"#;
    let s = app.import(edited.as_bytes()).await;
    assert_eq!((s.created, s.updated), (0, 1));
    let html = app.get(&path).await.html();
    assert_eq!(text(&html, "article h1"), "全国两会将于三月五日召开");
    assert_eq!(text(&html, "article .body"), "更新后的正文。");
}

#[tokio::test]
async fn error_pages_are_in_the_site_style() {
    let app = TestApp::with_articles().await;
    for (path, status, needle) in [
        ("/article/abc", StatusCode::BAD_REQUEST, "文章编号“abc”无效"),
        ("/article/0", StatusCode::BAD_REQUEST, "无效"),
        ("/article/999999", StatusCode::NOT_FOUND, "这篇文章不存在"),
        (
            "/channel/weather",
            StatusCode::NOT_FOUND,
            "没有名为“weather”的频道",
        ),
        (
            "/channel/sports?page=0",
            StatusCode::BAD_REQUEST,
            "页码“0”无效",
        ),
        (
            "/channel/sports?page=x",
            StatusCode::BAD_REQUEST,
            "页码“x”无效",
        ),
        (
            "/channel/sports?page=9",
            StatusCode::NOT_FOUND,
            "没有第 9 页",
        ),
        ("/author/999", StatusCode::NOT_FOUND, "这位作者不存在"),
        ("/author/x", StatusCode::BAD_REQUEST, "作者编号“x”无效"),
        ("/no/such/page", StatusCode::NOT_FOUND, "找不到页面"),
        ("/help/none", StatusCode::NOT_FOUND, "帮助页"),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, status, "{path}");
        assert_eq!(
            r.header("content-type").as_deref(),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        let html = r.html();
        assert!(
            text(&html, "section.error p").contains(needle),
            "{path}: {}",
            text(&html, "section.error")
        );
        // The site's chrome is there: navigation and the stylesheet.
        assert_eq!(html.select(&sel("nav.channels li")).count(), 13, "{path}");
        assert_eq!(html.select(&sel("link[rel=stylesheet]")).count(), 1);
    }
    // In care mode the error page keeps the reader's layout.
    let r = app.get_care("/article/999999").await;
    assert!(r.html().select(&sel("body.care")).next().is_some());
}

#[tokio::test]
async fn health() {
    let app = TestApp::empty().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text(), "ok\n");
}
