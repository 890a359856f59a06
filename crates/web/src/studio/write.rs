//! `/write` and `/write/{id}`: the editor form. Without JavaScript, a
//! refused form comes back with everything typed and each reason next to
//! its field; it publishes through `hao_app::publish`, as the API does.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hao_app::publish::{self, ArticleInput, PublishError, Request};
use hao_domain::{ArticleStatus, Channel, Originality};
use maud::{PreEscaped, html};
use serde::Deserialize;

use super::{creator_of, editable};
use crate::http::AppState;
use crate::http::auth::{Session, SignedIn};
use crate::http::error::PageError;
use crate::http::respond::is_care;
use crate::http::respond::private_page;
use crate::ui::layout::{Frame, layout};

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

pub(super) fn render_form(
    headers: &HeaderMap,
    session: &Session,
    id: Option<i64>,
    f: &WriteForm,
    error: Option<(&str, &str)>,
    preview: Option<String>,
) -> Response {
    let frame = Frame::new(
        if id.is_some() {
            "修改文章"
        } else {
            "写文章"
        },
        "/write",
        is_care(headers),
    )
    .describe("写文章");
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

pub(super) async fn new_form(
    headers: HeaderMap,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    creator_of(&session)?;
    let f = WriteForm {
        original: "1".into(),
        ..Default::default()
    };
    Ok(render_form(&headers, &session, None, &f, None, None))
}

pub(super) fn beijing_local(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset"))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

pub(super) async fn edit_form(
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

pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Form(f): Form<WriteForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    creator_of(&session)?;
    submit(&state, &headers, &session, None, f).await
}

pub(super) async fn update(
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

pub(super) async fn submit(
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
            !cover.is_empty() && publish::cover_url(cover).is_err(),
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
    let request = Request {
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
    match publish::publish(state.app(), &session.user, request, existing).await {
        Ok(_) => Ok(Redirect::to("/studio").into_response()),
        // Each refusal next to its field (the form has them all; anything
        // else is said at the top of the form).
        Err(PublishError::Invalid(e)) => {
            let field = match e.field() {
                f @ ("title" | "body" | "channel" | "tags" | "cover" | "source_url" | "source"
                | "publish_at") => f,
                _ => "form",
            };
            Ok(refuse(field, &e.to_string()))
        }
        Err(e @ (PublishError::NotACreator | PublishError::NotTheirs)) => {
            Err(PageError::forbidden(e.to_string()))
        }
        Err(e @ PublishError::Conflict { .. }) => Ok(refuse("form", &e.to_string())),
        Err(PublishError::Store(e)) => {
            tracing::error!(error = %e, "saving an article from the studio");
            // Nothing typed is lost: the form comes back with the message.
            let mut r = refuse("form", "保存失败，请稍后再试；已填写的内容仍在表单中。");
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            Ok(r)
        }
    }
}
