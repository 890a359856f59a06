//! Normalisation of text for matching: full-width → half-width, case, and
//! Traditional → Simplified, one character for one, with each character's
//! place in the original text. Search (its tokenizers, the query and the
//! highlighter) and originality (fingerprints' units) compare texts on these
//! characters, so a copy in Traditional characters or full-width letters is
//! the same text to both.

/// One normalised character and where it came from in the original text.
#[derive(Debug, Clone, Copy)]
pub struct NormChar {
    pub from: usize,
    pub to: usize,
    pub c: char,
}

pub fn half_width(c: char) -> char {
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
pub fn for_each_char(text: &str, mut f: impl FnMut(NormChar, bool)) {
    let _: Option<()> = try_for_each_char(text, |n, unit| {
        f(n, unit);
        std::ops::ControlFlow::Continue(())
    });
}

/// [`for_each_char`] until `f` breaks: what it broke with.
#[inline]
pub fn try_for_each_char<B>(
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
pub fn fold_case_and_width(c: char) -> char {
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
pub fn is_unit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric()
    }
}

/// CJK ideographs, kana and hangul: each character is a unit of its own.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}' | '\u{3040}'..='\u{30FF}' | '\u{AC00}'..='\u{D7AF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalize(text: &str) -> String {
        let mut out = String::new();
        for_each_char(text, |n, _| out.push(n.c));
        out
    }

    fn units(text: &str) -> String {
        let mut out = String::new();
        for_each_char(text, |n, unit| {
            if unit {
                out.push(n.c);
            }
        });
        out
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
            let expected: String = reference(t).chars().filter(|&c| is_unit(c)).collect();
            assert_eq!(units(t), expected, "{t}");
        }
    }
}
