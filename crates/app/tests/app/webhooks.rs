//! Webhooks against a real HTTP receiver on loopback: who may register,
//! every event once, the signature, a creator's scope against an admin's,
//! retries with backoff, and a webhook turned off (its owner told) when a
//! delivery is given up.

use std::sync::{Arc, Mutex};

use hao_app::App;
use hao_app::engage::{Actor, Draft};
use hao_app::publish::{ArticleInput, Request, publish};
use hao_app::webhooks::{MAX_ATTEMPTS, WebhookConfig, WebhookError, signature};
use hao_domain::{Role, User};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::Harness;

/// What the receiver got: (headers lower-cased, body).
type Got = Arc<Mutex<Vec<(Vec<(String, String)>, String)>>>;

/// A real HTTP/1.1 receiver: records each request, answers `status`.
async fn receiver(status: Arc<Mutex<u16>>) -> (String, Got) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let got: Got = Arc::default();
    let g = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let (g, status) = (g.clone(), status.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_string();
                    let headers: Vec<(String, String)> = head
                        .lines()
                        .skip(1)
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                        .collect();
                    let len: usize = headers
                        .iter()
                        .find(|(k, _)| k == "content-length")
                        .map_or(0, |(_, v)| v.parse().unwrap());
                    if buf.len() < end + 4 + len {
                        continue;
                    }
                    let body = String::from_utf8(buf[end + 4..end + 4 + len].to_vec()).unwrap();
                    g.lock().unwrap().push((headers, body));
                    let code = *status.lock().unwrap();
                    let reply = format!(
                        "HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = sock.write_all(reply.as_bytes()).await;
                    return;
                }
            });
        }
    });
    (format!("http://{addr}/hook"), got)
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> &'a str {
    h.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn article(title: &str, body: &str) -> Request {
    Request {
        input: ArticleInput {
            title: Some(title.to_owned()),
            body: Some(body.to_owned()),
            channel: Some("tech".to_owned()),
            ..Default::default()
        },
        publish: true,
        publish_at: None,
    }
}

/// Queues and delivers until nothing is left; returns the events received since `from`.
async fn pump(app: &App, got: &Got, from: usize) -> Vec<(String, serde_json::Value)> {
    app.dispatch_webhooks().await.unwrap();
    app.deliver_webhooks().await.unwrap();
    got.lock().unwrap()[from..]
        .iter()
        .map(|(h, b)| {
            (
                header(h, "x-hao-event").to_owned(),
                serde_json::from_str(b).unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_event_is_delivered_once_signed_and_scoped() {
    let h = Harness::empty().await;
    let app = App::new(h.store().clone(), None).with_webhooks(WebhookConfig {
        base_url: "https://hao.test".into(),
        allow_private: true,
    });
    let creator = h.user("写作者", Role::Creator, true).await;
    let other = h.user("别人", Role::Creator, true).await;
    let admin = h.user("管理员", Role::Admin, false).await;
    let reader = h.user("读者", Role::Reader, false).await;
    let (url, got) = receiver(Arc::new(Mutex::new(200))).await;
    let all: Vec<String> = hao_app::webhooks::EVENTS
        .iter()
        .map(|e| e.to_string())
        .collect();
    // A serving node's pass with nobody listening: the past (the help
    // pages) is not sent to webhooks made later.
    assert_eq!(app.dispatch_webhooks().await.unwrap(), 0);

    // Who may, and what is refused.
    assert!(matches!(
        app.create_webhook(&reader, &url, &all).await,
        Err(WebhookError::Forbidden)
    ));
    assert!(matches!(
        app.create_webhook(&creator, &url, &["article.deleted".into()])
            .await,
        Err(WebhookError::BadEvents(_))
    ));
    let strict = App::new(h.store().clone(), None);
    assert!(matches!(
        strict.create_webhook(&creator, &url, &all).await,
        Err(WebhookError::BadUrl(_))
    ));
    let mine = app.create_webhook(&creator, &url, &all).await.unwrap();
    let site = app
        .create_webhook(&admin, &url, &["article.published".into()])
        .await
        .unwrap();
    assert_ne!(mine.secret, site.secret);

    // Published: the creator's webhook and the admin's; another creator's
    // article reaches the admin's only.
    let done = publish(
        &app,
        &creator,
        article("量子计算新突破", "正文一段。"),
        None,
    )
    .await
    .unwrap();
    publish(&app, &other, article("别人的文章", "正文。"), None)
        .await
        .unwrap();
    let events = pump(&app, &got, 0).await;
    let mut names: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "article.published",
            "article.published",
            "article.published"
        ]
    );
    let (_, body) = events
        .iter()
        .find(|(_, b)| b["data"]["id"] == done.id)
        .unwrap();
    assert_eq!(body["event"], "article.published");
    assert_eq!(body["data"]["title"], "量子计算新突破");
    assert_eq!(body["data"]["external_id"], done.external_id);
    assert_eq!(
        body["data"]["url"],
        format!("https://hao.test/article/{}", done.id)
    );
    assert!(body["id"].is_string() && body["occurred_at"].is_string());
    // Every body signed with its webhook's secret.
    for (headers, raw) in got.lock().unwrap().iter() {
        let sig = header(headers, "x-hao-signature");
        assert!(
            sig == signature(&mine.secret, raw.as_bytes())
                || sig == signature(&site.secret, raw.as_bytes()),
            "{sig}"
        );
        assert_eq!(header(headers, "content-type"), "application/json");
    }
    // Nothing new: nothing sent again.
    assert!(pump(&app, &got, 3).await.is_empty());

    // Updated, a comment, a follower: the creator's webhook alone.
    let a = h.store().article(done.id).await.unwrap().unwrap();
    app.advance_clock(3600);
    publish(
        &app,
        &creator,
        article("量子计算新突破（更新）", "正文两段。"),
        Some(a),
    )
    .await
    .unwrap();
    let fan: User = reader.clone();
    app.post_comment(
        Actor {
            user: &fan,
            addr: "192.0.2.1",
        },
        Draft {
            article_id: done.id,
            reply_to: None,
            body: "期待量产",
        },
    )
    .await
    .unwrap();
    h.store()
        .follow(fan.id, creator.creator_id.unwrap(), None)
        .await
        .unwrap();
    let events = pump(&app, &got, 3).await;
    let names: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for want in ["article.updated", "comment.created", "follower.created"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let comment = &events
        .iter()
        .find(|(e, _)| e == "comment.created")
        .unwrap()
        .1;
    assert_eq!(comment["data"]["body"], "期待量产");
    let follower = &events
        .iter()
        .find(|(e, _)| e == "follower.created")
        .unwrap()
        .1;
    assert_eq!(follower["data"]["follower"], "读者");

    // Taken down: the creator hears of it.
    h.store().take_down(done.id, "测试").await.unwrap();
    let events = pump(&app, &got, 6).await;
    assert_eq!(
        events.iter().map(|(e, _)| e.as_str()).collect::<Vec<_>>(),
        ["article.taken_down"]
    );

    // The delivery log.
    let log = h.store().deliveries(mine.id, 50).await.unwrap();
    assert_eq!(log.len(), 5);
    assert!(
        log.iter()
            .all(|d| d.status == "delivered" && d.response_status == Some(200))
    );
}

#[tokio::test]
async fn a_failing_receiver_is_retried_then_turned_off() {
    let h = Harness::empty().await;
    let app = App::new(h.store().clone(), None).with_webhooks(WebhookConfig {
        base_url: String::new(),
        allow_private: true,
    });
    let creator = h.user("写作者", Role::Creator, true).await;
    let status = Arc::new(Mutex::new(503));
    let (url, got) = receiver(status.clone()).await;
    app.dispatch_webhooks().await.unwrap();
    let hook = app
        .create_webhook(&creator, &url, &["article.published".into()])
        .await
        .unwrap();
    // Down for two attempts, then back: delivered once, on the third.
    publish(&app, &creator, article("先失败后成功", "正文。"), None)
        .await
        .unwrap();
    app.dispatch_webhooks().await.unwrap();
    for _ in 0..2 {
        app.deliver_webhooks().await.unwrap();
        let d = &h.store().deliveries(hook.id, 1).await.unwrap()[0];
        assert_eq!(
            (d.status.as_str(), d.response_status),
            ("pending", Some(503))
        );
        app.advance_clock(d.next_at - app.now());
    }
    *status.lock().unwrap() = 200;
    assert_eq!(app.deliver_webhooks().await.unwrap(), 1);
    let d = &h.store().deliveries(hook.id, 1).await.unwrap()[0];
    assert_eq!((d.status.as_str(), d.attempts), ("delivered", 3));
    app.advance_clock(600);
    app.dispatch_webhooks().await.unwrap();
    assert_eq!(app.deliver_webhooks().await.unwrap(), 0);
    assert_eq!(got.lock().unwrap().len(), 3);
    got.lock().unwrap().clear();

    // Down for good: retried with backoff, then given up.
    *status.lock().unwrap() = 503;
    publish(&app, &creator, article("标题", "正文。"), None)
        .await
        .unwrap();
    app.dispatch_webhooks().await.unwrap();
    // Each failure waits longer: 10 s, 20 s, 40 s, …
    let mut waits = Vec::new();
    for attempt in 1..=MAX_ATTEMPTS {
        assert_eq!(app.deliver_webhooks().await.unwrap(), 0);
        assert_eq!(got.lock().unwrap().len() as i64, attempt);
        // Not due again before its time.
        app.deliver_webhooks().await.unwrap();
        assert_eq!(got.lock().unwrap().len() as i64, attempt);
        let d = &h.store().deliveries(hook.id, 1).await.unwrap()[0];
        assert_eq!(d.response_status, Some(503));
        if attempt < MAX_ATTEMPTS {
            assert_eq!(d.status, "pending");
            waits.push(d.next_at - app.now());
            app.advance_clock(d.next_at - app.now());
        } else {
            assert_eq!(d.status, "failed");
        }
    }
    assert_eq!(waits, [10, 20, 40, 80, 160]);
    let hook = h.store().webhook(hook.id).await.unwrap().unwrap();
    assert!(!hook.active);
    let notes = h.store().notifications(creator.id, 5).await.unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.kind == "webhook" && n.text.contains("已停用")),
        "{notes:?}"
    );
    // Turned off: hears nothing more.
    *status.lock().unwrap() = 200;
    publish(&app, &creator, article("又一篇", "正文。"), None)
        .await
        .unwrap();
    app.advance_clock(1000);
    app.dispatch_webhooks().await.unwrap();
    app.deliver_webhooks().await.unwrap();
    assert_eq!(got.lock().unwrap().len() as i64, MAX_ATTEMPTS);
}
