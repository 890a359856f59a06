//! Accounts: sign-up, sign-in, sign-out, sessions, CSRF, throttling, tokens.

use axum::http::{Method, StatusCode};
use hao_domain::Role;

use crate::support::*;

#[tokio::test]
async fn sign_up_sign_out_sign_in() {
    let app = TestApp::empty().await;
    let form = app.get("/signup").await;
    assert_eq!(form.status, StatusCode::OK);
    let pre = set_cookie(&form, "hao_csrf").unwrap();
    let csrf = form_value(&form.html(), "csrf");
    let r = app
        .post_form_with(
            "/signup",
            &pre,
            &format!(
                "csrf={csrf}&username={}&password={p}&password2={p}&next=%2Fme",
                enc("小明_01"),
                p = enc(PASSWORD)
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header("location").as_deref(), Some("/me"));
    let raw = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("hao_session="))
        .unwrap();
    for attr in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(raw.contains(attr), "{raw} lacks {attr}");
    }
    // The pages' script learns who is signed in from a cookie that is not
    // the credential: readable by scripts, naming the reader, nothing else.
    let reader = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("hao_user="))
        .expect("the reader's name is given to the pages' script");
    assert!(
        reader.starts_with(&format!("hao_user={};", enc("小明_01"))),
        "{reader}"
    );
    assert!(!reader.contains("HttpOnly"), "{reader}");
    let session = set_cookie(&r, "hao_session").unwrap();
    let me = app.get_with("/me", &[("cookie", &session)]).await;
    assert!(me.text().contains("小明_01"));
    assert!(me.text().contains("读者"));

    // Sign out needs the session's CSRF token.
    let bad = app.post_form_with("/signout", &session, "csrf=nope").await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    let csrf = app.csrf_of(&session).await;
    let out = app
        .post_form_with("/signout", &session, &format!("csrf={csrf}"))
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let cleared: Vec<String> = out
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("hao_user=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
    let me = app.get_with("/me", &[("cookie", &session)]).await;
    assert_eq!(me.status, StatusCode::SEE_OTHER);
    assert_eq!(me.header("location").as_deref(), Some("/signin?next=%2Fme"));

    // Signing in again gives a new session id each time.
    let a = app.sign_in("小明_01", PASSWORD).await.unwrap();
    let b = app.sign_in("小明_01", PASSWORD).await.unwrap();
    assert_ne!(a, session);
    assert_ne!(a, b);
}

#[tokio::test]
async fn a_rejected_sign_up_keeps_what_was_typed_and_says_why_per_field() {
    let app = TestApp::empty().await;
    let form = app.get("/signup").await;
    let pre = set_cookie(&form, "hao_csrf").unwrap();
    let csrf = form_value(&form.html(), "csrf");
    let r = app
        .post_form_with(
            "/signup",
            &pre,
            &format!("csrf={csrf}&username=ab&password=short&password2=short"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.html();
    assert_eq!(form_value(&html, "username"), "ab");
    assert!(text(&html, "#username-error").contains("3–32"));
    assert!(text(&html, "#password-error").contains("8–128"));
    assert_eq!(
        attrs(&html, "#username", "aria-describedby"),
        vec!["username-error"]
    );

    let r = app
        .post_form_with(
            "/signup",
            &pre,
            &format!("csrf={csrf}&username=abc&password={PASSWORD}&password2=other-password"),
        )
        .await;
    assert!(text(&r.html(), "#password2-error").contains("不一致"));

    // Taken names are refused next to the field.
    app.user("taken", Role::Reader, None).await;
    let r = app
        .post_form_with(
            "/signup",
            &pre,
            &format!("csrf={csrf}&username=taken&password={PASSWORD}&password2={PASSWORD}"),
        )
        .await;
    assert!(text(&r.html(), "#username-error").contains("已被使用"));
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    let app = TestApp::empty().await;
    app.user("reader1", Role::Reader, None).await;
    // No double-submit cookie at all, and a cookie that does not match.
    for cookie in ["", "hao_csrf=aaaa"] {
        let r = app
            .post_form_with(
                "/signin",
                cookie,
                &format!("csrf=bbbb&username=reader1&password={}", enc(PASSWORD)),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{cookie}");
        assert!(r.text().contains("CSRF"));
    }
    let session = app.sign_in("reader1", PASSWORD).await.unwrap();
    for path in ["/me/tokens", "/signout"] {
        let r = app
            .post_form_with(path, &session, "csrf=wrong&name=x")
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn sign_in_attempts_are_throttled_per_account() {
    let app = TestApp::empty().await;
    app.user("target", Role::Reader, None).await;
    for _ in 0..5 {
        let r = app.sign_in("target", "wrong-password").await.unwrap_err();
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text().contains("用户名或密码不正确"));
        // What was typed (the username) is kept.
        assert_eq!(form_value(&r.html(), "username"), "target");
    }
    let r = app.sign_in("target", PASSWORD).await.unwrap_err();
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().contains("15 分钟后再试"));
}

#[tokio::test]
async fn api_tokens_are_shown_once_and_can_be_revoked() {
    let app = TestApp::empty().await;
    app.user("writer", Role::Creator, Some("写作者")).await;
    let session = app.sign_in("writer", PASSWORD).await.unwrap();
    let token = app.token_of(&session).await;
    assert!(token.starts_with("hao_"));
    let me = app.get_with("/me", &[("cookie", &session)]).await.text();
    assert!(!me.contains(&token), "a token is shown only once");

    let body = serde_json::json!({"title": "令牌发布的文章", "body": "正文内容，足够长。"});
    let r = app
        .send_json(Method::POST, "/api/v1/articles", Some(&token), &body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

    let id = app.store().tokens(1).await.unwrap()[0].id;
    let csrf = app.csrf_of(&session).await;
    let r = app
        .post_form_with(
            "/me/tokens/revoke",
            &session,
            &format!("csrf={csrf}&id={id}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .send_json(Method::POST, "/api/v1/articles", Some(&token), &body)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["code"], "unauthorized");
}
