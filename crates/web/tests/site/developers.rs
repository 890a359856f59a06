//! The API document (`/api/openapi.json`, OpenAPI 3.1 generated from the
//! handlers) describes what the API answers: every documented operation is
//! called here and its answer checked against the schema the document gives
//! for that status. `/developers` shows every operation.

use axum::http::{Method, StatusCode};
use hao_domain::Role;
use serde_json::Value;

use crate::support::*;

/// Checks `value` against `schema` (the subset of JSON Schema the document
/// uses: `$ref`, `type` (or a list of types), `properties`, `required`,
/// `items`, `oneOf` / `anyOf` / `allOf`, `format`), naming where it fails.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return check(doc, &doc["components"]["schemas"][name], value, at);
    }
    for (key, all) in [("oneOf", false), ("anyOf", false), ("allOf", true)] {
        if let Some(options) = schema[key].as_array() {
            let results: Vec<_> = options.iter().map(|s| check(doc, s, value, at)).collect();
            let ok = if all {
                results.iter().all(Result::is_ok)
            } else {
                results.iter().any(Result::is_ok)
            };
            if !ok {
                return Err(format!("{at}: no {key} alternative fits {value}"));
            }
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() {
        let fits = types.iter().any(|t| match *t {
            "null" => value.is_null(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => false,
        });
        if !fits {
            return Err(format!("{at}: {value} is not {types:?}"));
        }
    }
    if let Some(required) = schema["required"].as_array() {
        for k in required.iter().filter_map(Value::as_str) {
            if value.get(k).is_none() {
                return Err(format!("{at}: required {k} missing in {value}"));
            }
        }
    }
    if let (Some(props), Some(obj)) = (schema["properties"].as_object(), value.as_object()) {
        for (k, v) in obj {
            match props.get(k) {
                Some(s) => check(doc, s, v, &format!("{at}.{k}"))?,
                None => return Err(format!("{at}: {k} is not in the document")),
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            check(doc, items, v, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// The schema the document gives `method path` for `status`.
fn response_schema<'a>(doc: &'a Value, path: &str, method: &str, status: u16) -> &'a Value {
    let r = &doc["paths"][path][method]["responses"][status.to_string()];
    assert!(!r.is_null(), "{method} {path} documents no {status}");
    &r["content"]["application/json"]["schema"]
}

#[tokio::test]
async fn every_documented_operation_answers_as_documented() {
    let app = TestApp::with_articles().await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let id = app.id_of("fx-001").await;
    let token = {
        app.user("api-writer", Role::Creator, Some("江畔球评"))
            .await;
        let session = app.sign_in("api-writer", PASSWORD).await.unwrap();
        app.token_of(&session).await
    };
    // A published comment to like (accounts an hour old comment at once).
    let reader = app.user("api-reader", Role::Reader, None).await;
    app.app().advance_clock(3600);
    let reader = app.store().user(reader).await.unwrap().unwrap();
    let comment = app
        .app()
        .post_comment(
            hao_app::engage::Actor {
                user: &reader,
                addr: "127.0.0.1",
            },
            hao_app::engage::Draft {
                article_id: id,
                reply_to: None,
                body: "接口文档里的跟帖",
            },
        )
        .await
        .unwrap()
        .id;
    // A webhook to list, read and delete.
    let hook = app
        .send_json(
            Method::POST,
            "/api/v1/webhooks",
            Some(&token),
            &serde_json::json!({"url": "https://hooks.example.com/a", "events": ["article.published"]}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let mut called = std::collections::BTreeSet::new();
    // (method, documented path, the request, its body, the expected status)
    let json = |v: Value| Some(v);
    let calls: Vec<(&str, &str, String, Option<Value>, u16)> = vec![
        (
            "get",
            "/api/v1/articles",
            "/api/v1/articles?limit=3".into(),
            None,
            200,
        ),
        (
            "get",
            "/api/v1/articles",
            "/api/v1/articles?cursor=nope".into(),
            None,
            400,
        ),
        (
            "get",
            "/api/v1/channels",
            "/api/v1/channels".into(),
            None,
            200,
        ),
        (
            "get",
            "/api/v1/authors",
            "/api/v1/authors?limit=2".into(),
            None,
            200,
        ),
        (
            "get",
            "/api/v1/authors",
            "/api/v1/authors?limit=0".into(),
            None,
            400,
        ),
        ("get", "/api/v1/tags", "/api/v1/tags".into(), None, 200),
        (
            "get",
            "/api/v1/tags",
            "/api/v1/tags?limit=x".into(),
            None,
            400,
        ),
        (
            "get",
            "/api/v1/articles/{id}",
            format!("/api/v1/articles/{id}"),
            None,
            200,
        ),
        (
            "get",
            "/api/v1/articles/{id}",
            "/api/v1/articles/abc".into(),
            None,
            400,
        ),
        (
            "get",
            "/api/v1/articles/{id}",
            "/api/v1/articles/999999".into(),
            None,
            404,
        ),
        (
            "get",
            "/api/v1/articles/by-external-id/{external_id}",
            "/api/v1/articles/by-external-id/fx-001".into(),
            None,
            200,
        ),
        (
            "get",
            "/api/v1/articles/by-external-id/{external_id}",
            "/api/v1/articles/by-external-id/none".into(),
            None,
            404,
        ),
        (
            "get",
            "/api/v1/articles/{id}/related",
            format!("/api/v1/articles/{id}/related"),
            None,
            200,
        ),
        (
            "get",
            "/api/v1/articles/{id}/related",
            format!("/api/v1/articles/{id}/related?limit=99"),
            None,
            400,
        ),
        (
            "get",
            "/api/v1/hot",
            "/api/v1/hot?limit=5".into(),
            None,
            200,
        ),
        (
            "get",
            "/api/v1/hot",
            "/api/v1/hot?channel=weather".into(),
            None,
            400,
        ),
        (
            "get",
            "/api/v1/search",
            format!("/api/v1/search?q={}", enc("申花")),
            None,
            200,
        ),
        (
            "get",
            "/api/v1/search",
            "/api/v1/search?q=".into(),
            None,
            400,
        ),
        (
            "post",
            "/api/v1/articles",
            "/api/v1/articles".into(),
            json(
                serde_json::json!({"title": "接口文档里的文章", "body": "正文一段。", "tags": ["接口"]}),
            ),
            201,
        ),
        (
            "post",
            "/api/v1/articles",
            "/api/v1/articles".into(),
            json(serde_json::json!({"title": "", "body": "正文。"})),
            422,
        ),
        (
            "put",
            "/api/v1/articles/{id}",
            format!("/api/v1/articles/{id}"),
            json(serde_json::json!({"title": "改过的标题", "body": "改过的正文。"})),
            200,
        ),
        (
            "put",
            "/api/v1/articles/{id}",
            "/api/v1/articles/999999".into(),
            json(serde_json::json!({"title": "t", "body": "b"})),
            404,
        ),
        (
            "post",
            "/api/v1/articles/{id}/like",
            format!("/api/v1/articles/{id}/like"),
            json(serde_json::json!({})),
            200,
        ),
        (
            "post",
            "/api/v1/articles/{id}/like",
            "/api/v1/articles/999999/like".into(),
            json(serde_json::json!({})),
            404,
        ),
        (
            "delete",
            "/api/v1/articles/{id}/like",
            format!("/api/v1/articles/{id}/like"),
            json(serde_json::json!({})),
            200,
        ),
        (
            "get",
            "/api/v1/articles/{id}/comments",
            format!("/api/v1/articles/{id}/comments?sort=new"),
            None,
            200,
        ),
        (
            "get",
            "/api/v1/articles/{id}/comments",
            format!("/api/v1/articles/{id}/comments?sort=best"),
            None,
            400,
        ),
        (
            "post",
            "/api/v1/articles/{id}/comments",
            format!("/api/v1/articles/{id}/comments"),
            json(serde_json::json!({"body": "说得好", "reply_to": comment})),
            201,
        ),
        (
            "post",
            "/api/v1/articles/{id}/comments",
            format!("/api/v1/articles/{id}/comments"),
            json(serde_json::json!({"body": "  "})),
            422,
        ),
        (
            "post",
            "/api/v1/comments/{id}/like",
            format!("/api/v1/comments/{comment}/like"),
            json(serde_json::json!({})),
            200,
        ),
        (
            "post",
            "/api/v1/comments/{id}/like",
            "/api/v1/comments/999999/like".into(),
            json(serde_json::json!({})),
            404,
        ),
        (
            "delete",
            "/api/v1/comments/{id}/like",
            format!("/api/v1/comments/{comment}/like"),
            json(serde_json::json!({})),
            200,
        ),
        (
            "post",
            "/api/v1/reports",
            "/api/v1/reports".into(),
            json(serde_json::json!({"target": "comment", "id": comment, "reason": "spam"})),
            201,
        ),
        (
            "post",
            "/api/v1/reports",
            "/api/v1/reports".into(),
            json(serde_json::json!({"target": "user", "id": 1, "reason": "spam"})),
            400,
        ),
        (
            "post",
            "/api/v1/webhooks",
            "/api/v1/webhooks".into(),
            json(
                serde_json::json!({"url": "https://hooks.example.com/b", "events": ["comment.created", "follower.created"]}),
            ),
            201,
        ),
        (
            "post",
            "/api/v1/webhooks",
            "/api/v1/webhooks".into(),
            json(
                serde_json::json!({"url": "http://169.254.169.254/", "events": ["article.published"]}),
            ),
            422,
        ),
        (
            "get",
            "/api/v1/webhooks",
            "/api/v1/webhooks".into(),
            None,
            401,
        ),
        (
            "get",
            "/api/v1/webhooks/{id}/deliveries",
            format!("/api/v1/webhooks/{hook}/deliveries"),
            None,
            401,
        ),
        (
            "delete",
            "/api/v1/webhooks/{id}",
            format!("/api/v1/webhooks/{hook}"),
            json(serde_json::json!({})),
            200,
        ),
        (
            "delete",
            "/api/v1/webhooks/{id}",
            format!("/api/v1/webhooks/{hook}"),
            json(serde_json::json!({})),
            404,
        ),
    ];
    for (method, path, url, body, status) in calls {
        let r = match body {
            None => app.get(&url).await,
            Some(b) => {
                let m = match method {
                    "post" => Method::POST,
                    "delete" => Method::DELETE,
                    _ => Method::PUT,
                };
                app.send_json(m, &url, Some(&token), &b).await
            }
        };
        assert_eq!(r.status.as_u16(), status, "{method} {url}: {}", r.text());
        let schema = response_schema(&doc, path, method, status);
        check(&doc, schema, &r.json(), &format!("{method} {url}")).unwrap();
        called.insert((method, path));
    }
    // The webhook list and a delivery log, with the token, as documented.
    for (path, url) in [
        ("/api/v1/webhooks", "/api/v1/webhooks".to_owned()),
        ("/api/v1/webhooks/{id}/deliveries", {
            let id = app
                .request(
                    axum::http::Request::get("/api/v1/webhooks")
                        .header("authorization", format!("Bearer {token}"))
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await
                .json()["items"][0]["id"]
                .as_i64()
                .unwrap();
            format!("/api/v1/webhooks/{id}/deliveries")
        }),
    ] {
        let r = app
            .request(
                axum::http::Request::get(&url)
                    .header("authorization", format!("Bearer {token}"))
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.text());
        check(
            &doc,
            response_schema(&doc, path, "get", 200),
            &r.json(),
            &url,
        )
        .unwrap();
    }
    // Every documented operation was called.
    let documented: std::collections::BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), p.clone()))
        })
        .collect();
    let called: std::collections::BTreeSet<(String, String)> = called
        .into_iter()
        .map(|(m, p)| (m.to_owned(), p.to_owned()))
        .collect();
    assert_eq!(documented, called);
    // The checker can fail: a wrong type, a missing field, an unknown one.
    let article = &doc["components"]["schemas"]["ArticleJson"];
    for bad in [
        serde_json::json!({"id": "x"}),
        serde_json::json!({}),
        serde_json::json!({"surprise": 1}),
    ] {
        assert!(check(&doc, article, &bad, "self-test").is_err(), "{bad}");
    }
    // The write operations say they need the token.
    assert!(doc["paths"]["/api/v1/articles"]["post"]["security"].is_array());
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );

    // /developers shows every operation.
    let page = app.get("/developers").await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = texts(&page.html(), "section.operation h3");
    assert_eq!(shown.len(), documented.len(), "{shown:?}");
    assert!(
        shown.contains(&"GET /api/v1/search".to_owned()),
        "{shown:?}"
    );
}
