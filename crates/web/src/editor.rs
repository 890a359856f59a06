//! Editors' pages: the originality review queue (both texts side by side,
//! differences highlighted), channel headline pins (要闻置顶) and the
//! moderation log. Editors and admins only; every action is logged.

use std::time::Duration;

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use hao_store::Verdict;
use maud::{Markup, html};
use serde::Deserialize;
use similar::{ChangeTag, TextDiff};

use crate::AppState;
use crate::auth::EditorSession;
use crate::error::PageError;
use crate::pages::private_page;
use crate::pages::{is_care, parse_id};
use crate::templates::{Frame, article_url, format_time, layout};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editor/originality", get(queue))
        .route("/editor/originality/{id}", get(review).post(decide))
        .route("/editor/log", get(log))
        .route("/editor/pins", get(pins).post(pin))
        .route("/editor/reviews", get(reviews))
        .route("/editor/standing", get(standing))
        .route("/editor/takedown", axum::routing::post(take_down))
        .route("/editor/restore", axum::routing::post(restore_deleted))
        .route("/editor/appeals/{id}", axum::routing::post(decide_appeal))
        .route("/editor/reviews/{id}", axum::routing::post(review_article))
        .route("/editor/pins/remove", axum::routing::post(unpin))
}

async fn queue(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(_session): EditorSession,
) -> Result<Response, PageError> {
    let reviews = state.store().originality_reviews("pending", 200).await?;
    let mut rows = Vec::with_capacity(reviews.len());
    for r in &reviews {
        let a = state.store().article(r.article_id).await?;
        let b = state.store().article(r.duplicate_of).await?;
        if let (Some(a), Some(b)) = (a, b) {
            rows.push((r, a, b));
        }
    }
    let frame = Frame {
        title: "原创审核",
        description: "声明原创、但与更早文章高度相似的文章",
        path: "/editor/originality",
        care: is_care(&headers),
        active: None,
    };
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "原创审核队列" }
                    p { "以下文章声明了原创，但与其他创作者更早发布的文章指纹相近（相似度：较短一篇的内容出现在另一篇中的比例）。" }
                    @if rows.is_empty() {
                        p { "队列为空。" }
                    } @else {
                        table {
                            thead { tr { th scope="col" { "声明原创的文章" } th scope="col" { "更早的文章" } th scope="col" { "相似度" } th scope="col" { "发现时间" } } }
                            tbody {
                                @for (r, a, b) in &rows {
                                    tr {
                                        td { a href={ "/editor/originality/" (r.id) } { (a.title) } }
                                        td { a href=(article_url(b.id)) { (b.title) } }
                                        td { (r.similarity) "%" }
                                        td { (format_time(r.created_at)) }
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

/// The two texts with what differs marked: deleted in the earlier text,
/// inserted in the later one. Long texts are cut and the diff is time-boxed.
pub(crate) fn side_by_side(earlier: &str, later: &str) -> (Markup, Markup) {
    let cut = |s: &str| s.chars().take(20_000).collect::<String>();
    let (earlier, later) = (cut(earlier), cut(later));
    let diff = TextDiff::configure()
        .timeout(Duration::from_millis(300))
        .diff_chars(&earlier, &later);
    let mut left: Vec<(bool, String)> = Vec::new();
    let mut right: Vec<(bool, String)> = Vec::new();
    let push = |side: &mut Vec<(bool, String)>, marked: bool, s: &str| match side.last_mut() {
        Some((m, text)) if *m == marked => text.push_str(s),
        _ => side.push((marked, s.to_owned())),
    };
    for change in diff.iter_all_changes() {
        let s = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut left, false, s);
                push(&mut right, false, s);
            }
            ChangeTag::Delete => push(&mut left, true, s),
            ChangeTag::Insert => push(&mut right, true, s),
        }
    }
    let render = |parts: &[(bool, String)], tag: &str| {
        html! {
            div class="diff-text" {
                @for (marked, text) in parts {
                    @if *marked {
                        @if tag == "del" { del { (text) } } @else { ins { (text) } }
                    } @else { (text) }
                }
            }
        }
    };
    (render(&left, "del"), render(&right, "ins"))
}

async fn review(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: i64 = id
        .parse()
        .map_err(|_| PageError::bad_request("审核编号须为正整数。"))?;
    let r = state
        .store()
        .originality_review(id)
        .await?
        .ok_or_else(|| PageError::not_found("没有这条审核。"))?;
    let (later, earlier) = match (
        state.store().article(r.article_id).await?,
        state.store().article(r.duplicate_of).await?,
    ) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(PageError::not_found("审核涉及的文章已不存在。")),
    };
    let (left, right) = side_by_side(
        &hao_text::plain_text(&earlier.body_markdown),
        &hao_text::plain_text(&later.body_markdown),
    );
    let frame = Frame {
        title: "原创审核",
        description: "两篇文章并排对比",
        path: "/editor/originality",
        care: is_care(&headers),
        active: None,
    };
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "原创审核：" (later.title) }
                    p { "较短的一篇约有 " (r.similarity) "% 的内容出现在另一篇中。" del { "删去的文字" } "只在更早的文章中，" ins { "加入的文字" } "只在声明原创的文章中。" }
                    div class="side-by-side" {
                        article {
                            h2 { "更早的文章" }
                            p { a href=(article_url(earlier.id)) { (earlier.title) } " · " (format_time(earlier.published_at)) }
                            (left)
                        }
                        article {
                            h2 { "声明原创的文章" }
                            p { a href=(article_url(later.id)) { (later.title) } " · " (format_time(later.published_at)) }
                            (right)
                        }
                    }
                    @if r.status == "pending" {
                        form method="post" action={ "/editor/originality/" (r.id) } {
                            input type="hidden" name="csrf" value=(session.csrf);
                            fieldset {
                                legend { "结论" }
                                p { label { input type="radio" name="verdict" value="copy" required; " 确认抄袭：取消原创标记，扣作者信用分 " (-hao_store::FALSE_ORIGINAL) " 分（作者可申诉）" } }
                                p { label { input type="radio" name="verdict" value="original"; " 确属原创：保留原创标记" } }
                            }
                            p {
                                label for="reason" { "理由（创作者可见）" }
                                textarea id="reason" name="reason" rows="3" maxlength="500" required {}
                            }
                            p { button type="submit" { "提交结论" } }
                        }
                    } @else {
                        p { "已处理：" (r.status) "（" (r.decided_by.clone().unwrap_or_default()) "，" (r.reason) "）" }
                    }
                }
            },
        ),
    ))
}

/// The form of every two-way editor decision ([`DecideForm`]): a reason
/// field, then one button per verdict (`(value, label)`).
pub(crate) fn decide_form(
    action: &str,
    csrf: &str,
    field_id: &str,
    reason_label: &str,
    (yes, yes_label): (&str, &str),
    (no, no_label): (&str, &str),
) -> Markup {
    html! {
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            p {
                label for=(field_id) { (reason_label) }
                input id=(field_id) name="reason" type="text" maxlength="500";
            }
            p {
                button type="submit" name="verdict" value=(yes) { (yes_label) }
                " "
                button type="submit" name="verdict" value=(no) { (no_label) }
            }
        }
    }
}

/// An editor's decision on a queue item (originality reviews, applications).
#[derive(Debug, Default, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) verdict: String,
    #[serde(default)]
    pub(crate) reason: String,
}

impl DecideForm {
    /// The verdict (`yes` → true, `no` → false) and the trimmed reason, at
    /// most 500 characters; `reason_always` requires one for both verdicts,
    /// otherwise only for `no`. `choose` and `missing` say what is wrong.
    pub(crate) fn decision(
        &self,
        (yes, no): (&str, &str),
        choose: &str,
        reason_always: bool,
        missing: &str,
    ) -> Result<(bool, &str), PageError> {
        let verdict = match self.verdict.as_str() {
            v if v == yes => true,
            v if v == no => false,
            _ => return Err(PageError::bad_request(choose)),
        };
        let reason = self.reason.trim();
        if reason.chars().count() > 500 {
            return Err(PageError::bad_request("意见最多 500 字。"));
        }
        if reason.is_empty() && (reason_always || !verdict) {
            return Err(PageError::bad_request(missing));
        }
        Ok((verdict, reason))
    }
}

async fn decide(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    Path(id): Path<String>,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let id: i64 = id
        .parse()
        .map_err(|_| PageError::bad_request("审核编号须为正整数。"))?;
    let (copy, reason) = form.decision(
        ("copy", "original"),
        "请选择结论：确认抄袭或确属原创。",
        true,
        "请填写 1–500 字的理由。",
    )?;
    let verdict = if copy {
        Verdict::Copy
    } else {
        Verdict::Original
    };
    let editor = &session.user.username;
    if !state
        .store()
        .decide_originality(id, verdict, editor, reason)
        .await?
    {
        return Err(PageError::not_found("没有这条待审核记录，或它已被处理。"));
    }
    let action = match verdict {
        Verdict::Copy => "originality.confirm-copy",
        Verdict::Original => "originality.dismiss",
    };
    state
        .store()
        .log_moderation(editor, action, &format!("review {id}"), reason)
        .await?;
    state.invalidate();
    Ok(Redirect::to("/editor/originality").into_response())
}

async fn log(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(_session): EditorSession,
) -> Result<Response, PageError> {
    let entries = state.store().moderation_log(200).await?;
    let frame = Frame {
        title: "操作日志",
        description: "编辑的每一次操作",
        path: "/editor/log",
        care: is_care(&headers),
        active: None,
    };
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "操作日志" }
                    table {
                        thead { tr { th scope="col" { "时间" } th scope="col" { "编辑" } th scope="col" { "操作" } th scope="col" { "对象" } th scope="col" { "理由" } } }
                        tbody {
                            @for e in &entries {
                                tr { td { (format_time(e.at)) } td { (e.actor) } td { (e.action) } td { (e.target) } td { (e.reason) } }
                            }
                        }
                    }
                }
            },
        ),
    ))
}

/// An editor's form about one article: pin, unpin, take down, restore
/// (`channel` only for pins).
#[derive(Debug, Deserialize, Default)]
pub struct PinForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    article: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    reason: String,
}

async fn pins(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
) -> Result<Response, PageError> {
    pins_page(&state, &headers, &session, &PinForm::default(), None).await
}

/// `/editor/pins`; a refused form comes back with what was typed and why.
async fn pins_page(
    state: &AppState,
    headers: &HeaderMap,
    session: &crate::auth::Session,
    typed: &PinForm,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let pins = state.store().pins(None).await?;
    let frame = Frame {
        title: "要闻置顶",
        description: "频道要闻区块的置顶文章",
        path: "/editor/pins",
        care: is_care(headers),
        active: None,
    };
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
                                        td { (format_time(p.pinned_at)) }
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

fn parse_pin(form: &PinForm) -> Result<(i64, hao_domain::Channel, &str), &'static str> {
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

async fn pin(
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

async fn unpin(
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

/// The novice review queue (新手期): articles waiting for an editor.
async fn reviews(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
) -> Result<Response, PageError> {
    let waiting = state.store().in_review(200).await?;
    let mut items = Vec::with_capacity(waiting.len());
    for a in waiting {
        if let Some(full) = state.store().article(a.id).await? {
            items.push((a, full));
        }
    }
    let frame = Frame {
        title: "新手期审核",
        description: "新手期创作者等待审核的文章",
        path: "/editor/reviews",
        care: is_care(&headers),
        active: None,
    };
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "新手期审核" span class="count" { "共 " (items.len()) " 篇" } }
                    p { "新手期创作者的文章经编辑通过后才会发布；连续通过 " (hao_store::NOVICE_APPROVALS) " 篇后转为直接发布，被退回则重新计数。" }
                    @if items.is_empty() { p { "没有等待审核的文章。" } }
                    @for (a, full) in &items {
                        article class="review-item" aria-labelledby={ "review-" (a.id) } {
                            h2 id={ "review-" (a.id) } { (a.title) }
                            p class="meta" { (a.creator_name) " · " (a.channel.name()) " · " (format_time(full.updated_at)) }
                            div class="body" { (maud::PreEscaped(&full.body_html)) }
                            (decide_form(
                                &format!("/editor/reviews/{}", a.id),
                                &session.csrf,
                                &format!("note-{}", a.id),
                                "审核意见（退回时必填，创作者会看到）",
                                ("approve", "通过并发布"),
                                ("reject", "退回"),
                            ))
                        }
                    }
                }
            },
        ),
    ))
}

async fn review_article(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    Path(raw): Path<String>,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let id = parse_id(&raw, "文章")?;
    let (approve, reason) = form.decision(
        ("approve", "reject"),
        "请选择通过或退回。",
        false,
        "退回时请填写理由，创作者会看到它。",
    )?;
    let Some(done) = state.store().review_article(id, approve, reason).await? else {
        return Err(PageError::not_found("这篇文章不在审核队列中，或已被处理。"));
    };
    let editor = &session.user.username;
    let action = if approve {
        "review.approve"
    } else {
        "review.reject"
    };
    state
        .store()
        .log_moderation(editor, action, &format!("article {id}"), reason)
        .await?;
    if done.graduated {
        state
            .store()
            .log_moderation(
                editor,
                "creator.graduate",
                &format!("article {id}"),
                "新手期结束",
            )
            .await?;
    }
    state.invalidate();
    Ok(Redirect::to("/editor/reviews").into_response())
}

/// Take-downs and appeals: `/editor/standing`.
async fn standing(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
) -> Result<Response, PageError> {
    standing_page(&state, &headers, &session, &PinForm::default(), None).await
}

async fn standing_page(
    state: &AppState,
    headers: &HeaderMap,
    session: &crate::auth::Session,
    typed: &PinForm,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let appeals = state.store().pending_appeals(200).await?;
    let frame = Frame {
        title: "下架与申诉",
        description: "下架文章、处理信用分申诉",
        path: "/editor/standing",
        care: is_care(headers),
        active: None,
    };
    let mut response = private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "下架与申诉" }
                    h2 { "下架文章" }
                    p { "下架后文章从所有页面和搜索中消失，作者信用分 " (hao_store::TAKE_DOWN) "，作者可以申诉。" }
                    form method="post" action="/editor/takedown" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        @if let Some(e) = error { p class="form-error" id="takedown-error" role="alert" { (e) } }
                        p {
                            label for="takedown-article" { "文章编号" }
                            input id="takedown-article" name="article" type="text" inputmode="numeric" value=(typed.article)
                                aria-describedby=[error.map(|_| "takedown-error")];
                        }
                        p {
                            label for="takedown-reason" { "理由（作者会看到）" }
                            input id="takedown-reason" name="reason" type="text" maxlength="500" value=(typed.reason);
                        }
                        p { button type="submit" { "下架" } }
                    }
                    h2 { "恢复已删除的文章" }
                    p { "作者删除的文章可以由编辑恢复为草稿。" }
                    form method="post" action="/editor/restore" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        p {
                            label for="restore-article" { "文章编号" }
                            input id="restore-article" name="article" type="text" inputmode="numeric";
                        }
                        p {
                            label for="restore-reason" { "理由" }
                            input id="restore-reason" name="reason" type="text" maxlength="500";
                        }
                        p { button type="submit" { "恢复为草稿" } }
                    }
                    h2 { "待处理的申诉" }
                    @if appeals.is_empty() { p { "没有待处理的申诉。" } }
                    @for a in &appeals {
                        article class="appeal" aria-labelledby={ "appeal-" (a.id) } {
                            h3 id={ "appeal-" (a.id) } { "第 " (a.id) " 条记录：" (a.reason) "（" (a.delta) "）" }
                            p { "申诉理由：" (a.appeal_text) }
                            (decide_form(
                                &format!("/editor/appeals/{}", a.id),
                                &session.csrf,
                                &format!("reply-{}", a.id),
                                "答复（必填）",
                                ("grant", "申诉成立，撤销扣分"),
                                ("deny", "维持"),
                            ))
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

async fn take_down(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
    Form(form): Form<PinForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let Some(id) = form.article.trim().parse::<i64>().ok().filter(|id| *id > 0) else {
        return standing_page(
            &state,
            &headers,
            &session,
            &form,
            Some("文章编号须为正整数。"),
        )
        .await;
    };
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return standing_page(
            &state,
            &headers,
            &session,
            &form,
            Some("请填写 1–500 字的理由。"),
        )
        .await;
    }
    if state.store().take_down(id, reason).await?.is_none() {
        return standing_page(
            &state,
            &headers,
            &session,
            &form,
            Some("没有这篇可下架的文章（已发布、定时或审核中）。"),
        )
        .await;
    }
    state
        .store()
        .log_moderation(
            &session.user.username,
            "article.take-down",
            &format!("article {id}"),
            reason,
        )
        .await?;
    state.invalidate();
    Ok(Redirect::to("/editor/standing").into_response())
}

async fn restore_deleted(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    Form(form): Form<PinForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let id = parse_id(form.article.trim(), "文章")?;
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(PageError::bad_request("请填写 1–500 字的理由。"));
    }
    let deleted = [hao_domain::ArticleStatus::Deleted];
    if !state
        .store()
        .set_status(id, &deleted, hao_domain::ArticleStatus::Draft)
        .await?
    {
        return Err(PageError::not_found("没有这篇已删除的文章。"));
    }
    state
        .store()
        .log_moderation(
            &session.user.username,
            "article.restore",
            &format!("article {id}"),
            reason,
        )
        .await?;
    state.invalidate();
    Ok(Redirect::to("/editor/standing").into_response())
}

async fn decide_appeal(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    Path(raw): Path<String>,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let id = parse_id(&raw, "记录")?;
    let (grant, reply) = form.decision(
        ("grant", "deny"),
        "请选择申诉成立或维持。",
        true,
        "请填写 1–500 字的答复，作者会看到它。",
    )?;
    let editor = &session.user.username;
    if !state
        .store()
        .decide_appeal(id, grant, editor, reply)
        .await?
    {
        return Err(PageError::not_found("没有这条待处理的申诉。"));
    }
    let action = if grant { "appeal.grant" } else { "appeal.deny" };
    state
        .store()
        .log_moderation(editor, action, &format!("ledger {id}"), reply)
        .await?;
    Ok(Redirect::to("/editor/standing").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_marked_on_each_side() {
        let (left, right) = side_by_side("今天天气很好", "今天天气不好");
        let (l, r) = (left.into_string(), right.into_string());
        assert!(l.contains("<del>很</del>"), "{l}");
        assert!(r.contains("<ins>不</ins>"), "{r}");
        assert!(l.starts_with("<div class=\"diff-text\">今天天气"));
    }
}
