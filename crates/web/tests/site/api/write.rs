//! The token-authenticated write API and originality protection end to end:
//! a copy published through the API is recorded as a near-duplicate, queued
//! for an editor, and loses its 原创 label once the editor confirms.

use axum::http::{Method, StatusCode};
use hao_domain::Role;

use crate::support::*;

pub const ORIGINAL: &str = "今年秋粮收购工作全面展开，各地粮食部门提前准备仓容，组织收购网点。\n\
    据介绍，今年全省秋粮播种面积稳中有增，玉米和水稻长势良好，预计总产量将再创新高。\n\
    为保护种粮农民利益，有关部门将适时启动最低收购价执行预案，确保农民种粮收益。";

pub async fn token(app: &TestApp, username: &str, role: Role, creator: Option<&str>) -> String {
    app.user(username, role, creator).await;
    let session = app.sign_in(username, PASSWORD).await.unwrap();
    app.token_of(&session).await
}

#[tokio::test]
async fn creators_publish_through_the_api_and_the_site_shows_it() {
    let app = TestApp::empty().await;
    let t = token(&app, "writer", Role::Creator, Some("秋收观察")).await;
    let r = app
        .send_json(
            Method::POST,
            "/api/v1/articles",
            Some(&t),
            &serde_json::json!({
                "title": "秋粮收购全面展开",
                "body": ORIGINAL,
                "channel": "finance",
                "tags": ["粮食"],
                // Not the creator's to choose: ignored for creators.
                "author": "别人",
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let j = r.json();
    let id = j["id"].as_i64().unwrap();
    assert_eq!(j["status"], "published");
    assert_eq!(j["near_duplicate_of"], serde_json::json!([]));
    app.sync().await;
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("秋收观察"));
    let json = app.get(&format!("/api/v1/articles/{id}")).await.json();
    assert_eq!(json["author"], "秋收观察");
    assert!(
        json["keywords"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "收购"),
        "{json}"
    );
    let search = app.get("/api/v1/search?q=秋粮收购").await.json();
    assert_eq!(search["hits"][0]["id"], id);

    // Update: the title changes, the id stays.
    let r = app
        .send_json(
            Method::PUT,
            &format!("/api/v1/articles/{id}"),
            Some(&t),
            &serde_json::json!({"title": "秋粮收购全面展开（更新）", "body": ORIGINAL}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.sync().await;
    let json = app.get(&format!("/api/v1/articles/{id}")).await.json();
    assert_eq!(json["title"], "秋粮收购全面展开（更新）");
}

#[tokio::test]
async fn the_write_api_refuses_clearly() {
    let app = TestApp::empty().await;
    let reader = token(&app, "reader", Role::Reader, None).await;
    let creator = token(&app, "writer", Role::Creator, Some("甲")).await;
    let other = token(&app, "writer2", Role::Creator, Some("乙")).await;
    let ok = serde_json::json!({"title": "标题", "body": "正文"});
    type Case<'a> = (
        Option<&'a str>,
        Method,
        &'a str,
        serde_json::Value,
        StatusCode,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            None,
            Method::POST,
            "/api/v1/articles",
            ok.clone(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            Some("hao_bogus"),
            Method::POST,
            "/api/v1/articles",
            ok.clone(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            Some(&reader),
            Method::POST,
            "/api/v1/articles",
            ok.clone(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            Some(&creator),
            Method::POST,
            "/api/v1/articles",
            serde_json::json!({"body": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            Some(&creator),
            Method::POST,
            "/api/v1/articles",
            serde_json::json!({"title": "t", "body": "b", "channel": "nowhere"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            Some(&creator),
            Method::POST,
            "/api/v1/articles",
            serde_json::json!([1, 2]),
            // Well-formed JSON of the wrong shape (axum's JsonDataError).
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            Some(&creator),
            Method::PUT,
            "/api/v1/articles/999",
            ok.clone(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (t, method, path, body, status, code) in cases {
        let r = app.send_json(method, path, t, &body).await;
        assert_eq!(r.status, status, "{path} {body}: {}", r.text());
        assert_eq!(r.json()["code"], code, "{path} {body}");
        assert!(!r.json()["message"].as_str().unwrap().is_empty());
    }
    // Another creator's article cannot be changed.
    let r = app
        .send_json(Method::POST, "/api/v1/articles", Some(&creator), &ok)
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let r = app
        .send_json(
            Method::PUT,
            &format!("/api/v1/articles/{id}"),
            Some(&other),
            &ok,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The same external id twice is a conflict, not a silent overwrite.
    let with_id = serde_json::json!({"external_id": "ext-1", "title": "t", "body": "b"});
    let first = app
        .send_json(Method::POST, "/api/v1/articles", Some(&creator), &with_id)
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = app
        .send_json(Method::POST, "/api/v1/articles", Some(&other), &with_id)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}
