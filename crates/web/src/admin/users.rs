//! `/admin/users`: find users, and act on one (role, 封禁, 禁言, sessions,
//! tokens) with a reason and, for 封禁 and 禁言, an end time.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDateTime, TimeZone};
use hao_domain::Role;
use hao_store::{AdminAct, AdminRefusal, AdminUser};
use maud::{Markup, html};
use serde::Deserialize;

use super::nav;
use crate::http::AppState;
use crate::http::auth::{AdminSession, Session};
use crate::http::error::PageError;
use crate::http::forms::bad_form;
use crate::http::respond::parse_id;
use crate::http::respond::{is_care, private_page};
use crate::ui::layout::{Frame, layout};
use crate::ui::parts::{datetime, time};

#[derive(Debug, Default, Deserialize)]
pub(super) struct Find {
    #[serde(default)]
    q: String,
}

pub(super) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminSession(_): AdminSession,
    Query(find): Query<Find>,
) -> Result<Response, PageError> {
    let q: String = find.q.trim().chars().take(50).collect();
    let users = state.store().find_users(&q, 100).await?;
    let frame = Frame::new("用户", "/admin/users", is_care(&headers)).describe("查找用户");
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor admin" {
                    h1 { "用户" }
                    (nav())
                    form method="get" action="/admin/users" role="search" {
                        label for="admin-q" { "用户名或号名称" }
                        input id="admin-q" name="q" type="search" value=(q);
                        button type="submit" { "查找" }
                    }
                    @if users.is_empty() { p { "没有找到用户。" } }
                    @else {
                        table class="admin-users" {
                            thead { tr { th { "用户" } th { "角色" } th { "号" } th { "注册" } th { "状态" } } }
                            tbody {
                                @for u in &users {
                                    tr {
                                        td { a href={ "/admin/users/" (u.id) } { (u.username) } }
                                        td { (u.role.label()) }
                                        td { (u.creator_name.as_deref().unwrap_or("—")) }
                                        td { (time(u.created_at)) }
                                        td { (status(u)) }
                                    }
                                }
                            }
                        }
                    }
                }
            },
        ),
    ))
}

fn status(u: &AdminUser) -> Markup {
    html! {
        @if let Some(until) = u.suspended_until { span class="status suspended" { "封禁至 " (datetime(until)) } " " }
        @if let Some(until) = u.muted_until { span class="status muted" { "禁言至 " (datetime(until)) } " " }
        @if u.suspended_until.is_none() && u.muted_until.is_none() { "正常" }
    }
}

async fn one(state: &AppState, id: i64) -> Result<AdminUser, PageError> {
    let user = state
        .store()
        .user(id)
        .await?
        .ok_or_else(|| PageError::not_found("没有这个用户。"))?;
    state
        .store()
        .find_users(&user.username, 100)
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| PageError::not_found("没有这个用户。"))
}

pub(super) async fn detail(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminSession(session): AdminSession,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&raw, "用户")?;
    let user = one(&state, id).await?;
    page(
        &state,
        &headers,
        &session,
        &user,
        StatusCode::OK,
        None,
        None,
    )
}

fn page(
    _state: &AppState,
    headers: &HeaderMap,
    session: &Session,
    u: &AdminUser,
    status_code: StatusCode,
    error: Option<&str>,
    done: Option<&str>,
) -> Result<Response, PageError> {
    let path = format!("/admin/users/{}", u.id);
    let frame = Frame::new(&u.username, &path, is_care(headers)).describe("用户管理");
    let form = |act: &str, label: &str, body: Markup| {
        html! {
            form method="post" action=(path) class={ "admin-act act-" (act) } {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="act" value=(act);
                (body)
                button type="submit" { (label) }
            }
        }
    };
    let reason = |act: &str| {
        html! {
            p {
                label for={ (act) "-reason" } { "理由（会告诉用户）" }
                input id={ (act) "-reason" } name="reason" type="text" maxlength="200" required;
            }
        }
    };
    let until = |act: &str| {
        html! {
            p {
                label for={ (act) "-until" } { "截止时间（北京时间）" }
                input id={ (act) "-until" } name="until" type="datetime-local" required;
            }
        }
    };
    Ok(private_page(
        status_code,
        layout(
            &frame,
            html! {
                section class="editor admin" {
                    h1 { (u.username) }
                    (nav())
                    @if let Some(e) = error { p class="form-error" id="admin-error" role="alert" { (e) } }
                    @if let Some(d) = done { p class="form-notice" role="status" { (d) } }
                    dl class="admin-user" {
                        dt { "角色" } dd { (u.role.label()) }
                        dt { "号" } dd {
                            @if let (Some(c), Some(n)) = (u.creator_id, &u.creator_name) { a href={ "/author/" (c) } { (n) } }
                            @else { "—" }
                        }
                        dt { "注册" } dd { (time(u.created_at)) }
                        dt { "状态" } dd { (status(u)) @if !u.suspend_reason.is_empty() && u.suspended_until.is_some() { "（" (u.suspend_reason) "）" } }
                        dt { "登录中的会话" } dd { (u.sessions) }
                        dt { "有效的 API 令牌" } dd { (u.tokens) }
                    }
                    h2 { "角色" }
                    (form("role", "修改角色", html! {
                        p {
                            label for="role" { "角色" }
                            select id="role" name="role" {
                                @for r in [Role::Reader, Role::Creator, Role::Editor, Role::Admin] {
                                    option value=(r.code()) selected[r == u.role] { (r.label()) }
                                }
                            }
                        }
                    }))
                    h2 { "封禁" }
                    p { "封禁期间不能登录，已登录的会话立即失效，API 令牌被拒绝；在所有节点同时生效。" }
                    @if u.suspended_until.is_some() {
                        (form("unsuspend", "解除封禁", html! {}))
                    } @else {
                        (form("suspend", "封禁", html! { (until("suspend")) (reason("suspend")) }))
                    }
                    h2 { "禁言" }
                    p { "禁言期间不能发表跟帖。" }
                    @if u.muted_until.is_some() {
                        (form("unmute", "解除禁言", html! {}))
                    } @else {
                        (form("mute", "禁言", html! { (until("mute")) (reason("mute")) }))
                    }
                    h2 { "会话与令牌" }
                    (form("sessions", "让所有设备退出登录", html! {}))
                    (form("tokens", "撤销全部 API 令牌", html! {}))
                }
            },
        ),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    act: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
}

/// The end time of a 封禁 or 禁言: Beijing time, in the future, at most ten
/// years ahead.
fn parse_until(raw: &str, now: i64) -> Result<i64, String> {
    let t = NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "请填写截止时间（年-月-日 时:分）。".to_owned())?;
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    let at = beijing
        .from_local_datetime(&t)
        .single()
        .ok_or("截止时间无效。")?
        .timestamp();
    if at <= now {
        return Err("截止时间须在现在之后。".into());
    }
    if at > now + 10 * 366 * 86_400 {
        return Err("截止时间最多在十年之后。".into());
    }
    Ok(at)
}

fn parse_act(f: &ActForm, now: i64) -> Result<AdminAct, String> {
    let reason = || {
        let r = f.reason.trim();
        match r.chars().count() {
            0 => Err("请写明理由。".to_owned()),
            n if n > 200 => Err("理由最多 200 字。".to_owned()),
            _ => Ok(r.to_owned()),
        }
    };
    Ok(match f.act.as_str() {
        "role" => AdminAct::Role(Role::parse(&f.role).ok_or("请选择角色。")?),
        "suspend" => AdminAct::Suspend {
            until: parse_until(&f.until, now)?,
            reason: reason()?,
        },
        "unsuspend" => AdminAct::Unsuspend,
        "mute" => AdminAct::Mute {
            until: parse_until(&f.until, now)?,
            reason: reason()?,
        },
        "unmute" => AdminAct::Unmute,
        "sessions" => AdminAct::RevokeSessions,
        "tokens" => AdminAct::RevokeTokens,
        _ => return Err("未知的操作。".into()),
    })
}

pub(super) async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminSession(session): AdminSession,
    axum::extract::Path(raw): axum::extract::Path<String>,
    form: Result<Form<ActForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Form(f) = form.map_err(bad_form)?;
    session.check_csrf(&f.csrf)?;
    let id = parse_id(&raw, "用户")?;
    let user = one(&state, id).await?;
    let act = match parse_act(&f, state.now()) {
        Ok(a) => a,
        Err(e) => {
            return page(
                &state,
                &headers,
                &session,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&e),
                None,
            );
        }
    };
    if id == session.user.id && matches!(act, AdminAct::Suspend { .. } | AdminAct::Role(_)) {
        return page(
            &state,
            &headers,
            &session,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("不能封禁自己或修改自己的角色：请另一位管理员操作。"),
            None,
        );
    }
    match state
        .app()
        .admin_act(&session.user.username, id, &act)
        .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}")).into_response()),
        Err(refusal) => {
            let message = match refusal {
                AdminRefusal::NoSuchUser => return Err(PageError::not_found("没有这个用户。")),
                AdminRefusal::NotACreator => "这个用户没有创作者账号（号），不能设为创作者。",
                AdminRefusal::LastAdmin => "这是最后一位管理员，不能取消或封禁。",
            };
            page(
                &state,
                &headers,
                &session,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(message),
                None,
            )
        }
    }
}
