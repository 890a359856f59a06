//! Text analysis for search: normalisation (full-width → half-width, case,
//! Traditional → Simplified), and what the index's tokenizers (their own
//! module, which builds on this one) make of the normalised text:
//!
//! - `hao_word`: jieba words (search mode, so 清华大学 also yields 清华, 大学);
//! - `hao_bi`: overlapping pairs of *units* (a unit is one CJK character or one
//!   run of letters/digits), positions kept so a phrase of pairs matches an
//!   exact fragment even when the words were cut differently, then the last
//!   unit alone, so that every unit begins a term (a one-unit query finds
//!   the bodies holding it as a range of terms);
//! - `hao_uni`: single units, for one-character queries in titles;
//! - `hao_sym`: the symbols (punctuation and signs: "？", "・", "★", "……"),
//!   positioned among all the characters that are not white space, so that a
//!   query made only of symbols ("？？？", "※") finds the text holding them in
//!   that order.
//!
//! Punctuation and white space separate nothing in the unit stream: a fragment
//! typed without punctuation still matches text that had some.
//! Token offsets always point into the original text, for highlighting.

pub use hao_text::normal::is_cjk;
use hao_text::normal::{NormChar, for_each_char, is_unit};
use tantivy::tokenizer::Token;

/// The characters of `text`, normalised (see [`for_each_char`]).
fn normalize_chars(text: &str) -> Vec<NormChar> {
    let mut out = Vec::with_capacity(text.len() / 2);
    for_each_char(text, |n, _| out.push(n));
    out
}

/// The units of `text` as (character, original byte offsets): what the
/// tokenizers index, without a string per unit.
pub(crate) fn unit_chars(text: &str) -> Vec<NormChar> {
    let mut out = Vec::with_capacity(text.len() / 3);
    push_units(text, &mut out);
    out
}

/// [`unit_chars`] appended to `out` (a tokenizer's buffer, reused).
pub(crate) fn push_units(text: &str, out: &mut Vec<NormChar>) {
    for_each_char(text, |n, unit| {
        if unit {
            out.push(n);
        }
    });
}

/// Whether a normalised character is a symbol: neither a unit nor white
/// space, a control or a zero-width format character.
fn is_symbol(c: char) -> bool {
    !is_unit(c)
        && !c.is_whitespace()
        && !c.is_control()
        && !matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

/// The symbols of `text` and their positions among its characters that are
/// not white space (units count, so "a?b" and "??" differ), appended to `out`.
pub(crate) fn push_symbols(text: &str, out: &mut Vec<(usize, NormChar)>) {
    let mut position = 0;
    for_each_char(text, |n, unit| {
        if unit {
            position += 1;
        } else if is_symbol(n.c) {
            out.push((position, n));
            position += 1;
        }
    });
}

/// A query's symbols as (normalised symbol, position), positions counted
/// as the symbol tokenizer (`hao_sym`) counts them.
pub fn symbols(text: &str) -> Vec<(String, usize)> {
    let mut chars = Vec::new();
    push_symbols(text, &mut chars);
    chars
        .into_iter()
        .map(|(i, n)| (n.c.to_string(), i))
        .collect()
}

/// The normalised text (same characters a query and a document are compared on).
pub fn normalize(text: &str) -> String {
    normalize_chars(text).into_iter().map(|n| n.c).collect()
}

/// A unit of the n-gram stream: its normalised text and original offsets.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub text: String,
    pub from: usize,
    pub to: usize,
}

/// Splits text into units: every letter, digit or CJK character is a unit of
/// its own; everything else (punctuation, space, symbols) is dropped. Letters
/// are units too, not words: a remembered fragment of a name or a number
/// ("aude" of "Claude", "20172019" of "2017-2019") is still found.
pub fn units(text: &str) -> Vec<Unit> {
    unit_chars(text)
        .into_iter()
        .map(|n| Unit {
            text: n.c.to_string(),
            from: n.from,
            to: n.to,
        })
        .collect()
}

/// The pairs of consecutive units, as the `hao_bi` tokenizer emits them.
pub fn bigrams(units: &[Unit]) -> Vec<String> {
    units
        .windows(2)
        .map(|w| format!("{}{}", w[0].text, w[1].text))
        .collect()
}

/// jieba words of the normalised text (search mode), punctuation dropped.
pub fn words(text: &str) -> Vec<String> {
    word_tokens(text).into_iter().map(|t| t.text).collect()
}

pub(crate) fn word_tokens(text: &str) -> Vec<Token> {
    let chars = normalize_chars(text);
    let normalized: String = chars.iter().map(|n| n.c).collect();
    let mut tokens = Vec::new();
    // Search mode: whole words and the dictionary words inside them; `start`
    // and `end` are character indices.
    for t in hao_text::jieba().tokenize(&normalized, jieba_rs::TokenizeMode::Search, false) {
        if !t.word.chars().any(char::is_alphanumeric) || t.end == 0 || t.end > chars.len() {
            continue;
        }
        tokens.push(Token {
            offset_from: chars[t.start].from,
            offset_to: chars[t.end - 1].to,
            position: tokens.len(),
            text: t.word.to_owned(),
            position_length: 1,
        });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(u: &[Unit]) -> Vec<&str> {
        u.iter().map(|u| u.text.as_str()).collect()
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize("ＡＢＣ１２３"), "abc123");
        assert_eq!(normalize("從來沒有人"), "从来没有人");
        assert_eq!(normalize("iPhone"), "iphone");
        // The same as converting the whole text, characters converted only
        // in context (看著) included.
        for t in [
            "看著",
            "著作",
            "藉口",
            "一片狼藉",
            "計畫",
            "中文",
            "從來沒有人",
        ] {
            assert_eq!(normalize(t), fast2s::convert(t), "{t}");
        }
    }

    #[test]
    fn units_drop_punctuation_and_keep_offsets() {
        let u = units("特朗普：iPhone 15，好！");
        assert_eq!(
            texts(&u),
            [
                "特", "朗", "普", "i", "p", "h", "o", "n", "e", "1", "5", "好"
            ]
        );
        assert_eq!(&"特朗普：iPhone 15，好！"[u[3].from..u[8].to], "iPhone");
        assert_eq!(bigrams(&units("俄乌和谈")), ["俄乌", "乌和", "和谈"]);
        assert!(units("，。！").is_empty());
        // The middle dot between parts of a foreign name is not a unit.
        assert_eq!(bigrams(&units("德・施")), ["德施"]);
    }

    #[test]
    fn symbols_keep_their_place_among_the_characters() {
        let s = |t: &str| symbols(t);
        // Spaces do not count; units do.
        assert_eq!(
            s("? ? ?"),
            [("?".into(), 0), ("?".into(), 1), ("?".into(), 2)]
        );
        assert_eq!(s("a?b?"), [("?".into(), 1), ("?".into(), 3)]);
        // Full-width forms are folded like everything else.
        assert_eq!(s("？！"), [("?".into(), 0), ("!".into(), 1)]);
        assert_eq!(s("阿诺德・施"), [("・".into(), 3)]);
        assert!(s(" \u{a0}\u{200b}\n").is_empty());
    }

    #[test]
    fn words_are_jieba_words_without_punctuation() {
        let w = words("我来到北京清华大学。");
        assert!(w.contains(&"清华大学".to_owned()), "{w:?}");
        assert!(w.contains(&"清华".to_owned()), "{w:?}");
        assert!(!w.iter().any(|t| t == "。"));
        // Traditional input gives Simplified words.
        assert!(words("從來沒有").iter().any(|t| t.contains('从')));
    }
}
