//! Hostile input that once got through, kept out: redirect targets that
//! leave the site (`next=/%09/evil.example` read by browsers as
//! `//evil.example`), control characters that broke the header, answers
//! without security headers; and, in the modules, concurrent writes,
//! throttling races, rate limits and error shapes.

mod connections;
mod errors;
mod races;
mod throttle;

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

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    for path in [
        "/".to_owned(),
        format!("/article/{id}"),
        format!("/article/{id}/comments"),
        "/article/999999".to_owned(),
        "/api/v1/articles".to_owned(),
        "/api/v1/articles/abc".to_owned(),
        "/rss.xml".to_owned(),
        "/sitemap.xml".to_owned(),
        "/static/hao.css".to_owned(),
        "/signin".to_owned(),
        "/no/such/page".to_owned(),
    ] {
        let r = app.get(&path).await;
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self' 'sha256-"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            r.header("x-frame-options").as_deref(),
            Some("DENY"),
            "{path}"
        );
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert!(r.header("referrer-policy").is_some(), "{path}");
        assert!(r.header("permissions-policy").is_some(), "{path}");
        // The test site's origin is https: browsers are told to keep to it.
        assert!(
            r.header("strict-transport-security")
                .unwrap_or_default()
                .contains("max-age="),
            "{path}"
        );
    }
    // The one inline script is the one the policy's hash allows.
    use base64::Engine;
    let page = app.get(&format!("/article/{id}")).await;
    // (read from the bytes as sent: a parser would re-serialise them)
    let body = page.text();
    let inline: Vec<&str> = body
        .split("<script>")
        .skip(1)
        .map(|rest| rest.split("</script>").next().unwrap())
        .collect();
    assert_eq!(inline.len(), 1);
    let hash = base64::engine::general_purpose::STANDARD
        .encode(<sha2::Sha256 as sha2::Digest>::digest(inline[0].as_bytes()));
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains(&format!("'sha256-{hash}'"))
    );
}

/// Views and shares cannot be inflated from one address by rotating the
/// User-Agent or inventing session cookies (issue 21 finding 8).
#[tokio::test]
async fn one_address_cannot_inflate_views_or_shares() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    for i in 0..60 {
        let r = app
            .get_with(
                &format!("/article/{id}"),
                &[
                    ("user-agent", &format!("bot/{i}")),
                    ("cookie", &format!("hao_session=made-up-{i}")),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    app.app().flush_views().await.unwrap();
    let views = app.store().article(id).await.unwrap().unwrap().views;
    assert_eq!(views, i64::from(hao_app::views::MAX_PER_ADDRESS));
    let before = app.store().article(id).await.unwrap().unwrap().shares;
    for i in 0..60 {
        app.share(id, "weibo", &format!("bot/{i}")).await;
    }
    let after = app.store().article(id).await.unwrap().unwrap().shares;
    assert_eq!(after - before, i64::from(hao_app::views::MAX_PER_ADDRESS));
}

/// A PNG whose header declares `w`×`h` pixels of 16-bit RGBA and whose
/// pixels are missing: 8000 × 8000 of them would take 512 MB decoded.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([16, 6, 0, 0, 0]); // 16-bit, RGBA
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc32(&ihdr).to_be_bytes());
    // The start of the pixel data (a zlib header), then nothing.
    let idat = b"IDAT\x78\x9c";
    png.extend(2u32.to_be_bytes());
    png.extend(idat);
    png.extend(crc32(idat).to_be_bytes());
    png.extend(0u32.to_be_bytes());
    png.extend(b"IEND");
    png.extend(crc32(b"IEND").to_be_bytes());
    png
}

/// Image bombs are refused from their header, before any pixel is
/// decoded (issue 21 finding 5: a 498 KB 8000 × 8000 16-bit PNG took
/// 1.1 GB and stalled every request for 3.4 s).
#[tokio::test]
async fn image_bombs_are_refused_before_decoding() {
    let app = TestApp::empty().await;
    app.user("writer", Role::Creator, Some("写作者")).await;
    let session = app.sign_in("writer", PASSWORD).await.unwrap();
    let csrf = app.csrf_of(&session).await;
    for (w, h) in [(8000, 8000), (4000, 4000), (7999, 3200)] {
        let bomb = png_bomb(w, h);
        let r = app
            .post_multipart(
                "/studio/upload",
                &session,
                &[("csrf", csrf.clone())],
                Some(("file", "bomb.png", &bomb)),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{w}×{h}");
        assert!(r.text().contains("图片太大"), "{w}×{h}: {}", r.text());
    }
    // Within the budget, a header without pixels is a broken file.
    let r = app
        .post_multipart(
            "/studio/upload",
            &session,
            &[("csrf", csrf.clone())],
            Some(("file", "small.png", &png_bomb(1000, 1000))),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("损坏"), "{}", r.text());
    assert_eq!(app.store().media_count().await.unwrap(), 0);
}
