//! The creator's studio: `/studio` lists their articles by status with views
//! and shares; `/write` and `/write/{id}` are the editor (title, Markdown body
//! with a server-rendered preview, channel, tags, 原创 or 转载 with its
//! source, publish now, at a time, or keep a draft). The form works without
//! JavaScript; a refused form comes back with everything typed and the
//! reason next to the field. It saves through the API's write path.

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use hao_domain::{ArticleStatus, Channel, Originality};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use crate::AppState;
use crate::api_write::{WriteRequest, save};
use crate::auth::{Session, SignedIn};
use crate::drafts::ArticleInput;
use crate::error::PageError;
use crate::pages::private_page;
use crate::pages::{is_care, parse_id};
use crate::templates::{Frame, article_url, format_time, layout};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/studio", get(studio))
        .route("/write", get(new_form).post(create))
        .route("/write/{id}", get(edit_form).post(update))
        .route("/studio/appeal/{id}", axum::routing::post(appeal))
        .route("/write/{id}/history", get(history))
        .route("/studio/stats", get(stats))
        .route("/write/{id}/restore/{rev}", axum::routing::post(restore))
        .route("/write/{id}/unpublish", axum::routing::post(unpublish))
        .route("/write/{id}/delete", axum::routing::post(delete))
}

fn status_label(s: ArticleStatus) -> &'static str {
    match s {
        ArticleStatus::Draft => "草稿",
        ArticleStatus::InReview => "审核中",
        ArticleStatus::Scheduled => "定时发布",
        ArticleStatus::Published => "已发布",
        ArticleStatus::Rejected => "已退回",
        ArticleStatus::TakenDown => "已下架",
        ArticleStatus::Deleted => "已删除",
    }
}

/// The creator account the session writes as, or a page saying how to get one.
fn creator_of(session: &Session) -> Result<i64, PageError> {
    session
        .user
        .creator_id
        .ok_or_else(|| PageError::forbidden("只有创作者可以写文章：请先申请入驻（/apply）。"))
}

async fn studio(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let creator = creator_of(&session)?;
    let rows = state.store().studio_articles(creator, 500).await?;
    let novice = state.store().is_novice(creator).await?;
    let standing = state.store().standing(creator).await?;
    let ledger = state.store().ledger(creator).await?;
    let unread = state.store().unread_notifications(session.user.id).await?;
    let frame = Frame {
        title: "创作中心",
        description: "我的文章、状态与数据",
        path: "/studio",
        care: is_care(&headers),
        active: None,
    };
    let count = |s: ArticleStatus| rows.iter().filter(|r| r.status == s).count();
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor studio" {
                    h1 { "创作中心" }
                    p { a class="button" href="/write" { "写文章" } " " a href="/studio/stats" { "数据" } " " a href={ "/author/" (creator) } { "我的主页" } }
                    @if unread > 0 { p class="form-notice" { a href="/notifications" { "你有 " (unread) " 条未读消息" } } }
                    @if novice { p class="form-notice" { "你在新手期：文章经编辑审核通过后发布。" } }
                    p class="status-counts" {
                        @for s in [ArticleStatus::Draft, ArticleStatus::InReview, ArticleStatus::Scheduled, ArticleStatus::Published, ArticleStatus::Rejected, ArticleStatus::TakenDown] {
                            span { (status_label(s)) " " strong { (count(s)) } } " "
                        }
                    }
                    form class="upload" method="post" action="/studio/upload" enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        label for="upload-file" { "上传图片（PNG、JPEG、WebP、GIF，最大 5 MB）" }
                        input id="upload-file" name="file" type="file" accept="image/png,image/jpeg,image/webp,image/gif";
                        button type="submit" { "上传" }
                    }
                    (ledger_section(standing, &ledger, &session.csrf))
                    h2 { "我的文章" }
                    @if rows.is_empty() { p { "还没有文章。" } }
                    @else {
                        table {
                            thead { tr { th scope="col" { "标题" } th scope="col" { "状态" } th scope="col" { "阅读" } th scope="col" { "分享" } th scope="col" { "发布时间" } th scope="col" { "修改时间" } } }
                            tbody {
                                @for r in &rows {
                                    tr {
                                        td {
                                            a href={ "/write/" (r.id) } { (r.title) }
                                            @if r.status == ArticleStatus::Published { " " a href=(article_url(r.id)) { "查看" } }
                                            " " a href={ "/write/" (r.id) "/history" } { "历史" }
                                            " " a href={ "/studio/stats?article=" (r.id) } { "数据" }
                                            @if matches!(r.status, ArticleStatus::Published | ArticleStatus::Scheduled | ArticleStatus::InReview) {
                                                form class="inline" method="post" action={ "/write/" (r.id) "/unpublish" } {
                                                    input type="hidden" name="csrf" value=(session.csrf);
                                                    button type="submit" aria-label={ "撤回 " (r.title) } { "撤回" }
                                                }
                                            }
                                            @if r.status != ArticleStatus::TakenDown {
                                                form class="inline" method="post" action={ "/write/" (r.id) "/delete" } {
                                                    input type="hidden" name="csrf" value=(session.csrf);
                                                    button type="submit" aria-label={ "删除 " (r.title) } { "删除" }
                                                }
                                            }
                                            @if !r.review_note.is_empty() && r.status == ArticleStatus::Rejected { p class="reason" { "编辑意见：" (r.review_note) } }
                                        }
                                        td class={ "status " (r.status.code()) } { (status_label(r.status)) }
                                        td { (r.views) } td { (r.shares) }
                                        td { (format_time(r.published_at)) } td { (format_time(r.updated_at)) }
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

#[derive(Debug, Default, Deserialize)]
pub struct AppealForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

/// The creator appeals one entry of their standing ledger.
async fn appeal(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    SignedIn(session): SignedIn,
    Form(f): Form<AppealForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    let creator = creator_of(&session)?;
    let id = parse_id(&raw, "记录")?;
    let text = f.text.trim();
    if !(5..=500).contains(&text.chars().count()) {
        return Err(PageError::bad_request("申诉理由须为 5–500 字。"));
    }
    if !state.store().appeal(creator, id, text).await? {
        return Err(PageError::not_found(
            "没有这条可以申诉的记录（每条只能申诉一次）。",
        ));
    }
    Ok(Redirect::to("/studio").into_response())
}

fn appeal_label(a: Option<&str>) -> &'static str {
    match a {
        None => "",
        Some("pending") => "申诉处理中",
        Some("granted") => "申诉成立，已撤销",
        Some("denied") => "申诉未成立",
        Some(_) => "",
    }
}

fn ledger_section(standing: i64, ledger: &[hao_store::LedgerEntry], csrf: &str) -> Markup {
    html! {
        section class="standing" aria-labelledby="standing-title" {
            h2 id="standing-title" { "信用分 " strong class="standing-score" { (standing) } }
            p { "起始 " (hao_store::STANDING_START) " 分；每一次变动都记录在下面，附理由。对扣分有异议可以申诉，编辑会答复。" }
            @if ledger.is_empty() { p { "没有任何变动。" } }
            @else {
                ol class="ledger" {
                    @for e in ledger {
                        li {
                            span class="delta" { (e.delta) } " " (e.reason) " · " (format_time(e.at))
                            @if let Some(a) = &e.appeal {
                                " · " span class="appeal" { (appeal_label(Some(a))) }
                                @if !e.appeal_reply.is_empty() { p class="reason" { "编辑答复：" (e.appeal_reply) } }
                            } @else {
                                form method="post" action={ "/studio/appeal/" (e.id) } {
                                    input type="hidden" name="csrf" value=(csrf);
                                    label for={ "appeal-" (e.id) } { "申诉理由" }
                                    input id={ "appeal-" (e.id) } name="text" type="text" maxlength="500";
                                    button type="submit" { "申诉" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/write/{id}/history`: every earlier version, its differences from the
/// current one marked, each restorable.
async fn history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let a = editable(&state, &session, &raw).await?;
    let revisions = state.store().revisions(a.id).await?;
    let frame = Frame {
        title: "修订历史",
        description: "文章的每一个保存版本",
        path: "/studio",
        care: is_care(&headers),
        active: None,
    };
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor history" {
                    h1 { "修订历史：" (a.title) }
                    p { "当前版本保存于 " (format_time(a.updated_at)) "。" a href={ "/write/" (a.id) } { "修改" } }
                    @if revisions.is_empty() { p { "还没有更早的版本。" } }
                    @for r in &revisions {
                        @let (left, right) = crate::editor::side_by_side(&format!("{}\n{}", r.title, r.body), &format!("{}\n{}", a.title, a.body_markdown));
                        article class="revision" aria-labelledby={ "rev-" (r.id) } {
                            h2 id={ "rev-" (r.id) } { (format_time(r.saved_at)) " 的版本：" (r.title) }
                            div class="side-by-side" {
                                div { h3 { "这个版本" } (left) }
                                div { h3 { "当前版本" } (right) }
                            }
                            form method="post" action={ "/write/" (a.id) "/restore/" (r.id) } {
                                input type="hidden" name="csrf" value=(session.csrf);
                                button type="submit" { "恢复这个版本" }
                            }
                        }
                    }
                    p { a href="/studio" { "返回创作中心" } }
                }
            },
        ),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}

async fn restore(
    State(state): State<AppState>,
    Path((raw, rev)): Path<(String, String)>,
    SignedIn(session): SignedIn,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    let a = editable(&state, &session, &raw).await?;
    let revision = state
        .store()
        .revisions(a.id)
        .await?
        .into_iter()
        .find(|r| rev.parse() == Ok(r.id))
        .ok_or_else(|| PageError::not_found("没有这个版本。"))?;
    let (original, source, source_url) = match &a.originality {
        Originality::Original => (true, None, None),
        Originality::Reprint {
            source_name,
            source_url,
        } => (false, Some(source_name.clone()), source_url.clone()),
    };
    // Restoring saves the old text as the newest version (the current one
    // goes to the history): nothing is lost either way.
    let request = WriteRequest {
        input: ArticleInput {
            external_id: None,
            title: Some(revision.title),
            body: Some(revision.body),
            author: None,
            author_type: None,
            demo: false,
            channel: Some(a.channel.slug().to_owned()),
            published_at: None,
            original: Some(original),
            source,
            source_url,
            cover: a.cover_url.clone(),
            tags: a.tags.clone(),
        },
        publish: !matches!(a.status, ArticleStatus::Draft | ArticleStatus::Rejected),
        publish_at: None,
    };
    let id = a.id;
    save(&state, &session.user, request, Some(a))
        .await
        .map_err(|e| PageError::bad_request(e.message))?;
    Ok(Redirect::to(&format!("/write/{id}/history")).into_response())
}

/// A status move the creator (or an editor) asks for: the article's status
/// must be one of `from`, else `refused` is the answer.
async fn move_status(
    state: &AppState,
    session: &Session,
    raw: &str,
    csrf: &str,
    from: &[ArticleStatus],
    to: ArticleStatus,
    refused: &str,
) -> Result<Response, PageError> {
    session.check_csrf(csrf)?;
    let a = editable(state, session, raw).await?;
    if !state.store().set_status(a.id, from, to).await? {
        return Err(PageError::bad_request(refused));
    }
    state.invalidate();
    Ok(Redirect::to("/studio").into_response())
}

async fn unpublish(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    SignedIn(session): SignedIn,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    use ArticleStatus::*;
    let from = [Published, Scheduled, InReview];
    let refused = "只有已发布、定时或审核中的文章可以撤回。";
    move_status(&state, &session, &raw, &f.csrf, &from, Draft, refused).await
}

async fn delete(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    SignedIn(session): SignedIn,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    use ArticleStatus::*;
    let from = [Draft, InReview, Scheduled, Published, Rejected];
    let refused = "这篇文章不能删除（已下架的文章请先申诉）。";
    move_status(&state, &session, &raw, &f.csrf, &from, Deleted, refused).await
}

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    article: Option<String>,
    format: Option<String>,
}

/// Days shown in the analytics.
const STAT_DAYS: i64 = 30;

/// `/studio/stats[?article=ID][&format=csv]`: views, shares and followers
/// gained per day for the last 30 days, as an SVG chart with a table (the
/// accessible form of the same numbers), or as CSV.
async fn stats(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<StatsQuery>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let creator = creator_of(&session)?;
    let article = match q.article.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(raw) => {
            let a = editable(&state, &session, raw).await?;
            if a.creator_id != creator {
                return Err(PageError::forbidden("只能查看自己文章的数据。"));
            }
            Some(a)
        }
    };
    let days = state
        .store()
        .daily_stats(
            creator,
            article.as_ref().map(|a| a.id),
            STAT_DAYS,
            hao_store::now(),
        )
        .await?;
    let day_label = |d: i64| format!("{}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100);
    match q.format.as_deref() {
        None | Some("") | Some("html") => {}
        Some("csv") => {
            let mut csv = String::from("day,views,shares,followers_gained\n");
            for d in &days {
                csv.push_str(&format!(
                    "{},{},{},{}\n",
                    day_label(d.day),
                    d.views,
                    d.shares,
                    d.followers
                ));
            }
            let name = match &article {
                Some(a) => format!("hao-stats-article-{}.csv", a.id),
                None => "hao-stats.csv".to_owned(),
            };
            let mut r = csv.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                "text/csv; charset=utf-8".parse().expect("valid"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\"")
                    .parse()
                    .expect("ascii name"),
            );
            h.insert(header::CACHE_CONTROL, "no-store".parse().expect("valid"));
            return Ok(r);
        }
        Some(other) => {
            return Err(PageError::bad_request(format!(
                "格式“{other}”无效：应为 html 或 csv。"
            )));
        }
    }
    let total = |f: fn(&hao_store::DayStats) -> i64| days.iter().map(f).sum::<i64>();
    let title = match &article {
        Some(a) => format!("数据：{}", a.title),
        None => "数据：全部文章".to_owned(),
    };
    let frame = Frame {
        title: &title,
        description: "近 30 天的阅读、分享与新增关注",
        path: "/studio",
        care: is_care(&headers),
        active: None,
    };
    let csv_link = match &article {
        Some(a) => format!("/studio/stats?article={}&format=csv", a.id),
        None => "/studio/stats?format=csv".to_owned(),
    };
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor stats" {
                    h1 { (title) }
                    p class="totals" {
                        "近 30 天：阅读 " strong { (total(|d| d.views)) }
                        "，分享 " strong { (total(|d| d.shares)) }
                        "，新增关注 " strong { (total(|d| d.followers)) }
                    }
                    (chart(&days))
                    p { a href=(csv_link) download { "下载 CSV" } " " a href="/studio" { "返回创作中心" } }
                    table {
                        caption { "每日数据" }
                        thead { tr { th scope="col" { "日期" } th scope="col" { "阅读" } th scope="col" { "分享" } th scope="col" { "新增关注" } } }
                        tbody {
                            @for d in days.iter().rev() {
                                tr { th scope="row" { (day_label(d.day)) } td { (d.views) } td { (d.shares) } td { (d.followers) } }
                            }
                        }
                    }
                }
            },
        ),
    ))
}

/// Daily views as bars, drawn by the server (no script): the table below
/// holds the same numbers for screen readers, so the picture is described
/// briefly and otherwise hidden from them.
fn chart(days: &[hao_store::DayStats]) -> Markup {
    let (w, h, pad) = (600.0_f64, 160.0_f64, 20.0_f64);
    let max = days.iter().map(|d| d.views).max().unwrap_or(0).max(1) as f64;
    let bar = (w - 2.0 * pad) / days.len().max(1) as f64;
    let svg = html! {
        svg class="chart" viewBox={ "0 0 " (w) " " (h) } role="img" aria-label="近 30 天每日阅读柱状图，数据见下表" {
            line x1=(pad) y1=(h - pad) x2=(w - pad) y2=(h - pad) stroke="#595959" {}
            @for (i, d) in days.iter().enumerate() {
                @let height = (d.views as f64 / max) * (h - 2.0 * pad);
                rect x=(format!("{:.1}", pad + i as f64 * bar + 1.0)) y=(format!("{:.1}", h - pad - height))
                    width=(format!("{:.1}", (bar - 2.0).max(1.0))) height=(format!("{:.1}", height)) fill="#b3131b" {}
            }
            text x=(pad) y="14" font-size="12" fill="#1f1f1f" { "最高 " (max as i64) }
        }
    };
    svg
}

/// What the form carries (and shows back).
#[derive(Debug, Default, Deserialize, Clone)]
pub struct WriteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    tags: String,
    /// The cover image: an uploaded image's address (`/media/…`) or a link.
    #[serde(default)]
    cover: String,
    /// "1": 原创; "0": 转载.
    #[serde(default)]
    original: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    source_url: String,
    /// Beijing time, `YYYY-MM-DDTHH:MM` (a `datetime-local` input).
    #[serde(default)]
    publish_at: String,
    /// publish | schedule | draft | preview
    #[serde(default)]
    action: String,
}

fn render_form(
    headers: &HeaderMap,
    session: &Session,
    id: Option<i64>,
    f: &WriteForm,
    error: Option<(&str, &str)>,
    preview: Option<String>,
) -> Response {
    let frame = Frame {
        title: if id.is_some() {
            "修改文章"
        } else {
            "写文章"
        },
        description: "写文章",
        path: "/write",
        care: is_care(headers),
        active: None,
    };
    let action = match id {
        Some(id) => format!("/write/{id}"),
        None => "/write".to_owned(),
    };
    let err = |field: &str| {
        error
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.to_owned())
    };
    let described = |field: &str| err(field).map(|_| format!("{field}-error"));
    let field_error = |field: &str| {
        html! { @if let Some(m) = err(field) { p class="field-error" id={ (field) "-error" } role="alert" { (m) } } }
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let original = f.original != "0";
    let markup = layout(
        &frame,
        html! {
            section class="account-form write" {
                h1 { (frame.title) }
                @if let Some((field, m)) = error.filter(|(f, _)| *f == "form") { p class="form-notice" role="alert" id={ (field) "-error" } { (m) } }
                form method="post" action=(action) novalidate {
                    input type="hidden" name="csrf" value=(session.csrf);
                    p {
                        label for="title" { "标题" }
                        input id="title" name="title" type="text" maxlength="100" value=(f.title)
                            aria-invalid=[described("title").map(|_| "true")] aria-describedby=[described("title")];
                        (field_error("title"))
                    }
                    p {
                        label for="body" { "正文（Markdown，每行一段）" }
                        textarea id="body" name="body" rows="16"
                            aria-invalid=[described("body").map(|_| "true")] aria-describedby=[described("body")] { (f.body) }
                        (field_error("body"))
                    }
                    p {
                        label for="channel" { "频道" }
                        select id="channel" name="channel" aria-describedby=[described("channel")] {
                            option value="" { "自动选择" }
                            @for c in Channel::ALL { option value=(c.slug()) selected[f.channel == c.slug()] { (c.name()) } }
                        }
                        (field_error("channel"))
                    }
                    p {
                        label for="tags" { "标签（用逗号分隔）" }
                        input id="tags" name="tags" type="text" value=(f.tags) aria-describedby=[described("tags")];
                        (field_error("tags"))
                    }
                    p {
                        label for="cover" { "封面图片（可不填；在创作中心上传图片后粘贴它的地址，如 /media/….jpg）" }
                        input id="cover" name="cover" type="text" maxlength="2000" value=(f.cover)
                            aria-invalid=[described("cover").map(|_| "true")] aria-describedby=[described("cover")];
                        (field_error("cover"))
                        @if hao_app::images::is_media_url(f.cover.trim()) {
                            img class="cover-preview" src=(f.cover.trim()) alt="封面预览" width="240";
                        }
                    }
                    fieldset {
                        legend { "原创声明" }
                        label class="choice" { input type="radio" name="original" value="1" checked[original]; "原创" }
                        label class="choice" { input type="radio" name="original" value="0" checked[!original]; "转载" }
                        p {
                            label for="source" { "转载来源（转载必填）" }
                            input id="source" name="source" type="text" value=(f.source)
                                aria-invalid=[described("source").map(|_| "true")] aria-describedby=[described("source")];
                            (field_error("source"))
                        }
                        p {
                            label for="source_url" { "来源链接" }
                            input id="source_url" name="source_url" type="url" value=(f.source_url) aria-describedby=[described("source_url")];
                            (field_error("source_url"))
                        }
                    }
                    p {
                        label for="publish_at" { "定时发布（北京时间，可不填）" }
                        input id="publish_at" name="publish_at" type="datetime-local" value=(f.publish_at)
                            aria-invalid=[described("publish_at").map(|_| "true")] aria-describedby=[described("publish_at")];
                        (field_error("publish_at"))
                    }
                    p {
                        button type="submit" name="action" value="publish" { "发布" }
                        " " button type="submit" name="action" value="schedule" { "定时发布" }
                        " " button type="submit" name="action" value="draft" { "存草稿" }
                        " " button type="submit" name="action" value="preview" { "预览" }
                    }
                }
                @if let Some(html) = preview {
                    section class="preview" aria-labelledby="preview-title" {
                        h2 id="preview-title" { "预览" }
                        article class="article" { h1 { (f.title) } div class="body" { (PreEscaped(html)) } }
                    }
                }
                p { a href="/studio" { "返回创作中心" } }
            }
        },
    );
    private_page(status, markup)
}

async fn new_form(headers: HeaderMap, SignedIn(session): SignedIn) -> Result<Response, PageError> {
    creator_of(&session)?;
    let f = WriteForm {
        original: "1".into(),
        ..Default::default()
    };
    Ok(render_form(&headers, &session, None, &f, None, None))
}

/// The article `raw` names, if the session may edit it.
async fn editable(
    state: &AppState,
    session: &Session,
    raw: &str,
) -> Result<hao_domain::Article, PageError> {
    let id = parse_id(raw, "文章")?;
    let article = state
        .store()
        .article(id)
        .await?
        .filter(|a| a.status != ArticleStatus::Deleted)
        .ok_or_else(|| PageError::not_found("没有这篇文章。"))?;
    if !session.user.role.is_editor() && session.user.creator_id != Some(article.creator_id) {
        return Err(PageError::forbidden("只有作者本人或编辑可以修改这篇文章。"));
    }
    Ok(article)
}

fn beijing_local(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset"))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let a = editable(&state, &session, &raw).await?;
    let (original, source, source_url) = match &a.originality {
        Originality::Original => ("1", String::new(), String::new()),
        Originality::Reprint {
            source_name,
            source_url,
        } => (
            "0",
            source_name.clone(),
            source_url.clone().unwrap_or_default(),
        ),
    };
    let f = WriteForm {
        title: a.title.clone(),
        body: a.body_markdown.clone(),
        channel: a.channel.slug().to_owned(),
        tags: a.tags.join("，"),
        cover: a.cover_url.clone().unwrap_or_default(),
        original: original.into(),
        source,
        source_url,
        publish_at: if a.status == ArticleStatus::Scheduled {
            beijing_local(a.published_at)
        } else {
            String::new()
        },
        ..Default::default()
    };
    Ok(render_form(&headers, &session, Some(a.id), &f, None, None))
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Form(f): Form<WriteForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    creator_of(&session)?;
    submit(&state, &headers, &session, None, f).await
}

async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    SignedIn(session): SignedIn,
    Form(f): Form<WriteForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    let a = editable(&state, &session, &raw).await?;
    submit(&state, &headers, &session, Some(a), f).await
}

async fn submit(
    state: &AppState,
    headers: &HeaderMap,
    session: &Session,
    existing: Option<hao_domain::Article>,
    f: WriteForm,
) -> Result<Response, PageError> {
    let id = existing.as_ref().map(|a| a.id);
    if f.action == "preview" {
        let html = hao_text::render_markdown(&f.body);
        return Ok(render_form(headers, session, id, &f, None, Some(html)));
    }
    // The form again, with what was typed and why it was refused.
    let refuse = |field: &str, message: &str| {
        render_form(headers, session, id, &f, Some((field, message)), None)
    };
    // The common mistakes, said in the reader's language next to the field;
    // anything else the shared validation finds is shown as it says it.
    let title_chars = f.title.trim().chars().count();
    let cover = f.cover.trim();
    let checks = [
        (title_chars == 0, "title", "请填写标题。".to_owned()),
        (
            title_chars > hao_domain::limits::TITLE_CHARS,
            "title",
            format!(
                "标题最多 {} 个字，现在 {title_chars} 个字。",
                hao_domain::limits::TITLE_CHARS
            ),
        ),
        (f.body.trim().is_empty(), "body", "请填写正文。".to_owned()),
        (
            !cover.is_empty() && crate::drafts::cover_url(cover).is_err(),
            "cover",
            "封面须是上传后得到的图片地址（/media/…）或 http(s):// 链接。".to_owned(),
        ),
        (
            f.original == "0" && f.source.trim().is_empty(),
            "source",
            "转载请填写来源（原作者或媒体名称）。".to_owned(),
        ),
    ];
    if let Some((_, field, message)) = checks.into_iter().find(|c| c.0) {
        return Ok(refuse(field, &message));
    }
    let publish_at = match (f.action.as_str(), f.publish_at.trim()) {
        ("schedule", "") => return Ok(refuse("publish_at", "定时发布请填写发布时间。")),
        ("schedule", t) => match chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M") {
            Ok(local) if local.and_utc().timestamp() - 8 * 3600 > state.now() => {
                Some(format!("{t}:00+08:00"))
            }
            Ok(_) => return Ok(refuse("publish_at", "发布时间须在将来。")),
            Err(_) => return Ok(refuse("publish_at", "时间格式应为 年-月-日T时:分。")),
        },
        _ => None,
    };
    let original = f.original != "0";
    let tags: Vec<String> = f
        .tags
        .split([',', '，', '、'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let request = WriteRequest {
        input: ArticleInput {
            external_id: None,
            title: Some(f.title.clone()),
            body: Some(f.body.clone()),
            author: None,
            author_type: None,
            demo: false,
            channel: Some(f.channel.clone()).filter(|c| !c.is_empty()),
            published_at: None,
            original: Some(original),
            source: Some(f.source.clone()).filter(|s| !original && !s.trim().is_empty()),
            source_url: Some(f.source_url.clone()).filter(|s| !original && !s.trim().is_empty()),
            cover: Some(f.cover.trim().to_owned()).filter(|c| !c.is_empty()),
            tags,
        },
        publish: f.action != "draft",
        publish_at,
    };
    match save(state, &session.user, request, existing).await {
        Ok(_) => Ok(Redirect::to("/studio").into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let field = [
                "title",
                "body",
                "channel",
                "tags",
                "cover",
                "source_url",
                "source",
            ]
            .into_iter()
            .find(|field| e.message.contains(&format!("'{field}'")))
            .unwrap_or("form");
            Ok(refuse(field, &e.message))
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => Err(PageError::forbidden(e.message)),
        Err(e) if e.status == StatusCode::CONFLICT => Ok(refuse("form", &e.message)),
        Err(e) => {
            tracing::error!(error = %e.message, "saving an article from the studio");
            // Nothing typed is lost: the form comes back with the message.
            let mut r = refuse("form", "保存失败，请稍后再试；已填写的内容仍在表单中。");
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            Ok(r)
        }
    }
}
