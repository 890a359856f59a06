//! The JSON API: the evaluation contract and `{"code","message"}` errors.

use axum::http::StatusCode;

use crate::support::*;

#[tokio::test]
async fn article_by_external_id_and_by_id() {
    let app = TestApp::with_articles().await;
    let r = app.get("/api/v1/articles/by-external-id/fx-013").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    let id = j["id"].as_i64().unwrap();
    assert_eq!(j["external_id"], "fx-013");
    assert_eq!(j["title"], "羽毛球世锦赛：国羽包揽男女单打冠军");
    assert_eq!(j["url"], format!("/article/{id}"));
    // No channel in the import: classified from the content.
    assert_eq!(j["channel"], "sports");
    assert_eq!(j["author"], "江畔球评");
    assert_eq!(j["original"], true);
    assert_eq!(j["published_at"], "2026-02-03T22:00:00+08:00");

    let by_id = app.get(&format!("/api/v1/articles/{id}")).await.json();
    assert_eq!(by_id, j);

    let reprint = app
        .get("/api/v1/articles/by-external-id/fx-003")
        .await
        .json();
    assert_eq!(reprint["original"], false);
    assert_eq!(reprint["source"], "新华社");
}

#[tokio::test]
async fn errors_are_json() {
    let app = TestApp::with_articles().await;
    for (path, status, code) in [
        (
            "/api/v1/articles/abc",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/articles/424242",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/articles/by-external-id/missing",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        ("/api/v1/nothing-here", StatusCode::NOT_FOUND, "not_found"),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, status, "{path}");
        let j = r.json();
        assert_eq!(j["code"], code, "{path}");
        assert!(!j["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn article_json_is_cached_compressed_and_refreshed_on_change() {
    let app = TestApp::with_articles().await;
    let path = "/api/v1/articles/by-external-id/fx-011";
    let r = app.get(path).await;
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(r.header("vary").as_deref(), Some("Accept-Encoding"));
    let etag = r.header("etag").unwrap();
    assert_eq!(
        app.get_with(path, &[("if-none-match", &etag)]).await.status,
        StatusCode::NOT_MODIFIED
    );
    let gz = app.get_with(path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding").as_deref(), Some("gzip"));
    app.import(r#"{"external_id":"fx-011","title":"春节档预售票房破六亿","body":"更新。","author":"影视圈内人"}"#.as_bytes())
        .await;
    let r = app.get(path).await;
    assert_eq!(r.json()["title"], "春节档预售票房破六亿");
    assert_ne!(r.header("etag").unwrap(), etag);
}
