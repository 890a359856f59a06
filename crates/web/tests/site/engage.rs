//! 点赞 and 收藏: a like counts once per reader and the same button takes it
//! back; favourites are the reader's own list; forms from the cached page
//! are accepted from this site only; the like API.

use axum::http::{Method, StatusCode};
use hao_domain::Role;

use crate::support::*;

async fn likes_on_page(app: &TestApp, id: i64) -> String {
    text(
        &app.get(&format!("/article/{id}")).await.html(),
        ".reactions .like-count",
    )
}

#[tokio::test]
async fn readers_like_once_and_keep_favourites() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    app.user("读者甲", Role::Reader, None).await;
    app.user("读者乙", Role::Reader, None).await;
    let a = app.sign_in("读者甲", PASSWORD).await.unwrap();
    let b = app.sign_in("读者乙", PASSWORD).await.unwrap();
    let csrf_a = app.csrf_of(&a).await;
    assert_eq!(likes_on_page(&app, id).await, "0");

    // Anonymous readers are sent to sign in, and back.
    let r = app.post_form(&format!("/article/{id}/like"), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.header("location").unwrap(),
        format!("/signin?next=%2Farticle%2F{id}")
    );

    // A body that is not the form is the site's 415 page.
    let r = app
        .request(
            axum::http::Request::post(format!("/article/{id}/like"))
                .header("content-type", "application/json")
                .header("cookie", &a)
                .body(axum::body::Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));

    // With the session's token, or from this site's page.
    let r = app
        .post_form_with(
            &format!("/article/{id}/like"),
            &a,
            &format!("csrf={csrf_a}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    app.sync().await;
    assert_eq!(likes_on_page(&app, id).await, "1");
    let from_page = app
        .request(
            axum::http::Request::post(format!("/article/{id}/like"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", &b)
                .header("sec-fetch-site", "same-origin")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(from_page.status, StatusCode::SEE_OTHER);
    app.sync().await;
    assert_eq!(likes_on_page(&app, id).await, "2");
    // Another site's form is refused.
    let forged = app
        .request(
            axum::http::Request::post(format!("/article/{id}/like"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", &b)
                .header("sec-fetch-site", "cross-site")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // The same button takes a like back.
    app.post_form_with(
        &format!("/article/{id}/like"),
        &a,
        &format!("csrf={csrf_a}"),
    )
    .await;
    app.sync().await;
    assert_eq!(likes_on_page(&app, id).await, "1");
    let json = app.get(&format!("/api/v1/articles/{id}")).await.json();
    assert_eq!(json["likes"], 1);

    // 收藏: the reader's own list, newest first, removable.
    let other = app.id_of("fx-002").await;
    for article in [id, other] {
        let r = app
            .post_form_with(
                &format!("/article/{article}/favorite"),
                &a,
                &format!("csrf={csrf_a}"),
            )
            .await;
        assert_eq!(r.header("location").as_deref(), Some("/favorites"));
    }
    let mine = app.get_with("/favorites", &[("cookie", &a)]).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(texts(&mine.html(), "ul.articles h3").len(), 2);
    let theirs = app.get_with("/favorites", &[("cookie", &b)]).await;
    assert!(theirs.text().contains("还没有收藏文章"));
    let r = app
        .post_form_with(
            "/favorites/remove",
            &a,
            &format!("csrf={csrf_a}&article={id}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mine = app.get_with("/favorites", &[("cookie", &a)]).await;
    assert_eq!(texts(&mine.html(), "ul.articles h3").len(), 1);
    let bad = app
        .post_form_with(
            "/favorites/remove",
            &a,
            &format!("csrf=forged&article={id}"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    let missing = app
        .post_form_with("/article/999999/favorite", &a, &format!("csrf={csrf_a}"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/favorites").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_like_api_counts_a_token_once() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-003").await;
    app.user("接口读者", Role::Reader, None).await;
    let session = app.sign_in("接口读者", PASSWORD).await.unwrap();
    let token = app.token_of(&session).await;
    let path = format!("/api/v1/articles/{id}/like");
    for _ in 0..2 {
        let r = app
            .send_json(Method::POST, &path, Some(&token), &serde_json::json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json(), serde_json::json!({"liked": true, "likes": 1}));
    }
    let r = app
        .send_json(Method::DELETE, &path, Some(&token), &serde_json::json!({}))
        .await;
    assert_eq!(r.json(), serde_json::json!({"liked": false, "likes": 0}));
    let r = app
        .send_json(Method::POST, &path, None, &serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["code"], "unauthorized");
    let r = app
        .send_json(
            Method::POST,
            "/api/v1/articles/999999/like",
            Some(&token),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
