//! `/admin`: finding users, 封禁 that ends sessions and tokens at once, 禁言,
//! roles, the site settings in every page's footer and title, and the
//! 敏感词 list; every act in the moderation log and the user's 消息.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use hao_domain::Role;

use crate::support::*;

async fn comment(app: &TestApp, id: i64, cookie: &str, csrf: &str, body: &str) -> TestResponse {
    app.request(
        Request::post(format!("/article/{id}/comments"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(format!("csrf={csrf}&body={}", enc(body))))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn an_admin_suspends_and_lifts_and_every_door_obeys() {
    let app = TestApp::with_articles().await;
    app.user("root", Role::Admin, None).await;
    let target = app.user("troll", Role::Creator, Some("捣乱号")).await;
    app.app().advance_clock(3600);
    let admin = app.sign_in("root", PASSWORD).await.unwrap();
    let acsrf = app.csrf_of(&admin).await;
    let troll = app.sign_in("troll", PASSWORD).await.unwrap();
    let token = app.token_of(&troll).await;

    // Found by the name of their 号.
    let found = app
        .get_with(
            &format!("/admin/users?q={}", enc("捣乱")),
            &[("cookie", &admin)],
        )
        .await
        .html();
    assert_eq!(
        attrs(&found, ".admin-users a", "href"),
        [format!("/admin/users/{target}")]
    );
    let path = format!("/admin/users/{target}");
    // A bad end time or no reason: said, nothing done.
    for (form, needle) in [
        ("act=suspend&until=2000-01-01T00:00&reason=x", "之后"),
        ("act=suspend&until=nonsense&reason=x", "截止时间"),
        ("act=suspend&until=2030-01-01T00:00&reason=", "理由"),
        ("act=fly", "未知"),
    ] {
        let r = app
            .post_form_with(&path, &admin, &format!("csrf={acsrf}&{form}"))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{form}: {}",
            r.text()
        );
        assert!(
            text(&r.html(), "#admin-error").contains(needle),
            "{form}: {}",
            text(&r.html(), "#admin-error")
        );
    }
    assert_eq!(
        app.get_with("/me", &[("cookie", &troll)]).await.status,
        StatusCode::OK
    );

    let r = app
        .post_form_with(
            &path,
            &admin,
            &format!(
                "csrf={acsrf}&act=suspend&until=2030-01-01T08:00&reason={}",
                enc("多次发布广告")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // At once: the session, the token and signing in.
    let me = app.get_with("/me", &[("cookie", &troll)]).await;
    assert!(
        me.header("location")
            .unwrap_or_default()
            .starts_with("/signin")
    );
    let api = app
        .send_json(
            Method::POST,
            "/api/v1/articles",
            Some(&token),
            &serde_json::json!({"title": "广告", "body": "广告正文"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    let r = app.sign_in("troll", PASSWORD).await.unwrap_err();
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("封禁至 2030-01-01 08:00"), "{}", r.text());
    assert!(r.text().contains("多次发布广告"));
    let page = app.get_with(&path, &[("cookie", &admin)]).await.html();
    assert!(text(&page, ".admin-user").contains("封禁至"));
    let log = app.store().moderation_log(1).await.unwrap();
    assert_eq!(
        (log[0].actor.as_str(), log[0].action.as_str()),
        ("root", "user.suspend")
    );

    // Lifted: back in, and told both times.
    let r = app
        .post_form_with(&path, &admin, &format!("csrf={acsrf}&act=unsuspend"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let troll = app.sign_in("troll", PASSWORD).await.unwrap();
    let notes = app
        .get_with("/notifications", &[("cookie", &troll)])
        .await
        .text();
    assert!(notes.contains("你的账号已被封禁，原因：多次发布广告"));
    assert!(notes.contains("你的账号已解除封禁"));

    // 禁言 from the console: no comments until the end.
    let r = app
        .post_form_with(
            &path,
            &admin,
            &format!(
                "csrf={acsrf}&act=mute&until=2030-01-01T00:00&reason={}",
                enc("辱骂他人")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let tcsrf = app.csrf_of(&troll).await;
    let id = app.id_of("fx-001").await;
    let r = comment(&app, id, &troll, &tcsrf, "我又来了").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("辱骂他人"));

    // Roles: an editor now; the last admin cannot stop being one.
    let r = app
        .post_form_with(&path, &admin, &format!("csrf={acsrf}&act=role&role=editor"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with("/editor/log", &[("cookie", &troll)])
            .await
            .status,
        StatusCode::OK
    );
    let me_path = format!(
        "/admin/users/{}",
        app.store()
            .user_for_signin("root")
            .await
            .unwrap()
            .unwrap()
            .0
            .id
    );
    let r = app
        .post_form_with(
            &me_path,
            &admin,
            &format!("csrf={acsrf}&act=role&role=reader"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Sessions revoked: signed out everywhere.
    let r = app
        .post_form_with(&path, &admin, &format!("csrf={acsrf}&act=sessions"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let me = app.get_with("/me", &[("cookie", &troll)]).await;
    assert!(
        me.header("location")
            .unwrap_or_default()
            .starts_with("/signin")
    );
}

#[tokio::test]
async fn site_settings_and_the_word_list_reach_every_page() {
    let app = TestApp::with_articles().await;
    app.user("root", Role::Admin, None).await;
    let admin = app.sign_in("root", PASSWORD).await.unwrap();
    let acsrf = app.csrf_of(&admin).await;
    let before = app.get("/").await.html();
    assert!(texts(&before, "footer .beian").is_empty());

    // Refused with the field named, nothing saved.
    let r = app
        .post_form_with(
            "/admin/settings",
            &admin,
            &format!("csrf={acsrf}&name=&icp={}", enc("<script>")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.html();
    assert!(!text(&html, "#name-error").is_empty());
    assert!(!text(&html, "#icp-error").is_empty());

    let r = app
        .post_form_with(
            "/admin/settings",
            &admin,
            &format!(
                "csrf={acsrf}&name={}&icp={}&police={}&footer={}",
                enc("南方号"),
                enc("粤ICP备12345678号-1"),
                enc("粤公网安备 44010602000001号"),
                enc("违法和不良信息举报：report@example.com")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Every page, cached ones too, has them.
    let id = app.id_of("fx-001").await;
    for path in [
        "/".to_owned(),
        format!("/article/{id}"),
        "/no/such/page".to_owned(),
    ] {
        let html = app.get(&path).await.html();
        assert!(text(&html, "title").ends_with(" - 南方号"), "{path}");
        assert_eq!(
            attrs(&html, "footer .beian a", "href"),
            ["https://beian.miit.gov.cn/", "https://beian.mps.gov.cn/"],
            "{path}"
        );
        assert!(text(&html, "footer").contains("粤ICP备12345678号-1"));
        assert!(text(&html, "footer").contains("report@example.com"));
    }
    let rss = app.get("/rss.xml").await.text();
    assert!(rss.contains("<title>南方号</title>"), "{rss}");

    // The word list: a bad line named; a saved list used at once.
    let r = app
        .post_form_with(
            "/admin/words",
            &admin,
            &format!("csrf={acsrf}&words={}", enc("好词 block\n坏词 explode")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.html(), "#words-error").contains("第 2 行"));
    let r = app
        .post_form_with(
            "/admin/words",
            &admin,
            &format!("csrf={acsrf}&words={}", enc("测试违禁词 block")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.get_with("/admin/words", &[("cookie", &admin)])
            .await
            .text()
            .contains("测试违禁词")
    );
    app.user("reader", Role::Reader, None).await;
    app.app().advance_clock(3600);
    let reader = app.sign_in("reader", PASSWORD).await.unwrap();
    let rcsrf = app.csrf_of(&reader).await;
    let r = comment(&app, id, &reader, &rcsrf, "这里有测试违禁词哦").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    // The starting list no longer applies.
    let r = comment(&app, id, &reader, &rcsrf, "欢迎加微信交流").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}
