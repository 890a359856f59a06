//! 跟帖 through HTTP: commenting from the article page's form (no script),
//! replies with their 盖楼 quote, comment likes, what readers see of hidden
//! and held comments, XSS vectors, 429 with `Retry-After`, 禁言, and a report
//! from the form to the reporter's 消息.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use hao_domain::Role;

use crate::support::*;

/// A form POST as the browser sends it from one of this site's pages.
async fn from_page(app: &TestApp, path: &str, cookie: &str, form: &str) -> TestResponse {
    app.request(
        Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(form.to_owned()))
            .unwrap(),
    )
    .await
}

/// Signed-in readers whose accounts are old enough to comment at once.
async fn readers(app: &TestApp, names: &[&str]) -> Vec<String> {
    for n in names {
        app.user(n, Role::Reader, None).await;
    }
    app.app().advance_clock(3600);
    let mut sessions = Vec::new();
    for n in names {
        sessions.push(app.sign_in(n, PASSWORD).await.unwrap());
    }
    sessions
}

#[tokio::test]
async fn readers_comment_and_reply_without_script() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    let s = readers(&app, &["甲", "乙"]).await;
    let page = app.get(&format!("/article/{id}")).await;
    let html = page.html();
    assert_eq!(text(&html, "#comments-title .count"), "0");
    // The form is on the page; anonymous readers are sent to sign in.
    let action = attrs(&html, "#comments form.comment-form", "action");
    assert_eq!(action, [format!("/article/{id}/comments")]);
    let r = app
        .post_form(&action[0], &format!("body={}", enc("路过")))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("location").unwrap().starts_with("/signin?next="));
    // Another site's form is refused.
    let forged = app
        .request(
            Request::post(&action[0])
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", &s[0])
                .header("sec-fetch-site", "cross-site")
                .body(Body::from(format!("body={}", enc("伪造"))))
                .unwrap(),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Posted from the page: to the thread, on the article page at once.
    let r = from_page(
        &app,
        &action[0],
        &s[0],
        &format!("body={}", enc("这场德比精彩")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.header("location").unwrap();
    assert!(to.starts_with("/comment/"), "{to}");
    let root: i64 = to["/comment/".len()..]
        .split('#')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let html = app.get(&format!("/article/{id}")).await.html();
    assert_eq!(text(&html, "#comments-title .count"), "1");
    assert_eq!(text(&html, ".byline .comment-count"), "1 跟帖");
    assert!(texts(&html, "#comments .comment-body").contains(&"这场德比精彩".to_owned()));
    // The count in lists too.
    let home = app.get("/").await.html();
    assert!(texts(&home, ".comment-count").contains(&"1 跟帖".to_owned()));
    // A reply through its form page (a private page, with the token).
    let reply_page = app
        .get_with(&format!("/comment/{root}/reply"), &[("cookie", &s[1])])
        .await;
    assert_eq!(reply_page.status, StatusCode::OK);
    assert_eq!(
        reply_page.header("cache-control").as_deref(),
        Some("no-store")
    );
    let csrf = form_value(&reply_page.html(), "csrf");
    let r = app
        .post_form_with(
            &action[0],
            &s[1],
            &format!("csrf={csrf}&reply_to={root}&body={}", enc("同意楼上")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let reply: i64 = r
        .header("location")
        .unwrap()
        .rsplit("#c")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // A reply to the reply: quoted (盖楼) on the thread page, behind the
    // link on list pages.
    let r = from_page(
        &app,
        &action[0],
        &s[0],
        &format!("reply_to={reply}&body={}", enc("谢谢支持")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let thread = app.get(&format!("/comment/{root}")).await.html();
    assert_eq!(texts(&thread, ".thread-flat article.comment").len(), 3);
    assert_eq!(
        texts(&thread, "blockquote.quote .quote-author"),
        ["回复 @乙："]
    );
    let list = app.get(&format!("/article/{id}/comments")).await.html();
    assert_eq!(texts(&list, "ol.replies article.comment").len(), 1);
    assert_eq!(texts(&list, ".more-replies a"), ["查看全部 2 条回复"]);
    // A reply's own address leads to its thread.
    let r = app.get(&format!("/comment/{reply}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.header("location").unwrap(),
        format!("/comment/{root}#c{reply}")
    );
    // 赞 on a comment: once, and the same button takes it back.
    for _ in 0..2 {
        let r = from_page(&app, &format!("/comment/{root}/like"), &s[1], "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let r = from_page(&app, &format!("/comment/{root}/like"), &s[1], "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let thread = app.get(&format!("/comment/{root}")).await.html();
    assert_eq!(
        texts(&thread, &format!("#c{root} .comment-like .count")),
        ["1"]
    );
    // The API shows the thread nested, and the article's count.
    let json = app
        .get(&format!("/api/v1/articles/{id}/comments"))
        .await
        .json();
    assert_eq!(json["items"][0]["id"], root);
    assert_eq!(json["items"][0]["likes"], 1);
    assert_eq!(json["items"][0]["replies"][0]["id"], reply);
    assert_eq!(
        json["items"][0]["replies"][0]["replies"][0]["reply_to"],
        reply
    );
    assert_eq!(json["next_cursor"], serde_json::Value::Null);
    assert_eq!(
        app.get(&format!("/api/v1/articles/{id}")).await.json()["comments"],
        3
    );
    // Sorting: 最新 is its own page.
    assert_eq!(
        app.get(&format!("/article/{id}/comments/new")).await.status,
        StatusCode::OK
    );
    // Empty and over-long comments get the site's page saying why.
    let r = from_page(&app, &action[0], &s[0], "body=%20%20").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("跟帖内容不能为空"));
    let long = "长".repeat(1001);
    let r = from_page(&app, &action[0], &s[0], &format!("body={}", enc(&long))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("最多 1000 字"));
    // A new account's comment is held, and shown to its author only.
    app.user("新人", Role::Reader, None).await;
    let fresh = app.sign_in("新人", PASSWORD).await.unwrap();
    let r = from_page(
        &app,
        &action[0],
        &fresh,
        &format!("body={}", enc("第一次发言")),
    )
    .await;
    assert!(r.header("location").unwrap().starts_with("/me/comments"));
    let mine = app.get_with("/me/comments", &[("cookie", &fresh)]).await;
    assert!(mine.text().contains("审核中"), "{}", mine.text());
    assert!(
        !app.get(&format!("/article/{id}/comments"))
            .await
            .text()
            .contains("第一次发言")
    );
}

#[tokio::test]
async fn comment_bodies_cannot_carry_markup() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    let s = readers(&app, &["xss"]).await;
    let vectors = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\"><svg onload=alert(1)>",
        "javascript:alert(1)",
        "http://x.cn/\"onmouseover=\"alert(1)",
    ];
    for v in vectors {
        let r = from_page(
            &app,
            &format!("/article/{id}/comments"),
            &s[0],
            &format!("body={}", enc(v)),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{v}: {}", r.text());
    }
    for path in [
        format!("/article/{id}"),
        format!("/article/{id}/comments"),
        format!("/article/{id}/comments/new"),
    ] {
        let body = app.get(&path).await.text();
        assert!(body.contains("&lt;script&gt;"), "{path}");
        // Parsed as a browser would: inside comments only paragraphs and
        // links, links only http(s), no event handler anywhere.
        let html = scraper::Html::parse_document(&body);
        for el in html.select(&sel(".comment-body *")) {
            let name = el.value().name();
            assert!(["p", "a"].contains(&name), "{path}: <{name}> in a comment");
            for (attr, value) in el.value().attrs() {
                assert!(["href", "rel"].contains(&attr), "{path}: {attr}={value}");
                if attr == "href" {
                    assert!(value.starts_with("http"), "{path}: href={value}");
                }
            }
        }
        assert_eq!(
            html.select(&sel("#comments script, .threads script"))
                .count(),
            0
        );
    }
    let mine = app
        .get_with("/me/comments", &[("cookie", &s[0])])
        .await
        .text();
    assert!(!mine.contains("<svg"));
    // The address is a link, and its quote stays outside the attribute.
    let html = app.get(&format!("/article/{id}/comments")).await.html();
    let links = attrs(&html, ".comment-body a", "href");
    assert_eq!(links, ["http://x.cn/"]);
    let rel = attrs(&html, ".comment-body a", "rel");
    assert_eq!(rel, ["noopener noreferrer nofollow ugc"]);
}

#[tokio::test]
async fn limits_mutes_and_closed_comments_are_explained() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    let s = readers(&app, &["快手"]).await;
    let path = format!("/article/{id}/comments");
    // Five at once, then one every 20 s: the sixth is a 429 page saying when.
    for i in 0..5 {
        let r = from_page(&app, &path, &s[0], &format!("body=comment{i}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    }
    let r = from_page(&app, &path, &s[0], "body=comment5").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    assert!(r.text().contains("发表跟帖太频繁了"), "{}", r.text());
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    // The API says the same in its shape.
    let token = app.token_of(&s[0]).await;
    let r = app
        .send_json(
            Method::POST,
            &path.replace("/article/", "/api/v1/articles/"),
            Some(&token),
            &serde_json::json!({"body": "再来"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["code"], "rate_limited");
    assert!(r.header("retry-after").is_some());
    // 禁言: refused with the end and the reason.
    let (user, _) = app.store().user_for_signin("快手").await.unwrap().unwrap();
    app.store()
        .mute(user.id, app.app().now() + 86_400, "刷屏")
        .await
        .unwrap();
    let r = from_page(
        &app,
        &format!("/article/{}/comments", app.id_of("fx-002").await),
        &s[0],
        "body=hi",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("你已被禁言至"), "{}", r.text());
    assert!(r.text().contains("刷屏"));
    let r = app
        .send_json(
            Method::POST,
            &format!("/api/v1/articles/{id}/comments"),
            Some(&token),
            &serde_json::json!({"body": "hi"}),
        )
        .await;
    assert_eq!(r.json()["code"], "muted");
    // Closed comments: the form is gone and posts are refused.
    app.user("owner", Role::Creator, Some("江畔球评")).await;
    let owner = app.sign_in("owner", PASSWORD).await.unwrap();
    let csrf = app.csrf_of(&owner).await;
    let manage = app
        .get_with(
            &format!("/manage/comments?article={id}"),
            &[("cookie", &owner)],
        )
        .await;
    assert_eq!(manage.status, StatusCode::OK, "{}", manage.text());
    let r = app
        .post_form_with(
            &format!("/manage/articles/{id}/comments"),
            &owner,
            &format!("csrf={csrf}&closed=1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/article/{id}")).await.html();
    assert!(texts(&page, "#comments form.comment-form").is_empty());
    assert_eq!(text(&page, "#comments .closed"), "作者已关闭本文跟帖。");
}

#[tokio::test]
async fn a_report_goes_from_the_form_to_the_reporters_messages() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    let s = readers(&app, &["发帖人", "举报人"]).await;
    app.user("editor", Role::Editor, None).await;
    let editor = app.sign_in("editor", PASSWORD).await.unwrap();
    let r = from_page(
        &app,
        &format!("/article/{id}/comments"),
        &s[0],
        &format!("body={}", enc("加我领红包")),
    )
    .await;
    let c: i64 = r
        .header("location")
        .unwrap()
        .rsplit("#c")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // The report link of the comment opens the form.
    let thread = app.get(&format!("/comment/{c}")).await.html();
    let link = attrs(&thread, ".comment-actions a[href^='/report']", "href");
    assert_eq!(link, [format!("/report?target=comment&id={c}")]);
    let form = app.get_with(&link[0], &[("cookie", &s[1])]).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(attrs(&form.html(), "input[name=reason]", "value").len(), 7);
    let csrf = form_value(&form.html(), "csrf");
    let r = app
        .post_form_with(
            "/report",
            &s[1],
            &format!(
                "csrf={csrf}&target=comment&id={c}&reason=spam&text={}",
                enc("广告")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("感谢你的举报"));
    // The editors' queue: grouped, with the reason and the text.
    let queue = app
        .get_with("/editor/reports", &[("cookie", &editor)])
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    let qt = queue.text();
    assert!(qt.contains("垃圾广告 ×1") && qt.contains("广告"), "{qt}");
    let ecsrf = app.csrf_of(&editor).await;
    let r = app
        .post_form_with(
            "/editor/reports/act",
            &editor,
            &format!("csrf={ecsrf}&target=comment&id={c}&action=hide"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // Gone from the pages at once; the author sees it hidden with the reason.
    assert!(
        !app.get(&format!("/article/{id}"))
            .await
            .text()
            .contains("加我领红包")
    );
    assert_eq!(
        app.get(&format!("/comment/{c}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mine = app
        .get_with("/me/comments", &[("cookie", &s[0])])
        .await
        .text();
    assert!(
        mine.contains("已隐藏") && mine.contains("被举报后经编辑核实违规"),
        "{mine}"
    );
    // The reporter reads the outcome in 消息.
    let notes = app
        .get_with("/notifications", &[("cookie", &s[1])])
        .await
        .text();
    assert!(notes.contains("该跟帖已被隐藏"), "{notes}");
    // The queue is empty; the log holds the action.
    let queue = app
        .get_with("/editor/reports", &[("cookie", &editor)])
        .await
        .text();
    assert!(queue.contains("没有待处理的举报"));
    let log = app
        .get_with("/editor/log", &[("cookie", &editor)])
        .await
        .text();
    assert!(log.contains("report-hide"));
}
