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

use hao_text::normal::{for_each_char, try_for_each_char};

use crate::analysis::Unit;
use crate::hits::escape;

/// What one query marks in a text.
pub(crate) struct Highlighter {
    /// The query's normalised unit pairs, each once.
    pairs: Vec<(char, char)>,
    /// A query of a single unit: that unit.
    single: Option<char>,
    /// One bit (a character's code modulo 64) for each character of the
    /// query: a character whose bit is clear matches nothing, found without
    /// searching `pairs`.
    mask: u64,
}

/// Characters shown before the first match of a passage, when the sentence
/// holding it starts earlier.
const LEAD: usize = 12;

/// One pass over a text: its matches, where each character starts and where
/// sentences end.
struct Scan {
    /// Byte ranges that match, in order, overlapping ones merged.
    matches: Vec<(usize, usize)>,
    /// The byte offset of each character, then the text's length.
    offsets: Vec<usize>,
    /// The character index of each match's first and past-the-last character.
    spans: Vec<(usize, usize)>,
    /// (character index, byte offset past it) of each sentence end.
    sentence_ends: Vec<(usize, usize)>,
}

fn bit(c: char) -> u64 {
    1 << (c as u32 % 64)
}

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
            mask: chars.iter().fold(0, |m, &c| m | bit(c)),
        }
    }

    /// Scans `text`; with `positions`, also where characters and sentences
    /// are (what a passage needs).
    fn scan(&self, text: &str, positions: bool) -> Scan {
        let mut scan = Scan {
            matches: Vec::new(),
            offsets: Vec::with_capacity(if positions { text.len() / 3 + 1 } else { 0 }),
            spans: Vec::new(),
            sentence_ends: Vec::new(),
        };
        // The unit before (character, its index, its byte offset), to pair
        // with the next.
        let mut before: Option<(char, usize, usize)> = None;
        let mut index = 0;
        for_each_char(text, |n, unit| {
            if positions {
                scan.offsets.push(n.from);
                let sentence_end = match n.c {
                    '。' | '\n' => true,
                    // Full-width only for the semicolon (folded to ASCII).
                    '!' | '?' => true,
                    ';' => n.to - n.from > 1,
                    _ => false,
                };
                if sentence_end {
                    scan.sentence_ends.push((index, n.to));
                }
            }
            if unit {
                let matched = if self.mask & bit(n.c) == 0 {
                    None
                } else if self.single == Some(n.c) {
                    Some((n.from, index))
                } else {
                    before
                        .filter(|&(b, _, _)| self.pairs.binary_search(&(b, n.c)).is_ok())
                        .map(|(_, i, from)| (from, i))
                };
                if let Some((from, first)) = matched {
                    match (scan.matches.last_mut(), scan.spans.last_mut()) {
                        (Some(last), Some(span)) if from <= last.1 => {
                            last.1 = n.to;
                            span.1 = index + 1;
                        }
                        _ => {
                            scan.matches.push((from, n.to));
                            scan.spans.push((first, index + 1));
                        }
                    }
                }
                before = Some((n.c, index, n.from));
            }
            index += 1;
        });
        scan.offsets.push(text.len());
        scan
    }

    /// The byte offset of the first match in `text`; the scan stops there.
    pub(crate) fn first_match(&self, text: &str) -> Option<usize> {
        let mut before: Option<(char, usize)> = None;
        try_for_each_char(text, |n, unit| {
            if unit {
                if self.mask & bit(n.c) != 0 {
                    if self.single == Some(n.c) {
                        return std::ops::ControlFlow::Break(n.from);
                    }
                    if let Some((b, from)) = before
                        && self.pairs.binary_search(&(b, n.c)).is_ok()
                    {
                        return std::ops::ControlFlow::Break(from);
                    }
                }
                before = Some((n.c, n.from));
            }
            std::ops::ControlFlow::Continue(())
        })
    }

    /// `text` with its matches in `<b>`, the rest escaped; `None` when
    /// nothing in it matches.
    pub(crate) fn mark(&self, text: &str) -> Option<String> {
        let scan = self.scan(text, false);
        (!scan.matches.is_empty()).then(|| render(text, &scan.matches))
    }

    /// The passage of `text` of at most `max_chars` characters holding the
    /// most matched text, its matches in `<b>`, the rest escaped; `None`
    /// when nothing in `text` matches.
    pub(crate) fn passage(&self, text: &str, max_chars: usize) -> Option<String> {
        let Scan {
            matches,
            offsets,
            spans,
            sentence_ends,
        } = self.scan(text, true);
        if matches.is_empty() {
            return None;
        }
        let total_chars = offsets.len() - 1;
        // The window starting at a match that covers the most matched characters.
        let mut best = (0, 0usize);
        for (i, &(start, _)) in spans.iter().enumerate() {
            let covered: usize = spans[i..]
                .iter()
                .take_while(|&&(_, end)| end <= start + max_chars)
                .map(|&(a, b)| b - a)
                .sum();
            if covered > best.1 {
                best = (i, covered);
            }
        }
        let first = spans[best.0].0;
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
                (c, offsets[c])
            });
        let end_char = (start_char + max_chars).min(total_chars);
        let end_byte = offsets[end_char];
        let inside: Vec<(usize, usize)> = matches
            .iter()
            .filter(|&&(a, b)| a >= start_byte && b <= end_byte)
            .map(|&(a, b)| (a - start_byte, b - start_byte))
            .collect();
        Some(render(&text[start_byte..end_byte], &inside))
    }
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

    #[test]
    fn the_first_match_is_where_mark_puts_its_first_bold() {
        for (q, text) in [
            ("西湖书店", "开头。西湖边的書店"),
            ("iphone", "新ＩＰｈｏｎｅ发布"),
            ("京", "北京<b>"),
            ("书店", "書店"),
        ] {
            let marked = h(q).mark(text).unwrap();
            let plain_before = marked[..marked.find("<b>").unwrap()]
                .replace("&lt;", "<")
                .replace("&gt;", ">");
            assert_eq!(
                h(q).first_match(text),
                Some(plain_before.len()),
                "{q} {text}"
            );
        }
        assert_eq!(h("北京").first_match("上海"), None);
    }
}
