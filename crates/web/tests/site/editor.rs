//! Editors: headline pins, the originality review queue, take-downs with
//! their 信用分 entry and appeals, the novice review (新手期). Every action
//! is in the moderation log.

use axum::http::{Method, StatusCode};
use hao_domain::Role;

use crate::api::write::{ORIGINAL, token};
use crate::apply::application;
use crate::support::*;

#[tokio::test]
async fn editors_pin_headlines_and_every_pin_is_logged() {
    let app = TestApp::with_articles().await;
    app.user("editor", Role::Editor, None).await;
    app.user("reader", Role::Reader, None).await;
    let editor = app.sign_in("editor", PASSWORD).await.unwrap();
    let reader = app.sign_in("reader", PASSWORD).await.unwrap();
    assert_eq!(
        app.get_with("/editor/pins", &[("cookie", &reader)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let badminton = app.id_of("fx-013").await;
    let csrf = app.csrf_of(&editor).await;
    let block = |html: &scraper::Html| {
        attrs(
            html,
            ".headline-block[data-channel=sports] a[href^='/article/']",
            "href",
        )
    };

    // Bad input: kept and explained.
    let r = app
        .post_form_with(
            "/editor/pins",
            &editor,
            &format!(
                "csrf={csrf}&article=abc&channel=sports&reason={}",
                enc("世锦赛")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.html();
    assert!(text(&html, "#pin-error").contains("正整数"));
    assert_eq!(form_value(&html, "article"), "abc");
    let r = app
        .post_form_with(
            "/editor/pins",
            &editor,
            &format!("csrf={csrf}&article=999999&channel=sports&reason=x"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("没有这篇已发布的文章"));
    let r = app
        .post_form_with(
            "/editor/pins",
            &reader,
            &format!("csrf={csrf}&article={badminton}&channel=sports&reason=x"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Pinned: first in the sports block on every page.
    let r = app
        .post_form_with(
            "/editor/pins",
            &editor,
            &format!(
                "csrf={csrf}&article={badminton}&channel=sports&reason={}",
                enc("世锦赛夺冠")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let home = app.get("/").await.html();
    assert_eq!(block(&home)[0], format!("/article/{badminton}"));
    let other = app.id_of("fx-003").await;
    let page = app.get(&format!("/article/{other}")).await.html();
    assert_eq!(block(&page)[0], format!("/article/{badminton}"));
    let pins = app
        .get_with("/editor/pins", &[("cookie", &editor)])
        .await
        .html();
    assert!(text(&pins, "table").contains("羽毛球世锦赛"));

    // Unpinned; both actions in the moderation log with who and why.
    let r = app
        .post_form_with(
            "/editor/pins/remove",
            &editor,
            &format!(
                "csrf={csrf}&article={badminton}&channel=sports&reason={}",
                enc("赛事结束")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let log = app.store().moderation_log(10).await.unwrap();
    let actions: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("editor", "headline.unpin", "赛事结束"),
            ("editor", "headline.pin", "世锦赛夺冠")
        ]
    );
    let again = app
        .post_form_with(
            "/editor/pins/remove",
            &editor,
            &format!("csrf={csrf}&article={badminton}&channel=sports&reason=x"),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_copy_is_found_queued_and_loses_its_label() {
    let app = TestApp::empty().await;
    // The original comes in through the import, by another creator.
    let line = serde_json::json!({
        "external_id": "orig-1", "title": "秋粮收购工作全面展开", "body": ORIGINAL,
        "author": "粮食日报", "published_at": "2026-10-01T08:00:00+08:00"
    });
    app.import(format!("{line}\n").as_bytes()).await;
    let original_id = app.id_of("orig-1").await;

    // A copier: a few characters changed, a paragraph added, declared 原创.
    let copied = format!(
        "{}\n本文为作者原创，转载请注明出处。",
        ORIGINAL
            .replace("全省", "全市")
            .replace("玉米", "大豆")
            .replace("，", ",")
    );
    let t = token(&app, "copier", Role::Creator, Some("搬运工")).await;
    let r = app
        .send_json(
            Method::POST,
            "/api/v1/articles",
            Some(&t),
            &serde_json::json!({"title": "我的原创：秋粮收购", "body": copied}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let copy_id = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        r.json()["near_duplicate_of"],
        serde_json::json!([original_id])
    );
    app.sync().await;
    let j = app.get(&format!("/api/v1/articles/{copy_id}")).await.json();
    assert_eq!(j["near_duplicate_of"], serde_json::json!([original_id]));
    assert_eq!(j["original"], true);
    let j = app
        .get("/api/v1/articles/by-external-id/orig-1")
        .await
        .json();
    assert_eq!(
        j["near_duplicate_of"],
        serde_json::json!([]),
        "the original copies nothing"
    );

    // Only editors see the queue.
    let anonymous = app.get("/editor/originality").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    let creator_session = app.sign_in("copier", PASSWORD).await.unwrap();
    let refused = app
        .get_with("/editor/originality", &[("cookie", &creator_session)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    app.user("editor", Role::Editor, None).await;
    let editor = app.sign_in("editor", PASSWORD).await.unwrap();
    let queue = app
        .get_with("/editor/originality", &[("cookie", &editor)])
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    let links = attrs(
        &queue.html(),
        "table a[href^='/editor/originality/']",
        "href",
    );
    assert_eq!(links.len(), 1);
    let review = app.get_with(&links[0], &[("cookie", &editor)]).await;
    let html = review.html();
    // Side by side, with the differences marked.
    assert_eq!(texts(&html, ".side-by-side article").len(), 2);
    assert!(
        texts(&html, ".side-by-side del")
            .iter()
            .any(|t| t.contains("省"))
    );
    assert!(
        texts(&html, ".side-by-side ins")
            .iter()
            .any(|t| t.contains("市"))
    );

    // Deciding needs the CSRF token and a reason.
    let csrf = form_value(&html, "csrf");
    let bad = app
        .post_form_with(&links[0], &editor, "csrf=x&verdict=copy&reason=r")
        .await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    let no_reason = app
        .post_form_with(
            &links[0],
            &editor,
            &format!("csrf={csrf}&verdict=copy&reason="),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let done = app
        .post_form_with(
            &links[0],
            &editor,
            &format!(
                "csrf={csrf}&verdict=copy&reason={}",
                enc("与粮食日报原文高度一致")
            ),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    app.sync().await;
    let j = app.get(&format!("/api/v1/articles/{copy_id}")).await.json();
    assert_eq!(j["original"], false);
    assert_eq!(j["source"], "粮食日报");
    let log = app.get_with("/editor/log", &[("cookie", &editor)]).await;
    assert!(log.text().contains("originality.confirm-copy"));
    assert!(log.text().contains("与粮食日报原文高度一致"));
    let queue = app
        .get_with("/editor/originality", &[("cookie", &editor)])
        .await;
    assert!(queue.text().contains("队列为空"));
}

#[tokio::test]
async fn a_take_down_costs_standing_and_an_appeal_can_undo_it() {
    let app = TestApp::with_articles().await;
    app.user("jiang", Role::Creator, Some("江畔球评")).await;
    app.user("editor", Role::Editor, None).await;
    let creator = app.sign_in("jiang", PASSWORD).await.unwrap();
    let editor = app.sign_in("editor", PASSWORD).await.unwrap();
    let (ccsrf, ecsrf) = (app.csrf_of(&creator).await, app.csrf_of(&editor).await);
    let id = app.id_of("fx-001").await;
    assert_eq!(
        app.get_with("/editor/standing", &[("cookie", &creator)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let score = |html: &scraper::Html| text(html, ".standing-score");
    let studio = app
        .get_with("/studio", &[("cookie", &creator)])
        .await
        .html();
    assert_eq!(score(&studio), "100");

    // Bad take-downs say why and keep what was typed.
    let r = app
        .post_form_with(
            "/editor/takedown",
            &editor,
            &format!("csrf={ecsrf}&article=abc&reason=x"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(form_value(&r.html(), "article"), "abc");
    let r = app
        .post_form_with(
            "/editor/takedown",
            &editor,
            &format!("csrf={ecsrf}&article={id}&reason="),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.html(), "#takedown-error").contains("理由"));

    // Taken down: gone from the site and search, −10 with its reason.
    let reason = "标题与事实不符";
    let r = app
        .post_form_with(
            "/editor/takedown",
            &editor,
            &format!("csrf={ecsrf}&article={id}&reason={}", enc(reason)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.sync().await;
    assert_eq!(
        app.get(&format!("/article/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let hits = app.get("/api/v1/search?q=%E7%94%B3%E8%8A%B1").await.json();
    assert!(
        hits["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["id"] != id)
    );
    let again = app
        .post_form_with(
            "/editor/takedown",
            &editor,
            &format!("csrf={ecsrf}&article={id}&reason=x"),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let studio = app
        .get_with("/studio", &[("cookie", &creator)])
        .await
        .html();
    assert_eq!(score(&studio), "90");
    assert!(text(&studio, ".ledger").contains(reason));
    assert!(text(&studio, "tbody").contains("已下架"));

    // Appeal (once); the editor grants it: the points come back.
    let action = attrs(&studio, ".ledger form", "action")[0].clone();
    let r = app
        .post_form_with(&action, &creator, &format!("csrf={ccsrf}&text=x"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "too short");
    let r = app
        .post_form_with(
            &action,
            &creator,
            &format!("csrf={ccsrf}&text={}", enc("标题来自官方通报，附链接")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post_form_with(
            &action,
            &creator,
            &format!("csrf={ccsrf}&text={}", enc("再申诉一次可以吗")),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "one appeal per entry");
    let queue = app
        .get_with("/editor/standing", &[("cookie", &editor)])
        .await
        .html();
    assert!(text(&queue, ".appeal").contains("官方通报"));
    let decide = attrs(&queue, ".appeal form", "action")[0].clone();
    let r = app
        .post_form_with(
            &decide,
            &editor,
            &format!("csrf={ecsrf}&verdict=grant&reason="),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "a reply is required");
    let r = app
        .post_form_with(
            &decide,
            &editor,
            &format!(
                "csrf={ecsrf}&verdict=grant&reason={}",
                enc("核实属实，撤销扣分")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let studio = app
        .get_with("/studio", &[("cookie", &creator)])
        .await
        .html();
    assert_eq!(score(&studio), "100");
    assert!(text(&studio, ".ledger").contains("申诉成立"));
    assert!(text(&studio, ".ledger").contains("核实属实"));
    // Both decisions reached the creator's 消息, with their reasons.
    assert!(text(&studio, ".form-notice a").contains("2 条未读"));
    let notices = app
        .get_with("/notifications", &[("cookie", &creator)])
        .await
        .html();
    let lines = texts(&notices, ".notices li.unread");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("申诉已获支持") && lines[0].contains("核实属实"));
    assert!(lines[1].contains("被下架") && lines[1].contains(reason));
    let log: Vec<String> = app
        .store()
        .moderation_log(5)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(log[..2], ["appeal.grant", "article.take-down"]);
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
