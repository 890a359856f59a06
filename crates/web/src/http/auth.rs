//! Who is asking: server-side sessions (cookie `hao_session`), CSRF tokens,
//! API bearer tokens, password hashing and sign-in throttling.
//!
//! Invariants: the database never holds a secret in the clear (session ids and
//! tokens as SHA-256, passwords as argon2id); a session id is new at every
//! sign-in; every state-changing form carries the session's CSRF token (or,
//! before sign-in, a double-submit cookie).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hao_app::secrets::{same_secret, sha256_hex};
use hao_domain::User;

use crate::http::AppState;
use crate::http::error::{ApiError, PageError};

pub const SESSION_COOKIE: &str = "hao_session";
pub const PRE_CSRF_COOKIE: &str = "hao_csrf";
/// Sessions last 30 days.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;
/// A browser the user signed in from (see `hao_app::accounts`): a year.
pub const DEVICE_COOKIE: &str = "hao_device";
pub const DEVICE_SECONDS: i64 = 365 * 24 * 3600;

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, `Secure` when the site is
/// served over TLS.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.options().base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("cookie values are hex")
}

/// The cookie that names the signed-in reader to the pages' script, so that
/// a cached page (the same bytes for everyone) can show who is signed in.
/// Not a credential: the session cookie is, and it stays `HttpOnly`.
pub const READER_COOKIE: &str = "hao_user";

/// [`READER_COOKIE`] with `username` (percent-encoded), readable by the
/// pages' script; an empty `username` and `max_age` 0 remove it.
pub fn reader_cookie(state: &AppState, username: &str, max_age: i64) -> HeaderValue {
    let secure = if state.options().base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let value = percent_encoding::utf8_percent_encode(username, percent_encoding::NON_ALPHANUMERIC);
    HeaderValue::from_str(&format!(
        "{READER_COOKIE}={value}; Path=/; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("percent-encoded values are ASCII")
}

/// A signed-in reader: who, their CSRF token and their session's id hash.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub id_hash: String,
}

impl Session {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), PageError> {
        if same_secret(token, &self.csrf) {
            Ok(())
        } else {
            Err(csrf_refused())
        }
    }
}

pub fn csrf_refused() -> PageError {
    PageError {
        retry_after: None,
        status: StatusCode::FORBIDDEN,
        message: "表单已过期或来源不明（CSRF 校验失败）。请返回上一页刷新后重新提交。".into(),
        care: false,
    }
}

/// The signed-in reader of a form sent from a cached page (which carries no
/// CSRF token, or a private page's, which does), or where to send a reader
/// who is not signed in: the sign-in page, then back to `back`.
pub fn form_reader(
    session: Option<Session>,
    headers: &HeaderMap,
    csrf: &str,
    back: &str,
) -> Result<Result<Session, Response>, PageError> {
    let Some(session) = session else {
        let next = percent_encoding::utf8_percent_encode(back, percent_encoding::NON_ALPHANUMERIC);
        return Ok(Err(
            Redirect::to(&format!("/signin?next={next}")).into_response()
        ));
    };
    if csrf.is_empty() {
        if !crate::http::respond::same_origin(headers) {
            return Err(csrf_refused());
        }
    } else {
        session.check_csrf(csrf)?;
    }
    Ok(Ok(session))
}

/// The session of the request, if any.
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(id) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(MaybeSession(None));
        };
        let id_hash = sha256_hex(&id);
        Ok(MaybeSession(state.store().session(&id_hash).await?.map(
            |(user, csrf)| Session {
                user,
                csrf,
                id_hash,
            },
        )))
    }
}

/// A signed-in reader; anyone else is sent to the sign-in page and back.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Session);

/// Why a page refused the request: sign in first, or not allowed.
pub enum Refusal {
    SignIn(String),
    Page(PageError),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::SignIn(next) => {
                let next = percent_encoding::utf8_percent_encode(
                    &next,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                Redirect::to(&format!("/signin?next={next}")).into_response()
            }
            Refusal::Page(e) => e.into_response(),
        }
    }
}

impl From<PageError> for Refusal {
    fn from(e: PageError) -> Self {
        Refusal::Page(e)
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Refusal;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let MaybeSession(session) = MaybeSession::from_request_parts(parts, state).await?;
        // Back to the page after signing in; a form's target is no page to
        // come back to (it answers POST only), so a refused form goes home.
        let next = match parts.method {
            axum::http::Method::GET | axum::http::Method::HEAD => parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".into()),
            _ => "/".into(),
        };
        session.map(SignedIn).ok_or(Refusal::SignIn(next))
    }
}

/// Extractors of a signed-in user with at least a role: anyone else is
/// sent to sign in, or refused with the page's 403.
macro_rules! session_of_role {
    ($(#[$doc:meta])* $name:ident, $min:expr, $refusal:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Session);

        impl FromRequestParts<AppState> for $name {
            type Rejection = Refusal;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, Self::Rejection> {
                let SignedIn(session) = SignedIn::from_request_parts(parts, state).await?;
                if session.user.role >= $min {
                    Ok($name(session))
                } else {
                    Err(Refusal::Page(PageError::forbidden($refusal)))
                }
            }
        }
    };
}

session_of_role!(
    /// A signed-in editor or admin.
    EditorSession,
    hao_domain::Role::Editor,
    "只有编辑可以使用此页面。"
);
session_of_role!(
    /// A signed-in admin (`/admin`).
    AdminSession,
    hao_domain::Role::Admin,
    "只有管理员可以使用此页面。"
);

/// The user of an API request (`Authorization: Bearer TOKEN`).
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "this endpoint needs 'Authorization: Bearer TOKEN' (create a token on /me)",
                )
            })?;
        let user = state
            .store()
            .token_user(&sha256_hex(token))
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized("the token is unknown, revoked, or its user suspended")
            })?;
        // Every write through the API counts against the token's user and
        // the address (reads are cached pages' equivalent: not limited).
        if !parts.method.is_safe() {
            let Ok(ClientAddr(addr)) = ClientAddr::from_request_parts(parts, state).await;
            state
                .app()
                .limits()
                .check(hao_app::engage::limits::Action::ApiWrite, user.id, &addr)
                .map_err(|r| ApiError {
                    status: axum::http::StatusCode::TOO_MANY_REQUESTS,
                    code: "rate_limited",
                    message: format!("too many writes; try again in {} s", r.retry_after_secs()),
                    retry_after: Some(r.retry_after_secs()),
                })?;
        }
        Ok(ApiUser(user))
    }
}

/// The client's address: the connection's peer, or the first address of
/// `X-Forwarded-For` when the node is told it sits behind a proxy.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.options().trust_forwarded
            && let Some(first) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        {
            return Ok(ClientAddr(first.to_owned()));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "local".into());
        Ok(ClientAddr(peer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; hao_session=xyz; b=2".parse().unwrap());
        assert_eq!(cookie(&h, "hao_session").as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
