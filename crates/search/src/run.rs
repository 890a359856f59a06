//! Running a reader's query: the ranking window (the verbatim bonus, copies
//! folded), the page cut from it, and each hit's highlighted title and passage.

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Order, Term};

use crate::highlight::Highlighter;
use crate::hits::{Ranked, escape, fold_copies, mark_verbatim, snippet_window};
use crate::{
    Hit, MAX_QUERY_CHARS, Mode, Result, SearchError, SearchIndex, SearchQuery, SearchResults, Sort,
    analysis, rank,
};

/// Added to a top hit holding a punctuated query verbatim: above any relevance
/// within its exact-match class, below the next class.
const VERBATIM: f32 = 5_000.0;
/// How many top hits the verbatim check reads and identical copies are
/// folded in (see `search`).
const WINDOW: usize = 30;
/// Characters of a hit's body shown under its title.
const SNIPPET_CHARS: usize = 120;

impl SearchIndex {
    /// Runs a query.
    pub fn search(&self, q: &SearchQuery<'_>) -> Result<SearchResults> {
        let chars = q.text.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(SearchError::QueryTooLong(chars));
        }
        let units = analysis::units(q.text);
        // A query of symbols alone ("？？？", "※", "……") asks for the texts
        // holding them in that order; the baselines have no such index.
        let symbols = if units.is_empty() && q.mode == Mode::Hao {
            analysis::symbols(q.text)
        } else {
            Vec::new()
        };
        if units.is_empty() && symbols.is_empty() {
            return Err(SearchError::EmptyQuery);
        }
        let channel = q.channel.map(|channel| {
            Box::new(TermQuery::new(
                Term::from_field_text(self.fields.channel, channel),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>
        });
        let searcher = self.reader.searcher();
        // The product's ranking of a query with units (`rank::top`) asks
        // its own queries; everything else is one query, within the channel.
        let product_ranking = q.mode == Mode::Hao && q.sort == Sort::Relevance && !units.is_empty();
        let whole = || -> Box<dyn Query> {
            let query = if units.is_empty() {
                self.symbol_query(&symbols)
            } else {
                self.build_query(&searcher, q.text, &units, q.mode)
            };
            rank::within(query, channel.as_deref())
        };
        let stores = self.stores.get(&searcher)?;
        let limit = q.limit.max(1);
        // A query typed or pasted with its punctuation and spacing ("，这只是…")
        // is best answered by the text that holds it verbatim: among the top
        // hits, a verbatim holder moves above copies that differ only in
        // punctuation or spacing (a repost's usual edits).
        let trimmed = q.text.trim();
        let verbatim = units.len() >= 2 && trimmed.chars().any(|c| !c.is_alphanumeric());
        let total;
        let mut more = false;
        let ranked: Vec<Ranked> = match q.sort {
            // The product's ranking, in a fixed window of top hits (so pages
            // stay consistent): the verbatim bonus, then copies word for word
            // folded into their best-ranked one, so a story reposted five
            // times takes one place, not five.
            Sort::Relevance if q.mode == Mode::Hao => {
                let want = q.offset + limit + WINDOW;
                let (top, count, capped) = if product_ranking {
                    let query = self.hao_query(&searcher, q.text, &units);
                    rank::top(&searcher, query, channel, want)?
                } else {
                    rank::one_pass(&searcher, whole().as_ref(), want)?
                };
                more = capped;
                let mut ranked = Vec::with_capacity(top.len());
                for (i, (score, address)) in top.into_iter().enumerate() {
                    let mut hit = Ranked::new(score, address);
                    if verbatim && i < WINDOW {
                        let doc = stores.doc(address, &self.fields)?;
                        if doc.title().contains(trimmed) || doc.body().contains(trimmed) {
                            hit.score += VERBATIM;
                        }
                        hit.doc = Some(doc);
                    }
                    ranked.push(hit);
                }
                let head = ranked.len().min(WINDOW);
                ranked[..head].sort_by(|a, b| b.score.total_cmp(&a.score));
                let ranked = fold_copies(&searcher, ranked, head)?;
                // Past the cap the count is a floor: copies are not taken off.
                total = if capped {
                    count
                } else {
                    count - ranked.iter().map(|h| h.copies).sum::<usize>()
                };
                ranked.into_iter().skip(q.offset).take(limit).collect()
            }
            // One pass over the matches both ranks and counts them.
            Sort::Relevance => {
                let (top, count) = searcher.search(
                    &whole(),
                    &(
                        TopDocs::with_limit(limit)
                            .and_offset(q.offset)
                            .order_by_score(),
                        Count,
                    ),
                )?;
                total = count;
                top.into_iter().map(|(s, a)| Ranked::new(s, a)).collect()
            }
            Sort::Newest => {
                let (top, count) = searcher.search(
                    &whole(),
                    &(
                        TopDocs::with_limit(limit)
                            .and_offset(q.offset)
                            .order_by_fast_field::<i64>("published_at", Order::Desc),
                        Count,
                    ),
                )?;
                total = count;
                top.into_iter().map(|(_, a)| Ranked::new(0.0, a)).collect()
            }
        };
        // A query of symbols alone has no units to mark: its snippets mark
        // the text as typed (`mark_verbatim`).
        let highlighter = (q.snippets && !units.is_empty()).then(|| Highlighter::new(&units));
        // The query's unit pairs as typed, to find where a body matches.
        let pairs: Vec<String> = units
            .windows(2)
            .map(|w| q.text[w[0].from..w[1].to].to_owned())
            .filter(|p| p.chars().count() == 2)
            .collect();
        let mut hits = Vec::with_capacity(ranked.len());
        for hit in ranked {
            let doc = match hit.doc {
                Some(doc) => doc,
                None => stores.doc(hit.address, &self.fields)?,
            };
            let title = doc.title();
            let (snippet, title_html) = match &highlighter {
                Some(h) => {
                    let body = doc.body();
                    let snippet = snippet_window(body, &pairs, |b| h.first_match(b))
                        .and_then(|window| h.passage(window, SNIPPET_CHARS))
                        .unwrap_or_else(|| {
                            escape(&body.chars().take(SNIPPET_CHARS).collect::<String>())
                        });
                    let title_html = h.mark(title).unwrap_or_else(|| escape(title));
                    (snippet, title_html)
                }
                None if q.snippets => (
                    mark_verbatim(doc.body(), trimmed),
                    mark_verbatim(title, trimmed),
                ),
                None => (String::new(), String::new()),
            };
            hits.push(Hit {
                id: doc.id(),
                external_id: doc.external_id().to_owned(),
                title: title.to_owned(),
                snippet,
                title_html,
                channel: doc.channel().to_owned(),
                published_at: doc.published_at(),
                score: hit.score,
                copies: hit.copies,
            });
        }
        Ok(SearchResults { total, more, hits })
    }
}
