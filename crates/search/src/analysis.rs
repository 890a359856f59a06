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

use tantivy::tokenizer::Token;

/// One normalised character and where it came from in the original text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NormChar {
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) c: char,
}

fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// The characters of `text`, normalised one for one (Traditional → Simplified
/// conversion keeps the character count), with their original byte offsets,
/// and whether each is a unit, handed to `f` in order. Each character is one
/// look-up (see [`lookup`]); the few whose conversion depends on their
/// neighbours (藉口 → 借口, but 慰藉) are converted as `fast2s` converts them.
#[inline]
pub(crate) fn for_each_char(text: &str, mut f: impl FnMut(NormChar, bool)) {
    let _: Option<()> = try_for_each_char(text, |n, unit| {
        f(n, unit);
        std::ops::ControlFlow::Continue(())
    });
}

/// [`for_each_char`] until `f` breaks: what it broke with.
#[inline]
pub(crate) fn try_for_each_char<B>(
    text: &str,
    mut f: impl FnMut(NormChar, bool) -> std::ops::ControlFlow<B>,
) -> Option<B> {
    let table = table();
    let mut chars = text.char_indices().peekable();
    // The character before, as typed ('0' at the start, as `fast2s` has it).
    let mut prev = '0';
    while let Some((from, original)) = chars.next() {
        let entry = lookup(table, original);
        let mut c = entry_char(entry, original);
        if entry & CONTEXTUAL != 0 {
            let next = chars.peek().map_or('0', |&(_, n)| fold_case_and_width(n));
            c = in_context(fold_case_and_width(prev), c, next);
        }
        let n = NormChar {
            from,
            to: from + original.len_utf8(),
            c,
        };
        if let std::ops::ControlFlow::Break(b) = f(n, entry & UNIT != 0) {
            return Some(b);
        }
        prev = original;
    }
    None
}

/// What `fast2s` converts `cur` to between `prev` and `next` (case and
/// width folded, not converted).
fn in_context(prev: char, cur: char, next: char) -> char {
    let three: String = [prev, cur, next].iter().collect();
    fast2s::convert(&three).chars().nth(1).unwrap_or(cur)
}

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

/// A [`table`] entry: the normalised character in the low 21 bits, then
/// flags.
const CHAR_BITS: u32 = 0x1F_FFFF;
/// The normalised character is a unit ([`is_unit`]).
const UNIT: u32 = 1 << 21;
/// `fast2s` converts the character by its neighbours (see `convert_in_context`).
const CONTEXTUAL: u32 = 1 << 22;
/// Characters `fast2s` converts by their neighbours: the ones it leaves in
/// some words (慰藉, 乾隆) or converts only in some (藉口, 看著, 計畫).
const IN_CONTEXT: [char; 15] = [
    '藉', '著', '苧', '闔', '鍾', '讎', '畫', '兒', '覆', '夥', '瞭', '麽', '幺', '於', '乾',
];

/// The entry of `c`. Ideographs and ASCII, most of a text, are answered
/// without the table: its 256 KiB do not stay in a core's cache, and a
/// look-up that misses cost more than the rest of the work (the 8 KiB bitset
/// of ideographs that change does stay).
#[inline]
fn lookup(table: &Table, c: char) -> u32 {
    let u = c as u32;
    if c.is_ascii() {
        let n = c.to_ascii_lowercase();
        return n as u32 | if n.is_ascii_alphanumeric() { UNIT } else { 0 };
    }
    if (0x4E00..=0x9FFF).contains(&u) && table.changes[u as usize / 64] >> (u % 64) & 1 == 0 {
        return u | UNIT;
    }
    match table.entries.get(u as usize) {
        Some(&entry) => entry,
        None => {
            let n = fold_case_and_width(c);
            n as u32 | if is_unit(n) { UNIT } else { 0 }
        }
    }
}

fn entry_char(entry: u32, original: char) -> char {
    char::from_u32(entry & CHAR_BITS).unwrap_or(original)
}

/// What normalising a character of the Basic Multilingual Plane gives.
struct Table {
    /// One entry a character (256 KiB, made once): case and width folded,
    /// then converted to Simplified as `fast2s` converts a character alone;
    /// whether the result is a unit; whether its conversion depends on its
    /// neighbours.
    entries: Vec<u32>,
    /// One bit a character: set when its entry is not the character itself
    /// as a unit.
    changes: Vec<u64>,
}

fn table() -> &'static Table {
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let entries: Vec<u32> = (0..0x1_0000u32)
            .map(|u| {
                let Some(c) = char::from_u32(u) else {
                    return u; // a surrogate: never in a `str`
                };
                let folded = fold_case_and_width(c);
                if IN_CONTEXT.contains(&folded) {
                    return folded as u32 | UNIT | CONTEXTUAL;
                }
                let mut buf = [0u8; 4];
                let n = if folded.len_utf8() == 3 {
                    fast2s::convert(folded.encode_utf8(&mut buf))
                        .chars()
                        .next()
                        .unwrap_or(folded)
                } else {
                    folded
                };
                n as u32 | if is_unit(n) { UNIT } else { 0 }
            })
            .collect();
        let mut changes = vec![0u64; entries.len() / 64];
        for (u, &entry) in entries.iter().enumerate() {
            if entry != u as u32 | UNIT {
                changes[u / 64] |= 1 << (u % 64);
            }
        }
        Table { entries, changes }
    })
}

/// Full-width to half-width, then lower case, one character for one. Fast
/// paths for ASCII and ideographs (most of a Chinese text), which need no
/// case table.
fn fold_case_and_width(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if is_cjk(c) {
        return c;
    }
    half_width(c).to_lowercase().next().unwrap_or(c)
}

/// Whether a normalised character is a unit (a letter, a digit or an
/// ideograph). Not every character of the CJK blocks is: the katakana middle
/// dot of 「阿诺德・施瓦辛格」 is punctuation, and must not split a name.
fn is_unit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric()
    }
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

/// CJK ideographs, kana and hangul: each character is a unit of its own.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}' | '\u{3040}'..='\u{30FF}' | '\u{AC00}'..='\u{D7AF}')
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

    /// The table and the second pass give what folding every character and
    /// then converting the whole text with `fast2s` gives: on every
    /// character of the Basic Multilingual Plane between neighbours, and on
    /// words `fast2s` converts by context.
    #[test]
    fn the_table_is_folding_then_converting_the_whole_text() {
        let reference = |t: &str| -> String {
            let folded: String = t.chars().map(fold_case_and_width).collect();
            fast2s::convert(&folded)
        };
        let mut text = String::new();
        for (i, c) in (0..0x1_0000u32).filter_map(char::from_u32).enumerate() {
            text.push(c);
            if i % 7 == 0 {
                text.push_str("乾隆的乾兒子看著企畫，藉口Ａ");
            }
        }
        assert_eq!(normalize(&text), reference(&text));
        for t in [
            "乾隆的乾兒子一邊乾淨利落地擲出了一個乾卦",
            "慰藉、藉口、憑藉",
            "藉",
        ] {
            assert_eq!(normalize(t), reference(t), "{t}");
            let units: String = unit_chars(t).iter().map(|n| n.c).collect();
            let expected: String = reference(t).chars().filter(|&c| is_unit(c)).collect();
            assert_eq!(units, expected, "{t}");
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
