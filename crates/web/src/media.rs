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
use maud::html;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::PageError;
use crate::pages::is_care;
use crate::templates::{Frame, layout};

/// The largest file accepted.
pub const MAX_BYTES: usize = 5 << 20;
/// The largest image accepted, in pixels on a side.
const MAX_SIDE: u32 = 8000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/studio/upload",
            post(upload).layer(DefaultBodyLimit::max(MAX_BYTES + (64 << 10))),
        )
        .route("/media/{name}", get(serve))
}

/// An accepted upload, re-encoded.
pub struct Encoded {
    /// Content hash and extension: the name it is served under.
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
    pub size: (u32, u32),
}

/// Whether `url` is the address of an image stored here, as [`reencode`]
/// names them (`/media/` + 32 hex digits + `.jpg` or `.png`).
pub fn is_media_url(url: &str) -> bool {
    url.strip_prefix("/media/")
        .and_then(|n| n.strip_suffix(".jpg").or_else(|| n.strip_suffix(".png")))
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Checks and decodes an upload, or says why it is refused.
fn decode(bytes: &[u8]) -> Result<(image::DynamicImage, (u32, u32)), String> {
    if bytes.is_empty() {
        return Err("请选择要上传的图片。".into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!("图片最大 {} MB。", MAX_BYTES >> 20));
    }
    let format = image::guess_format(bytes)
        .ok()
        .filter(|f| {
            matches!(
                f,
                image::ImageFormat::Png
                    | image::ImageFormat::Jpeg
                    | image::ImageFormat::WebP
                    | image::ImageFormat::Gif
            )
        })
        .ok_or("只接受 PNG、JPEG、WebP 或 GIF 图片（按文件内容判断，与文件名无关）。")?;
    let reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| "图片文件已损坏，无法读取。".to_owned())?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!("图片边长最多 {MAX_SIDE} 像素（这张是 {w}×{h}）。"));
    }
    let img = image::load_from_memory_with_format(bytes, format)
        .map_err(|_| "图片文件已损坏，无法读取。".to_owned())?;
    Ok((img, (w, h)))
}

/// Checks and re-encodes an upload, or says why it is refused.
pub fn reencode(bytes: &[u8]) -> Result<Encoded, String> {
    let (img, size) = decode(bytes)?;
    encode(&img, size)
}

/// The side of an avatar, in pixels.
pub const AVATAR_SIDE: u32 = 256;

/// Checks an upload and makes an avatar of it: the centre square, scaled to
/// [`AVATAR_SIDE`] pixels, re-encoded.
pub fn reencode_avatar(bytes: &[u8]) -> Result<Encoded, String> {
    let (img, _) = decode(bytes)?;
    let square = img.resize_to_fill(
        AVATAR_SIDE,
        AVATAR_SIDE,
        image::imageops::FilterType::Lanczos3,
    );
    encode(&square, (AVATAR_SIDE, AVATAR_SIDE))
}

fn encode(img: &image::DynamicImage, size: (u32, u32)) -> Result<Encoded, String> {
    let mut out = std::io::Cursor::new(Vec::new());
    let (ext, mime) = if img.color().has_alpha() {
        img.write_to(&mut out, image::ImageFormat::Png)
            .map_err(|e| format!("图片无法处理：{e}"))?;
        ("png", "image/png")
    } else {
        let rgb = image::DynamicImage::ImageRgb8(img.to_rgb8());
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
        rgb.write_with_encoder(encoder)
            .map_err(|e| format!("图片无法处理：{e}"))?;
        ("jpg", "image/jpeg")
    };
    let bytes = out.into_inner();
    let name = format!("{}.{ext}", &crate::auth::sha256_hex_bytes(&bytes)[..32]);
    Ok(Encoded {
        name,
        mime,
        bytes,
        size,
    })
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let (mut csrf, mut file) = (String::new(), Vec::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| PageError::bad_request("上传的表单不完整，请重试。"))?
    {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                file = field
                    .bytes()
                    .await
                    .map_err(|_| {
                        PageError::bad_request(format!("图片最大 {} MB。", MAX_BYTES >> 20))
                    })?
                    .to_vec()
            }
            _ => {}
        }
    }
    session.check_csrf(&csrf)?;
    if session.user.creator_id.is_none() {
        return Err(PageError::forbidden(
            "只有创作者可以上传图片：请先申请入驻（/apply）。",
        ));
    }
    let frame = Frame {
        title: "上传图片",
        description: "上传图片",
        path: "/studio",
        care: is_care(&headers),
        active: None,
    };
    match reencode(&file) {
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
