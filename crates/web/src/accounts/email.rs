//! E-mail and 忘记密码 pages: adding an address on `/me` (a link confirms
//! it), `/verify-email`, `/forgot-password` (a link by e-mail, or, where
//! the site sends none, how an admin resets a password) and
//! `/reset-password`. The rules are `hao_app::recovery`'s.

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hao_app::recovery::RecoveryError;
use maud::{Markup, html};
use serde::Deserialize;

use super::{check_pre_csrf, pre_csrf, wait_words, with_pre_csrf, with_retry_after};
use crate::http::AppState;
use crate::http::auth::{ClientAddr, SignedIn};
use crate::http::error::PageError;
use crate::http::respond::{is_care, no_store};
use crate::ui::layout::{Frame, layout};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/email", post(add_email))
        .route("/verify-email", get(verify_email))
        .route("/forgot-password", get(forgot_form).post(forgot))
        .route("/reset-password", get(reset_form).post(reset))
}

#[derive(Debug, Default, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
}

/// A small page: a title, what happened, what to do next.
fn page(status: StatusCode, care: bool, title: &str, path: &str, body: Markup) -> Response {
    let frame = Frame::new(title, path, care);
    let markup = layout(
        &frame,
        html! { section class="account-form" { h1 { (title) } (body) } },
    );
    no_store((status, Html(markup.into_string())).into_response())
}

fn recovery_error(e: RecoveryError, care: bool) -> Result<Response, PageError> {
    let (status, message, retry) = match e {
        RecoveryError::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, m, None),
        RecoveryError::Taken => (
            StatusCode::CONFLICT,
            "这个邮箱已绑定其他账号。".to_owned(),
            None,
        ),
        RecoveryError::Throttled { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!("发送的邮件太多了，请 {}后再试。", wait_words(retry_after)),
            Some(retry_after),
        ),
        RecoveryError::NoMail => (
            StatusCode::SERVICE_UNAVAILABLE,
            "本站没有配置邮件发送。".to_owned(),
            None,
        ),
        RecoveryError::Mail(e) => {
            tracing::warn!(error = %e, "a message was not sent");
            (
                StatusCode::BAD_GATEWAY,
                "邮件暂时发不出去，请稍后再试。".to_owned(),
                None,
            )
        }
        RecoveryError::Store(e) => return Err(e.into()),
    };
    let response = page(
        status,
        care,
        "没有完成",
        "/forgot-password",
        html! { p class="form-notice" role="alert" { (message) } p { a href="/me" { "返回我的账号" } } },
    );
    Ok(with_retry_after(response, retry))
}

async fn add_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(addr): ClientAddr,
    SignedIn(session): SignedIn,
    Form(form): Form<EmailForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let care = is_care(&headers);
    match state
        .app()
        .send_email_verification(&session.user, &form.email, &state.options().base_url, &addr)
        .await
    {
        Ok(()) => Ok(page(
            StatusCode::OK,
            care,
            "请查收确认邮件",
            "/me",
            html! {
                p role="status" { "确认链接已发到 " strong { (form.email.trim()) } "，24 小时内有效。打开链接后，这个邮箱就能用来找回密码。" }
                p { a href="/me" { "返回我的账号" } }
            },
        )),
        Err(e) => recovery_error(e, care),
    }
}

async fn verify_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    match state.app().confirm_email(&q.token).await? {
        Some(email) => Ok(page(
            StatusCode::OK,
            care,
            "邮箱已确认",
            "/verify-email",
            html! {
                p role="status" { strong { (email) } " 已绑定你的账号，忘记密码时可以用它找回。" }
                p { a href="/me" { "返回我的账号" } }
            },
        )),
        None => Err(PageError::bad_request(
            "这个确认链接无效、已用过或已过期。请在“我的账号”里重新发送。",
        )
        .with_care(care)),
    }
}

async fn forgot_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let care = is_care(&headers);
    if state.app().mailer().is_none() {
        return page(
            StatusCode::OK,
            care,
            "忘记密码",
            "/forgot-password",
            html! {
                p { "本站没有配置邮件发送，无法通过邮箱找回密码。" }
                p { "请联系网站管理员为你重设密码：管理员在服务器上运行 "
                    code { "hao user reset-password --username 你的用户名" }
                    "，设置新密码后，你的所有登录都会退出。" }
                p { a href="/signin" { "返回登录" } }
            },
        );
    }
    let (csrf, new_cookie) = pre_csrf(&headers);
    let response = page(
        StatusCode::OK,
        care,
        "忘记密码",
        "/forgot-password",
        html! {
            p { "输入你在“我的账号”里确认过的邮箱，我们会把重设密码的链接发给你（1 小时内有效，只能用一次）。" }
            form method="post" action="/forgot-password" {
                input type="hidden" name="csrf" value=(csrf);
                p {
                    label for="email" { "邮箱" }
                    input id="email" name="email" type="email" autocomplete="email" required maxlength="254";
                }
                p { button type="submit" { "发送重设链接" } }
            }
            p { a href="/signin" { "返回登录" } }
        },
    );
    with_pre_csrf(&state, response, &csrf, new_cookie)
}

async fn forgot(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<EmailForm>,
) -> Result<Response, PageError> {
    check_pre_csrf(&headers, &form.csrf)?;
    let care = is_care(&headers);
    match state
        .app()
        .send_password_reset(&form.email, &state.options().base_url, &addr)
        .await
    {
        Ok(()) => Ok(page(
            StatusCode::OK,
            care,
            "请查收邮件",
            "/forgot-password",
            html! {
                p role="status" { "如果这个邮箱绑定了号平台的账号，重设密码的链接已经发出，1 小时内有效。没有收到？请看看垃圾邮件，或几分钟后再试。" }
                p { a href="/signin" { "返回登录" } }
            },
        )),
        Err(e) => recovery_error(e, care),
    }
}

fn reset_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    token: &str,
    notice: Option<&str>,
) -> Response {
    let (csrf, new_cookie) = pre_csrf(headers);
    let response = page(
        status,
        is_care(headers),
        "设置新密码",
        "/reset-password",
        html! {
            @if let Some(n) = notice { p class="form-notice" role="alert" { (n) } }
            form method="post" action="/reset-password" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="token" value=(token);
                p {
                    label for="password" { "新密码（8–128 个字符）" }
                    input id="password" name="password" type="password" autocomplete="new-password" required;
                }
                p {
                    label for="password2" { "再输入一次" }
                    input id="password2" name="password2" type="password" autocomplete="new-password" required;
                }
                p { button type="submit" { "设置新密码" } }
            }
        },
    );
    with_pre_csrf(state, response, &csrf, new_cookie)
}

fn dead_link(care: bool) -> PageError {
    PageError::bad_request("这个重设链接无效、已用过或已过期。请重新申请。").with_care(care)
}

async fn reset_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    if !state.app().reset_link_works(&q.token).await? {
        return Err(dead_link(is_care(&headers)));
    }
    Ok(reset_page(&state, &headers, StatusCode::OK, &q.token, None))
}

async fn reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ResetForm>,
) -> Result<Response, PageError> {
    check_pre_csrf(&headers, &form.csrf)?;
    let care = is_care(&headers);
    if form.password != form.password2 {
        return Ok(reset_page(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form.token,
            Some("两次输入的密码不一致。"),
        ));
    }
    match state
        .app()
        .reset_password(&form.token, &form.password)
        .await
    {
        Ok(Some(_)) => Ok(page(
            StatusCode::OK,
            care,
            "密码已重设",
            "/reset-password",
            html! {
                p role="status" { "新密码已生效，其他设备上的登录都已退出。" }
                p { a href="/signin" { "用新密码登录" } }
            },
        )),
        Ok(None) => Err(dead_link(care)),
        Err(RecoveryError::Invalid(m)) => Ok(reset_page(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form.token,
            Some(&m),
        )),
        Err(e) => recovery_error(e, care),
    }
}
