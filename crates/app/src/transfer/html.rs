//! Other platforms' HTML as Hao's Markdown (`htmd`, turndown's rules): the
//! Markdown is then rendered and sanitised like every article's. WordPress's
//! habits are undone first: paragraphs written as blank lines (`wpautop`)
//! and `[caption]` shortcodes.

use std::sync::LazyLock;

static CONVERTER: LazyLock<htmd::HtmlToMarkdown> = LazyLock::new(|| {
    htmd::HtmlToMarkdown::builder()
        .skip_tags(vec![
            "script", "style", "iframe", "object", "embed", "form", "noscript", "svg",
        ])
        .build()
});

/// Block-level tags: an HTML body with none of them is WordPress's classic
/// text, its paragraphs separated by blank lines.
const BLOCKS: &[&str] = &[
    "<p",
    "<h1",
    "<h2",
    "<h3",
    "<h4",
    "<h5",
    "<h6",
    "<ul",
    "<ol",
    "<blockquote",
    "<figure",
    "<table",
    "<div",
    "<pre",
];

/// Markdown of an HTML body.
pub fn to_markdown(html: &str) -> String {
    let html = strip_shortcodes(html);
    let lower = html.to_ascii_lowercase();
    let html = if BLOCKS.iter().any(|b| lower.contains(b)) {
        html
    } else {
        autop(&html)
    };
    let md = CONVERTER.convert(&html).unwrap_or_default();
    // At most one blank line between blocks.
    let mut out = String::with_capacity(md.len());
    let mut blank = 0;
    for line in md.lines() {
        // Trailing spaces stay: two of them are a line break.
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
            out.push_str(line);
        }
        out.push('\n');
    }
    out.trim_matches('\n').to_owned()
}

/// The plain text of a short HTML fragment (a comment).
pub fn to_text(html: &str) -> String {
    to_markdown(html)
}

/// Paragraphs from blank-line-separated text; single newlines become `<br>`.
fn autop(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>\n")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Removes `[caption …]` / `[/caption]` (keeping what they wrap) and
/// other square-bracket shortcodes standing alone (`[gallery ids="…"]`).
fn strip_shortcodes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('[') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let name: String = after
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let is_shortcode = !name.is_empty()
            && matches!(
                name.as_str(),
                "caption" | "gallery" | "embed" | "audio" | "video" | "playlist" | "wp_caption"
            );
        match (is_shortcode, after.find(']')) {
            (true, Some(end)) => rest = &after[end + 1..],
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The address of every image in a Markdown text (`![alt](url "title")`),
/// in order, with the byte range of the address.
pub fn image_urls(md: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = md[from..].find("![") {
        let start = from + i;
        let Some(close) = md[start..].find("](") else {
            break;
        };
        let url_start = start + close + 2;
        let tail = &md[url_start..];
        let url_len = tail
            .find(|c: char| c == ')' || c.is_whitespace())
            .unwrap_or(tail.len());
        let url = tail[..url_len].trim_matches(|c| c == '<' || c == '>');
        if !url.is_empty() {
            found.push((url_start..url_start + url_len, url.to_owned()));
        }
        from = url_start + url_len;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_links_quotes() {
        let md = to_markdown(
            "<h2>小标题</h2><p>正文<strong>加粗</strong>，<a href=\"https://example.com/a\">链接</a>。</p>\
             <ul><li>第一</li><li>第二</li></ul><blockquote><p>引用的话</p></blockquote>\
             <script>alert(1)</script>",
        );
        assert!(md.contains("## 小标题"), "{md}");
        assert!(md.contains("**加粗**"), "{md}");
        assert!(md.contains("[链接](https://example.com/a)"), "{md}");
        assert!(md.contains("第一") && md.contains("第二"), "{md}");
        assert!(md.contains("> 引用的话"), "{md}");
        assert!(!md.contains("alert"), "{md}");
    }

    #[test]
    fn classic_wordpress_text_and_captions() {
        let md = to_markdown(
            "第一段。\n\n[caption id=\"attachment_9\" align=\"alignnone\" width=\"300\"]<img src=\"https://x.cn/wp-content/uploads/2024/05/a.jpg\" alt=\"图\" /> 图注[/caption]\n\n第二段\n第二行",
        );
        assert!(!md.contains("caption"), "{md}");
        let urls = image_urls(&md);
        assert_eq!(urls.len(), 1, "{md}");
        assert_eq!(urls[0].1, "https://x.cn/wp-content/uploads/2024/05/a.jpg");
        assert!(md.starts_with("第一段。"), "{md}");
    }
}
