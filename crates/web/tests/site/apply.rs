//! 申请入驻: apply, editor review, the applicant sees the outcome, reapply.

use axum::http::StatusCode;
use hao_domain::Role;

use crate::support::*;

pub const STATEMENT: &str = "本人从事体育新闻报道八年，曾在省级媒体担任记者，代表作品包括中超联赛系列评论和全运会专题报道。";

pub fn application(name: &str) -> String {
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
    // A real image with another field wrong: nothing is stored (issue 21
    // finding 5: a refused form stored its avatar), and the field says to
    // choose it again.
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
    assert!(text(&html, "#avatar-error").contains("重新选择"));
    assert_eq!(
        app.store().media_count().await.unwrap(),
        0,
        "nothing stored"
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
    // A valid form with the image: stored, the centre square.
    let r = app
        .post_multipart(
            "/apply",
            &session,
            &fields(STATEMENT, ""),
            Some(("avatar_file", "me.png", &photo)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(app.store().media_count().await.unwrap(), 1);
    let queue = app
        .get_with("/editor/applications", &[("cookie", &editor)])
        .await
        .html();
    let avatar = attrs(&queue, ".application h2 img", "src")[0].clone();
    assert!(avatar.starts_with("/media/"), "{avatar}");
    let img = app.get(&avatar).await;
    assert_eq!(img.status, StatusCode::OK);
    let decoded = image::load_from_memory(&img.body).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (256, 256),
        "the centre square"
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
