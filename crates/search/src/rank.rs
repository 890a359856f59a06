//! The product's ranking without scoring every match: the articles holding
//! the fragment first, then relevance only for the places they leave, and a
//! count that stops at [`TOTAL_CAP`].
//!
//! Every article holding the fragment scores above every one that does not
//! (`query::EXACT_IN_BODY`), so the top of the whole query is the top of
//! "exact and relevance" followed by the top of relevance alone among the
//! rest. The first is a phrase query, answered from the rarest pair's
//! postings; the second is a union of term queries, where tantivy's
//! block-max WAND skips the blocks that cannot reach the top, so neither
//! scores the thousands of articles sharing one common pair with the query.

use std::collections::HashSet;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query};
use tantivy::{DocAddress, DocSet, Score, Searcher, TERMINATED};

use crate::Result;
use crate::query::HaoQuery;

/// Matches are counted up to this many: a reader pages through at most a
/// thousand hits (100 pages of 10), and past it the page says 「1,000+」.
pub const TOTAL_CAP: usize = 1_000;

/// The first hits (score, address), how many match (at most [`TOTAL_CAP`])
/// and whether more do.
pub(crate) type Top = (Vec<(Score, DocAddress)>, usize, bool);

/// Below this many postings in the relevance part's terms (their document
/// frequencies summed), one pass scoring and counting every match is faster
/// than the parts: three queries, each looking up its terms. At 6,291
/// articles the median query has 2,800 (one pass: 5,000 req/s, the parts:
/// 3,800); at 100,000 articles, 42,000 (one pass 1,100 req/s, the parts
/// 2,200). BENCHMARKS.md, thirteenth session.
const ONE_PASS_POSTINGS: u64 = 10_000;

/// Whether `query` is cheaper in one pass (see [`ONE_PASS_POSTINGS`]).
fn cheaper_in_one_pass(searcher: &Searcher, query: &HaoQuery) -> Result<bool> {
    let mut postings = 0;
    let mut failed = None;
    for (_, q) in &query.related {
        q.query_terms(&mut |term, _| match searcher.doc_freq(term) {
            Ok(n) => postings += n,
            Err(e) => failed = Some(e),
        });
    }
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(postings < ONE_PASS_POSTINGS),
    }
}

/// The first `want` hits of the product's `query` by score (within `filter`
/// when given), and how many match (at most [`TOTAL_CAP`]; `true` when more
/// do): in one pass or in parts, whichever is cheaper.
pub(crate) fn top(
    searcher: &Searcher,
    query: HaoQuery,
    filter: Option<Box<dyn Query>>,
    want: usize,
) -> Result<Top> {
    if !cheaper_in_one_pass(searcher, &query)? {
        return in_parts(searcher, query, filter, want);
    }
    one_pass(
        searcher,
        within(query.into_query(), filter.as_deref()).as_ref(),
        want,
    )
}

/// `query` limited to what `filter` matches, when there is one.
pub(crate) fn within(query: Box<dyn Query>, filter: Option<&dyn Query>) -> Box<dyn Query> {
    match filter {
        Some(f) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, f.box_clone()),
        ])),
        None => query,
    }
}

/// The first `want` hits of `query` by score and how many match, in one pass
/// that scores and counts every match (the count capped as [`top`]'s).
pub(crate) fn one_pass(searcher: &Searcher, query: &dyn Query, want: usize) -> Result<Top> {
    let (top, count) =
        searcher.search(query, &(TopDocs::with_limit(want).order_by_score(), Count))?;
    Ok((top, count.min(TOTAL_CAP), count > TOTAL_CAP))
}

/// [`top`] in parts: the fragment's holders, then relevance alone for the
/// places left.
pub(crate) fn in_parts(
    searcher: &Searcher,
    query: HaoQuery,
    filter: Option<Box<dyn Query>>,
    want: usize,
) -> Result<Top> {
    let HaoQuery { exact, related } = query;
    let related_only = || {
        related
            .iter()
            .map(|(o, q)| (*o, q.box_clone()))
            .collect::<Vec<_>>()
    };
    // The relevance part alone; within the filter, as a clause that must
    // match (beside a `Must`, `Should` clauses only add to the score).
    let any_related = || {
        within(
            Box::new(BooleanQuery::new(related_only())),
            filter.as_deref(),
        )
    };
    let mut top = Vec::new();
    let mut exact_count = 0;
    if let Some(exact) = exact {
        let mut clauses = vec![(Occur::Must, exact)];
        clauses.extend(related_only());
        clauses.extend(filter.as_ref().map(|f| (Occur::Must, f.box_clone())));
        (top, exact_count) = searcher.search(
            &BooleanQuery::new(clauses),
            &(TopDocs::with_limit(want).order_by_score(), Count),
        )?;
    }
    if top.len() < want {
        // The rest by relevance alone: the holders of the fragment are among
        // them too, so ask for that many more and leave them out.
        let holders: HashSet<DocAddress> = top.iter().map(|&(_, a)| a).collect();
        let rest = searcher.search(
            any_related().as_ref(),
            &TopDocs::with_limit(want + holders.len()).order_by_score(),
        )?;
        let room = want - top.len();
        top.extend(
            rest.into_iter()
                .filter(|(_, a)| !holders.contains(a))
                .take(room),
        );
    }
    // Every holder of the fragment holds its pairs: the relevance part
    // matches all that the whole query matches.
    let (count, more) = count_to(searcher, any_related().as_ref(), TOTAL_CAP)?;
    Ok((top, count.max(exact_count), more))
}

/// How many live documents match `query`, counting no further than `cap`;
/// `true` when more than `cap` do.
fn count_to(searcher: &Searcher, query: &dyn Query, cap: usize) -> Result<(usize, bool)> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut n = 0;
    for reader in searcher.segment_readers() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                n += 1;
                if n > cap {
                    return Ok((cap, true));
                }
            }
            doc = scorer.advance();
        }
    }
    Ok((n, false))
}
