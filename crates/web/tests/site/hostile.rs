//! Hostile input that once got through, kept out: redirect targets that
//! leave the site (`next=/%09/evil.example` read by browsers as
//! `//evil.example`), and control characters that broke the header.

use axum::http::StatusCode;
use hao_domain::Role;

use crate::support::*;

/// Every spelling of "another site" we know, percent-encoded as a query.
const VECTORS: &[&str] = &[
    "//evil.example",
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D%0ASet-Cookie:%20x=1",
    "/%00",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "https://evil.example",
    "/%E3%80%80/evil.example",
    "/%E2%80%8B/evil.example",
    "%09//evil.example",
    "%20/evil.example",
];

fn stays_here(r: &TestResponse, fallback: &str, what: &str) {
    assert!(r.status.is_redirection(), "{what}: {}", r.status);
    let to = r.header("location").unwrap();
    assert_eq!(to, fallback, "{what}");
}

#[tokio::test]
async fn redirect_targets_stay_on_the_site() {
    let app = TestApp::with_articles().await;
    app.user("旅人", Role::Reader, None).await;
    let session = app.sign_in("旅人", PASSWORD).await.unwrap();
    for v in VECTORS {
        let r = app.get(&format!("/care?on=1&next={v}")).await;
        stays_here(&r, "/", &format!("/care next={v}"));
        // Signed in, the sign-in page sends the reader on to `next`.
        let r = app
            .get_with(&format!("/signin?next={v}"), &[("cookie", &session)])
            .await;
        stays_here(&r, "/me", &format!("/signin next={v}"));
    }
    // A local path is kept, non-ASCII percent-encoded.
    let r = app
        .get(&format!("/care?on=0&next={}", enc("/tag/中超")))
        .await;
    assert_eq!(r.header("location").unwrap(), "/tag/%E4%B8%AD%E8%B6%85");
    // Signing in with a hostile `next` lands on /me.
    let form = app.get("/signin").await;
    let pre = set_cookie(&form, "hao_csrf").unwrap();
    let csrf = form_value(&form.html(), "csrf");
    let r = app
        .post_form_with(
            "/signin",
            &pre,
            &format!(
                "csrf={csrf}&username={}&password={}&next=%2F%09%2Fevil.example",
                enc("旅人"),
                enc(PASSWORD)
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location").unwrap(), "/me");
}
