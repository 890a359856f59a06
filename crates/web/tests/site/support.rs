//! `TestApp`: a fresh data dir, the real store, the real import, the real
//! router, and the production change-log follower.

use std::io::Cursor;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use hao_app::App;
use hao_app::publish::import::{Options, Silent, Summary, import_reader};
use hao_store::Store;
use hao_web::{AppState, SiteOptions};
use http_body_util::BodyExt;
use scraper::{Html, Selector};
use tower::ServiceExt;

pub const ARTICLES: &[u8] = include_bytes!("../../../../tests/fixtures/articles.jsonl");
pub const BASE_URL: &str = "https://hao.test";

pub struct TestApp {
    pub state: AppState,
    router: Router,
    _dir: tempfile::TempDir,
}

#[derive(Debug)]
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
        TestApp::empty_with(|app| app).await
    }

    /// [`TestApp::empty`] with the application changed by `f` first
    /// (a mailer, other limits).
    pub async fn empty_with(f: impl FnOnce(App) -> App) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&Store::sqlite_url(dir.path()))
            .await
            .unwrap();
        hao_app::seed::ensure_help_pages(&store).await.unwrap();
        let search = std::sync::Arc::new(hao_search::SearchIndex::in_memory().unwrap());
        let state = AppState::new(
            f(App::new(store, Some(search))),
            SiteOptions {
                base_url: BASE_URL.to_owned(),
                page_ttl: Duration::from_secs(60),
                trust_forwarded: false,
            },
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
        let summary = self.import_unindexed(data).await;
        self.sync().await;
        summary
    }

    /// Imports JSON Lines into the database only: the search index is not
    /// told (a node whose index is still being built).
    pub async fn import_unindexed(&self, data: &[u8]) -> Summary {
        let stop = AtomicBool::new(false);
        let opts = Options {
            batch: 4,
            report: &Silent,
            stop: &stop,
            index: None,
        };
        import_reader(self.store(), Cursor::new(data.to_vec()), &opts)
            .await
            .unwrap()
    }

    /// The background follower of `hao serve`, one step (the same
    /// function): apply the change log to the search index, recompute the
    /// 相关推荐 of what changed, refresh the pages.
    pub async fn sync(&self) {
        let from = self.state.search().unwrap().applied_seq().unwrap_or(0);
        self.app().follow_changes(from).await.unwrap();
    }

    pub fn app(&self) -> &App {
        self.state.app()
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

    /// A share from the article page's button, by the reader `agent` (a
    /// browser says the form was this site's).
    pub async fn share(&self, article: i64, to: &str, agent: &str) -> TestResponse {
        self.request(
            Request::post(format!("/article/{article}/share"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .header("user-agent", agent)
                .body(Body::from(format!("to={to}")))
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

/// The `name=value` of a `Set-Cookie` header named `name`, if the response set it.
pub fn set_cookie(r: &TestResponse, name: &str) -> Option<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// A form field's value in a page.
pub fn form_value(html: &Html, name: &str) -> String {
    attrs(html, &format!("input[name={name}]"), "value")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no input named {name}"))
}

impl TestApp {
    pub async fn post_form_with(&self, path: &str, cookie: &str, form: &str) -> TestResponse {
        self.request(
            Request::post(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", cookie)
                .body(Body::from(form.to_owned()))
                .unwrap(),
        )
        .await
    }

    /// A form POST from the peer address `addr` (as `hao serve` sees it).
    pub async fn post_form_from(
        &self,
        addr: &str,
        path: &str,
        cookie: &str,
        form: &str,
    ) -> TestResponse {
        let mut req = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .body(Body::from(form.to_owned()))
            .unwrap();
        let peer: std::net::SocketAddr = format!("{addr}:40000").parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        self.request(req).await
    }

    /// A `multipart/form-data` POST, as a browser sends a form with a file:
    /// text fields, then at most one file (field name, file name, bytes).
    pub async fn post_multipart(
        &self,
        path: &str,
        cookie: &str,
        fields: &[(&str, String)],
        file: Option<(&str, &str, &[u8])>,
    ) -> TestResponse {
        let boundary = "haoTestBoundaryQ3zX9w";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((name, filename, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.request(
            Request::post(path)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("cookie", cookie)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> TestResponse {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        self.request(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// A user made directly in the store (as `hao user create` does).
    pub async fn user(&self, username: &str, role: hao_domain::Role, creator: Option<&str>) -> i64 {
        let creator_id = match creator {
            Some(name) => Some(
                self.store()
                    .ensure_creator(&hao_store::NewCreator {
                        display_name: name,
                        account_type: hao_domain::AccountType::Personal,
                        bio: "",
                        is_demo: false,
                        is_official: false,
                    })
                    .await
                    .unwrap(),
            ),
            None => None,
        };
        self.store()
            .create_user(
                username,
                &hao_app::secrets::hash_password(PASSWORD),
                role,
                creator_id,
            )
            .await
            .unwrap()
            .expect("username free")
    }

    /// Signs in through the form; returns the session cookie (`name=value`).
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<String, TestResponse> {
        let form = self.get("/signin").await;
        let pre = set_cookie(&form, "hao_csrf").expect("the form sets its CSRF cookie");
        let csrf = form_value(&form.html(), "csrf");
        let r = self
            .post_form_with(
                "/signin",
                &pre,
                &format!(
                    "csrf={csrf}&username={}&password={}",
                    enc(username),
                    enc(password)
                ),
            )
            .await;
        match set_cookie(&r, "hao_session") {
            Some(c) if r.status == StatusCode::SEE_OTHER => Ok(c),
            _ => Err(r),
        }
    }

    /// The CSRF token of a signed-in session (from `/me`).
    pub async fn csrf_of(&self, session: &str) -> String {
        let me = self.get_with("/me", &[("cookie", session)]).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text());
        form_value(&me.html(), "csrf")
    }

    /// A new API token of a signed-in session, created on `/me`.
    pub async fn token_of(&self, session: &str) -> String {
        let csrf = self.csrf_of(session).await;
        let r = self
            .post_form_with("/me/tokens", session, &format!("csrf={csrf}&name=test"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.html();
        texts(&html, ".form-notice code")
            .into_iter()
            .next()
            .expect("the new token is shown")
    }
}

pub const PASSWORD: &str = "correct-horse-电池";

pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
