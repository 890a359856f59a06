//! Account pages: sign up, sign in, sign out, and `/me` (role, API tokens).
//! Every form works without JavaScript; a rejected form comes back with the
//! message next to the field and everything typed kept (except passwords).

mod email;
mod views;

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hao_domain::{validate_password, validate_username};
use maud::html;
use serde::Deserialize;

use crate::http::AppState;
use hao_app::accounts::{SignInError, SignUpError};

use crate::http::auth::{
    self, ClientAddr, DEVICE_COOKIE, MaybeSession, PRE_CSRF_COOKIE, SESSION_COOKIE,
    SESSION_SECONDS, SignedIn,
};
use crate::http::error::PageError;
use crate::http::respond::is_care;
use crate::http::respond::{no_store, private_page};
use crate::ui::forms::FieldErrors;
use crate::ui::layout::{Frame, format_time, layout};
use crate::ui::parts::time;
use views::{AccountPage, account_page};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup_form).post(signup))
        .route("/signin", get(signin_form).post(signin))
        .route("/signout", post(signout))
        .route("/me", get(me))
        .route("/me/tokens", post(create_token))
        .route("/me/tokens/revoke", post(revoke_token))
        .merge(email::router())
}

#[derive(Debug, Default, Deserialize)]
pub struct Next {
    #[serde(default)]
    next: String,
}

/// Only site-relative paths: never an open redirect.
fn safe_next(next: &str) -> String {
    crate::http::respond::local_redirect(next, "/me")
}

#[derive(Debug, Default, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

/// The double-submit token of a form shown before sign-in: the cookie's, or
/// a new one set with the page.
fn pre_csrf(headers: &HeaderMap) -> (String, bool) {
    match auth::cookie(headers, PRE_CSRF_COOKIE).filter(|c| c.len() == 64) {
        Some(c) => (c, false),
        None => (hao_app::secrets::random_secret(), true),
    }
}

fn form_response(
    state: &AppState,
    status: StatusCode,
    page: &AccountPage<'_>,
    new_cookie: bool,
) -> Response {
    let response = (status, Html(account_page(page).into_string())).into_response();
    no_store(with_pre_csrf(state, response, page.csrf, new_cookie))
}

/// Sets the double-submit cookie of a form shown before sign-in, when it is new.
fn with_pre_csrf(state: &AppState, mut response: Response, csrf: &str, new: bool) -> Response {
    if new {
        response.headers_mut().append(
            header::SET_COOKIE,
            auth::set_cookie(state, PRE_CSRF_COOKIE, csrf, 3600),
        );
    }
    response
}

async fn signup_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(next): Query<Next>,
) -> Response {
    show_form(&state, &headers, true, next.next)
}

async fn signin_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
    Query(next): Query<Next>,
) -> Response {
    if session.is_some() {
        return Redirect::to(&safe_next(&next.next)).into_response();
    }
    show_form(&state, &headers, false, next.next)
}

fn show_form(state: &AppState, headers: &HeaderMap, signup: bool, next: String) -> Response {
    let (csrf, new_cookie) = pre_csrf(headers);
    let form = AccountForm {
        next,
        ..AccountForm::default()
    };
    form_response(
        state,
        StatusCode::OK,
        &AccountPage {
            signup,
            form: &form,
            errors: &vec![],
            notice: None,
            csrf: &csrf,
            care: is_care(headers),
        },
        new_cookie,
    )
}

/// Refuses a pre-sign-in form whose token does not match its cookie.
fn check_pre_csrf(headers: &HeaderMap, csrf: &str) -> Result<(), PageError> {
    match auth::cookie(headers, PRE_CSRF_COOKIE) {
        Some(c) if hao_app::secrets::same_secret(&c, csrf) => Ok(()),
        _ => Err(auth::csrf_refused()),
    }
}

/// Starts a new session for `user_id` (a new id every time) and redirects.
async fn start_session(
    state: &AppState,
    old: Option<&auth::Session>,
    user_id: i64,
    next: &str,
    new_device: Option<&str>,
) -> Result<Response, PageError> {
    if let Some(old) = old {
        state.store().delete_session(&old.id_hash).await?;
    }
    let id = hao_app::secrets::random_secret();
    state
        .store()
        .create_session(
            &hao_app::secrets::sha256_hex(&id),
            user_id,
            &hao_app::secrets::random_secret(),
            state.now() + SESSION_SECONDS,
        )
        .await?;
    let mut response = Redirect::to(&safe_next(next)).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(state, SESSION_COOKIE, &id, SESSION_SECONDS),
    );
    if let Some(user) = state.store().user(user_id).await? {
        response.headers_mut().append(
            header::SET_COOKIE,
            auth::reader_cookie(state, &user.username, SESSION_SECONDS),
        );
    }
    if let Some(device) = new_device {
        response.headers_mut().append(
            header::SET_COOKIE,
            auth::set_cookie(state, DEVICE_COOKIE, device, auth::DEVICE_SECONDS),
        );
    }
    Ok(response)
}

async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(addr): ClientAddr,
    MaybeSession(session): MaybeSession,
    Form(form): Form<AccountForm>,
) -> Result<Response, PageError> {
    check_pre_csrf(&headers, &form.csrf)?;
    let mut errors: FieldErrors = Vec::new();
    let username = match validate_username(&form.username) {
        Ok(u) => u,
        Err(e) => {
            errors.push(("username", reason(&e)));
            String::new()
        }
    };
    if let Err(e) = validate_password(&form.password) {
        errors.push(("password", reason(&e)));
    } else if form.password != form.password2 {
        errors.push(("password2", "两次输入的密码不一致".into()));
    }
    let mut notice = None;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut retry = None;
    if errors.is_empty() {
        match state.app().sign_up(&username, &form.password, &addr).await {
            Ok(id) => return start_session(&state, session.as_ref(), id, &form.next, None).await,
            Err(SignUpError::Taken) => errors.push(("username", "该用户名已被使用".into())),
            Err(SignUpError::Throttled { retry_after }) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                retry = Some(retry_after);
                notice = Some(format!(
                    "这个网络注册的账号太多了，请 {}后再试。",
                    wait_words(retry_after)
                ));
            }
            Err(SignUpError::Store(e)) => return Err(e.into()),
        }
    }
    let response = form_response(
        &state,
        status,
        &AccountPage {
            signup: true,
            form: &form,
            errors: &errors,
            notice: notice.as_deref(),
            csrf: &form.csrf,
            care: is_care(&headers),
        },
        false,
    );
    Ok(with_retry_after(response, retry))
}

/// "3 分钟" for a wait in seconds (at least a minute when over 59 s).
fn wait_words(seconds: i64) -> String {
    if seconds < 60 {
        format!("{seconds} 秒")
    } else {
        format!("{} 分钟", (seconds + 59) / 60)
    }
}

fn with_retry_after(mut response: Response, seconds: Option<i64>) -> Response {
    if let Some(s) = seconds {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, s.max(1).into());
    }
    response
}

fn reason(e: &hao_domain::ValidationError) -> String {
    match e {
        hao_domain::ValidationError::Invalid { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

async fn signin(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(addr): ClientAddr,
    MaybeSession(session): MaybeSession,
    Form(form): Form<AccountForm>,
) -> Result<Response, PageError> {
    check_pre_csrf(&headers, &form.csrf)?;
    let username = form.username.trim().to_owned();
    let device = auth::cookie(&headers, DEVICE_COOKIE);
    let (status, notice, retry) = match state
        .app()
        .sign_in(&username, &form.password, &addr, device.as_deref())
        .await
    {
        Ok(signed) => {
            return start_session(
                &state,
                session.as_ref(),
                signed.user.id,
                &form.next,
                signed.new_device.as_deref(),
            )
            .await;
        }
        Err(SignInError::Wrong) => (
            StatusCode::UNAUTHORIZED,
            "用户名或密码不正确。".to_owned(),
            None,
        ),
        Err(SignInError::Throttled { retry_after }) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!("登录失败次数过多，请 {}后再试。", wait_words(retry_after)),
            Some(retry_after),
        ),
        Err(SignInError::Suspended { until, reason }) => (
            StatusCode::FORBIDDEN,
            format!(
                "这个账号已被封禁至 {}（原因：{reason}）。",
                crate::ui::parts::datetime(until)
            ),
            None,
        ),
        Err(SignInError::Store(e)) => return Err(e.into()),
    };
    let response = form_response(
        &state,
        status,
        &AccountPage {
            signup: false,
            form: &form,
            errors: &vec![],
            notice: Some(&notice),
            csrf: &form.csrf,
            care: is_care(&headers),
        },
        false,
    );
    Ok(with_retry_after(response, retry))
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id: String,
}

async fn signout(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    state.store().delete_session(&session.id_hash).await?;
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(&state, SESSION_COOKIE, "", 0),
    );
    response
        .headers_mut()
        .append(header::SET_COOKIE, auth::reader_cookie(&state, "", 0));
    Ok(response)
}

async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    me_page(&state, &headers, &session, None).await
}

/// `/me`; `new_token` (just created) is shown once, in the POST's answer,
/// never in a URL.
async fn me_page(
    state: &AppState,
    headers: &HeaderMap,
    session: &auth::Session,
    new_token: Option<&str>,
) -> Result<Response, PageError> {
    let tokens = state.store().tokens(session.user.id).await?;
    let email = state.store().email_of(session.user.id).await?;
    let mails = state.app().mailer().is_some();
    let user = &session.user;
    let frame = Frame::new("我的账号", "/me", is_care(headers)).describe("账号、角色与 API 令牌");
    let page = layout(
        &frame,
        html! {
            section class="account" {
                h1 { "我的账号" }
                p { "用户名：" strong { (user.username) } "　角色：" (user.role.label()) }
                p { a href="/me/comments" { "我的跟帖" } "　" a href="/favorites" { "我的收藏" } "　" a href="/notifications" { "消息" } }
                @if user.creator_id.is_some() {
                    p { a href="/studio" { "创作中心" } "　" a href="/write" { "写文章" } }
                } @else {
                    p { a href="/apply" { "申请入驻，成为创作者" } }
                }
                @if user.role.is_editor() {
                    p { a href="/editor/originality" { "原创审核队列" } "　" a href="/editor/applications" { "入驻审核" } "　" a href="/editor/reviews" { "新手期审核" } "　" a href="/editor/standing" { "下架与申诉" } "　" a href="/editor/reports" { "举报与跟帖审核" } "　" a href="/editor/pins" { "要闻置顶" } "　" a href="/editor/log" { "操作日志" } }
                }
                h2 { "邮箱" }
                @if let Some(e) = &email {
                    p { "已确认：" strong { (e) } "（忘记密码时用它找回）" }
                } @else {
                    p { "还没有确认的邮箱。绑定后，忘记密码时可以用邮箱找回。" }
                }
                @if mails {
                    form method="post" action="/me/email" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        p {
                            label for="email" { @if email.is_some() { "换一个邮箱" } @else { "邮箱地址" } }
                            input id="email" name="email" type="email" autocomplete="email" maxlength="254" required;
                            button type="submit" { "发送确认邮件" }
                        }
                    }
                } @else {
                    p { "本站没有配置邮件发送；忘记密码时请联系管理员。" }
                }
                form method="post" action="/signout" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    button type="submit" { "退出登录" }
                }
                h2 { "API 令牌" }
                p { "外部工具用令牌调用创作接口（" code { "Authorization: Bearer 令牌" } "）。令牌只显示一次，可随时吊销。" }
                @if let Some(token) = new_token {
                    p class="form-notice" role="status" { "新令牌（只显示这一次，请立即复制保存）：" code { (token) } }
                }
                @if tokens.is_empty() {
                    p { "还没有令牌。" }
                } @else {
                    table {
                        thead { tr { th scope="col" { "名称" } th scope="col" { "创建" } th scope="col" { "最近使用" } th scope="col" { "状态" } } }
                        tbody {
                            @for t in &tokens {
                                tr {
                                    td { (t.name) }
                                    td { (time(t.created_at)) }
                                    td { (t.last_used_at.map(format_time).unwrap_or_else(|| "—".into())) }
                                    td {
                                        @if t.revoked { "已吊销" } @else {
                                            form method="post" action="/me/tokens/revoke" {
                                                input type="hidden" name="csrf" value=(session.csrf);
                                                input type="hidden" name="id" value=(t.id);
                                                button type="submit" aria-label={ "吊销令牌 " (t.name) } { "吊销" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form method="post" action="/me/tokens" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    p {
                        label for="token-name" { "新令牌名称" }
                        input id="token-name" name="name" type="text" maxlength="40" required;
                        button type="submit" { "创建令牌" }
                    }
                }
            }
        },
    );
    Ok(private_page(StatusCode::OK, page))
}

async fn create_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(PageError::bad_request("令牌名称须为 1–40 个字符。"));
    }
    let token = format!("hao_{}", hao_app::secrets::random_secret());
    state
        .store()
        .create_token(session.user.id, name, &hao_app::secrets::sha256_hex(&token))
        .await?;
    me_page(&state, &headers, &session, Some(&token)).await
}

async fn revoke_token(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let id: i64 = form
        .id
        .parse()
        .map_err(|_| PageError::bad_request("令牌编号无效。"))?;
    if !state.store().revoke_token(session.user.id, id).await? {
        return Err(PageError::not_found("没有这个令牌，或它已被吊销。"));
    }
    Ok(Redirect::to("/me").into_response())
}
