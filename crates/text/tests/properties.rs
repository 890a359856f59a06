//! Properties of the Markdown renderer and its sanitiser, over generated
//! input mixing filter-evasion fragments with arbitrary text: whatever a
//! creator or a reader sends, what reaches a page runs no script.

use hao_text::{plain_text, render_comment, render_markdown, summarize};
use proptest::prelude::*;

/// Fragments attackers use, glued together in any order with any text.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<script>alert(1)</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("[点我](javascript:alert(1))".to_owned()),
        Just("[点我](JaVaScRiPt:alert(1))".to_owned()),
        Just("<a href=\"java\tscript:alert(1)\">x</a>".to_owned()),
        Just("![x](x\" onerror=\"alert(1))".to_owned()),
        Just("<svg/onload=alert(1)>".to_owned()),
        Just("<iframe src=//evil.example>".to_owned()),
        Just("<style>body{}</style>".to_owned()),
        Just("\"><b onmouseover=alert(1)>".to_owned()),
        Just("```\n<script>\n```".to_owned()),
        Just("| a | b |\n|---|---|\n| <script> | c |".to_owned()),
        Just("\n\n".to_owned()),
        Just("http://example.com/<x>".to_owned()),
        "[\\PC\n]{0,24}",
        "[<>\"'`=/a-z:; \\n]{0,16}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

/// The tags of sanitised HTML (text between them is escaped: a `<` there
/// would start a tag).
fn tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        out.push(rest[start..end].to_ascii_lowercase());
        rest = &rest[end..];
    }
    out
}

/// No tag that runs or loads anything, no event handler, no script URL.
fn assert_inert(html: &str) {
    for tag in tags(html) {
        let name: String = tag[1..]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            !matches!(
                name.as_str(),
                "script" | "iframe" | "svg" | "style" | "object" | "embed" | "form" | "input"
            ),
            "<{name}> in {html}"
        );
        let compact: String = tag.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(!compact.contains("javascript:"), "script URL in {tag}");
        let mut attrs = tag.split(|c: char| c.is_whitespace() || c == '/').skip(1);
        assert!(
            !attrs.any(|a| a.starts_with("on") && a.contains('=')),
            "event handler in {tag}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn rendered_markdown_runs_no_script(text in hostile()) {
        assert_inert(&render_markdown(&text));
    }

    #[test]
    fn rendered_comments_are_paragraphs_and_links_only(text in hostile()) {
        let html = render_comment(&text);
        assert_inert(&html);
        let mut rest = html.as_str();
        while let Some(start) = rest.find('<') {
            let tag: String = rest[start + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
                .collect();
            prop_assert!(
                matches!(tag.as_str(), "p" | "/p" | "br" | "a" | "/a"),
                "tag {tag} in {html}"
            );
            rest = &rest[start + 1..];
        }
    }

    #[test]
    fn summaries_are_bounded(text in hostile(), max in 1usize..200) {
        let _ = plain_text(&text);
        let summary = summarize(&text, max);
        prop_assert!(summary.chars().count() <= max + 1, "{} > {max}", summary.chars().count());
    }

    #[test]
    fn any_text_renders_without_panicking(text in "\\PC{0,400}") {
        let _ = render_markdown(&text);
        let _ = render_comment(&text);
    }
}
