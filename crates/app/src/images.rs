//! Uploaded images: judged by their content, never their name. An upload
//! must decode as PNG, JPEG, WebP or GIF within the size and pixel limits; it
//! is then re-encoded (PNG when it has transparency, else JPEG), which drops
//! whatever else the file carried (metadata, trailing bytes), and named by
//! its content hash. Decoding is bounded by a pixel and decoded-memory
//! budget checked from the header before any pixel is decoded, and runs
//! through [`crate::App::image_work`]: off the async threads, at most
//! [`PARALLEL`] at once.

/// The largest file accepted.
pub const MAX_BYTES: usize = 5 << 20;
/// The largest image accepted, in pixels on a side.
const MAX_SIDE: u32 = 8000;
/// The most pixels accepted (a 24-megapixel camera's photo fits).
pub const MAX_PIXELS: u64 = 25_000_000;
/// The most memory one decoded image may take (width × height × bytes per
/// pixel): 16-bit and alpha channels count.
pub const MAX_DECODED_BYTES: u64 = 100 << 20;
/// Images decoded at once on a node (each on a blocking thread, never on
/// the async workers that serve pages).
pub const PARALLEL: usize = 2;

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
    let broken = |_| "图片文件已损坏，无法读取。".to_owned();
    let mut decoder = reader.into_decoder().map_err(broken)?;
    let (w, h) = image::ImageDecoder::dimensions(&decoder);
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!("图片边长最多 {MAX_SIDE} 像素（这张是 {w}×{h}）。"));
    }
    // The budget is the decoded size, not the file's: a 500 KB PNG can
    // declare 8000 × 8000 pixels of 16-bit RGBA (512 MB).
    let per_pixel = u64::from(image::ImageDecoder::color_type(&decoder).bytes_per_pixel());
    let decoded = u64::from(w) * u64::from(h) * per_pixel;
    if u64::from(w) * u64::from(h) > MAX_PIXELS || decoded > MAX_DECODED_BYTES {
        return Err(format!(
            "图片太大：{w}×{h} 像素，每像素 {per_pixel} 字节；最多 {} 万像素、解码后 {} MB。",
            MAX_PIXELS / 10_000,
            MAX_DECODED_BYTES >> 20
        ));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES * 2);
    image::ImageDecoder::set_limits(&mut decoder, limits).map_err(broken)?;
    let img = image::DynamicImage::from_decoder(decoder).map_err(broken)?;
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
