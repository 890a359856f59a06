//! The token-authenticated write API and originality protection end to end:
//! a copy published through the API is recorded as a near-duplicate, queued
//! for an editor, and loses its 原创 label once the editor confirms.

use axum::http::{Method, StatusCode};
use hao_domain::Role;

use crate::support::*;

const ORIGINAL: &str = "今年秋粮收购工作全面展开，各地粮食部门提前准备仓容，组织收购网点。\n\
    据介绍，今年全省秋粮播种面积稳中有增，玉米和水稻长势良好，预计总产量将再创新高。\n\
    为保护种粮农民利益，有关部门将适时启动最低收购价执行预案，确保农民种粮收益。";

async fn token(app: &TestApp, username: &str, role: Role, creator: Option<&str>) -> String {
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
            StatusCode::BAD_REQUEST,
            "bad_request",
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

#[tokio::test]
async fn a_copy_is_found_queued_and_loses_its_label() {
    let app = TestApp::empty().await;
    // The original comes in through the import, by another creator.
    let line = serde_json::json!({
        "external_id": "orig-1", "title": "秋粮收购工作全面展开", "body": ORIGINAL,
        "author": "粮食日报", "published_at": "2026-10-01T08:00:00+08:00"
    });
    app.import(format!("{line}\n").as_bytes()).await;
    let original_id = app.id_of("orig-1").await;

    // A copier: a few characters changed, a paragraph added, declared 原创.
    let copied = format!(
        "{}\n本文为作者原创，转载请注明出处。",
        ORIGINAL
            .replace("全省", "全市")
            .replace("玉米", "大豆")
            .replace("，", ",")
    );
    let t = token(&app, "copier", Role::Creator, Some("搬运工")).await;
    let r = app
        .send_json(
            Method::POST,
            "/api/v1/articles",
            Some(&t),
            &serde_json::json!({"title": "我的原创：秋粮收购", "body": copied}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let copy_id = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        r.json()["near_duplicate_of"],
        serde_json::json!([original_id])
    );
    app.sync().await;
    let j = app.get(&format!("/api/v1/articles/{copy_id}")).await.json();
    assert_eq!(j["near_duplicate_of"], serde_json::json!([original_id]));
    assert_eq!(j["original"], true);
    let j = app
        .get("/api/v1/articles/by-external-id/orig-1")
        .await
        .json();
    assert_eq!(
        j["near_duplicate_of"],
        serde_json::json!([]),
        "the original copies nothing"
    );

    // Only editors see the queue.
    let anonymous = app.get("/editor/originality").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    let creator_session = app.sign_in("copier", PASSWORD).await.unwrap();
    let refused = app
        .get_with("/editor/originality", &[("cookie", &creator_session)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    app.user("editor", Role::Editor, None).await;
    let editor = app.sign_in("editor", PASSWORD).await.unwrap();
    let queue = app
        .get_with("/editor/originality", &[("cookie", &editor)])
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    let links = attrs(
        &queue.html(),
        "table a[href^='/editor/originality/']",
        "href",
    );
    assert_eq!(links.len(), 1);
    let review = app.get_with(&links[0], &[("cookie", &editor)]).await;
    let html = review.html();
    // Side by side, with the differences marked.
    assert_eq!(texts(&html, ".side-by-side article").len(), 2);
    assert!(
        texts(&html, ".side-by-side del")
            .iter()
            .any(|t| t.contains("省"))
    );
    assert!(
        texts(&html, ".side-by-side ins")
            .iter()
            .any(|t| t.contains("市"))
    );

    // Deciding needs the CSRF token and a reason.
    let csrf = form_value(&html, "csrf");
    let bad = app
        .post_form_with(&links[0], &editor, "csrf=x&verdict=copy&reason=r")
        .await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    let no_reason = app
        .post_form_with(
            &links[0],
            &editor,
            &format!("csrf={csrf}&verdict=copy&reason="),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let done = app
        .post_form_with(
            &links[0],
            &editor,
            &format!(
                "csrf={csrf}&verdict=copy&reason={}",
                enc("与粮食日报原文高度一致")
            ),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    app.sync().await;
    let j = app.get(&format!("/api/v1/articles/{copy_id}")).await.json();
    assert_eq!(j["original"], false);
    assert_eq!(j["source"], "粮食日报");
    let log = app.get_with("/editor/log", &[("cookie", &editor)]).await;
    assert!(log.text().contains("originality.confirm-copy"));
    assert!(log.text().contains("与粮食日报原文高度一致"));
    let queue = app
        .get_with("/editor/originality", &[("cookie", &editor)])
        .await;
    assert!(queue.text().contains("队列为空"));
}

#[tokio::test]
async fn imports_record_near_duplicates_between_creators_only() {
    let app = TestApp::empty().await;
    let lines = [
        serde_json::json!({"external_id": "a", "title": "甲", "body": ORIGINAL, "author": "甲方", "published_at": "2026-10-01T08:00:00+08:00"}),
        // The same creator re-using their text: not a copy.
        serde_json::json!({"external_id": "b", "title": "乙", "body": ORIGINAL, "author": "甲方", "published_at": "2026-10-02T08:00:00+08:00"}),
        // Another creator, later, declared a reprint: recorded, not queued.
        serde_json::json!({"external_id": "c", "title": "丙", "body": ORIGINAL, "author": "丙方", "source": "甲方", "published_at": "2026-10-03T08:00:00+08:00"}),
    ];
    let data: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let summary = app.import(data.as_bytes()).await;
    assert_eq!(summary.near_duplicates, 2);
    let (a, b) = (app.id_of("a").await, app.id_of("b").await);
    let c = app.get("/api/v1/articles/by-external-id/c").await.json();
    let mut near: Vec<i64> = c["near_duplicate_of"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    near.sort();
    assert_eq!(near, vec![a, b]);
    let b_json = app.get("/api/v1/articles/by-external-id/b").await.json();
    assert_eq!(b_json["near_duplicate_of"], serde_json::json!([]));
    assert!(
        app.store()
            .originality_reviews("pending", 10)
            .await
            .unwrap()
            .is_empty(),
        "a declared reprint is not an originality claim"
    );
}
