//! E-mail and 忘记密码 end to end through a real SMTP server on loopback
//! (`mailin-embedded`): an address confirmed by the link sent to it, a
//! reset link asked for by that address, the new password set through it,
//! every other session ended, the link dead after one use; an unknown
//! address answered alike and sent nothing; without SMTP, the page says how
//! an admin resets a password.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use base64::Engine;
use mailin_embedded::{Handler, Response, Server, SslConfig, response};

use crate::support::{PASSWORD, TestApp, enc, form_value, set_cookie, text};

/// Every message the sink received: (recipients, raw message).
type Inbox = Arc<Mutex<Vec<(Vec<String>, String)>>>;

#[derive(Clone)]
struct Sink {
    inbox: Inbox,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Sink {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        let raw = String::from_utf8_lossy(&self.data).into_owned();
        self.inbox
            .lock()
            .unwrap()
            .push((std::mem::take(&mut self.to), raw));
        response::OK
    }
}

/// Starts the SMTP sink on a free loopback port.
fn smtp_sink() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut server = Server::new(Sink {
        inbox: inbox.clone(),
        to: Vec::new(),
        data: Vec::new(),
    });
    server
        .with_name("sink.localhost")
        .with_ssl(SslConfig::None)
        .unwrap()
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (format!("smtp://127.0.0.1:{port}"), inbox)
}

/// The text of a message: its body decoded (base64 or quoted-printable).
fn body_of(raw: &str) -> String {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let head = head.to_ascii_lowercase();
    if head.contains("content-transfer-encoding: base64") {
        let joined: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .unwrap(),
        )
        .unwrap()
    } else if head.contains("content-transfer-encoding: quoted-printable") {
        let soft = body.replace("=\r\n", "");
        let bytes = soft.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                out.push(u8::from_str_radix(&soft[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    } else {
        body.to_owned()
    }
}

/// Waits for message number `n` (0-based) and returns its recipients and
/// the token of the link in it.
async fn nth_link(inbox: &Inbox, n: usize, path: &str) -> (Vec<String>, String) {
    for _ in 0..100 {
        if let Some((to, raw)) = inbox.lock().unwrap().get(n).cloned() {
            let body = body_of(&raw);
            let at = body
                .find(&format!("{path}?token="))
                .unwrap_or_else(|| panic!("no {path} link in:\n{body}"));
            let token: String = body[at + path.len() + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            return (to, token);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("message {n} never arrived");
}

async fn csrf_pair(t: &TestApp, path: &str) -> (String, String) {
    let form = t.get(path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let cookie = set_cookie(&form, "hao_csrf").expect("a pre-sign-in CSRF cookie");
    (cookie, form_value(&form.html(), "csrf"))
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_mail() {
    let (url, inbox) = smtp_sink();
    let mailer = hao_app::mail::Mailer::new(&url, "号平台 <noreply@hao.test>").unwrap();
    let t = TestApp::empty_with(|app| app.with_mailer(mailer)).await;
    t.user("忘了密码的人", hao_domain::Role::Reader, None).await;
    let session = t.sign_in("忘了密码的人", PASSWORD).await.unwrap();
    let other_device = t.sign_in("忘了密码的人", PASSWORD).await.unwrap();

    // The address is confirmed by the link sent to it.
    let csrf = t.csrf_of(&session).await;
    let r = t
        .post_form_with(
            "/me/email",
            &session,
            &format!("csrf={csrf}&email={}", enc(" Wang.Li@Example.CN ")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let (to, verify) = nth_link(&inbox, 0, "/verify-email").await;
    assert_eq!(to, ["wang.li@example.cn"]);
    let r = t.get(&format!("/verify-email?token={verify}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("wang.li@example.cn"));
    let me = t.get_with("/me", &[("cookie", &session)]).await;
    assert!(me.text().contains("已确认"), "{}", me.text());
    // A confirmation link works once.
    let again = t.get(&format!("/verify-email?token={verify}")).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);

    // An unknown address is answered alike, and nothing is sent.
    let (cookie, csrf) = csrf_pair(&t, "/forgot-password").await;
    let r = t
        .post_form_with(
            "/forgot-password",
            &cookie,
            &format!("csrf={csrf}&email={}", enc("nobody@example.cn")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let unknown_answer = text(&r.html(), "[role=status]");
    // The known address: the same answer, and a reset link by mail.
    let r = t
        .post_form_with(
            "/forgot-password",
            &cookie,
            &format!("csrf={csrf}&email={}", enc("WANG.LI@example.cn")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(text(&r.html(), "[role=status]"), unknown_answer);
    let (to, reset) = nth_link(&inbox, 1, "/reset-password").await;
    assert_eq!(to, ["wang.li@example.cn"]);
    assert_eq!(
        inbox.lock().unwrap().len(),
        2,
        "nothing went to the unknown address"
    );

    // The link's form; two different passwords are refused, kept nothing.
    let form = t.get(&format!("/reset-password?token={reset}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let cookie = set_cookie(&form, "hao_csrf").unwrap_or(cookie);
    let csrf = form_value(&form.html(), "csrf");
    let r = t
        .post_form_with(
            "/reset-password",
            &cookie,
            &format!("csrf={csrf}&token={reset}&password=new-pass-2026&password2=new-pass-2027"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .post_form_with(
            "/reset-password",
            &cookie,
            &format!("csrf={csrf}&token={reset}&password=new-pass-2026&password2=new-pass-2026"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Every session ended; the old password is refused, the new one signs in.
    for s in [&session, &other_device] {
        let me = t.get_with("/me", &[("cookie", s)]).await;
        assert_ne!(me.status, StatusCode::OK, "a session survived the reset");
    }
    assert!(t.sign_in("忘了密码的人", PASSWORD).await.is_err());
    assert!(t.sign_in("忘了密码的人", "new-pass-2026").await.is_ok());
    // The link is dead after one use.
    let r = t.get(&format!("/reset-password?token={reset}")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = t
        .post_form_with(
            "/reset-password",
            &cookie,
            &format!("csrf={csrf}&token={reset}&password=third-pass-1&password2=third-pass-1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // A bad address is named as such.
    let r = t
        .post_form_with(
            "/forgot-password",
            &cookie,
            &format!("csrf={csrf}&email={}", enc("not an address")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn without_smtp_the_site_says_how_an_admin_resets_a_password() {
    let t = TestApp::empty().await;
    let r = t.get("/forgot-password").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("hao user reset-password"), "{}", r.text());
    let signin = t.get("/signin").await;
    assert!(signin.text().contains("/forgot-password"));
}
