//! Share cards: the 1200 × 630 PNG a share shows for an article without a
//! cover (Open Graph, Twitter), drawn here: the site's red band and mark,
//! the title in up to three lines, the author and channel. The text needs
//! a CJK font: `HAO_CARD_FONT`, else the first of the usual system fonts
//! found (Noto CJK, WenQuanYi, Droid Sans Fallback); without one the card
//! is drawn without text (the band and the mark's shape), never an error.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};
use image::{ImageFormat, Rgba, RgbaImage};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

const RED: Rgba<u8> = Rgba([179, 19, 27, 255]);
const INK: Rgba<u8> = Rgba([31, 31, 31, 255]);
const GREY: Rgba<u8> = Rgba([89, 89, 89, 255]);
const PAPER: Rgba<u8> = Rgba([255, 255, 255, 255]);

const FONT_PATHS: [&str; 6] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
];

fn load(path: &Path) -> Option<FontVec> {
    let bytes = std::fs::read(path).ok()?;
    FontVec::try_from_vec_and_index(bytes, 0).ok()
}

/// The card font of this process, looked for once.
pub fn font() -> Option<&'static FontVec> {
    static FONT: OnceLock<Option<FontVec>> = OnceLock::new();
    FONT.get_or_init(|| {
        let configured = std::env::var_os("HAO_CARD_FONT").map(PathBuf::from);
        let found = configured
            .iter()
            .map(PathBuf::as_path)
            .chain(FONT_PATHS.iter().map(Path::new))
            .find_map(load);
        if found.is_none() {
            tracing::info!("no CJK font found for share cards (set HAO_CARD_FONT): cards are drawn without text");
        }
        found
    })
    .as_ref()
}

fn blend(img: &mut RgbaImage, x: i32, y: i32, colour: Rgba<u8>, coverage: f32) {
    if x < 0 || y < 0 || x >= WIDTH as i32 || y >= HEIGHT as i32 {
        return;
    }
    let p = img.get_pixel_mut(x as u32, y as u32);
    let a = coverage.clamp(0.0, 1.0);
    for i in 0..3 {
        p.0[i] = (f32::from(p.0[i]) * (1.0 - a) + f32::from(colour.0[i]) * a).round() as u8;
    }
}

/// Draws `text` with its baseline at `y`, from `x`; returns the width drawn.
fn draw(
    img: &mut RgbaImage,
    font: &FontVec,
    size: f32,
    colour: Rgba<u8>,
    x: f32,
    y: f32,
    text: &str,
) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut caret = x;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        let glyph = id.with_scale_and_position(PxScale::from(size), point(caret, y));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, cov| {
                blend(
                    img,
                    b.min.x as i32 + gx as i32,
                    b.min.y as i32 + gy as i32,
                    colour,
                    cov,
                )
            });
        }
        caret += scaled.h_advance(id);
    }
    caret - x
}

/// Breaks `text` into lines no wider than `width` at `size`, at most
/// `max` lines, the last cut with "…".
fn wrap(font: &FontVec, size: f32, width: f32, text: &str, max: usize) -> Vec<String> {
    let scaled = font.as_scaled(PxScale::from(size));
    let advance = |c: char| scaled.h_advance(scaled.glyph_id(c));
    let mut lines = vec![String::new()];
    let mut used = 0.0;
    for c in text.chars() {
        let w = advance(c);
        if used + w > width && !lines.last().unwrap().is_empty() {
            if lines.len() == max {
                let last = lines.last_mut().unwrap();
                while !last.is_empty() && used + advance('…') > width {
                    used -= last.pop().map(advance).unwrap_or(0.0);
                }
                last.push('…');
                return lines;
            }
            lines.push(String::new());
            used = 0.0;
        }
        lines.last_mut().unwrap().push(c);
        used += w;
    }
    lines
}

/// The card of an article: PNG bytes.
pub fn share_card(site: &str, title: &str, byline: &str) -> Vec<u8> {
    let mut img = RgbaImage::from_pixel(WIDTH, HEIGHT, PAPER);
    // The red band across the top, and a square mark at its left.
    for y in 0..24 {
        for x in 0..WIDTH {
            img.put_pixel(x, y, RED);
        }
    }
    for y in 64..136 {
        for x in 72..144 {
            img.put_pixel(x, y, RED);
        }
    }
    if let Some(font) = font() {
        draw(&mut img, font, 60.0, PAPER, 80.0, 122.0, "号");
        draw(&mut img, font, 44.0, RED, 164.0, 118.0, site);
        let lines = wrap(font, 64.0, (WIDTH - 144) as f32, title, 3);
        for (i, line) in lines.iter().enumerate() {
            draw(
                &mut img,
                font,
                64.0,
                INK,
                72.0,
                250.0 + 84.0 * i as f32,
                line,
            );
        }
        let byline = wrap(font, 34.0, (WIDTH - 144) as f32, byline, 1);
        draw(&mut img, font, 34.0, GREY, 72.0, 570.0, &byline[0]);
    } else {
        // Without a font: grey bars where the title would be.
        for (i, w) in [900u32, 700, 420].iter().enumerate() {
            let top = 200 + 84 * i as u32;
            for y in top..top + 44 {
                for x in 72..72 + w {
                    img.put_pixel(x, y, Rgba([230, 230, 230, 255]));
                }
            }
        }
    }
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .expect("PNG into memory");
    png
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_is_a_png_of_the_right_size_with_ink_where_the_title_is() {
        let png = share_card(
            "号 Hao",
            "申花主场2比1逆转海港 终结三连败，一个很长的标题要换行才能放下",
            "江畔球评 · 体育",
        );
        let img = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT));
        assert_eq!(*img.get_pixel(600, 10), RED);
        // Something on the paper where the title is (text, or without a
        // font the bars standing for it).
        let inked = (190..420)
            .flat_map(|y| (72..1100).map(move |x| (x, y)))
            .any(|(x, y)| img.get_pixel(x, y).0[0] < 250);
        assert!(inked);
    }

    #[test]
    fn long_titles_wrap_into_three_lines_at_most() {
        let Some(font) = font() else { return };
        let lines = wrap(font, 64.0, 1056.0, &"长".repeat(200), 3);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
        assert_eq!(wrap(font, 64.0, 1056.0, "短标题", 3), ["短标题"]);
    }
}
