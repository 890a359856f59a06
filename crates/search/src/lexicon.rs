//! A query's words without the word segmenter: the index's own words (the
//! terms of the titles' word field and of the bodies' keywords, with their
//! document frequencies) are the dictionary, and the query is cut the way
//! jieba's search mode cuts it — the most probable route through the words
//! it holds, then the two- and three-character words inside each longer one.
//!
//! A serving node thereby never loads jieba's dictionary (36 MB) to answer
//! a search, and a word the index does not hold, which no title or keyword
//! could match, is never asked for (pairs answer for it in bodies).

use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use hao_text::normal::for_each_char;

/// Longest word looked up, in characters (jieba's dictionary has few longer).
const MAX_WORD: usize = 8;

/// The words of `text` (normalised, punctuation dropped) as the terms of
/// `fields` cut them (a word's frequency is the sum of its document
/// frequencies there): jieba's search mode with the index for a dictionary.
pub(crate) fn words(searcher: &Searcher, fields: &[Field], text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in blocks(text) {
        cut(searcher, fields, &block, &mut out);
    }
    out
}

/// The runs of units of `text`, each unit a normalised ideograph or a run
/// of letters and digits (jieba keeps "iphone15" whole).
fn blocks(text: &str) -> Vec<Vec<String>> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut block: Vec<String> = Vec::new();
    let mut latin = false;
    for_each_char(text, |n, unit| {
        if !unit {
            if !block.is_empty() {
                blocks.push(std::mem::take(&mut block));
            }
            latin = false;
            return;
        }
        let is_latin = n.c.is_ascii_alphanumeric();
        match block.last_mut() {
            Some(last) if is_latin && latin => last.push(n.c),
            _ => block.push(n.c.to_string()),
        }
        latin = is_latin;
    });
    if !block.is_empty() {
        blocks.push(block);
    }
    blocks
}

/// Cuts one block: the route of words maximising the sum of their log
/// document frequencies (an absent single unit counts once), then search
/// mode's inner words.
fn cut(searcher: &Searcher, fields: &[Field], units: &[String], out: &mut Vec<String>) {
    let n = units.len();
    let df = |from: usize, to: usize| -> u64 {
        let word: String = units[from..to].concat();
        fields
            .iter()
            .map(|&field| {
                searcher
                    .doc_freq(&Term::from_field_text(field, &word))
                    .unwrap_or(0)
            })
            .sum()
    };
    // freq[i][len - 1]: the document frequency of units[i..i + len].
    let freq: Vec<Vec<u64>> = (0..n)
        .map(|i| {
            (1..=MAX_WORD.min(n - i))
                .map(|len| df(i, i + len))
                .collect()
        })
        .collect();
    let total = (searcher.num_docs().max(1) as f64).ln();
    // best[i]: the best route's score from i to the end, and its first word's length.
    let mut best = vec![(0.0f64, 0usize); n + 1];
    for i in (0..n).rev() {
        best[i] = (f64::NEG_INFINITY, 1);
        for (k, &f) in freq[i].iter().enumerate() {
            let len = k + 1;
            if f == 0 && len > 1 {
                continue;
            }
            let score = (f.max(1) as f64).ln() - total + best[i + len].0;
            if score > best[i].0 {
                best[i] = (score, len);
            }
        }
    }
    let mut i = 0;
    while i < n {
        let len = best[i].1;
        // Search mode: the two- and three-unit words inside a longer word.
        for inner in [2, 3] {
            if len > inner {
                for from in i..=i + len - inner {
                    if freq[from][inner - 1] > 0 {
                        out.push(units[from..from + inner].concat());
                    }
                }
            }
        }
        out.push(units[i..i + len].concat());
        i += len;
    }
}
