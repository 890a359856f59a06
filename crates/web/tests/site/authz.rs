//! The authorisation matrix: every guarded route × every role (anonymous,
//! reader, another creator, the owner, editor, admin). A forbidden cell is
//! refused (403, or a redirect to sign in); an allowed cell is served; a form
//! without the session's CSRF token is refused whatever the role.

use axum::http::StatusCode;
use hao_domain::Role;

use crate::support::*;

const ROLES: [&str; 6] = ["anonymous", "reader", "other", "owner", "editor", "admin"];

/// Who may: a list of role names.
fn may(roles: &[&str], role: &str) -> bool {
    roles.contains(&role)
}

const SIGNED_IN: &[&str] = &["reader", "other", "owner", "editor", "admin"];
const CREATORS: &[&str] = &["other", "owner"];
const OWNER_OR_EDITORS: &[&str] = &["owner", "editor", "admin"];
const EDITORS: &[&str] = &["editor", "admin"];
const ADMINS: &[&str] = &["admin"];
const EVERYONE: &[&str] = &["anonymous", "reader", "other", "owner", "editor", "admin"];

fn refused(r: &TestResponse) -> bool {
    r.status == StatusCode::FORBIDDEN
        || (r.status == StatusCode::SEE_OTHER
            && r.header("location")
                .is_some_and(|l| l.starts_with("/signin")))
}

#[tokio::test]
async fn every_route_refuses_every_role_it_should_and_serves_the_others() {
    let app = TestApp::with_articles().await;
    app.user("reader", Role::Reader, None).await;
    app.user("other", Role::Creator, Some("数码新知")).await;
    app.user("owner", Role::Creator, Some("江畔球评")).await;
    app.user("editor", Role::Editor, None).await;
    app.user("admin", Role::Admin, None).await;
    let mut sessions = std::collections::HashMap::new();
    for role in &ROLES[1..] {
        let s = app.sign_in(role, PASSWORD).await.unwrap();
        let csrf = app.csrf_of(&s).await;
        sessions.insert(*role, (s, csrf));
    }
    let article = app.id_of("fx-001").await; // the owner's
    // Comments to moderate: two published, one held (a new account's).
    let commenter = app.user("commenter", Role::Reader, None).await;
    let commenter = app.store().user(commenter).await.unwrap().unwrap();
    let post = |body: &'static str| {
        let (app, commenter) = (&app, &commenter);
        async move {
            app.app()
                .post_comment(
                    hao_app::engage::Actor {
                        user: commenter,
                        addr: "192.0.2.9",
                    },
                    hao_app::engage::Draft {
                        article_id: article,
                        reply_to: None,
                        body,
                    },
                )
                .await
                .unwrap()
                .id
        }
    };
    let held = post("新号的跟帖").await;
    app.app().advance_clock(3600);
    let comment = post("矩阵里的跟帖").await;
    let reported = post("矩阵里被举报的跟帖").await;
    let pages: Vec<(String, &[&str])> = vec![
        ("/me".into(), SIGNED_IN),
        ("/following".into(), SIGNED_IN),
        ("/favorites".into(), SIGNED_IN),
        ("/notifications".into(), SIGNED_IN),
        ("/feed".into(), EVERYONE),
        ("/apply".into(), EVERYONE),
        ("/studio".into(), CREATORS),
        ("/write".into(), CREATORS),
        ("/studio/stats".into(), CREATORS),
        (format!("/write/{article}"), OWNER_OR_EDITORS),
        (format!("/write/{article}/history"), OWNER_OR_EDITORS),
        ("/editor/originality".into(), EDITORS),
        ("/editor/log".into(), EDITORS),
        ("/editor/pins".into(), EDITORS),
        ("/editor/reviews".into(), EDITORS),
        ("/editor/applications".into(), EDITORS),
        ("/editor/standing".into(), EDITORS),
        ("/editor/reports".into(), EDITORS),
        ("/admin".into(), ADMINS),
        ("/admin/users".into(), ADMINS),
        ("/admin/users?q=comm".into(), ADMINS),
        (format!("/admin/users/{}", commenter.id), ADMINS),
        ("/admin/settings".into(), ADMINS),
        ("/admin/words".into(), ADMINS),
        ("/me/comments".into(), SIGNED_IN),
        (format!("/report?target=article&id={article}"), SIGNED_IN),
        (format!("/comment/{comment}/reply"), SIGNED_IN),
        (
            format!("/manage/comments?article={article}"),
            OWNER_OR_EDITORS,
        ),
        (format!("/article/{article}/comments"), EVERYONE),
        (format!("/comment/{comment}"), EVERYONE),
        (format!("/api/v1/articles/{article}/comments"), EVERYONE),
        // What leaves the site is public, the same for every role.
        ("/rss.xml".into(), EVERYONE),
        ("/atom.xml".into(), EVERYONE),
        ("/channel/sports/rss.xml".into(), EVERYONE),
        ("/sitemap.xml".into(), EVERYONE),
        ("/sitemaps/pages.xml".into(), EVERYONE),
        ("/robots.txt".into(), EVERYONE),
        ("/api/v1/articles".into(), EVERYONE),
        ("/api/v1/channels".into(), EVERYONE),
        ("/api/v1/authors".into(), EVERYONE),
        ("/api/v1/tags".into(), EVERYONE),
    ];
    let mut cells = 0;
    for (path, allowed) in &pages {
        for role in ROLES {
            let r = match sessions.get(role) {
                Some((s, _)) => app.get_with(path, &[("cookie", s)]).await,
                None => app.get(path).await,
            };
            if may(allowed, role) {
                assert_eq!(
                    r.status,
                    StatusCode::OK,
                    "GET {path} as {role}: {}",
                    r.text()
                );
            } else {
                assert!(
                    refused(&r),
                    "GET {path} as {role} was not refused: {}",
                    r.status
                );
            }
            cells += 1;
        }
    }
    // Forms: (path, body after the token, who may).
    let forms: Vec<(String, String, &[&str])> = vec![
        ("/me/tokens".into(), "name=matrix".into(), SIGNED_IN),
        ("/feed/history/clear".into(), String::new(), SIGNED_IN),
        ("/notifications/read".into(), String::new(), SIGNED_IN),
        ("/feed/personalize".into(), "on=1".into(), SIGNED_IN),
        (
            format!("/write/{article}/unpublish"),
            String::new(),
            OWNER_OR_EDITORS,
        ),
        (
            "/editor/pins".into(),
            format!("article={article}&channel=sports&reason=matrix"),
            EDITORS,
        ),
        (
            "/editor/takedown".into(),
            "article=999999&reason=matrix".into(),
            EDITORS,
        ),
        (
            format!("/manage/articles/{article}/comments"),
            "closed=0".into(),
            OWNER_OR_EDITORS,
        ),
        (
            format!("/manage/comments/{comment}/hide"),
            "reason=matrix".into(),
            OWNER_OR_EDITORS,
        ),
        (
            format!("/manage/comments/{held}/approve"),
            String::new(),
            EDITORS,
        ),
        (
            "/editor/reports/act".into(),
            format!("target=comment&id={reported}&action=dismiss"),
            EDITORS,
        ),
        (
            "/report".into(),
            format!("target=article&id={article}&reason=spam"),
            SIGNED_IN,
        ),
        (
            "/notifications/settings".into(),
            "on=reply".into(),
            SIGNED_IN,
        ),
        (
            format!("/admin/users/{}", commenter.id),
            "act=sessions".into(),
            ADMINS,
        ),
        (
            "/admin/settings".into(),
            format!("name={}", enc("号")),
            ADMINS,
        ),
        (
            "/admin/words".into(),
            format!("words={}", enc("加微信 hold")),
            ADMINS,
        ),
    ];
    for (path, body, allowed) in &forms {
        for role in ROLES {
            let r = match sessions.get(role) {
                Some((s, csrf)) => {
                    app.post_form_with(path, s, &format!("csrf={csrf}&{body}"))
                        .await
                }
                None => app.post_form(path, &format!("csrf=x&{body}")).await,
            };
            if may(allowed, role) {
                assert!(
                    !refused(&r),
                    "POST {path} as {role} was refused: {}",
                    r.text()
                );
                assert!(
                    r.status.as_u16() < 500,
                    "POST {path} as {role}: {}",
                    r.status
                );
            } else {
                assert!(
                    refused(&r),
                    "POST {path} as {role} was not refused: {}",
                    r.status
                );
            }
            // Without the session's token: refused for everyone.
            if let Some((s, _)) = sessions.get(role) {
                let forged = app
                    .post_form_with(path, s, &format!("csrf=forged&{body}"))
                    .await;
                assert!(
                    refused(&forged),
                    "POST {path} as {role} without a token: {}",
                    forged.status
                );
            }
            cells += 1;
        }
    }
    assert_eq!(cells, (pages.len() + forms.len()) * ROLES.len());
}
