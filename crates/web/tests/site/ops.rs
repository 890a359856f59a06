//! What operators read: `/metrics` in the Prometheus text format (parsed
//! here by a parser of that format), `/readyz`, and a request id on every
//! answer.

use axum::http::StatusCode;

use crate::support::*;

#[tokio::test]
async fn metrics_parse_and_count_what_happened() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    for _ in 0..3 {
        assert_eq!(
            app.get(&format!("/article/{id}")).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(app.get("/search?q=%E7%90%83").await.status, StatusCode::OK);
    assert_eq!(app.get("/no/such/page").await.status, StatusCode::NOT_FOUND);
    app.app().flush_views().await.unwrap();
    // Relayed by the reverse proxy (from loopback, but the public's): no.
    let relayed = app
        .get_with("/metrics", &[("x-forwarded-for", "203.0.113.9")])
        .await;
    assert_eq!(relayed.status, StatusCode::NOT_FOUND);
    let r = app.get("/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = r.text();
    let scrape = openmetrics_parser::prometheus::parse_prometheus(&text)
        .unwrap_or_else(|e| panic!("not the Prometheus text format: {e:?}\n{text}"));
    use openmetrics_parser::PrometheusValue as V;
    let value = |v: &V| match v {
        V::Unknown(n) | V::Gauge(n) => n.as_f64(),
        V::Counter(c) => c.value.as_f64(),
        _ => f64::NAN,
    };
    let sample = |name: &str, label: Option<(&str, &str)>| {
        let family = scrape.families.get(name)?;
        // The sum over the matching samples (the recorder is the process's:
        // other tests' requests are in it too).
        let matching: Vec<f64> = family
            .iter_samples()
            .filter(|s| {
                label.is_none_or(|(k, v)| {
                    s.get_labelset()
                        .ok()
                        .and_then(|l| l.get_label_value(k).map(|x| x == v))
                        .unwrap_or(false)
                })
            })
            .map(|s| value(&s.value))
            .collect();
        (!matching.is_empty()).then(|| matching.iter().sum::<f64>())
    };
    // Requests per route pattern (never the raw path), with their status.
    let article = sample("hao_http_requests_total", Some(("route", "/article/{id}")))
        .unwrap_or_else(|| panic!("requests of /article/{{id}} in {text}"));
    assert!(article >= 3.0, "{article}");
    assert!(sample("hao_http_requests_total", Some(("route", "unmatched"))).is_some());
    assert!(
        !text.contains(&format!("/article/{id}\"")),
        "no label holds a raw path"
    );
    assert!(
        scrape
            .families
            .contains_key("hao_http_request_duration_seconds"),
        "latency histogram"
    );
    for name in [
        "hao_page_cache_hits_total",
        "hao_page_cache_misses_total",
        "hao_view_flush_age_seconds",
        "hao_db_pool_connections",
        "hao_db_pool_in_use",
        "hao_search_queue_depth",
        "hao_change_log_seq",
        "hao_change_log_behind",
    ] {
        assert!(sample(name, None).is_some(), "{name} in {text}");
    }
    assert!(sample("hao_page_cache_hits_total", None).unwrap() >= 1.0);
    let age = sample("hao_view_flush_age_seconds", None).unwrap();
    assert!((0.0..60.0).contains(&age), "{age}");
}

#[tokio::test]
async fn readyz_says_what_is_missing() {
    // A node whose index has not been built yet is not ready.
    let app = TestApp::empty().await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text().contains("search index"), "{}", r.text());
    app.sync().await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

#[tokio::test]
async fn every_answer_has_a_request_id() {
    let app = TestApp::with_articles().await;
    let a = app.get("/").await.header("x-request-id").unwrap();
    let b = app
        .get("/no/such/page")
        .await
        .header("x-request-id")
        .unwrap();
    assert!(!a.is_empty() && a != b, "{a} {b}");
    // A client's sane id is kept (to follow a request through a proxy)...
    let r = app.get_with("/", &[("x-request-id", "lb-42.abc_Z")]).await;
    assert_eq!(r.header("x-request-id").unwrap(), "lb-42.abc_Z");
    // ...a hostile one is replaced.
    let long = "x".repeat(500);
    for bad in [long.as_str(), "a b", "<script>"] {
        let r = app.get_with("/", &[("x-request-id", bad)]).await;
        let id = r.header("x-request-id").unwrap();
        assert_ne!(id, bad);
        assert!(id.len() <= 64);
    }
}
