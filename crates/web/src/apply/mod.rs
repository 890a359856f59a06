//! 申请入驻: a signed-in reader applies to become a creator (个人/媒体/企业/
//! 政务, display name, bio, main channel, contact, qualifications or sample
//! work); editors approve or reject with a reason in `/editor/applications`;
//! the applicant sees the outcome and the reason on `/apply` and may apply
//! again after a rejection.

mod views;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hao_domain::ApplicationStatus;
use hao_domain::{AccountType, Channel};
use hao_store::{ApplicationRefusal, NewApplication};
use maud::html;
use serde::Deserialize;

use crate::http::AppState;
use crate::http::auth::{EditorSession, MaybeSession, Session, SignedIn};
use crate::http::error::PageError;
use crate::http::forms::DecideForm;
use crate::http::ids::ApplicationId;
use crate::http::respond::is_care;
use crate::http::respond::private_page;
use crate::ui::layout::{Frame, layout};
use crate::ui::parts::time;
use views::{application_card, form};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/apply",
            get(page).post(submit).layer(DefaultBodyLimit::max(
                hao_app::images::MAX_BYTES + (64 << 10),
            )),
        )
        .route("/editor/applications", get(queue))
        .route("/editor/applications/{id}", post(decide))
}

#[derive(Debug, Default, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    account_type: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    statement: String,
    /// The avatar uploaded with an earlier try of this form (`/media/…`),
    /// kept so that a validation error loses nothing.
    #[serde(default)]
    avatar: String,
}

use crate::ui::forms::FieldErrors;

/// Validates a form into an application, or says what is wrong per field.
fn validate(f: &ApplyForm) -> Result<NewApplication, FieldErrors> {
    let mut errors = FieldErrors::new();
    let count = |s: &str| s.trim().chars().count();
    let account_type = AccountType::parse(&f.account_type);
    if account_type.is_none() {
        errors.push((
            "account_type",
            "请选择账号类型：个人、媒体、企业或政务。".into(),
        ));
    }
    let name = f.display_name.trim();
    if !(2..=20).contains(&count(name)) {
        errors.push(("display_name", "号名称须为 2–20 个字。".into()));
    } else if name.chars().any(|c| c.is_control() || c == '<' || c == '>') {
        errors.push(("display_name", "号名称不能包含控制字符或尖括号。".into()));
    }
    if count(&f.bio) > 200 {
        errors.push((
            "bio",
            format!("简介最多 200 个字，现在 {} 个字。", count(&f.bio)),
        ));
    }
    let channel = Channel::parse(&f.channel).ok();
    if channel.is_none() {
        errors.push(("channel", "请选择主要频道。".into()));
    }
    if !(5..=100).contains(&count(&f.contact)) {
        errors.push((
            "contact",
            "请填写 5–100 个字的联系方式（手机或邮箱）。".into(),
        ));
    }
    if !(20..=2000).contains(&count(&f.statement)) {
        errors.push((
            "statement",
            format!(
                "资质说明或代表作品须为 20–2000 个字，现在 {} 个字。",
                count(&f.statement)
            ),
        ));
    }
    let avatar = f.avatar.trim();
    if !avatar.is_empty() && !hao_app::images::is_media_url(avatar) {
        errors.push(("avatar", "头像地址无效，请重新上传头像。".into()));
    }
    match (account_type, channel) {
        (Some(account_type), Some(channel)) if errors.is_empty() => Ok(NewApplication {
            avatar_url: Some(avatar.to_owned()).filter(|a| !a.is_empty()),
            account_type,
            display_name: name.to_owned(),
            bio: f.bio.trim().to_owned(),
            channel: channel.slug().to_owned(),
            contact: f.contact.trim().to_owned(),
            statement: f.statement.trim().to_owned(),
        }),
        _ => Err(errors),
    }
}

async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
) -> Result<Response, PageError> {
    render(
        &state,
        &headers,
        session.as_ref(),
        &ApplyForm::default(),
        &[],
        None,
    )
    .await
}

async fn render(
    state: &AppState,
    headers: &HeaderMap,
    session: Option<&Session>,
    typed: &ApplyForm,
    errors: &[(&'static str, String)],
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let care = is_care(headers);
    let frame = Frame::new("申请入驻", "/apply", care)
        .describe("申请成为号的创作者：个人、媒体、企业、政务");
    let history = match session {
        Some(s) => state.store().applications_of(s.user.id).await?,
        None => Vec::new(),
    };
    let pending = history
        .iter()
        .any(|a| a.status == ApplicationStatus::Pending);
    let is_creator = session.is_some_and(|s| s.user.creator_id.is_some());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let markup = layout(
        &frame,
        html! {
            section class="account-form apply" {
                h1 { "申请入驻" }
                p { "入驻后可以发表文章、声明原创并获得原创保护。编辑会在审核后通知你结果。" a href="/help/apply" { "入驻说明" } }
                @if let Some(n) = notice { p class="form-notice" role="alert" { (n) } }
                @if !history.is_empty() {
                    h2 { "我的申请" }
                    ul class="applications" {
                        @for a in &history {
                            li {
                                strong { (a.form.display_name) } "（" (a.form.account_type.label()) "）"
                                " · " span class={ "status " (a.status.code()) } { (a.status.label()) }
                                " · " (time(a.created_at))
                                @if !a.reason.is_empty() { p class="reason" { "编辑意见：" (a.reason) } }
                            }
                        }
                    }
                }
                @match session {
                    None => {
                        p { a href="/signin?next=%2Fapply" { "登录" } "或" a href="/signup?next=%2Fapply" { "注册" } "后即可申请。" }
                    }
                    Some(_) if is_creator => { p { "你已经是创作者。" } }
                    Some(_) if pending => { p { "你的申请正在审核中，请耐心等待。" } }
                    Some(s) => { (form(s, typed, errors)) }
                }
            }
        },
    );
    Ok(private_page(status, markup))
}

/// Reads the form, sent as `multipart/form-data` (the page's form, which
/// may carry an avatar) or URL-encoded (no avatar): the fields, and the
/// avatar file's bytes (empty when none was chosen).
async fn read_form(state: &AppState, request: Request) -> Result<(ApplyForm, Vec<u8>), PageError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Form(f) = Form::<ApplyForm>::from_request(request, state)
            .await
            .map_err(crate::http::forms::bad_form)?;
        return Ok((f, Vec::new()));
    }
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| PageError::rejection(e.status(), &e.body_text()))?;
    let (mut f, mut file) = (ApplyForm::default(), Vec::new());
    let unread = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            PageError {
                status: e.status(),
                message: format!("头像最大 {} MB。", hao_app::images::MAX_BYTES >> 20),
                care: false,
                retry_after: None,
            }
        } else {
            PageError::bad_request("上传的表单不完整，请重试。")
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(unread)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "avatar_file" {
            file = field.bytes().await.map_err(unread)?.to_vec();
            continue;
        }
        let text = field.text().await.map_err(unread)?;
        let slot = match name.as_str() {
            "csrf" => &mut f.csrf,
            "account_type" => &mut f.account_type,
            "display_name" => &mut f.display_name,
            "bio" => &mut f.bio,
            "channel" => &mut f.channel,
            "contact" => &mut f.contact,
            "statement" => &mut f.statement,
            "avatar" => &mut f.avatar,
            _ => continue,
        };
        *slot = text;
    }
    Ok((f, file))
}

async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    request: Request,
) -> Result<Response, PageError> {
    let (mut typed, avatar_file) = read_form(&state, request).await?;
    session.check_csrf(&typed.csrf)?;
    if session.user.creator_id.is_some() {
        return Err(PageError::bad_request("你已经是创作者，无需再申请。"));
    }
    // The avatar is checked whatever else is wrong, but stored only with a
    // valid application: a refused form leaves nothing behind.
    let avatar = if avatar_file.is_empty() {
        None
    } else {
        Some(
            state
                .app()
                .image_work(move || hao_app::images::reencode_avatar(&avatar_file))
                .await,
        )
    };
    let valid = validate(&typed);
    let application = match (valid, &avatar) {
        (Ok(a), None | Some(Ok(_))) => a,
        (valid, avatar) => {
            let mut errors = valid.err().unwrap_or_default();
            match avatar {
                Some(Err(m)) => errors.insert(0, ("avatar", m.clone())),
                Some(Ok(_)) => errors.insert(
                    0,
                    (
                        "avatar",
                        "头像没有问题，但表单其他内容有误未能提交：改正后请重新选择头像。"
                            .to_owned(),
                    ),
                ),
                None => {}
            }
            return render(&state, &headers, Some(&session), &typed, &errors, None).await;
        }
    };
    let mut application = application;
    if let Some(Ok(e)) = avatar {
        state
            .store()
            .put_media(&e.name, e.mime, &e.bytes, e.size, session.user.id)
            .await?;
        typed.avatar = format!("/media/{}", e.name);
        application.avatar_url = Some(typed.avatar.clone());
    }
    match state.store().apply(session.user.id, &application).await? {
        Ok(_) => Ok(Redirect::to("/apply").into_response()),
        Err(ApplicationRefusal::NameTaken) => {
            let errors = vec![("display_name", "这个号名称已被使用，请换一个。".to_owned())];
            render(&state, &headers, Some(&session), &typed, &errors, None).await
        }
        Err(_) => {
            render(
                &state,
                &headers,
                Some(&session),
                &typed,
                &[],
                Some("你已有一份申请在审核中。"),
            )
            .await
        }
    }
}

async fn queue(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(session): EditorSession,
) -> Result<Response, PageError> {
    let pending = state
        .store()
        .applications(hao_domain::ApplicationStatus::Pending, 200)
        .await?;
    let frame = Frame::new("入驻审核", "/editor/applications", is_care(&headers))
        .describe("待审核的入驻申请");
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "入驻审核" span class="count" { "共 " (pending.len()) " 份待审核" } }
                    @if pending.is_empty() { p { "没有待审核的申请。" } }
                    @for a in &pending { (application_card(a, &session.csrf)) }
                }
            },
        ),
    ))
}

async fn decide(
    State(state): State<AppState>,
    EditorSession(session): EditorSession,
    ApplicationId(id): ApplicationId,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let (approve, reason) = form.decision(
        ("approve", "reject"),
        "请选择通过或驳回。",
        false,
        "驳回时请填写理由，申请人会看到它。",
    )?;
    let editor = &session.user.username;
    match state
        .store()
        .decide_application(id, approve, editor, reason)
        .await?
    {
        Ok(_) => {}
        Err(ApplicationRefusal::NameTaken) => {
            return Err(PageError::bad_request(
                "这个号名称在申请后已被占用：请驳回并请申请人换一个名称。",
            ));
        }
        Err(_) => return Err(PageError::not_found("没有这份待审核的申请，或它已被处理。")),
    }
    let action = if approve {
        "application.approve"
    } else {
        "application.reject"
    };
    state
        .store()
        .log_moderation(editor, action, &format!("application {id}"), reason)
        .await?;
    state.invalidate();
    Ok(Redirect::to("/editor/applications").into_response())
}
