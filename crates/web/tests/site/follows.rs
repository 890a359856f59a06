//! Follows: from the author card and the author page, counted on every page,
//! listed on `/following`; refused or confirmed when the request cannot be
//! shown to come from this site.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hao_domain::Role;

use crate::support::*;

impl TestApp {
    async fn post_follow(
        &self,
        path: &str,
        cookie: &str,
        form: &str,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut req = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.request(req.body(Body::from(form.to_owned())).unwrap())
            .await
    }
}

async fn follower_count(app: &TestApp, creator: i64) -> String {
    text(
        &app.get(&format!("/author/{creator}")).await.html(),
        ".follower-count strong",
    )
}

#[tokio::test]
async fn readers_follow_and_unfollow_creators() {
    let app = TestApp::with_articles().await;
    let article = app.id_of("fx-001").await;
    let creator = app
        .store()
        .article(article)
        .await
        .unwrap()
        .unwrap()
        .creator_id;
    let follow = format!("/author/{creator}/follow");

    // The author card of the article page and the author page both offer it.
    for page in [format!("/article/{article}"), format!("/author/{creator}")] {
        let html = app.get(&page).await.html();
        assert_eq!(
            attrs(&html, "form.follow", "action"),
            vec![follow.clone()],
            "{page}"
        );
    }
    assert_eq!(follower_count(&app, creator).await, "0");

    // Anonymous: sign in first, and come back to the author.
    let r = app.post_form(&follow, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.header("location").unwrap(),
        format!("/signin?next=%2Fauthor%2F{creator}")
    );

    app.user("reader_a", Role::Reader, None).await;
    let session = app.sign_in("reader_a", PASSWORD).await.unwrap();

    // Sent from another site (or with no proof at all): nothing changes, the
    // reader is asked to confirm with a form of their own session.
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("origin", "https://evil.example")],
        vec![],
    ] {
        let r = app.post_follow(&follow, &session, "", &headers).await;
        assert_eq!(r.status, StatusCode::OK, "{headers:?}");
        let html = r.html();
        assert!(text(&html, "h1").contains("关注"), "{}", r.text());
        assert_eq!(form_value(&html, "csrf"), app.csrf_of(&session).await);
    }
    assert_eq!(follower_count(&app, creator).await, "0");
    // A wrong token is refused outright.
    let r = app.post_follow(&follow, &session, "csrf=forged", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // From this site (as a browser says), twice: followed once.
    for _ in 0..2 {
        let r = app
            .post_follow(&follow, &session, "", &[("sec-fetch-site", "same-origin")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.header("location").as_deref(), Some("/following"));
    }
    assert_eq!(follower_count(&app, creator).await, "1");
    // An Origin of this host counts as this site too (browsers without Fetch metadata).
    app.user("reader_b", Role::Reader, None).await;
    let other = app.sign_in("reader_b", PASSWORD).await.unwrap();
    let r = app
        .post_follow(
            &follow,
            &other,
            "",
            &[("host", "hao.test"), ("origin", "http://hao.test")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(follower_count(&app, creator).await, "2");
    let article_page = app.get(&format!("/article/{article}")).await.html();
    assert_eq!(
        text(&article_page, ".author-card .follower-count strong"),
        "2"
    );

    // /following: the creator, and their articles, newest first.
    let page = app.get_with("/following", &[("cookie", &session)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
    let html = page.html();
    let name = app
        .store()
        .creator(creator)
        .await
        .unwrap()
        .unwrap()
        .display_name;
    assert_eq!(texts(&html, ".followed li > a"), vec![name.clone()]);
    let listed = attrs(&html, ".primary a[href^='/article/']", "href");
    assert!(
        listed.contains(&format!("/article/{article}")),
        "{listed:?}"
    );
    let all = app.store().creator_articles(creator, 100, 0).await.unwrap();
    assert_eq!(listed.len() as i64, all.total.min(20));

    // Unfollow with the session's token, from /following.
    let csrf = form_value(&html, "csrf");
    let r = app
        .post_follow(
            &format!("/author/{creator}/unfollow"),
            &session,
            &format!("csrf={csrf}"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(follower_count(&app, creator).await, "1");
    let html = app
        .get_with("/following", &[("cookie", &session)])
        .await
        .html();
    assert!(texts(&html, ".followed li").is_empty());
    assert!(text(&html, ".primary .empty").contains("暂时没有"));

    // Bad and unknown authors, and /following for nobody.
    let bad = app
        .post_follow(
            "/author/abc/follow",
            &session,
            "",
            &[("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let missing = app
        .post_follow(
            "/author/999999/follow",
            &session,
            "",
            &[("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text().contains("这位作者不存在"));
    let anon = app.get("/following").await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anon.header("location").as_deref(),
        Some("/signin?next=%2Ffollowing")
    );
}
