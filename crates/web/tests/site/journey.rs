//! A creator's whole journey, in process, through the forms a person uses:
//! sign up → apply → an editor approves → upload an image → write with it →
//! submit (novice: in review) → an editor approves → published on the channel
//! page, the author page and in search → more approvals end the novice period
//! and the next article publishes directly → a scheduled article goes live at
//! its time, once, on a controllable clock → an edit is undone by restoring a
//! revision.

use axum::http::StatusCode;
use hao_domain::Role;

use crate::support::*;

#[tokio::test]
async fn sign_up_apply_approve_write_with_an_image_review_publish() {
    let app = TestApp::with_articles().await;
    // Sign up through the form.
    let form = app.get("/signup").await;
    let pre = set_cookie(&form, "hao_csrf").unwrap();
    let csrf = form_value(&form.html(), "csrf");
    let r = app
        .post_form_with(
            "/signup",
            &pre,
            &format!(
                "csrf={csrf}&username=lvyin&password={p}&password2={p}&next=%2Fapply",
                p = enc(PASSWORD)
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location").as_deref(), Some("/apply"));
    let me = set_cookie(&r, "hao_session").unwrap();
    let csrf = app.csrf_of(&me).await;

    // Apply; an editor approves.
    let r = app
        .post_form_with(
            "/apply",
            &me,
            &format!(
                "csrf={csrf}&account_type=personal&display_name={}&bio=&channel=sports&contact={}&statement={}",
                enc("绿茵速递"),
                enc("lvyin@example.com"),
                enc("业余足球联赛记录者，五年来坚持记录社区球赛，代表作品是社区联赛周报。")
            ),
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
    // The editor's 通过 on any queue item (an application, an article).
    let approve = |action: String| {
        let (app, editor, body) = (
            &app,
            &editor,
            format!("csrf={ecsrf}&verdict=approve&reason="),
        );
        async move { app.post_form_with(&action, editor, &body).await }
    };
    let r = approve(action).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let studio = app.get_with("/studio", &[("cookie", &me)]).await;
    assert_eq!(studio.status, StatusCode::OK);
    assert!(text(&studio.html(), ".form-notice").contains("新手期"));

    // Upload an image and write with it.
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        64,
        48,
        image::Rgb([30, 120, 60]),
    ))
    .write_to(&mut png, image::ImageFormat::Png)
    .unwrap();
    let boundary = "journeyBoundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pitch.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&png.into_inner());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = app
        .request(
            axum::http::Request::post("/studio/upload")
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("cookie", &me)
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let markdown = attrs(&r.html(), "#markdown", "value")[0].clone();
    let text_body = format!("社区足球联赛第三轮战罢，绿茵队主场三比一取胜。\n{markdown}");
    let r = app
        .post_form_with(
            "/write",
            &me,
            &format!(
                "csrf={csrf}&title={}&body={}&channel=sports&tags=&original=1&action=publish",
                enc("社区联赛第三轮：绿茵队主场取胜"),
                enc(&text_body)
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let studio = app.get_with("/studio", &[("cookie", &me)]).await.html();
    assert!(text(&studio, "tbody").contains("审核中"));
    let edit = attrs(&studio, "tbody tr td:first-child > a:first-child", "href")[0].clone();
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        app.get(&format!("/article/{id}")).await.status,
        StatusCode::NOT_FOUND
    );

    // The editor approves: on the channel page, the author page, in search.
    let r = approve(format!("/editor/reviews/{id}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.sync().await;
    let page = app.get(&format!("/article/{id}")).await.html();
    assert_eq!(text(&page, "article h1"), "社区联赛第三轮：绿茵队主场取胜");
    let img = attrs(&page, "article .body img", "src")[0].clone();
    assert_eq!(app.get(&img).await.status, StatusCode::OK);
    let channel = app.get("/channel/sports").await.html();
    assert!(attrs(&channel, "ul.articles h3 a", "href").contains(&format!("/article/{id}")));
    let creator = app
        .store()
        .user_for_signin("lvyin")
        .await
        .unwrap()
        .unwrap()
        .0
        .creator_id
        .unwrap();
    let author = app.get(&format!("/author/{creator}")).await.html();
    assert!(attrs(&author, "ul.articles h3 a", "href").contains(&format!("/article/{id}")));
    let hits = app
        .get("/api/v1/search?q=%E7%BB%BF%E8%8C%B5%E9%98%9F")
        .await
        .json();
    assert!(
        hits["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == id)
    );

    // 新手期 ends after NOVICE_APPROVALS approvals in a row; then the
    // creator publishes directly.
    let write = |title: &str, body: &str, action: &str, extra: &str| {
        format!(
            "csrf={csrf}&title={}&body={}&channel=sports&tags=&original=1&action={action}{extra}",
            enc(title),
            enc(body)
        )
    };
    let newest_id = |studio: scraper::Html| -> i64 {
        let edit = attrs(&studio, "tbody tr td:first-child > a:first-child", "href")[0].clone();
        edit.rsplit('/').next().unwrap().parse().unwrap()
    };
    let reviews = [
        (
            "社区联赛第四轮：雨战平局",
            "大雨中双方一比一握手言和，门将贡献多次扑救。",
        ),
        (
            "青训营开营：六十名少年报名",
            "区青训营周末开营，教练组由退役球员组成，训练每周两次。",
        ),
    ];
    for (n, (title, body)) in reviews.into_iter().enumerate() {
        let r = app
            .post_form_with("/write", &me, &write(title, body, "publish", ""))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let id = newest_id(app.get_with("/studio", &[("cookie", &me)]).await.html());
        let novice = app.store().is_novice(creator).await.unwrap();
        assert!(novice, "still a novice before approval {}", n + 2);
        let r = approve(format!("/editor/reviews/{id}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(hao_domain::policy::NOVICE_APPROVALS, 3);
    assert!(!app.store().is_novice(creator).await.unwrap());
    // Each decision reached the creator's 消息, newest first.
    let notices = app
        .get_with("/notifications", &[("cookie", &me)])
        .await
        .html();
    let lines = texts(&notices, ".notices li");
    assert!(lines[0].contains("度过新手期"), "{lines:?}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("已通过审核并发布"))
            .count(),
        3
    );
    assert!(lines.last().unwrap().contains("入驻申请"));
    let r = app
        .post_form_with(
            "/write",
            &me,
            &write(
                "社区联赛积分榜：绿茵队领跑",
                "三轮过后绿茵队积七分领跑，下轮客场挑战老对手。",
                "publish",
                &format!("&cover={}", enc(&img)),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let direct = newest_id(app.get_with("/studio", &[("cookie", &me)]).await.html());
    let page = app.get(&format!("/article/{direct}")).await;
    assert_eq!(page.status, StatusCode::OK, "published without review");
    assert_eq!(
        attrs(&page.html(), "article img.cover", "src"),
        [img.as_str()]
    );

    // Scheduled two hours ahead (Beijing time, as the form takes it): not
    // live; two hours and a minute later, live once.
    let at = chrono::DateTime::from_timestamp(app.app().now() + 2 * 3600, 0)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let r = app
        .post_form_with(
            "/write",
            &me,
            &write(
                "下周预告：社区联赛第五轮前瞻",
                "第五轮将于周六下午开赛，绿茵队客场作战，主力前锋伤愈复出。",
                "schedule",
                &format!("&publish_at={}", enc(&at)),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let studio = app.get_with("/studio", &[("cookie", &me)]).await.html();
    let scheduled = newest_id(studio.clone());
    assert!(text(&studio, "tbody tr").contains("定时"));
    assert!(app.app().publish_due().await.unwrap().is_empty(), "not yet");
    assert_eq!(
        app.get(&format!("/article/{scheduled}")).await.status,
        StatusCode::NOT_FOUND
    );
    app.app().advance_clock(2 * 3600 + 60);
    assert_eq!(app.app().publish_due().await.unwrap(), [scheduled]);
    assert!(
        app.app().publish_due().await.unwrap().is_empty(),
        "published exactly once"
    );
    app.sync().await;
    assert_eq!(
        app.get(&format!("/article/{scheduled}")).await.status,
        StatusCode::OK
    );

    // An edit, undone by restoring the earlier revision.
    let r = app
        .post_form_with(
            &format!("/write/{direct}"),
            &me,
            &write(
                "社区联赛积分榜：绿茵队暂列第二",
                "改错了的版本。",
                "publish",
                "",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.sync().await;
    let page = app.get(&format!("/article/{direct}")).await.html();
    assert_eq!(text(&page, "article h1"), "社区联赛积分榜：绿茵队暂列第二");
    let history = app
        .get_with(&format!("/write/{direct}/history"), &[("cookie", &me)])
        .await
        .html();
    let restore = attrs(&history, ".revision form", "action")[0].clone();
    let r = app
        .post_form_with(&restore, &me, &format!("csrf={csrf}"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.sync().await;
    let page = app.get(&format!("/article/{direct}")).await.html();
    assert_eq!(text(&page, "article h1"), "社区联赛积分榜：绿茵队领跑");
    assert!(text(&page, "article .body").contains("积七分领跑"));
}
