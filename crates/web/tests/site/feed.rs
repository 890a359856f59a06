//! The personal feed (推荐) and editors' headline pins (要闻置顶).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hao_domain::Role;

use crate::support::*;

fn reasons(html: &scraper::Html) -> Vec<(String, String)> {
    let titles = texts(html, ".feed li h3");
    let whys = texts(html, ".feed li .why");
    titles
        .into_iter()
        .zip(whys.into_iter().map(|w| w.replace("推荐理由：", "")))
        .collect()
}

#[tokio::test]
async fn the_feed_mixes_follows_history_hot_and_fresh_and_says_why() {
    let app = TestApp::with_articles().await;
    let index = app.state.search().unwrap().clone();
    hao_app::related::fill_all(app.store(), &index, app.state.related())
        .await
        .unwrap();

    // Anonymous: hot and fresh, and an invitation to sign in.
    let anon = app.get("/feed").await;
    assert_eq!(anon.status, StatusCode::OK);
    let html = anon.html();
    let items = reasons(&html);
    assert!(!items.is_empty());
    assert!(
        items.iter().all(|(_, why)| why == "热点" || why == "最新"),
        "{items:?}"
    );
    assert!(text(&html, ".feed-settings").contains("登录"));

    // A reader follows 数码新知 and reads the Shanghai derby report.
    app.user("reader", Role::Reader, None).await;
    let session = app.sign_in("reader", PASSWORD).await.unwrap();
    let tech = app.id_of("fx-004").await;
    let creator = app.store().article(tech).await.unwrap().unwrap().creator_id;
    let r = app
        .request(
            Request::post(format!("/author/{creator}/follow"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", &session)
                .header("sec-fetch-site", "same-origin")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let derby = app.id_of("fx-001").await;
    let page = app
        .get_with(&format!("/article/{derby}"), &[("cookie", &session)])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    app.app().flush_views().await.unwrap();
    let user = app
        .store()
        .user_for_signin("reader")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let history = app.store().reading_history(user, 10).await.unwrap();
    assert_eq!(history.iter().map(|h| h.0).collect::<Vec<_>>(), [derby]);

    let html = app.get_with("/feed", &[("cookie", &session)]).await.html();
    let items = reasons(&html);
    let derby_title = "申花主场2比1逆转海港 终结三连败";
    assert!(
        items.iter().any(|(_, why)| why == "因为你关注了数码新知"),
        "{items:?}"
    );
    let related: Vec<&(String, String)> = items
        .iter()
        .filter(|(_, why)| *why == format!("与你读过的《{derby_title}》相关"))
        .collect();
    assert!(!related.is_empty(), "{items:?}");
    assert!(
        items.iter().all(|(title, _)| title != derby_title),
        "what was read is not offered again"
    );
    // The first item is the followed creator's newest, the second from history.
    assert_eq!(items[0].1, "因为你关注了数码新知");
    assert!(items[1].1.starts_with("与你读过的"));
    assert!(text(&html, ".feed-settings").contains("1 篇"));

    // Clear the history: nothing related to reads any more.
    let csrf = app.csrf_of(&session).await;
    let r = app
        .post_form_with("/feed/history/clear", &session, &format!("csrf={csrf}"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.store()
            .reading_history(user, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let items = reasons(&app.get_with("/feed", &[("cookie", &session)]).await.html());
    assert!(
        items.iter().all(|(_, why)| !why.starts_with("与你读过的")),
        "{items:?}"
    );

    // Personalisation off: reads are no longer recorded; follows still count.
    let r = app
        .post_form_with("/feed/personalize", &session, &format!("csrf={csrf}&on=0"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let other = app.id_of("fx-002").await;
    app.get_with(&format!("/article/{other}"), &[("cookie", &session)])
        .await;
    app.app().flush_views().await.unwrap();
    assert!(
        app.store()
            .reading_history(user, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let html = app.get_with("/feed", &[("cookie", &session)]).await.html();
    assert!(text(&html, ".feed-settings").contains("已关闭"));
    assert!(
        reasons(&html)
            .iter()
            .any(|(_, why)| why == "因为你关注了数码新知")
    );
    // Bad input and forged forms.
    let bad = app
        .post_form_with(
            "/feed/personalize",
            &session,
            &format!("csrf={csrf}&on=maybe"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let forged = app
        .post_form_with("/feed/history/clear", &session, "csrf=forged")
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let anon = app.post_form("/feed/history/clear", "csrf=x").await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
}
