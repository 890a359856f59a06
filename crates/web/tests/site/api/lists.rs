//! The read API's lists: every published article exactly once across the
//! pages, newest first, filtered by channel, author and tag; channels,
//! authors and tags; bad cursors and limits are `{"code","message"}` 400s.

use axum::http::StatusCode;

use crate::support::*;

/// Follows `next_cursor` from `path` to the end; the items, in order.
async fn all_pages(app: &TestApp, path: &str) -> Vec<serde_json::Value> {
    let mut items = Vec::new();
    let mut url = path.to_owned();
    for _ in 0..100 {
        let r = app.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.text());
        let page = r.json();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => {
                let sep = if path.contains('?') { '&' } else { '?' };
                url = format!("{path}{sep}cursor={}", enc(c));
            }
            None => return items,
        }
    }
    panic!("more than 100 pages");
}

#[tokio::test]
async fn articles_page_by_cursor_and_filter() {
    let app = TestApp::with_articles().await;
    let all = all_pages(&app, "/api/v1/articles?limit=4").await;
    let listed = app.store().count_listed().await.unwrap() as usize;
    assert_eq!(all.len(), listed);
    let ids: std::collections::HashSet<i64> =
        all.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), listed, "none twice");
    let times: Vec<String> = all
        .iter()
        .map(|a| a["published_at"].as_str().unwrap().to_owned())
        .collect();
    let parsed: Vec<i64> = times
        .iter()
        .map(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap().timestamp())
        .collect();
    assert!(
        parsed.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    for a in &all {
        for k in [
            "id",
            "external_id",
            "title",
            "summary",
            "url",
            "channel",
            "published_at",
        ] {
            assert!(!a[k].is_null(), "{k} in {a}");
        }
        assert!(a["author"]["id"].is_i64() && a["author"]["name"].is_string());
    }

    let sports = all_pages(&app, "/api/v1/articles?channel=sports&limit=2").await;
    assert!(!sports.is_empty() && sports.iter().all(|a| a["channel"] == "sports"));
    let author = all[0]["author"]["id"].as_i64().unwrap();
    let theirs = all_pages(&app, &format!("/api/v1/articles?author={author}")).await;
    assert!(!theirs.is_empty() && theirs.iter().all(|a| a["author"]["id"] == author));
    let tagged = all_pages(&app, &format!("/api/v1/articles?tag={}", enc("中超"))).await;
    let mut tagged: Vec<&str> = tagged
        .iter()
        .map(|a| a["external_id"].as_str().unwrap())
        .collect();
    tagged.sort();
    assert_eq!(tagged, ["fx-001", "fx-002"]);

    for (path, status) in [
        ("/api/v1/articles?cursor=yesterday", StatusCode::BAD_REQUEST),
        ("/api/v1/articles?cursor=1.x", StatusCode::BAD_REQUEST),
        ("/api/v1/articles?limit=0", StatusCode::BAD_REQUEST),
        ("/api/v1/articles?limit=101", StatusCode::BAD_REQUEST),
        ("/api/v1/articles?channel=weather", StatusCode::BAD_REQUEST),
        ("/api/v1/articles?author=-1", StatusCode::BAD_REQUEST),
        ("/api/v1/authors?cursor=x", StatusCode::BAD_REQUEST),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, status, "{path}");
        let e = r.json();
        assert_eq!(e["code"], "bad_request", "{path}");
        assert!(e["message"].as_str().unwrap().len() > 10, "{path}");
    }
}

#[tokio::test]
async fn channels_authors_and_tags() {
    let app = TestApp::with_articles().await;
    let channels = app.get("/api/v1/channels").await.json();
    let items = channels["items"].as_array().unwrap();
    assert_eq!(items.len(), 11);
    assert_eq!(items[1]["slug"], "sports");
    assert_eq!(items[1]["rss"], "/channel/sports/rss.xml");

    let authors = all_pages(&app, "/api/v1/authors?limit=2").await;
    assert!(authors.len() >= 3, "{authors:?}");
    let ids: Vec<i64> = authors.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    assert!(authors.iter().all(|a| a["articles"].as_i64().unwrap() > 0));

    let tags = app.get("/api/v1/tags").await.json();
    assert_eq!(tags["items"][0]["tag"], "中超");
    assert_eq!(tags["items"][0]["articles"], 2);
    assert_eq!(tags["items"][0]["url"], format!("/tag/{}", enc("中超")));
}
