//! 要闻置顶: editors pin articles at the top of a channel's headline block.

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use crate::http::AppState;
use crate::http::auth::EditorSession;
use crate::http::error::PageError;
use crate::http::respond::is_care;
use crate::http::respond::private_page;
use crate::ui::layout::{Frame, article_url, layout};
use crate::ui::parts::time;

/// An editor's form about one article: pin, unpin, take down, restore
/// (`channel` only for pins).
#[derive(Debug, Deserialize, Default)]
pub struct PinForm {
    #[serde(default)]
    pub(super) csrf: String,
    #[serde(default)]
    pub(super) article: String,
    #[serde(default)]
    pub(super) channel: String,
    #[serde(default)]
    pub(super) reason: String,
}

pub(super) async fn pins(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
) -> Result<Response, PageError> {
    pins_page(&state, &headers, &session, &PinForm::default(), None).await
}

/// `/editor/pins`; a refused form comes back with what was typed and why.
pub(super) async fn pins_page(
    state: &AppState,
    headers: &HeaderMap,
    session: &crate::http::auth::Session,
    typed: &PinForm,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let pins = state.store().pins(None).await?;
    let frame =
        Frame::new("要闻置顶", "/editor/pins", is_care(headers)).describe("频道要闻区块的置顶文章");
    let mut response = private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "要闻置顶" }
                    p { "置顶的文章排在频道要闻区块（首页与文章页底部）的最前面。" }
                    form method="post" action="/editor/pins" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        @if let Some(e) = error { p class="form-error" id="pin-error" role="alert" { (e) } }
                        p {
                            label for="pin-article" { "文章编号" }
                            input id="pin-article" name="article" type="text" inputmode="numeric" required value=(typed.article)
                                aria-describedby=[error.map(|_| "pin-error")];
                        }
                        p {
                            label for="pin-channel" { "频道" }
                            select id="pin-channel" name="channel" {
                                @for c in hao_domain::Channel::ALL {
                                    option value=(c.slug()) selected[typed.channel == c.slug()] { (c.name()) }
                                }
                            }
                        }
                        p {
                            label for="pin-reason" { "理由" }
                            input id="pin-reason" name="reason" type="text" maxlength="500" required value=(typed.reason);
                        }
                        p { button type="submit" { "置顶" } }
                    }
                    h2 { "当前置顶" }
                    @if pins.is_empty() { p { "没有置顶文章。" } }
                    @else {
                        table {
                            thead { tr { th scope="col" { "频道" } th scope="col" { "文章" } th scope="col" { "编辑" } th scope="col" { "时间" } th scope="col" { "操作" } } }
                            tbody {
                                @for p in &pins {
                                    tr {
                                        td { (p.channel.name()) }
                                        td { a href=(article_url(p.article.id)) { (p.article.title) } }
                                        td { (p.pinned_by) }
                                        td { (time(p.pinned_at)) }
                                        td {
                                            form method="post" action="/editor/pins/remove" {
                                                input type="hidden" name="csrf" value=(session.csrf);
                                                input type="hidden" name="article" value=(p.article.id);
                                                input type="hidden" name="channel" value=(p.channel.slug());
                                                input type="hidden" name="reason" value="取消置顶";
                                                button type="submit" aria-label={ "取消置顶 " (p.article.title) } { "取消置顶" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            },
        ),
    );
    if error.is_some() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

pub(super) fn parse_pin(form: &PinForm) -> Result<(i64, hao_domain::Channel, &str), &'static str> {
    let id = form
        .article
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or("文章编号须为正整数。")?;
    let channel = hao_domain::Channel::parse(&form.channel).map_err(|_| "请选择频道。")?;
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err("请填写 1–500 字的理由。");
    }
    Ok((id, channel, reason))
}

pub(super) async fn pin(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
    Form(form): Form<PinForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let (id, channel, reason) = match parse_pin(&form) {
        Ok(v) => v,
        Err(e) => return pins_page(&state, &headers, &session, &form, Some(e)).await,
    };
    let editor = &session.user.username;
    if !state.store().pin(channel, id, editor).await? {
        return pins_page(
            &state,
            &headers,
            &session,
            &form,
            Some("没有这篇已发布的文章。"),
        )
        .await;
    }
    state
        .store()
        .log_moderation(
            editor,
            "headline.pin",
            &format!("article {id} → {}", channel.slug()),
            reason,
        )
        .await?;
    state.invalidate();
    Ok(Redirect::to("/editor/pins").into_response())
}

pub(super) async fn unpin(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    Form(form): Form<PinForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let (id, channel, reason) = parse_pin(&form).map_err(PageError::bad_request)?;
    if !state.store().unpin(channel, id).await? {
        return Err(PageError::not_found("这篇文章没有在该频道置顶。"));
    }
    let editor = &session.user.username;
    state
        .store()
        .log_moderation(
            editor,
            "headline.unpin",
            &format!("article {id} → {}", channel.slug()),
            reason,
        )
        .await?;
    state.invalidate();
    Ok(Redirect::to("/editor/pins").into_response())
}
