//! Hits on their way to the page: copies word for word folded into the
//! first, the window of a long body the snippet generator reads, the
//! verbatim passage of a punctuated query, escaping.

use crate::Result;
use crate::stored::StoredDoc;

/// A hit on its way to the page.
pub(crate) struct Ranked {
    pub(crate) score: f32,
    pub(crate) address: tantivy::DocAddress,
    /// The stored document, when already read (the verbatim check).
    pub(crate) doc: Option<StoredDoc>,
    /// Copies word for word folded into this hit.
    pub(crate) copies: usize,
}

impl Ranked {
    pub(crate) fn new(score: f32, address: tantivy::DocAddress) -> Self {
        Ranked {
            score,
            address,
            doc: None,
            copies: 0,
        }
    }
}

/// Folds each hit among the first `head` into the first hit above it with the
/// same body hash (bodies without text fold into none); the rest stay as
/// they are. Each segment's hash column is opened once.
pub(crate) fn fold_copies(
    searcher: &tantivy::Searcher,
    ranked: Vec<Ranked>,
    head: usize,
) -> Result<Vec<Ranked>> {
    let mut columns: Vec<Option<tantivy::columnar::Column<u64>>> =
        vec![None; searcher.segment_readers().len()];
    let mut kept: Vec<Ranked> = Vec::with_capacity(ranked.len());
    // (hash, index in `kept`) of the hits kept so far.
    let mut seen: Vec<(u64, usize)> = Vec::with_capacity(head);
    for (i, hit) in ranked.into_iter().enumerate() {
        if i < head {
            let column = match &mut columns[hit.address.segment_ord as usize] {
                Some(c) => c,
                slot => slot.insert(
                    searcher
                        .segment_reader(hit.address.segment_ord)
                        .fast_fields()
                        .u64("body_hash")?,
                ),
            };
            let hash = column.first(hit.address.doc_id).unwrap_or(NO_TEXT);
            if hash != NO_TEXT {
                if let Some(&(_, at)) = seen.iter().find(|(h, _)| *h == hash) {
                    kept[at].copies += 1;
                    continue;
                }
                seen.push((hash, kept.len()));
            }
        }
        kept.push(hit);
    }
    Ok(kept)
}

/// The part of a long body the highlighter reads (it normalises all it is
/// given): a window around the first place the query's first pair occurs as
/// typed, else around the first match `first_match` finds (another script or
/// width; it stops there); `None` when nothing in the body matches (a match
/// in the title or by word only).
pub(crate) fn snippet_window<'a>(
    body: &'a str,
    pairs: &[String],
    first_match: impl FnOnce(&str) -> Option<usize>,
) -> Option<&'a str> {
    const BEFORE: usize = 60;
    const AFTER: usize = 300;
    if body.len() <= 3 * (BEFORE + AFTER) {
        return Some(body);
    }
    let at = pairs
        .iter()
        .find_map(|p| memchr::memmem::find(body.as_bytes(), p.as_bytes()))
        .or_else(|| first_match(body))?;
    let mut start = at.saturating_sub(BEFORE * 3);
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + AFTER * 3).min(body.len());
    while !body.is_char_boundary(end) {
        end += 1;
    }
    Some(&body[start..end])
}

/// A passage of `text` around the first place it holds `needle` as typed,
/// the match in `<b>`, the rest escaped; its opening when it does not.
pub(crate) fn mark_verbatim(text: &str, needle: &str) -> String {
    const AROUND: usize = 50;
    let Some(at) = text.find(needle).filter(|_| !needle.is_empty()) else {
        return escape(&text.chars().take(120).collect::<String>());
    };
    let before: String = {
        let mut b: Vec<char> = text[..at].chars().rev().take(AROUND).collect();
        b.reverse();
        b.into_iter().collect()
    };
    let after: String = text[at + needle.len()..].chars().take(AROUND).collect();
    format!(
        "{}<b>{}</b>{}",
        escape(&before),
        escape(needle),
        escape(&after)
    )
}

/// The body hash of an article without text (photos only): never folded,
/// since two such articles are not copies of each other.
pub(crate) const NO_TEXT: u64 = 0;

/// A hash of a body with its ends trimmed, the same in every process and
/// version (FNV-1a, 64 bits): equal for copies word for word, [`NO_TEXT`]
/// for none. Two different bodies colliding among one query's top hits is
/// negligible (about 1 in 10^16 per pair).
pub(crate) fn body_hash(body: &str) -> u64 {
    let body = body.trim();
    if body.is_empty() {
        return NO_TEXT;
    }
    body.bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
        .max(1)
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
