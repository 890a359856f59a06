//! Several stateless `hao serve` nodes on one PostgreSQL database: two real
//! processes on two ports. Runs when `HAO_TEST_POSTGRES` names a server (CI
//! sets it); the test gets a fresh database, dropped afterwards.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hao_store::Store;

use crate::nodes_support::*;

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_share_one_postgres_database() {
    let Ok(admin) = std::env::var("HAO_TEST_POSTGRES") else {
        eprintln!("HAO_TEST_POSTGRES not set: the two-node test needs PostgreSQL; skipped");
        return;
    };
    let db = PgDb::create(&admin).await;
    let dir = tempfile::tempdir().unwrap();
    let (data_a, data_b) = (dir.path().join("a"), dir.path().join("b"));
    hao(
        &db.url,
        &data_a,
        &["user", "create", "--username", "admin", "--role", "admin"],
        &[("HAO_PASSWORD", "admin-password-1")],
    );
    let token = hao(
        &db.url,
        &data_a,
        &["token", "create", "--username", "admin"],
        &[],
    )
    .trim()
    .to_owned();

    let (mut a, addr_a) = start_node(&db.url, &data_a);
    let (mut b, addr_b) = start_node(&db.url, &data_b);

    // A webhook for the whole site, registered on A: both nodes queue and
    // deliver, each event exactly once (checked at the end).
    let (hook_url, hooked) = receiver();
    let (status, body) = http(
        &addr_a,
        "POST",
        "/api/v1/webhooks",
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", "application/json"),
        ],
        &serde_json::json!({"url": hook_url, "events": ["article.published", "comment.created"]})
            .to_string(),
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");

    // Published through A: on B's article page, channel page and search within 2 s.
    let (status, body) = publish(&addr_a, &token, 0).unwrap();
    assert_eq!(status, 201, "{body}");
    let id = id_of(&body);
    let published = Instant::now();
    let page_views_on_b = std::cell::Cell::new(0i64);
    let on_b = |id: i64| {
        page_views_on_b.set(page_views_on_b.get() + 1);
        get(&addr_b, &format!("/article/{id}")).0 == 200
            && get(&addr_b, "/channel/tech")
                .1
                .contains(&format!("/article/{id}\""))
            && get(
                &addr_b,
                "/api/v1/search?q=%E9%87%8F%E5%AD%90%E8%AE%A1%E7%AE%97%E8%8A%AF%E7%89%87",
            )
            .1
            .contains(&format!("\"id\":{id}"))
    };
    while !on_b(id) {
        assert!(
            published.elapsed() < Duration::from_secs(2),
            "not on node B 2 s after publishing on node A"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("seen on node B after {:?}", published.elapsed());

    // A reader signs in on A and follows the author: B's author card counts it.
    hao(
        &db.url,
        &data_a,
        &[
            "user",
            "create",
            "--username",
            "reader_1",
            "--role",
            "reader",
        ],
        &[("HAO_PASSWORD", "reader-password-1")],
    );
    let (status, head, _) = http_with_head(
        &addr_a,
        "POST",
        "/signin",
        &[
            ("Cookie", "hao_csrf=nodes-test"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        "csrf=nodes-test&username=reader_1&password=reader-password-1",
    )
    .unwrap();
    assert_eq!(status, 303, "{head}");
    let session = head
        .lines()
        .filter_map(|l| l.split_once(": "))
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| {
            v.split(';')
                .next()
                .filter(|c| c.starts_with("hao_session="))
        })
        .expect("a session cookie")
        .to_owned();
    let author = serde_json::from_str::<serde_json::Value>(
        &get(&addr_b, &format!("/api/v1/articles/{id}")).1,
    )
    .unwrap()["author_id"]
        .as_i64()
        .expect("the article JSON names its author");
    let count_on_b = || {
        let page = get(&addr_b, &format!("/author/{author}")).1;
        page.split("class=\"follower-count\"><strong>")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .map(str::to_owned)
    };
    assert_eq!(count_on_b().as_deref(), Some("0"));
    let (status, body) = http(
        &addr_a,
        "POST",
        &format!("/author/{author}/follow"),
        &[
            ("Cookie", &session),
            ("Sec-Fetch-Site", "same-origin"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        "",
    )
    .unwrap();
    assert_eq!(status, 303, "{body}");
    let followed = Instant::now();
    while count_on_b().as_deref() != Some("1") {
        assert!(
            followed.elapsed() < Duration::from_secs(2),
            "the follow on A is not on B's author card: {:?}",
            count_on_b()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("follow seen on node B after {:?}", followed.elapsed());

    // A comment posted on A (an admin's: published at once) is on B's
    // article page within a second.
    let (status, body) = http(
        &addr_a,
        "POST",
        &format!("/api/v1/articles/{id}/comments"),
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", "application/json"),
        ],
        r#"{"body": "两个节点之间的跟帖"}"#,
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");
    assert!(body.contains("\"published\""), "{body}");
    let commented = Instant::now();
    while !get(&addr_b, &format!("/article/{id}"))
        .1
        .contains("两个节点之间的跟帖")
    {
        assert!(
            commented.elapsed() < Duration::from_secs(1),
            "the comment on A is not on B's article page within 1 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("comment seen on node B after {:?}", commented.elapsed());

    // A ban made through one door holds on node B within a second: its
    // token is refused there (suspension is read on every request).
    hao(
        &db.url,
        &data_a,
        &[
            "user",
            "create",
            "--username",
            "spammer",
            "--role",
            "reader",
        ],
        &[("HAO_PASSWORD", "spammer-password-1")],
    );
    let spam_token = hao(
        &db.url,
        &data_a,
        &["token", "create", "--username", "spammer"],
        &[],
    )
    .trim()
    .to_owned();
    let as_spammer = |addr: &str| {
        http(
            addr,
            "GET",
            "/api/v1/webhooks",
            &[("Authorization", &format!("Bearer {spam_token}"))],
            "",
        )
        .unwrap()
        .0
    };
    assert_eq!(as_spammer(&addr_b), 200);
    hao(
        &db.url,
        &data_a,
        &[
            "user",
            "suspend",
            "--username",
            "spammer",
            "--days",
            "3",
            "--reason",
            "刷屏广告",
        ],
        &[],
    );
    let banned = Instant::now();
    while as_spammer(&addr_b) != 401 {
        assert!(
            banned.elapsed() < Duration::from_secs(1),
            "the ban is not in force on node B within 1 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("ban in force on node B after {:?}", banned.elapsed());

    // Views sent to both nodes add up exactly (each node flushes its batch);
    // each of these comes from another reader (browser).
    let view = |addr: &str, reader: usize| {
        let agent = format!("reader-{reader}");
        let path = format!("/article/{id}");
        http(addr, "GET", &path, &[("User-Agent", &agent)], "").map(|r| r.0)
    };
    for reader in 0..7 {
        assert_eq!(view(&addr_a, reader), Some(200));
    }
    for reader in 7..12 {
        assert_eq!(view(&addr_b, reader), Some(200));
    }
    let store = Store::connect(&db.url).await.unwrap();
    let counted = Instant::now();
    // The readiness loop above viewed the page on B too, as one reader.
    assert!(page_views_on_b.get() >= 1);
    let expected = 7 + 5 + 1;
    loop {
        let views = store.article(id).await.unwrap().unwrap().views;
        if views == expected {
            break;
        }
        assert!(
            counted.elapsed() < Duration::from_secs(10),
            "views: {views}, expected {expected}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Another flush period: nothing counted twice.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(store.article(id).await.unwrap().unwrap().views, expected);

    // Scheduled through A, published at its time by one of the two nodes,
    // exactly once.
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let mut scheduled = Vec::new();
    for n in 0..3 {
        let body = serde_json::json!({
            "title": format!("定时发布的稿件{n}"),
            "body": "定时发布测试。",
            "author": "双节点测试",
            "publish_at": at.to_rfc3339(),
        });
        let (status, json) = http(
            &addr_a,
            "POST",
            "/api/v1/articles",
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Content-Type", "application/json"),
            ],
            &body.to_string(),
        )
        .unwrap();
        assert_eq!(status, 201, "{json}");
        assert!(json.contains("\"status\":\"scheduled\""), "{json}");
        scheduled.push(id_of(&json));
    }
    assert_eq!(get(&addr_b, &format!("/article/{}", scheduled[0])).0, 404);
    let waited = Instant::now();
    while scheduled
        .iter()
        .any(|id| get(&addr_b, &format!("/article/{id}")).0 != 200)
    {
        assert!(
            waited.elapsed() < Duration::from_secs(6),
            "scheduled articles not live"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    for id in &scheduled {
        let kinds = store.change_kinds(*id).await.unwrap();
        assert_eq!(
            kinds.iter().filter(|k| *k == "publish").count(),
            1,
            "{kinds:?}"
        );
    }

    // The webhook heard each event once, though both nodes queue and deliver.
    let published_ids: Vec<i64> = std::iter::once(id)
        .chain(scheduled.iter().copied())
        .collect();
    let count = |event: &str, id: Option<i64>| {
        hooked
            .lock()
            .unwrap()
            .iter()
            .map(|b| serde_json::from_str::<serde_json::Value>(b).unwrap())
            .filter(|v| v["event"] == event && id.is_none_or(|id| v["data"]["id"] == id))
            .count()
    };
    let waited = Instant::now();
    while published_ids
        .iter()
        .any(|i| count("article.published", Some(*i)) == 0)
        || count("comment.created", None) == 0
    {
        assert!(
            waited.elapsed() < Duration::from_secs(10),
            "webhook deliveries missing: {:?}",
            hooked.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("webhooks delivered within {:?}", waited.elapsed());
    // Another few rounds of both nodes: nothing sent twice.
    std::thread::sleep(Duration::from_millis(2500));
    for i in &published_ids {
        assert_eq!(count("article.published", Some(*i)), 1, "article {i}");
    }
    assert_eq!(count("comment.created", None), 1);

    // Node A killed (SIGKILL) while writing: no acknowledged write is lost,
    // and B keeps serving.
    let acked: Arc<Mutex<Vec<i64>>> = Arc::default();
    let writer = {
        let (acked, addr, token) = (acked.clone(), addr_a.clone(), token.clone());
        std::thread::spawn(move || {
            for n in 1..10_000 {
                match publish(&addr, &token, n) {
                    Some((201, body)) => acked.lock().unwrap().push(id_of(&body)),
                    Some((status, body)) => panic!("write refused: {status} {body}"),
                    None => break,
                }
            }
        })
    };
    // Killed once a few writes are acknowledged (however loaded the machine
    // running the tests is), while the writer keeps writing.
    let waited = Instant::now();
    while acked.lock().unwrap().len() < 3 && waited.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    a.kill().unwrap(); // SIGKILL
    a.wait().unwrap();
    writer.join().unwrap();
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 3,
        "only {} writes before the kill",
        acked.len()
    );
    eprintln!("{} writes acknowledged before SIGKILL", acked.len());
    for id in &acked {
        let article = store.article(*id).await.unwrap();
        assert!(article.is_some(), "acknowledged article {id} lost");
    }
    let last = *acked.last().unwrap();
    let killed = Instant::now();
    while get(&addr_b, &format!("/article/{last}")).0 != 200 {
        assert!(
            killed.elapsed() < Duration::from_secs(2),
            "B does not serve {last}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(get(&addr_b, "/healthz").0, 200);

    sigterm(&b);
    b.wait().unwrap();
    store.close().await;
    db.drop().await;
}
