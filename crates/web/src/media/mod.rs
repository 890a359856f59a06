//! Image upload (`POST /studio/upload`, creators) and serving (`/media/{name}`).
//! An upload is judged by its content, never its name: it must decode as
//! PNG, JPEG, WebP or GIF within the size and pixel limits; it is then
//! re-encoded (PNG when it has transparency, else JPEG), which drops whatever
//! else the file carried (metadata, trailing bytes), and stored in the
//! database under its content hash, so every node serves it.

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hao_app::images::{Encoded, MAX_BYTES};
use maud::html;

use crate::http::AppState;
use crate::http::auth::SignedIn;
use crate::http::error::PageError;
use crate::http::respond::is_care;
use crate::ui::layout::{Frame, layout};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/studio/upload",
            post(upload).layer(DefaultBodyLimit::max(MAX_BYTES + (64 << 10))),
        )
        .route("/media/{name}", get(serve))
}

/// A multipart body that could not be read: 413 when it was over the
/// limit (multer says so), 400 otherwise.
pub(crate) fn upload_error(e: axum::extract::multipart::MultipartError) -> PageError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        PageError {
            status: e.status(),
            message: format!("图片最大 {} MB。", MAX_BYTES >> 20),
            care: false,
            retry_after: None,
        }
    } else {
        PageError::bad_request("上传的表单不完整，请重试。")
    }
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let (mut csrf, mut file) = (String::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(upload_error)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => file = field.bytes().await.map_err(upload_error)?.to_vec(),
            _ => {}
        }
    }
    session.check_csrf(&csrf)?;
    if session.user.creator_id.is_none() {
        return Err(PageError::forbidden(
            "只有创作者可以上传图片：请先申请入驻（/apply）。",
        ));
    }
    let frame = Frame::new("上传图片", "/studio", is_care(&headers)).describe("上传图片");
    match state
        .app()
        .image_work(move || hao_app::images::reencode(&file))
        .await
    {
        Ok(Encoded {
            name,
            mime,
            bytes,
            size,
        }) => {
            state
                .store()
                .put_media(&name, mime, &bytes, size, session.user.id)
                .await?;
            let url = format!("/media/{name}");
            let markup = layout(
                &frame,
                html! {
                    section class="account-form upload" {
                        h1 { "图片已上传" }
                        img src=(url) alt="刚上传的图片" width=(size.0.min(600));
                        p { label for="markdown" { "复制到正文中（Markdown）：" } }
                        input id="markdown" type="text" readonly value={ "![](" (url) ")" };
                        p { label for="cover-url" { "用作封面（粘贴到写文章页的“封面图片”）：" } }
                        input id="cover-url" type="text" readonly value=(url);
                        p { a href="/write" { "写文章" } " " a href="/studio" { "返回创作中心" } }
                    }
                },
            );
            Ok((StatusCode::CREATED, Html(markup.into_string())).into_response())
        }
        Err(message) => Err(PageError {
            retry_after: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
            care: is_care(&headers),
        }),
    }
}

async fn serve(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let ok = name.len() <= 40 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    let found = if ok {
        state.store().media(&name).await?
    } else {
        None
    };
    let (mime, bytes) = found.ok_or_else(|| PageError::not_found("没有这张图片。"))?;
    let mut r = Response::new(Body::from(bytes));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        mime.parse().expect("stored mime types are valid"),
    );
    // Names are content hashes: an image never changes under its name.
    h.insert(
        header::CACHE_CONTROL,
        "public, max-age=31536000, immutable"
            .parse()
            .expect("valid"),
    );
    h.insert("x-content-type-options", "nosniff".parse().expect("valid"));
    Ok(r)
}
