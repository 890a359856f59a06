//! Uploaded images: judged by their content, never their name. An upload
//! must decode as PNG, JPEG, WebP or GIF within the size and pixel limits; it
//! is then re-encoded (PNG when it has transparency, else JPEG), which drops
//! whatever else the file carried (metadata, trailing bytes), and named by
//! its content hash.

/// The largest file accepted.
pub const MAX_BYTES: usize = 5 << 20;
/// The largest image accepted, in pixels on a side.
const MAX_SIDE: u32 = 8000;

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
    let name = format!("{}.{ext}", &crate::secrets::sha256_hex_bytes(&bytes)[..32]);
    Ok(Encoded {
        name,
        mime,
        bytes,
        size,
    })
}
