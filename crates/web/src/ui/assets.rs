//! The stylesheet and the script, embedded, with URLs versioned by their
//! content (served by `reader::files`).

use std::sync::LazyLock;

pub const CSS: &str = include_str!("../../assets/hao.css");

pub const JS: &str = include_str!("../../assets/hao.js");

fn short_hash(s: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    format!("{:08x}", h.finish() as u32)
}

static CSS_URL: LazyLock<String> =
    LazyLock::new(|| format!("/static/hao.css?v={}", short_hash(CSS)));

static JS_URL: LazyLock<String> = LazyLock::new(|| format!("/static/hao.js?v={}", short_hash(JS)));

/// The stylesheet's URL, versioned by content so it can be cached forever.
pub fn css_url() -> &'static str {
    &CSS_URL
}

pub fn js_url() -> &'static str {
    &JS_URL
}

/// Run in `<head>`, before the stylesheet applies: the reader's toolbar
/// settings (`localStorage`, key `hao-a11y`) become classes of `<html>`, so a
/// cached page never shows the old style first. `hao.js` keeps them.
pub const SETTINGS_SCRIPT: &str = r#"(function(){try{var s=JSON.parse(localStorage.getItem("hao-a11y")||"{}"),h=document.documentElement,c=h.classList;if(s.scheme)c.add("a11y-"+s.scheme);if(s.zoom&&s.zoom!=1){c.add("a11y-zoomed");h.style.setProperty("--a11y-zoom",s.zoom)}if(s.cursor)c.add("a11y-cursor");if(s.captions)c.add("a11y-captions")}catch(e){}})();"#;
