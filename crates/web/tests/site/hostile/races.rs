//! Concurrent writes on the write routes never fail with a 500 (issue 21
//! finding 2: "database is locked" on `POST /apply`, `/editor/applications/
//! {id}` and `/editor/pins` while articles were being written — deferred
//! SQLite transactions that read, then failed to upgrade to a write).

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use hao_domain::Role;
use tokio::task::JoinSet;

use crate::apply::application;
use crate::support::*;

enum Write {
    Form {
        path: String,
        cookie: String,
        form: String,
    },
    Api {
        path: String,
        token: String,
        body: serde_json::Value,
    },
}

async fn send(app: &TestApp, w: &Write) -> (String, StatusCode, String) {
    let (path, r) = match w {
        Write::Form { path, cookie, form } => {
            (path.clone(), app.post_form_with(path, cookie, form).await)
        }
        Write::Api { path, token, body } => (
            path.clone(),
            app.send_json(Method::POST, path, Some(token), body).await,
        ),
    };
    let text = String::from_utf8_lossy(&r.body).chars().take(300).collect();
    (path, r.status, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_on_every_write_route_give_no_500() {
    let app = TestApp::with_articles().await;
    app.user("editor", Role::Editor, None).await;
    app.user("writer", Role::Creator, Some("并发写作者")).await;
    let editor = app.sign_in("editor", PASSWORD).await.unwrap();
    let ecsrf = app.csrf_of(&editor).await;
    let writer = app.sign_in("writer", PASSWORD).await.unwrap();
    let wcsrf = app.csrf_of(&writer).await;
    let token = app.token_of(&writer).await;

    let mut writes = Vec::new();
    // Applications waiting for a decision, decided all at once below.
    for i in 0..8 {
        let name = format!("待审读者{i}");
        app.user(&name, Role::Reader, None).await;
        let s = app.sign_in(&name, PASSWORD).await.unwrap();
        let csrf = app.csrf_of(&s).await;
        let r = app
            .post_form_with(
                "/apply",
                &s,
                &format!("csrf={csrf}&{}", application(&format!("并发号{i}"))),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    }
    let queue = app
        .get_with("/editor/applications", &[("cookie", &editor)])
        .await
        .html();
    let actions = attrs(&queue, ".application form", "action");
    assert!(actions.len() >= 8, "{actions:?}");
    for (i, action) in actions.iter().enumerate() {
        let verdict = if i % 2 == 0 {
            "verdict=approve".to_owned()
        } else {
            format!("verdict=reject&reason={}", enc("请补充代表作品"))
        };
        writes.push(Write::Form {
            path: action.clone(),
            cookie: editor.clone(),
            form: format!("csrf={ecsrf}&{verdict}"),
        });
    }
    // New applications.
    for i in 0..8 {
        let name = format!("申请读者{i}");
        app.user(&name, Role::Reader, None).await;
        let s = app.sign_in(&name, PASSWORD).await.unwrap();
        let csrf = app.csrf_of(&s).await;
        writes.push(Write::Form {
            path: "/apply".into(),
            cookie: s,
            form: format!("csrf={csrf}&{}", application(&format!("新号{i}"))),
        });
    }
    // Pins, follows and articles from the API and the studio.
    for (i, fx) in ["fx-001", "fx-002", "fx-003", "fx-013"].iter().enumerate() {
        let id = app.id_of(fx).await;
        writes.push(Write::Form {
            path: "/editor/pins".into(),
            cookie: editor.clone(),
            form: format!(
                "csrf={ecsrf}&article={id}&channel=sports&reason={}",
                enc(&format!("要闻{i}"))
            ),
        });
        writes.push(Write::Form {
            path: format!("/article/{id}/like"),
            cookie: writer.clone(),
            form: format!("csrf={wcsrf}"),
        });
    }
    for i in 0..16 {
        writes.push(Write::Api {
            path: "/api/v1/articles".into(),
            token: token.clone(),
            body: serde_json::json!({
                "title": format!("并发写入的第{i}篇文章"),
                "body": format!("第{i}篇的正文，讲述一场并发写入的比赛，足够长。"),
            }),
        });
    }
    // Interleave the kinds so that every route meets the others.
    let n = writes.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|i| (i * 7919) % n);

    let app = Arc::new(app);
    let writes = Arc::new(writes);
    let mut set = JoinSet::new();
    for i in order {
        let app = app.clone();
        let writes = writes.clone();
        set.spawn(async move { send(&app, &writes[i]).await });
    }
    let mut failures = Vec::new();
    let mut done = 0;
    while let Some(r) = set.join_next().await {
        let (path, status, text) = r.unwrap();
        done += 1;
        if status.is_server_error() {
            failures.push(format!("{path}: {status} {text}"));
        }
    }
    assert_eq!(done, n);
    assert!(failures.is_empty(), "{failures:#?}");
    // Every application got its answer and every article its row.
    let queue = app
        .get_with("/editor/applications", &[("cookie", &editor)])
        .await
        .html();
    assert_eq!(
        attrs(&queue, ".application form", "action").len(),
        8,
        "the new ones remain"
    );
}
