//! Every error of every route in the site's format (issue 21 finding 11:
//! a 405 with an empty body under `/api/`, plain-text 413/415/400 for
//! oversized bodies, missing content types and bad paths, 400 where 413 is
//! meant): an HTML page for pages, `{"code","message"}` under `/api/`.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use hao_domain::Role;

use crate::support::*;

fn is_api_error(r: &TestResponse, status: StatusCode, code: &str, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.text());
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("application/json"),
        "{what}: {:?}",
        r.header("content-type")
    );
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_else(|_| {
        panic!("{what}: not JSON: {}", r.text());
    });
    assert_eq!(v["code"], code, "{what}: {v}");
    assert!(
        !v["message"].as_str().unwrap_or_default().is_empty(),
        "{what}"
    );
}

fn is_error_page(r: &TestResponse, status: StatusCode, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.text());
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("text/html"),
        "{what}: {:?}",
        r.header("content-type")
    );
    let html = r.html();
    assert!(!text(&html, "main h1").is_empty(), "{what}: {}", r.text());
    // Still a page of the site: its header and footer.
    assert!(!texts(&html, "footer").is_empty(), "{what}");
}

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> TestResponse {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.request(req.body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn api_errors_are_json_whatever_goes_wrong() {
    let app = TestApp::with_articles().await;
    app.user("writer", Role::Creator, Some("写作者")).await;
    let session = app.sign_in("writer", PASSWORD).await.unwrap();
    let token = app.token_of(&session).await;
    let bearer = format!("Bearer {token}");
    let auth = ("authorization", bearer.as_str());

    // A method the route does not have: 405, JSON, and what it does allow.
    let r = raw(&app, Method::DELETE, "/api/v1/articles", &[auth], vec![]).await;
    is_api_error(
        &r,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "DELETE",
    );
    assert!(r.header("allow").unwrap_or_default().contains("POST"));
    // No content type.
    let body = br#"{"title":"t","body":"b"}"#.to_vec();
    let r = raw(
        &app,
        Method::POST,
        "/api/v1/articles",
        &[auth],
        body.clone(),
    )
    .await;
    is_api_error(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "no type",
    );
    let r = raw(
        &app,
        Method::POST,
        "/api/v1/articles",
        &[auth, ("content-type", "text/plain")],
        body,
    )
    .await;
    is_api_error(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "text/plain",
    );
    // Too big: 413, not 400.
    let huge = format!(r#"{{"title":"大","body":"{}"}}"#, "字".repeat(3 << 20));
    let json = ("content-type", "application/json");
    let r = raw(
        &app,
        Method::POST,
        "/api/v1/articles",
        &[auth, json],
        huge.into_bytes(),
    )
    .await;
    is_api_error(
        &r,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "3 MB article",
    );
    // Not JSON; JSON of the wrong shape.
    let r = raw(
        &app,
        Method::POST,
        "/api/v1/articles",
        &[auth, json],
        b"{nope".to_vec(),
    )
    .await;
    is_api_error(&r, StatusCode::BAD_REQUEST, "bad_request", "broken JSON");
    let r = raw(
        &app,
        Method::POST,
        "/api/v1/articles",
        &[auth, json],
        b"[1,2]".to_vec(),
    )
    .await;
    assert!(r.status.is_client_error());
    is_api_error(
        &r,
        r.status,
        if r.status == StatusCode::UNPROCESSABLE_ENTITY {
            "invalid"
        } else {
            "bad_request"
        },
        "an array",
    );
    // Bad paths and queries.
    let r = app.get("/api/v1/articles/abc").await;
    assert!(r.status.is_client_error());
    assert!(r.json()["code"].is_string());
    let r = app.get("/api/v1/articles?limit=abc").await;
    is_api_error(&r, StatusCode::BAD_REQUEST, "bad_request", "limit=abc");
    let r = app.get("/api/v1/no/such/thing").await;
    is_api_error(&r, StatusCode::NOT_FOUND, "not_found", "no such route");
    // The same on the comment and webhook routes.
    let id = app.id_of("fx-001").await;
    let r = raw(
        &app,
        Method::POST,
        &format!("/api/v1/articles/{id}/comments"),
        &[auth],
        b"x".to_vec(),
    )
    .await;
    is_api_error(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "comment",
    );
    let r = raw(&app, Method::PATCH, "/api/v1/webhooks", &[auth], vec![]).await;
    is_api_error(
        &r,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "PATCH webhooks",
    );
}

#[tokio::test]
async fn page_errors_are_pages_whatever_goes_wrong() {
    let app = TestApp::with_articles().await;
    app.user("writer", Role::Creator, Some("写作者")).await;
    let session = app.sign_in("writer", PASSWORD).await.unwrap();
    let cookie = ("cookie", session.as_str());
    let r = raw(&app, Method::PUT, "/", &[], vec![]).await;
    is_error_page(&r, StatusCode::METHOD_NOT_ALLOWED, "PUT /");
    let r = raw(&app, Method::DELETE, "/signin", &[], vec![]).await;
    is_error_page(&r, StatusCode::METHOD_NOT_ALLOWED, "DELETE /signin");
    // A form posted without its content type.
    let r = raw(&app, Method::POST, "/signin", &[], b"username=a".to_vec()).await;
    is_error_page(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "form without type");
    // A form far larger than any form of the site.
    let form = ("content-type", "application/x-www-form-urlencoded");
    let big = format!("csrf=x&body={}", "a".repeat(3 << 20));
    let r = raw(
        &app,
        Method::POST,
        "/write",
        &[cookie, form],
        big.into_bytes(),
    )
    .await;
    is_error_page(&r, StatusCode::PAYLOAD_TOO_LARGE, "3 MB form");
    // An upload larger than the limit: 413, not 400.
    let boundary = "XyZ";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nx\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(0u8, 12 << 20));
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let ct = format!("multipart/form-data; boundary={boundary}");
    let r = raw(
        &app,
        Method::POST,
        "/studio/upload",
        &[cookie, ("content-type", ct.as_str())],
        body,
    )
    .await;
    is_error_page(&r, StatusCode::PAYLOAD_TOO_LARGE, "12 MB upload");
    // Bad paths and queries.
    let r = app.get("/article/abc").await;
    is_error_page(&r, StatusCode::BAD_REQUEST, "/article/abc");
    let r = app.get("/article/99999999999999999999999").await;
    assert!(r.status.is_client_error());
    is_error_page(&r, r.status, "/article/huge");
    let r = app.get("/search?q=a&page=abc").await;
    assert!(r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST);
    if r.status == StatusCode::BAD_REQUEST {
        is_error_page(&r, r.status, "page=abc");
    }
}
