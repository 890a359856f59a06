//! Highlighting a hit: the query's character pairs (or its one unit) marked
//! in `<b>` in the title and in the passage of the body that holds the most
//! of them.
//!
//! tantivy's `SnippetGenerator` did this job and took half of an uncached
//! search's time (BENCHMARKS.md, twelfth session): it asks the index for the
//! frequency of every query term, then tokenizes the text into a `String`
//! per pair and lower-cases and looks up each one in a `BTreeMap`. Here the
//! text is normalised once (the same normalisation the index used) and each
//! pair of units is compared as two `char`s with the query's few pairs.

use crate::analysis::{Unit, unit_chars};
use crate::hits::escape;

/// What one query marks in a text.
pub(crate) struct Highlighter {
    /// The query's normalised unit pairs, each once.
    pairs: Vec<(char, char)>,
    /// A query of a single unit: that unit.
    single: Option<char>,
}

/// Characters shown before the first match of a passage, when the sentence
/// holding it starts earlier.
const LEAD: usize = 12;

impl Highlighter {
    /// The highlighter of a query of these units (`analysis::units`).
    pub(crate) fn new(units: &[Unit]) -> Highlighter {
        let chars: Vec<char> = units.iter().filter_map(|u| u.text.chars().next()).collect();
        let mut pairs: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
        pairs.sort_unstable();
        pairs.dedup();
        Highlighter {
            single: if chars.len() == 1 {
                Some(chars[0])
            } else {
                None
            },
            pairs,
        }
    }

    /// The byte ranges of `text` that match, in order, overlapping ones merged.
    fn matches(&self, text: &str) -> Vec<(usize, usize)> {
        let chars = unit_chars(text);
        let mut out: Vec<(usize, usize)> = Vec::new();
        let mut push = |from: usize, to: usize| match out.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        };
        if let Some(c) = self.single {
            for n in chars.iter().filter(|n| n.c == c) {
                push(n.from, n.to);
            }
        } else {
            for w in chars.windows(2) {
                if self.pairs.binary_search(&(w[0].c, w[1].c)).is_ok() {
                    push(w[0].from, w[1].to);
                }
            }
        }
        out
    }

    /// `text` with its matches in `<b>`, the rest escaped; `None` when
    /// nothing in it matches.
    pub(crate) fn mark(&self, text: &str) -> Option<String> {
        let matches = self.matches(text);
        (!matches.is_empty()).then(|| render(text, &matches))
    }

    /// The passage of `text` of at most `max_chars` characters holding the
    /// most matched text, its matches in `<b>`, the rest escaped; `None`
    /// when nothing in `text` matches.
    pub(crate) fn passage(&self, text: &str, max_chars: usize) -> Option<String> {
        let matches = self.matches(text);
        if matches.is_empty() {
            return None;
        }
        // Character index of every byte offset a match starts or ends at,
        // and of sentence ends (a passage starts after one when it can).
        let mut char_at = std::collections::HashMap::with_capacity(matches.len() * 2);
        let mut sentence_ends = Vec::new();
        let mut n = 0;
        let mut wanted = matches.iter().flat_map(|&(a, b)| [a, b]).peekable();
        for (byte, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            while wanted.peek().is_some_and(|&w| w <= byte) {
                char_at.insert(wanted.next().unwrap_or(byte), n);
            }
            if matches!(c, '。' | '！' | '？' | '!' | '?' | '\n' | '；') {
                sentence_ends.push((n, byte + c.len_utf8()));
            }
            n += 1;
        }
        let total_chars = n - 1;
        let span = |i: usize| (char_at[&matches[i].0], char_at[&matches[i].1]);
        // The window starting at a match that covers the most matched characters.
        let mut best = (0, 0usize);
        for i in 0..matches.len() {
            let (start, _) = span(i);
            let covered: usize = (i..matches.len())
                .map(span)
                .take_while(|&(_, end)| end <= start + max_chars)
                .map(|(a, b)| b - a)
                .sum();
            if covered > best.1 {
                best = (i, covered);
            }
        }
        let first = span(best.0).0;
        // Start at the sentence holding the first match when it starts at
        // most LEAD characters before it, else LEAD characters before it.
        let (start_char, start_byte) = sentence_ends
            .iter()
            .rev()
            .find(|&&(at, _)| at < first)
            .filter(|&&(at, _)| first - (at + 1) <= LEAD)
            .map(|&(at, byte)| (at + 1, byte))
            .unwrap_or_else(|| {
                let c = first.saturating_sub(LEAD);
                (c, byte_of_char(text, c))
            });
        let end_char = (start_char + max_chars).min(total_chars);
        let end_byte = byte_of_char(text, end_char);
        let inside: Vec<(usize, usize)> = matches
            .iter()
            .filter(|&&(a, b)| a >= start_byte && b <= end_byte)
            .map(|&(a, b)| (a - start_byte, b - start_byte))
            .collect();
        Some(render(&text[start_byte..end_byte], &inside))
    }
}

/// The byte offset of character `n` of `text` (its length past the end).
fn byte_of_char(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(b, _)| b)
}

/// `text` with the byte ranges `marks` (in order, apart) in `<b>`, escaped.
fn render(text: &str, marks: &[(usize, usize)]) -> String {
    let mut html = String::with_capacity(text.len() + marks.len() * 7);
    let mut at = 0;
    for &(a, b) in marks {
        html.push_str(&escape(&text[at..a]));
        html.push_str("<b>");
        html.push_str(&escape(&text[a..b]));
        html.push_str("</b>");
        at = b;
    }
    html.push_str(&escape(&text[at..]));
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::units;

    fn h(q: &str) -> Highlighter {
        Highlighter::new(&units(q))
    }

    #[test]
    fn marks_pairs_as_the_index_normalises_them() {
        assert_eq!(
            h("西湖书店").mark("西湖边的書店").as_deref(),
            Some("<b>西湖</b>边的<b>書店</b>")
        );
        // Full width and case fold; punctuation between units still pairs.
        assert_eq!(
            h("iphone").mark("新ＩＰｈｏｎｅ发布").as_deref(),
            Some("新<b>ＩＰｈｏｎｅ</b>发布")
        );
        assert_eq!(h("北京").mark("上海"), None);
        assert_eq!(
            h("京").mark("北京<b>").as_deref(),
            Some("北<b>京</b>&lt;b&gt;")
        );
    }

    #[test]
    fn the_passage_is_where_most_matches_are() {
        let text = format!(
            "开头提到西湖一次。{}第二段：西湖边的书店，书店旁的西湖。{}",
            "无关的话。".repeat(40),
            "结尾。".repeat(40)
        );
        let p = h("西湖书店").passage(&text, 40).unwrap();
        assert!(p.starts_with("第二段：<b>西湖</b>"), "{p}");
        assert_eq!(p.matches("<b>").count(), 4, "{p}");
        let plain = p.replace("<b>", "").replace("</b>", "");
        assert!(plain.chars().count() <= 40, "{p}");
        // A match far into a sentence: LEAD characters before it.
        let long = format!("{}西湖{}", "长".repeat(100), "尾".repeat(100));
        let p = h("西湖").passage(&long, 30).unwrap();
        assert!(
            p.starts_with(&format!("{}<b>西湖</b>", "长".repeat(LEAD))),
            "{p}"
        );
        assert_eq!(h("北京").passage(&long, 30), None);
    }
}
