//! 申请入驻: apply, editor review, the applicant sees the outcome, reapply.

use axum::http::StatusCode;
use hao_domain::Role;

use crate::support::*;

const STATEMENT: &str = "本人从事体育新闻报道八年，曾在省级媒体担任记者，代表作品包括中超联赛系列评论和全运会专题报道。";

fn application(name: &str) -> String {
    format!(
        "account_type=media&display_name={}&bio={}&channel=sports&contact={}&statement={}",
        enc(name),
        enc("专注中超与CBA"),
        enc("sports@example.com"),
        enc(STATEMENT)
    )
}

#[tokio::test]
async fn a_reader_applies_an_editor_decides_and_the_reader_sees_why() {
    let app = TestApp::with_articles().await;
    // Anonymous readers are asked to sign in first.
    let anon = app.get("/apply").await;
    assert_eq!(anon.status, StatusCode::OK);
    assert!(attrs(&anon.html(), "a", "href").contains(&"/signin?next=%2Fapply".to_owned()));

    let reader = app.user("fan_01", Role::Reader, None).await;
    let session = app.sign_in("fan_01", PASSWORD).await.unwrap();
    let csrf = app.csrf_of(&session).await;
    let form = app.get_with("/apply", &[("cookie", &session)]).await.html();
    assert_eq!(form_value(&form, "csrf"), csrf);

    // Bad input: every field says what is wrong, nothing typed is lost.
    let r = app
        .post_form_with(
            "/apply",
            &session,
            &format!(
                "csrf={csrf}&account_type=alien&display_name=x&bio=&channel=nope&contact=1&statement={}",
                enc("太短")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.html();
    for (field, needle) in [
        ("account_type", "账号类型"),
        ("display_name", "2–20"),
        ("channel", "频道"),
        ("contact", "联系方式"),
        ("statement", "20–2000"),
    ] {
        assert!(
            text(&html, &format!("#{field}-error")).contains(needle),
            "{field}"
        );
    }
    assert_eq!(form_value(&html, "display_name"), "x");
    assert_eq!(text(&html, "#statement"), "太短");
    // A name an existing creator has is refused.
    let r = app
        .post_form_with(
            "/apply",
            &session,
            &format!("csrf={csrf}&{}", application("江畔球评")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.html(), "#display_name-error").contains("已被使用"));
    // Without the session's token: refused.
    let forged = app
        .post_form_with(
            "/apply",
            &session,
            &format!("csrf=forged&{}", application("绿茵观察")),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Applied: pending, and no second application meanwhile.
    let r = app
        .post_form_with(
            "/apply",
            &session,
            &format!("csrf={csrf}&{}", application("绿茵观察")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let mine = app.get_with("/apply", &[("cookie", &session)]).await.html();
    assert_eq!(text(&mine, ".applications .status"), "审核中");
    assert!(texts(&mine, "form[action='/apply']").is_empty());

    // An editor rejects with a reason; readers cannot decide.
    app.user("editor", Role::Editor, None).await;
    let editor = app.sign_in("editor", PASSWORD).await.unwrap();
    let queue = app
        .get_with("/editor/applications", &[("cookie", &editor)])
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    let queue = queue.html();
    assert!(text(&queue, ".application h2").contains("绿茵观察"));
    let action = attrs(&queue, ".application form", "action")[0].clone();
    let ecsrf = app.csrf_of(&editor).await;
    assert_eq!(
        app.get_with("/editor/applications", &[("cookie", &session)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post_form_with(&action, &session, &format!("csrf={csrf}&verdict=approve"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form_with(
            &action,
            &editor,
            &format!("csrf={ecsrf}&verdict=reject&reason="),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a rejection needs a reason"
    );
    let r = app
        .post_form_with(
            &action,
            &editor,
            &format!(
                "csrf={ecsrf}&verdict=reject&reason={}",
                enc("请补充代表作品链接")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mine = app.get_with("/apply", &[("cookie", &session)]).await.html();
    assert_eq!(text(&mine, ".applications .status"), "未通过");
    assert!(text(&mine, ".applications .reason").contains("请补充代表作品链接"));
    // …and in their notifications (消息), unread until they say so.
    let notices = app
        .get_with("/notifications", &[("cookie", &session)])
        .await
        .html();
    assert_eq!(texts(&notices, ".notices li.unread").len(), 1);
    assert!(text(&notices, ".notices li").contains("请补充代表作品链接"));
    assert_eq!(attrs(&notices, ".notices li a", "href"), ["/apply"]);
    let r = app
        .post_form_with("/notifications/read", &session, &format!("csrf={csrf}"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let notices = app
        .get_with("/notifications", &[("cookie", &session)])
        .await
        .html();
    assert!(texts(&notices, ".notices li.unread").is_empty());
    assert_eq!(texts(&notices, ".notices li").len(), 1);

    // Reapply, now with an avatar, as the page's form sends it (multipart).
    // A file that is not an image is refused next to the field, nothing
    // else typed is lost.
    let fields = |statement: &str, avatar: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("account_type", "media".to_owned()),
            ("display_name", "绿茵观察".to_owned()),
            ("bio", "专注中超与CBA".to_owned()),
            ("channel", "sports".to_owned()),
            ("contact", "sports@example.com".to_owned()),
            ("statement", statement.to_owned()),
            ("avatar", avatar.to_owned()),
        ]
    };
    let r = app
        .post_multipart(
            "/apply",
            &session,
            &fields(STATEMENT, ""),
            Some(("avatar_file", "me.png", b"just some text, not a picture")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.html();
    assert!(text(&html, "#avatar-error").contains("PNG"), "{}", r.text());
    assert_eq!(form_value(&html, "display_name"), "绿茵观察");
    assert_eq!(text(&html, "#statement"), STATEMENT);
    // A real image with another field wrong: the avatar is kept (stored,
    // carried in the form), so it is not asked for again.
    let mut photo = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        300,
        200,
        image::Rgb([10, 90, 160]),
    ))
    .write_to(&mut photo, image::ImageFormat::Png)
    .unwrap();
    let photo = photo.into_inner();
    let r = app
        .post_multipart(
            "/apply",
            &session,
            &fields("太短", ""),
            Some(("avatar_file", "me.png", &photo)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.html();
    assert!(text(&html, "#statement-error").contains("20–2000"));
    assert!(texts(&html, "#avatar-error").is_empty());
    let avatar = form_value(&html, "avatar");
    assert!(avatar.starts_with("/media/"), "{avatar}");
    let img = app.get(&avatar).await;
    assert_eq!(img.status, StatusCode::OK);
    let decoded = image::load_from_memory(&img.body).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (256, 256),
        "the centre square"
    );
    // A forged avatar address is refused.
    let r = app
        .post_multipart(
            "/apply",
            &session,
            &fields(STATEMENT, "https://evil.example/x.png"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.html(), "#avatar-error").contains("头像"));
    let r = app
        .post_multipart("/apply", &session, &fields(STATEMENT, &avatar), None)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let queue = app
        .get_with("/editor/applications", &[("cookie", &editor)])
        .await
        .html();
    assert_eq!(
        attrs(&queue, ".application h2 img", "src"),
        [avatar.as_str()]
    );
    let action = attrs(&queue, ".application form", "action")[0].clone();
    let r = app
        .post_form_with(
            &action,
            &editor,
            &format!("csrf={ecsrf}&verdict=approve&reason="),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let again = app
        .post_form_with(
            &action,
            &editor,
            &format!("csrf={ecsrf}&verdict=approve&reason="),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "decided once");
    let user = app.store().user(reader).await.unwrap().unwrap();
    assert_eq!(user.role, Role::Creator);
    let creator = app
        .store()
        .creator(user.creator_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            creator.display_name.as_str(),
            creator.account_type.label(),
            creator.bio.as_str()
        ),
        ("绿茵观察", "媒体", "专注中超与CBA")
    );
    assert_eq!(creator.avatar_url.as_deref(), Some(avatar.as_str()));
    let notices = app
        .get_with("/notifications", &[("cookie", &session)])
        .await
        .html();
    assert!(text(&notices, ".notices li.unread").contains("已通过"));
    let mine = app.get_with("/apply", &[("cookie", &session)]).await.html();
    let statuses = texts(&mine, ".applications .status");
    assert_eq!(statuses, ["已通过", "未通过"]);
    assert!(text(&mine, ".apply").contains("你已经是创作者"));
    let log: Vec<String> = app
        .store()
        .moderation_log(10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(log[..2], ["application.approve", "application.reject"]);
}

#[tokio::test]
async fn a_novice_waits_for_editors_until_three_approvals_in_a_row() {
    let app = TestApp::with_articles().await;
    let reader = app.user("newbie", Role::Reader, None).await;
    let session = app.sign_in("newbie", PASSWORD).await.unwrap();
    let csrf = app.csrf_of(&session).await;
    let r = app
        .post_form_with(
            "/apply",
            &session,
            &format!("csrf={csrf}&{}", application("新人体育")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.user("editor", Role::Editor, None).await;
    let editor = app.sign_in("editor", PASSWORD).await.unwrap();
    let ecsrf = app.csrf_of(&editor).await;
    let queue = app
        .get_with("/editor/applications", &[("cookie", &editor)])
        .await
        .html();
    let action = attrs(&queue, ".application form", "action")[0].clone();
    let r = app
        .post_form_with(
            &action,
            &editor,
            &format!("csrf={ecsrf}&verdict=approve&reason="),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let creator = app
        .store()
        .user(reader)
        .await
        .unwrap()
        .unwrap()
        .creator_id
        .unwrap();
    assert!(app.store().is_novice(creator).await.unwrap());

    // The creator's session is re-read on each request: sign in again for a token.
    let token = app.token_of(&session).await;
    let publish = |n: usize| {
        let app = &app;
        let token = token.clone();
        async move {
            let r = app
                .send_json(
                    axum::http::Method::POST,
                    "/api/v1/articles",
                    Some(&token),
                    &serde_json::json!({
                        "title": format!("新人第{n}篇：社区足球联赛开幕"),
                        "body": format!("第{n}篇。社区足球联赛今天开幕，二十支业余球队参赛。"),
                        "channel": "sports",
                    }),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            let j = r.json();
            (
                j["id"].as_i64().unwrap(),
                j["status"].as_str().unwrap().to_owned(),
            )
        }
    };
    let decide = |id: i64, verdict: &'static str, reason: &'static str| {
        let app = &app;
        let editor = editor.clone();
        let ecsrf = ecsrf.clone();
        async move {
            app.post_form_with(
                &format!("/editor/reviews/{id}"),
                &editor,
                &format!("csrf={ecsrf}&verdict={verdict}&reason={}", enc(reason)),
            )
            .await
            .status
        }
    };

    // In review: not public, listed in the editors' queue.
    let (first, status) = publish(1).await;
    assert_eq!(status, "in_review");
    assert_eq!(
        app.get(&format!("/article/{first}")).await.status,
        StatusCode::NOT_FOUND
    );
    let queue = app
        .get_with("/editor/reviews", &[("cookie", &editor)])
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(text(&queue.html(), ".review-item h2").contains("新人第1篇"));
    assert_eq!(
        app.get_with("/editor/reviews", &[("cookie", &session)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Sent back with a reason: the count starts again.
    assert_eq!(decide(first, "reject", "").await, StatusCode::BAD_REQUEST);
    assert_eq!(
        decide(first, "reject", "标题与正文不符").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.store().review_note(first).await.unwrap(),
        "标题与正文不符"
    );
    assert_eq!(
        app.get(&format!("/article/{first}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Three approvals in a row: each goes live, and the third ends the novice period.
    for n in 2..=4 {
        let (id, status) = publish(n).await;
        assert_eq!(status, "in_review");
        assert!(app.store().is_novice(creator).await.unwrap());
        assert_eq!(decide(id, "approve", "").await, StatusCode::SEE_OTHER);
        app.sync().await;
        assert_eq!(
            app.get(&format!("/article/{id}")).await.status,
            StatusCode::OK
        );
        let page = app.get("/channel/sports").await.html();
        assert!(attrs(&page, "ul.articles h3 a", "href").contains(&format!("/article/{id}")));
    }
    assert_eq!(
        decide(first, "approve", "").await,
        StatusCode::NOT_FOUND,
        "not in review"
    );
    assert!(!app.store().is_novice(creator).await.unwrap());
    let (direct, status) = publish(5).await;
    assert_eq!(status, "published");
    assert_eq!(
        app.get(&format!("/article/{direct}")).await.status,
        StatusCode::OK
    );
    let log: Vec<String> = app
        .store()
        .moderation_log(3)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(log[..2], ["creator.graduate", "review.approve"]);
}
