//! Markdown → sanitised HTML, and plain-text summaries.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// Renders a creator's Markdown body to HTML that is safe to embed in a page.
///
/// Chinese writers (and every imported news corpus) end a paragraph with a
/// single line break, so a line break between two text lines starts a new
/// paragraph here, outside fenced code. The HTML is then cleaned by ammonia:
/// no scripts, no event handlers, no `javascript:` links; links get
/// `rel="noopener noreferrer nofollow ugc"`.
pub fn render_markdown(markdown: &str) -> String {
    let prepared = split_paragraphs(markdown);
    let parser = Parser::new_ext(
        &prepared,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut raw = String::with_capacity(prepared.len() + prepared.len() / 4);
    html::push_html(&mut raw, parser);
    ARTICLE_SANITISER.clean(&raw).to_string()
}

/// The sanitiser of articles, made once: a builder is a dozen sets of tags,
/// attributes and schemes, which making for every article cost a third as
/// much as the cleaning.
static ARTICLE_SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("noopener noreferrer nofollow ugc"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect());
    b
});

/// The sanitiser of comments: paragraphs and links only.
static COMMENT_SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.add_tags(["p", "a"])
        .add_tag_attributes("a", ["href"])
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .url_schemes(["http", "https"].into_iter().collect());
    b
});

/// Renders a reader's comment: plain text (nothing in it is markup), each
/// line a paragraph, `http(s)://` addresses made links; then cleaned by the
/// same sanitiser as articles, allowed only paragraphs, line breaks and
/// links (`rel="noopener noreferrer nofollow ugc"`).
pub fn render_comment(text: &str) -> String {
    let mut raw = String::with_capacity(text.len() + 32);
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        raw.push_str("<p>");
        let mut rest = line;
        while let Some(start) = find_url(rest) {
            escape_into(&mut raw, &rest[..start]);
            let url_len = rest[start..]
                .find(|c: char| !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | '\'' | '`'))
                .unwrap_or(rest.len() - start);
            let mut url = &rest[start..start + url_len];
            while let Some(last) = url.chars().last()
                && matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}')
            {
                url = &url[..url.len() - 1];
            }
            raw.push_str("<a href=\"");
            escape_into(&mut raw, url);
            raw.push_str("\">");
            escape_into(&mut raw, url);
            raw.push_str("</a>");
            rest = &rest[start + url.len()..];
        }
        escape_into(&mut raw, rest);
        raw.push_str("</p>");
    }
    COMMENT_SANITISER.clean(&raw).to_string()
}

/// Where the next `http://` or `https://` address starts.
fn find_url(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    [lower.find("https://"), lower.find("http://")]
        .into_iter()
        .flatten()
        .min()
        .filter(|&i| s.len() > i + 8)
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Inserts a blank line between two consecutive text lines so that each line
/// is a paragraph, leaving fenced code, lists, quotes and tables alone.
fn split_paragraphs(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 16);
    let mut in_fence = false;
    let mut previous_is_text = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            out.push_str(line);
            out.push('\n');
            previous_is_text = false;
            continue;
        }
        if in_fence {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let is_text = !trimmed.is_empty() && !is_block_marker(trimmed) && !line.starts_with("    ");
        if is_text && previous_is_text {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous_is_text = is_text;
    }
    out
}

fn is_block_marker(line: &str) -> bool {
    let first_word = line.split_whitespace().next().unwrap_or("");
    matches!(first_word, "-" | "*" | "+" | ">" | "|")
        || line.starts_with('#')
        || line.starts_with('|')
        || line.starts_with('>')
        || (first_word.ends_with('.')
            && first_word[..first_word.len() - 1]
                .chars()
                .all(|c| c.is_ascii_digit())
            && first_word.len() > 1)
}

/// The text of a Markdown body without markup, paragraphs joined by a space.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => {
                push_space(&mut text)
            }
            Event::Start(Tag::Item) => push_space(&mut text),
            _ => {}
        }
    }
    text.trim().to_owned()
}

fn push_space(text: &mut String) {
    if !text.is_empty() && !text.ends_with(' ') {
        text.push(' ');
    }
}

/// A summary of at most `max_chars` characters, cut at a sentence end (。！？)
/// when one falls in the second half, else at the limit with an ellipsis.
pub fn summarize(markdown: &str, max_chars: usize) -> String {
    let text = plain_text(markdown);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max_chars {
        return text;
    }
    let window = &chars[..max_chars];
    if let Some(end) = window
        .iter()
        .rposition(|c| matches!(c, '。' | '！' | '？' | '!' | '?'))
        && end >= max_chars / 2
    {
        return window[..=end].iter().collect();
    }
    let mut s: String = window[..max_chars.saturating_sub(1)].iter().collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn comments_are_text_with_links_only() {
        let html = render_comment(
            "<script>alert(1)</script> 看 https://example.com/a?b=1&c=2。\n\n<img src=x onerror=alert(1)>\njavascript:alert(1) \"q\"",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"noopener noreferrer nofollow ugc\">"),
            "{html}"
        );
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert_eq!(html.matches("<p>").count(), 3, "{html}");
        assert_eq!(
            render_comment("见 http://a.cn/x)。"),
            "<p>见 <a href=\"http://a.cn/x\" rel=\"noopener noreferrer nofollow ugc\">http://a.cn/x</a>)。</p>"
        );
    }

    use super::*;

    #[test]
    fn each_line_is_a_paragraph() {
        assert_eq!(
            render_markdown("第一段\n第二段\n"),
            "<p>第一段</p>\n<p>第二段</p>\n"
        );
    }

    #[test]
    fn lists_and_code_stay_intact() {
        let html = render_markdown("要点：\n\n- 一\n- 二\n\n```\nlet a = 1;\nlet b = 2;\n```\n");
        assert!(html.contains("<li>一</li>\n<li>二</li>"), "{html}");
        assert!(html.contains("let a = 1;\nlet b = 2;"), "{html}");
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = render_markdown(
            "<script>alert(1)</script><img src=x onerror=alert(1)>\n[点我](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn links_get_safe_rel() {
        let html = render_markdown("[来源](https://example.com)");
        assert!(
            html.contains(r#"rel="noopener noreferrer nofollow ugc""#),
            "{html}"
        );
    }

    #[test]
    fn summaries_cut_at_sentence_ends() {
        assert_eq!(summarize("短文。", 10), "短文。");
        assert_eq!(
            summarize("第一句话很长很长。第二句话也很长很长很长。", 12),
            "第一句话很长很长。"
        );
        assert_eq!(
            summarize("没有句号的一段很长很长很长的文字", 6),
            "没有句号的…"
        );
        assert_eq!(summarize("**粗体**与`代码`", 20), "粗体与代码");
    }
}
