//! Two texts side by side with their differences marked (originality
//! reviews, revision history).

use std::time::Duration;

use maud::{Markup, html};
use similar::{ChangeTag, TextDiff};

/// The two texts with what differs marked: deleted in the earlier text,
/// inserted in the later one. Long texts are cut and the diff is time-boxed.
pub(crate) fn side_by_side(earlier: &str, later: &str) -> (Markup, Markup) {
    let cut = |s: &str| s.chars().take(20_000).collect::<String>();
    let (earlier, later) = (cut(earlier), cut(later));
    let diff = TextDiff::configure()
        .timeout(Duration::from_millis(300))
        .diff_chars(&earlier, &later);
    let mut left: Vec<(bool, String)> = Vec::new();
    let mut right: Vec<(bool, String)> = Vec::new();
    let push = |side: &mut Vec<(bool, String)>, marked: bool, s: &str| match side.last_mut() {
        Some((m, text)) if *m == marked => text.push_str(s),
        _ => side.push((marked, s.to_owned())),
    };
    for change in diff.iter_all_changes() {
        let s = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut left, false, s);
                push(&mut right, false, s);
            }
            ChangeTag::Delete => push(&mut left, true, s),
            ChangeTag::Insert => push(&mut right, true, s),
        }
    }
    let render = |parts: &[(bool, String)], tag: &str| {
        html! {
            div class="diff-text" {
                @for (marked, text) in parts {
                    @if *marked {
                        @if tag == "del" { del { (text) } } @else { ins { (text) } }
                    } @else { (text) }
                }
            }
        }
    };
    (render(&left, "del"), render(&right, "ins"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_marked_on_each_side() {
        let (left, right) = side_by_side("今天天气很好", "今天天气不好");
        let (l, r) = (left.into_string(), right.into_string());
        assert!(l.contains("<del>很</del>"), "{l}");
        assert!(r.contains("<ins>不</ins>"), "{r}");
        assert!(l.starts_with("<div class=\"diff-text\">今天天气"));
    }
}
