//! `TestApp`: a fresh data dir, the real store, the real import, the real router.

use std::io::Cursor;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use hao::import::{Options, Summary, import_reader};
use hao_store::Store;
use hao_web::{AppState, SiteOptions};
use http_body_util::BodyExt;
use indicatif::ProgressBar;
use scraper::{Html, Selector};
use tower::ServiceExt;

pub const ARTICLES: &[u8] = include_bytes!("../fixtures/articles.jsonl");
pub const BAD_LINES: &[u8] = include_bytes!("../fixtures/bad-lines.jsonl");
pub const BASE_URL: &str = "https://hao.test";

pub struct TestApp {
    pub state: AppState,
    router: Router,
    _dir: tempfile::TempDir,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }

    pub fn html(&self) -> Html {
        Html::parse_document(&self.text())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }
}

impl TestApp {
    /// A fresh database with the help pages (as `hao` writes at start-up).
    pub async fn empty() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&Store::sqlite_url(dir.path()))
            .await
            .unwrap();
        hao::seed::ensure_help_pages(&store).await.unwrap();
        let search = std::sync::Arc::new(hao_search::SearchIndex::in_memory().unwrap());
        let state = AppState::with_search(
            store,
            SiteOptions {
                base_url: BASE_URL.to_owned(),
                page_ttl: Duration::from_secs(60),
            },
            Some(search),
        );
        TestApp {
            router: hao_web::router(state.clone()),
            state,
            _dir: dir,
        }
    }

    /// A fresh database with the fixture articles imported.
    pub async fn with_articles() -> TestApp {
        let app = TestApp::empty().await;
        let summary = app.import(ARTICLES).await;
        assert_eq!(summary.skipped, 0, "{:?}", summary.errors);
        app
    }

    pub fn store(&self) -> &Store {
        self.state.store()
    }

    /// Imports JSON Lines through the real import path, then lets the pages
    /// see the writes (as the change-log follower does in `hao serve`).
    pub async fn import(&self, data: &[u8]) -> Summary {
        let bar = ProgressBar::hidden();
        let stop = AtomicBool::new(false);
        let opts = Options {
            batch: 4,
            progress: &bar,
            stop: &stop,
            name: "test",
        };
        let summary = import_reader(self.store(), Cursor::new(data.to_vec()), &opts)
            .await
            .unwrap();
        self.sync().await;
        summary
    }

    /// What the background follower of `hao serve` does after a write:
    /// apply the change log to the search index and refresh the pages.
    pub async fn sync(&self) {
        let index = self.state.search().unwrap();
        let from = index.applied_seq().unwrap_or(0);
        hao_web::search_sync::apply_changes(self.store(), index, from)
            .await
            .unwrap();
        self.state.invalidate();
    }

    pub async fn request(&self, req: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut req = Request::builder().method(Method::GET).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.request(req.body(Body::empty()).unwrap()).await
    }

    pub async fn get_care(&self, path: &str) -> TestResponse {
        self.get_with(path, &[("cookie", "theme=x; hao_care=1")])
            .await
    }

    pub async fn post_form(&self, path: &str, form: &str) -> TestResponse {
        self.request(
            Request::post(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form.to_owned()))
                .unwrap(),
        )
        .await
    }

    /// The id of an imported article.
    pub async fn id_of(&self, external_id: &str) -> i64 {
        self.store()
            .article_by_external_id(external_id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{external_id} not imported"))
            .id
    }
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e:?}"))
}

/// The text of the elements matching `selector`, white space collapsed.
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    html.select(&sel(selector))
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

pub fn text(html: &Html, selector: &str) -> String {
    let all = texts(html, selector);
    assert!(!all.is_empty(), "nothing matches {selector}");
    all.join(" | ")
}

pub fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    html.select(&sel(selector))
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}
