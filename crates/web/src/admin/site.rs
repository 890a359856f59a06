//! `/admin/settings` (the site's name, the 备案 lines, a footer line) and
//! `/admin/words` (the 敏感词 list), saved in the database for every node.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hao_app::admin::SiteSettings;
use maud::html;
use serde::Deserialize;

use super::nav;
use crate::http::AppState;
use crate::http::auth::{AdminSession, Session};
use crate::http::error::PageError;
use crate::http::forms::bad_form;
use crate::http::respond::{is_care, private_page};
use crate::ui::layout::{Frame, layout};

#[derive(Debug, Default, Deserialize)]
pub(super) struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    icp: String,
    #[serde(default)]
    police: String,
    #[serde(default)]
    footer: String,
}

pub(super) async fn settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminSession(session): AdminSession,
) -> Result<Response, PageError> {
    let s = state.app().site_settings();
    Ok(settings_page(&headers, &session, &s, &[], StatusCode::OK))
}

fn settings_page(
    headers: &HeaderMap,
    session: &Session,
    s: &SiteSettings,
    errors: &[hao_app::admin::SettingError],
    status: StatusCode,
) -> Response {
    let frame =
        Frame::new("站点设置", "/admin/settings", is_care(headers)).describe("站点名称与备案信息");
    let error = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    };
    let field = |id: &str, label: &str, value: &str, hint: &str| {
        let e = error(id);
        html! {
            p {
                label for={ "setting-" (id) } { (label) }
                input id={ "setting-" (id) } name=(id) type="text" maxlength="100" value=(value)
                    aria-describedby=[e.as_ref().map(|_| format!("{id}-error"))];
                @if let Some(e) = &e { span class="form-error" id={ (id) "-error" } { (e) } }
                @if !hint.is_empty() { small { (hint) } }
            }
        }
    };
    private_page(
        status,
        layout(
            &frame,
            html! {
                section class="editor admin" {
                    h1 { "站点设置" }
                    (nav())
                    form method="post" action="/admin/settings" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        (field("name", "站点名称", &s.name, "显示在页面标题、页头和订阅源中。"))
                        (field("icp", "ICP 备案号", &s.icp, "例如：京ICP备12345678号-1；显示在页脚，链接到工信部备案系统。"))
                        (field("police", "公安备案号", &s.police, "例如：京公网安备 11010502000001号。"))
                        (field("footer", "页脚说明", &s.footer, "例如：联系邮箱、违法和不良信息举报电话。"))
                        p { button type="submit" { "保存" } }
                    }
                }
            },
        ),
    )
}

pub(super) async fn save_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminSession(session): AdminSession,
    form: Result<Form<SettingsForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Form(f) = form.map_err(bad_form)?;
    session.check_csrf(&f.csrf)?;
    let typed = SiteSettings {
        name: f.name,
        icp: f.icp,
        police: f.police,
        footer: f.footer,
    };
    match typed.clone().validated() {
        Ok(s) => {
            state
                .app()
                .save_settings(&session.user.username, &s)
                .await?;
            Ok(Redirect::to("/admin/settings").into_response())
        }
        Err(errors) => Ok(settings_page(
            &headers,
            &session,
            &typed,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct WordsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    words: String,
}

pub(super) async fn words(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminSession(session): AdminSession,
) -> Result<Response, PageError> {
    let text = state.app().words().text();
    Ok(words_page(
        &state,
        &headers,
        &session,
        &text,
        &[],
        StatusCode::OK,
    ))
}

fn words_page(
    state: &AppState,
    headers: &HeaderMap,
    session: &Session,
    text: &str,
    errors: &[hao_app::engage::words::ListError],
    status: StatusCode,
) -> Response {
    let frame = Frame::new("敏感词", "/admin/words", is_care(headers)).describe("跟帖敏感词表");
    private_page(
        status,
        layout(
            &frame,
            html! {
                section class="editor admin" {
                    h1 { "敏感词" span class="count" { "共 " (state.app().words().len()) " 个词" } }
                    (nav())
                    p { "每行一个词，可在词后写处理方式：block 拒绝发布，mask 以＊显示，hold 送编辑审核（默认 block）。匹配时忽略空格、标点、全半角和大小写。保存后一秒内在所有节点生效。" }
                    @if !errors.is_empty() {
                        ul class="form-error" id="words-error" role="alert" {
                            @for e in errors { li { "第 " (e.line) " 行：" (e.message) } }
                        }
                    }
                    form method="post" action="/admin/words" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        p {
                            label for="words" { "词表" }
                            textarea id="words" name="words" rows="20"
                                aria-describedby=[(!errors.is_empty()).then_some("words-error")] { (text) }
                        }
                        p { button type="submit" { "保存" } }
                    }
                }
            },
        ),
    )
}

pub(super) async fn save_words(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminSession(session): AdminSession,
    form: Result<Form<WordsForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Form(f) = form.map_err(bad_form)?;
    session.check_csrf(&f.csrf)?;
    match state
        .app()
        .save_words(&session.user.username, &f.words)
        .await?
    {
        Ok(()) => Ok(Redirect::to("/admin/words").into_response()),
        Err(errors) => Ok(words_page(
            &state,
            &headers,
            &session,
            &f.words,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
    }
}
