//! Building a query from what a reader typed: the exact phrase, then
//! character pairs and words over every field (or a baseline's plain BM25),
//! and the query of symbols for input that has no letters.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, InvertedIndexRangeQuery, Occur,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use tantivy::collector::TopDocs;

use crate::{Mode, Result, SearchIndex, Similar, analysis};

/// Scores added by an exact match of the whole query (see `build_query`).
pub(crate) const EXACT_IN_TITLE: f32 = 20_000.0;
pub(crate) const EXACT_IN_BODY: f32 = 10_000.0;

impl SearchIndex {
    /// Articles about the same things as an article with these `keywords`
    /// (its stored TF-IDF keywords, best first): BM25 over the other
    /// articles' stored keywords (each a single term, so the posting lists
    /// are short: 2 ms at 100,000 articles, where the body's word field took
    /// 5–16 ms), weighted ×2, plus the keywords' character pairs in titles;
    /// earlier keywords weigh more than later ones. `exclude` is left out. The
    /// candidates for 相关推荐; the caller re-ranks and filters.
    pub fn similar(&self, keywords: &[String], exclude: i64, limit: usize) -> Result<Vec<Similar>> {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (rank, keyword) in keywords.iter().enumerate() {
            let weight = 1.0 / (1.0 + 0.15 * rank as f32);
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(f.keywords, keyword),
                IndexRecordOption::WithFreqs,
            ));
            clauses.push((Occur::Should, boosted(q, 2.0 * weight)));
            // The keyword's character pairs in titles (its words, without
            // the word segmenter: a node serving pages never loads its
            // dictionary, tens of megabytes, to compute a list).
            let units = analysis::units(keyword);
            let (field, parts) = if units.len() == 1 {
                (f.title_uni, vec![units[0].text.clone()])
            } else {
                (f.title_bi, analysis::bigrams(&units))
            };
            for part in parts {
                if !seen.insert(part.clone()) {
                    continue;
                }
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, &part),
                    IndexRecordOption::WithFreqs,
                ));
                clauses.push((Occur::Should, boosted(q, 2.0 * weight)));
            }
        }
        if clauses.is_empty() {
            return Ok(vec![]);
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit + 1).order_by_score())?;
        // Ids from the fast-field columns: no stored document (with its body)
        // is decompressed.
        let mut out = Vec::with_capacity(top.len());
        for (score, address) in top {
            let segment = searcher.segment_reader(address.segment_ord);
            let id = segment
                .fast_fields()
                .i64("id")?
                .first(address.doc_id)
                .unwrap_or(0);
            if id == exclude {
                continue;
            }
            out.push(Similar { id, score });
        }
        out.truncate(limit);
        Ok(out)
    }

    /// The texts holding these symbols in this order (white space between
    /// them aside), by BM25.
    pub(crate) fn symbol_query(&self, symbols: &[(String, usize)]) -> Box<dyn Query> {
        let term = |s: &str| Term::from_field_text(self.fields.symbols, s);
        if let [(s, _)] = symbols {
            return Box::new(TermQuery::new(term(s), IndexRecordOption::WithFreqs));
        }
        let first = symbols[0].1;
        Box::new(PhraseQuery::new_with_offset(
            symbols
                .iter()
                .map(|(s, at)| (at - first, term(s)))
                .collect(),
        ))
    }

    pub(crate) fn build_query(
        &self,
        searcher: &tantivy::Searcher,
        text: &str,
        units: &[analysis::Unit],
        mode: Mode,
    ) -> Box<dyn Query> {
        let f = self.fields;
        let bigrams = analysis::bigrams(units);
        let unigrams: Vec<String> = units.iter().map(|u| u.text.clone()).collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match mode {
            Mode::BigramBaseline => {
                let toks = if bigrams.is_empty() {
                    &unigrams
                } else {
                    &bigrams
                };
                if bigrams.is_empty() {
                    clauses.extend(terms(f.title_uni, toks, 1.0));
                    clauses.extend(self.body_holds_unit(toks, 1.0));
                } else {
                    clauses.extend(terms(f.title_bi, toks, 1.0));
                    clauses.extend(terms(f.body_bi, toks, 1.0));
                }
            }
            Mode::WordBaseline => {
                let words = dedup(analysis::words(text));
                clauses.extend(terms(f.title_w, &words, 1.0));
                clauses.extend(terms(f.body_w, &words, 1.0));
            }
            Mode::Hao => return self.hao_query(searcher, text, units).into_query(),
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The product's query in its two parts (see [`HaoQuery`]).
    pub(crate) fn hao_query(
        &self,
        searcher: &tantivy::Searcher,
        text: &str,
        units: &[analysis::Unit],
    ) -> HaoQuery {
        let f = self.fields;
        let term = |field: Field, t: &str| Term::from_field_text(field, t);
        let bigrams = analysis::bigrams(units);
        let unigrams: Vec<String> = units.iter().map(|u| u.text.clone()).collect();
        // The dictionary: the words of titles, and each body's keywords.
        let words = dedup(crate::lexicon::words(
            searcher,
            &[f.title_w, f.keywords],
            text,
        ));
        let mut exact = None;
        let mut related: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if bigrams.is_empty() {
            // One unit (a letter, a digit or a character): the title's
            // units, and the body's pair terms the unit begins.
            related.extend(terms(f.title_uni, &unigrams, 3.0));
            related.extend(self.body_holds_unit(&unigrams, 1.0));
        } else {
            // The exact fragment, anywhere in the title or the body: a
            // constant far above any relevance score, so that an article
            // holding what the reader typed always ranks above one that
            // merely shares many of its words; relevance orders within.
            // Title or body, not both: holding the fragment twice is no
            // more evidence of being the article the reader means.
            let mut either: Vec<Box<dyn Query>> = Vec::new();
            for (field, score) in [(f.title_bi, EXACT_IN_TITLE), (f.body_bi, EXACT_IN_BODY)] {
                let q: Box<dyn Query> = if bigrams.len() == 1 {
                    Box::new(TermQuery::new(
                        term(field, &bigrams[0]),
                        IndexRecordOption::Basic,
                    ))
                } else {
                    Box::new(PhraseQuery::new(
                        bigrams.iter().map(|b| term(field, b)).collect(),
                    ))
                };
                either.push(Box::new(ConstScoreQuery::new(q, score)));
            }
            exact = Some(Box::new(DisjunctionMaxQuery::new(either)) as Box<dyn Query>);
            // Partial matches: pairs, then words.
            let unique = dedup(bigrams);
            // Title relevance outweighs body relevance: a body repeating
            // common pairs says less than a short title holding them.
            related.extend(terms(f.title_bi, &unique, 3.0));
            related.extend(terms(f.body_bi, &unique, 0.5));
        }
        related.extend(terms(f.title_w, &words, 1.5));
        related.extend(terms(f.author, &words, 2.0));
        related.extend(terms(f.tags, &words, 2.0));
        HaoQuery { exact, related }
    }

    /// Each of `units` (single units) anywhere in the body, a constant
    /// `score` for holding it: the body's pair terms that begin with it (the
    /// pair tokenizer also emits a text's last unit alone, so every unit of
    /// a body begins one). The body has no field of single units: it was 6 %
    /// of an import's time for one-character queries alone, which the
    /// title's single units rank (BENCHMARKS.md).
    fn body_holds_unit(&self, units: &[String], score: f32) -> Vec<(Occur, Box<dyn Query>)> {
        units
            .iter()
            .map(|u| {
                let from = Term::from_field_text(self.fields.body_bi, u);
                // Every pair beginning with the unit sorts between the unit
                // alone and the unit followed by the last character.
                let to = Term::from_field_text(self.fields.body_bi, &format!("{u}\u{10FFFF}"));
                let q: Box<dyn Query> = Box::new(ConstScoreQuery::new(
                    Box::new(InvertedIndexRangeQuery::new(
                        Bound::Included(from),
                        Bound::Included(to),
                    )),
                    score,
                ));
                (Occur::Should, q)
            })
            .collect()
    }
}

/// The product's query as its two parts: the whole query is `exact` or any
/// of `related`, scored by their sum. An article holding the fragment
/// (`exact`) scores at least [`EXACT_IN_BODY`], above any relevance, so the
/// ranking can ask the few such articles first and the rest only for the
/// places they leave (see `run`).
pub(crate) struct HaoQuery {
    /// The whole fragment, in the title or the body; `None` for one unit.
    pub(crate) exact: Option<Box<dyn Query>>,
    /// BM25 of each pair and word, each a term query (so block-max WAND
    /// can skip what cannot reach the top).
    pub(crate) related: Vec<(Occur, Box<dyn Query>)>,
}

impl HaoQuery {
    /// The whole query, for one pass.
    pub(crate) fn into_query(self) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        clauses.extend(self.exact.map(|q| (Occur::Should, q)));
        clauses.extend(self.related);
        Box::new(BooleanQuery::new(clauses))
    }
}

/// One `Should` term query with frequencies a token, weighted by `boost`.
fn terms(field: Field, toks: &[String], boost: f32) -> Vec<(Occur, Box<dyn Query>)> {
    toks.iter()
        .map(|t| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, t),
                IndexRecordOption::WithFreqs,
            ));
            (Occur::Should, boosted(q, boost))
        })
        .collect()
}

pub(crate) fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

pub(crate) fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|t| seen.insert(t.clone()));
    v
}
