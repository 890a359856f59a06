//! Hao's full-text search over published articles: a tantivy index that a node
//! keeps beside its database and rebuilds from it when missing or damaged.
//!
//! Chinese needs two views of the same text. A word index (jieba) ranks well
//! but misses a remembered fragment whose words were cut differently; a
//! character-pair index finds any fragment but ranks loosely. Every text field
//! is indexed both ways, and a query asks both: an exact fragment (a phrase of
//! character pairs) weighs most, then pair and word relevance (BM25).
//!
//! Architecture Invariant: this crate does not depend on `store`; it is fed
//! [`SearchDoc`]s and answers ids.

mod analysis;

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};

pub use analysis::{bigrams, is_cjk, normalize, symbols, units, words};

/// Whether `text` has anything to search for: a letter, digit or ideograph,
/// or a symbol ("？？？", "※"). White space alone has nothing.
pub fn searchable(text: &str) -> bool {
    !units(text).is_empty() || !symbols(text).is_empty()
}

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// A serving node indexes with one thread and a small buffer: its writes are
/// a trickle from the change log, and memory is better spent on pages.
const NODE_WRITER_BYTES: usize = 20 << 20;
/// The writer's memory budget for `open_for_rebuild`.
const BULK_WRITER_BYTES: usize = 100 << 20;
/// Decompressed stored-text blocks kept per segment (see `wrap`).
const DOC_STORE_CACHE_BLOCKS: usize = 4;
/// The file holding the applied change-log position.
const APPLIED_FILE: &str = "hao-applied-seq";
/// Scores added by an exact match of the whole query (see `build_query`).
const EXACT_IN_TITLE: f32 = 20_000.0;
const EXACT_IN_BODY: f32 = 10_000.0;
/// Added to a top hit holding a punctuated query verbatim: above any relevance
/// within its exact-match class, below the next class.
const VERBATIM: f32 = 5_000.0;
/// How many top hits the verbatim check reads and identical copies are
/// folded in (see `search`).
const WINDOW: usize = 30;
/// Bumped when the schema or analysis changes: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "5";

/// An article as the index sees it.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub id: i64,
    pub external_id: String,
    pub title: String,
    /// Plain text of the body (no markup).
    pub body: String,
    pub author: String,
    pub tags: Vec<String>,
    /// The article's keywords, best first (from the text engine).
    pub keywords: Vec<String>,
    /// Channel slug.
    pub channel: String,
    pub published_at: i64,
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
}

/// Which ranking to use. `Hao` is the product; the others are the baselines
/// it is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Hao,
    /// Plain BM25 over character pairs of title and body.
    BigramBaseline,
    /// Plain BM25 over jieba words of title and body.
    WordBaseline,
}

#[derive(Debug, Clone, Default)]
pub struct SearchQuery<'a> {
    pub text: &'a str,
    pub channel: Option<&'a str>,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
    pub mode: Mode,
    /// Compute highlighted snippets (HTML with `<b>` around matches).
    pub snippets: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub external_id: String,
    pub title: String,
    /// HTML: the matching passage of the body, matches in `<b>`, the rest escaped.
    pub snippet: String,
    /// The title with matches in `<b>`, escaped.
    pub title_html: String,
    pub channel: String,
    pub published_at: i64,
    pub score: f32,
    /// Other articles with the very same body (a repost word for word),
    /// folded into this hit rather than listed (see [`SearchIndex::search`]).
    pub copies: usize,
}

/// A candidate of [`SearchIndex::similar`].
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    pub id: i64,
    pub score: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The reader's mistake: shown to them as it is.
    #[error("请输入要搜索的内容")]
    EmptyQuery,
    #[error("搜索内容过长：最多 {MAX_QUERY_CHARS} 个字，实际 {0} 个字")]
    QueryTooLong(usize),
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("the search index files are damaged")]
    Damaged,
    #[error("search index I/O error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    external_id: Field,
    title_w: Field,
    title_bi: Field,
    title_uni: Field,
    body_w: Field,
    body_bi: Field,
    body_uni: Field,
    author: Field,
    tags: Field,
    /// The article's stored keywords, one term each (相关推荐 queries them).
    keywords: Field,
    /// Symbols of the title and the body, for queries made only of symbols.
    symbols: Field,
    channel: Field,
    published_at: Field,
    /// A hash of the body (ends trimmed): equal for copies word for word.
    body_hash: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, positions: bool| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(if positions {
                    IndexRecordOption::WithFreqsAndPositions
                } else {
                    IndexRecordOption::WithFreqs
                }),
        )
    };
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        external_id: b.add_text_field("external_id", STRING | STORED),
        title_w: b.add_text_field("title_w", text("hao_word", false)),
        title_bi: b.add_text_field("title_bi", text("hao_bi", true) | STORED),
        title_uni: b.add_text_field("title_uni", text("hao_uni", false)),
        body_w: b.add_text_field("body_w", text("hao_word", false)),
        body_bi: b.add_text_field("body_bi", text("hao_bi", true) | STORED),
        body_uni: b.add_text_field("body_uni", text("hao_uni", false)),
        author: b.add_text_field("author", text("hao_word", false) | STORED),
        tags: b.add_text_field("tags", text("hao_word", false)),
        keywords: b.add_text_field("keywords", text("raw", false)),
        symbols: b.add_text_field("symbols", text("hao_sym", true)),
        channel: b.add_text_field("channel", STRING | STORED),
        published_at: b.add_i64_field("published_at", INDEXED | STORED | FAST),
        body_hash: b.add_u64_field("body_hash", FAST),
    };
    (b.build(), fields)
}

fn register_tokenizers(index: &Index) {
    let t = index.tokenizers();
    t.register("hao_word", analysis::WordTokenizer);
    t.register("hao_bi", analysis::BigramTokenizer);
    t.register("hao_uni", analysis::UnigramTokenizer);
    t.register("hao_sym", analysis::SymbolTokenizer);
}

/// One node's search index.
pub struct SearchIndex {
    /// Where the index lives; `None` in memory.
    dir: Option<std::path::PathBuf>,
    /// The change-log position the index reflects (also kept in `dir`).
    applied: std::sync::atomic::AtomicI64,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. An index that
    /// cannot be opened, or was built by another schema version, is moved
    /// aside and replaced by an empty one: `Opened::Rebuilt` tells the caller
    /// to fill it again. Never a crash.
    pub fn open(dir: &Path) -> Result<(SearchIndex, Opened)> {
        Self::open_with(dir, 1, NODE_WRITER_BYTES)
    }

    /// [`SearchIndex::open`] for a whole rebuild in a process of its own
    /// (`hao reindex`): two indexing threads and a large writer budget, so
    /// segments are few and big (7 s instead of 13 s for 20,000 articles);
    /// the memory it takes is given back when the process ends. A serving
    /// node keeps the small budget: glibc keeps what a big one used resident.
    pub fn open_for_rebuild(dir: &Path) -> Result<(SearchIndex, Opened)> {
        Self::open_with(dir, 2, BULK_WRITER_BYTES)
    }

    fn open_with(dir: &Path, threads: usize, bytes: usize) -> Result<(SearchIndex, Opened)> {
        let version_file = dir.join("hao-schema-version");
        let current = std::fs::read_to_string(&version_file).ok();
        if current.as_deref() == Some(SCHEMA_VERSION) {
            // tantivy may panic rather than fail on some damaged files: a
            // panic while opening counts as damage too.
            let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Self::open_existing(dir, threads, bytes)
            }))
            .unwrap_or_else(|_| Err(SearchError::Damaged));
            match attempt {
                Ok(index) => return Ok((index, Opened::Existing)),
                Err(e) => {
                    tracing::warn!(dir = %dir.display(), error = %e, "search index damaged; rebuilding")
                }
            }
        }
        let existed = dir.exists();
        if existed {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let (schema, _) = schema();
        let index = Index::create_in_dir(dir, schema)?;
        std::fs::write(&version_file, SCHEMA_VERSION)?;
        let opened = if existed {
            Opened::Rebuilt
        } else {
            Opened::Created
        };
        let mut s = Self::wrap(index, threads, bytes)?;
        s.dir = Some(dir.to_owned());
        Ok((s, opened))
    }

    fn open_existing(dir: &Path, threads: usize, bytes: usize) -> Result<SearchIndex> {
        let index = Index::open_in_dir(dir)?;
        let mut s = Self::wrap(index, threads, bytes)?;
        s.dir = Some(dir.to_owned());
        let applied = std::fs::read_to_string(dir.join(APPLIED_FILE))
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(-1);
        s.applied
            .store(applied, std::sync::atomic::Ordering::SeqCst);
        // Touch every segment once: a damaged one fails here, not on a query.
        let _ = s.doc_count();
        s.reader
            .searcher()
            .segment_readers()
            .iter()
            .try_for_each(|r| r.inverted_index(s.fields.body_bi).map(|_| ()))?;
        Ok(s)
    }

    /// An index in memory (evaluations, tests). One indexing thread, so that
    /// documents keep the order they were added in and runs repeat exactly.
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, _) = schema();
        Self::wrap(Index::create_in_ram(schema), 1, 256 << 20)
    }

    fn wrap(index: Index, threads: usize, writer_bytes: usize) -> Result<SearchIndex> {
        register_tokenizers(&index);
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            // tantivy keeps 100 decompressed store blocks per segment by
            // default: under many different searches (snippets read stored
            // text) that held over 100 MB; a few per segment serve a page of
            // hits, which lie in different blocks anyway.
            .doc_store_cache_num_blocks(DOC_STORE_CACHE_BLOCKS)
            .try_into()?;
        let writer = index.writer_with_num_threads(threads, writer_bytes)?;
        Ok(SearchIndex {
            dir: None,
            applied: std::sync::atomic::AtomicI64::new(-1),
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    /// The change-log sequence number this index is known to reflect, or
    /// `None` when unknown (a new index, or one never told): fill it anew.
    pub fn applied_seq(&self) -> Option<i64> {
        let v = self.applied.load(std::sync::atomic::Ordering::SeqCst);
        (v >= 0).then_some(v)
    }

    /// Records that the index reflects the change log up to `seq` (kept on
    /// disk for the next start).
    pub fn set_applied_seq(&self, seq: i64) -> Result<()> {
        self.applied.store(seq, std::sync::atomic::Ordering::SeqCst);
        if let Some(dir) = &self.dir {
            let tmp = dir.join(format!("{APPLIED_FILE}.tmp"));
            std::fs::write(&tmp, seq.to_string())?;
            std::fs::rename(tmp, dir.join(APPLIED_FILE))?;
        }
        Ok(())
    }

    /// Number of index segments (tests, evaluations).
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Number of searchable documents.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Adds or replaces documents (by id) and removes `deleted` ids, then
    /// commits and makes the change visible to searches.
    pub fn update(&self, docs: &[SearchDoc], deleted: &[i64]) -> Result<()> {
        let f = self.fields;
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        for id in deleted {
            writer.delete_term(Term::from_field_i64(f.id, *id));
        }
        for d in docs {
            writer.delete_term(Term::from_field_i64(f.id, d.id));
            writer.add_document(self.document(d))?;
        }
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Adds documents known not to be in the index (a rebuild after
    /// [`SearchIndex::clear`]): no deletes to apply, and nothing is visible
    /// until [`SearchIndex::commit`].
    pub fn add_fresh(&self, docs: &[SearchDoc]) -> Result<()> {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        for d in docs {
            writer.add_document(self.document(d))?;
        }
        Ok(())
    }

    /// Commits what was added and makes it visible to searches.
    pub fn commit(&self) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    fn document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.id, d.id);
        doc.add_text(f.external_id, &d.external_id);
        doc.add_text(f.title_w, &d.title);
        doc.add_text(f.title_bi, &d.title);
        doc.add_text(f.title_uni, &d.title);
        doc.add_text(f.body_w, &d.body);
        doc.add_text(f.body_bi, &d.body);
        doc.add_text(f.body_uni, &d.body);
        doc.add_text(f.symbols, &d.title);
        doc.add_text(f.symbols, &d.body);
        doc.add_text(f.author, &d.author);
        for t in &d.tags {
            doc.add_text(f.tags, t);
        }
        for k in &d.keywords {
            doc.add_text(f.keywords, k);
        }
        doc.add_text(f.channel, &d.channel);
        doc.add_i64(f.published_at, d.published_at);
        doc.add_u64(f.body_hash, body_hash(&d.body));
        doc
    }

    /// Removes every document (before a full rebuild).
    pub fn clear(&self) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.delete_all_documents()?;
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

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
        let mut query = if units.is_empty() {
            self.symbol_query(&symbols)
        } else {
            self.build_query(q.text, &units, q.mode)
        };
        if let Some(channel) = q.channel {
            query = Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.channel, channel),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]));
        }
        let searcher = self.reader.searcher();
        let limit = q.limit.max(1);
        // A query typed or pasted with its punctuation and spacing ("，这只是…")
        // is best answered by the text that holds it verbatim: among the top
        // hits, a verbatim holder moves above copies that differ only in
        // punctuation or spacing (a repost's usual edits).
        let trimmed = q.text.trim();
        let verbatim = units.len() >= 2 && trimmed.chars().any(|c| !c.is_alphanumeric());
        let total;
        let ranked: Vec<Ranked> = match q.sort {
            // The product's ranking, in a fixed window of top hits (so pages
            // stay consistent): the verbatim bonus, then copies word for word
            // folded into their best-ranked one, so a story reposted five
            // times takes one place, not five.
            Sort::Relevance if q.mode == Mode::Hao => {
                let (top, count) = searcher.search(
                    &query,
                    &(
                        TopDocs::with_limit(q.offset + limit + WINDOW).order_by_score(),
                        Count,
                    ),
                )?;
                let mut ranked = Vec::with_capacity(top.len());
                for (i, (score, address)) in top.into_iter().enumerate() {
                    let mut hit = Ranked::new(score, address);
                    if verbatim && i < WINDOW {
                        let doc: TantivyDocument = searcher.doc(address)?;
                        let holds = |field: Field| {
                            doc.get_first(field)
                                .and_then(|v| v.as_str())
                                .is_some_and(|t| t.contains(trimmed))
                        };
                        if holds(self.fields.title_bi) || holds(self.fields.body_bi) {
                            hit.score += VERBATIM;
                        }
                        hit.doc = Some(doc);
                    }
                    ranked.push(hit);
                }
                let head = ranked.len().min(WINDOW);
                ranked[..head].sort_by(|a, b| b.score.total_cmp(&a.score));
                let ranked = fold_copies(&searcher, ranked, head)?;
                total = count - ranked.iter().map(|h| h.copies).sum::<usize>();
                ranked.into_iter().skip(q.offset).take(limit).collect()
            }
            // One pass over the matches both ranks and counts them.
            Sort::Relevance => {
                let (top, count) = searcher.search(
                    &query,
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
                    &query,
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
        // A query of symbols alone has no pairs for tantivy's snippet
        // generator: its snippets mark the text as typed (`mark_verbatim`).
        let generators = if q.snippets && !units.is_empty() {
            let mut body = SnippetGenerator::create(&searcher, &*query, self.fields.body_bi)?;
            body.set_max_num_chars(120);
            let mut title = SnippetGenerator::create(&searcher, &*query, self.fields.title_bi)?;
            title.set_max_num_chars(200);
            Some((body, title))
        } else {
            None
        };
        // The query's unit pairs as typed, to find where a body matches.
        let pairs: Vec<String> = units
            .windows(2)
            .map(|w| q.text[w[0].from..w[1].to].to_owned())
            .filter(|p| p.chars().count() == 2)
            .collect();
        let mut hits = Vec::with_capacity(ranked.len());
        for hit in ranked {
            let doc: TantivyDocument = match hit.doc {
                Some(doc) => doc,
                None => searcher.doc(hit.address)?,
            };
            let text = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_owned()
            };
            let title = text(self.fields.title_bi);
            let (snippet, title_html) = match &generators {
                Some((body_gen, title_gen)) => {
                    let body = text(self.fields.body_bi);
                    let s = body_gen.snippet(snippet_window(&body, &pairs));
                    let snippet = if s.fragment().is_empty() {
                        escape(&body.chars().take(120).collect::<String>())
                    } else {
                        s.to_html()
                    };
                    let t = title_gen.snippet_from_doc(&doc);
                    let title_html = if t.fragment().is_empty() {
                        escape(&title)
                    } else {
                        t.to_html()
                    };
                    (snippet, title_html)
                }
                None if q.snippets => {
                    let body = text(self.fields.body_bi);
                    (
                        mark_verbatim(&body, trimmed),
                        mark_verbatim(&title, trimmed),
                    )
                }
                None => (String::new(), String::new()),
            };
            hits.push(Hit {
                id: doc
                    .get_first(self.fields.id)
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0),
                external_id: text(self.fields.external_id),
                title,
                snippet,
                title_html,
                channel: text(self.fields.channel),
                published_at: doc
                    .get_first(self.fields.published_at)
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0),
                score: hit.score,
                copies: hit.copies,
            });
        }
        Ok(SearchResults { total, hits })
    }

    /// Articles about the same things as an article with these `keywords`
    /// (its stored TF-IDF keywords, best first): BM25 over the other
    /// articles' stored keywords (each a single term, so the posting lists
    /// are short: 2 ms at 100,000 articles, where the body's word field took
    /// 5–16 ms), weighted ×2, plus the keywords' words in titles; earlier
    /// keywords weigh more than later ones. `exclude` is left out. The
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
            for w in analysis::words(keyword) {
                if !seen.insert(w.clone()) {
                    continue;
                }
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(f.title_w, &w),
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
    fn symbol_query(&self, symbols: &[(String, usize)]) -> Box<dyn Query> {
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

    fn build_query(&self, text: &str, units: &[analysis::Unit], mode: Mode) -> Box<dyn Query> {
        let f = self.fields;
        let term = |field: Field, t: &str| Term::from_field_text(field, t);
        let terms = |field: Field, toks: &[String], boost: f32| -> Vec<(Occur, Box<dyn Query>)> {
            toks.iter()
                .map(|t| {
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(term(field, t), IndexRecordOption::WithFreqs));
                    (Occur::Should, boosted(q, boost))
                })
                .collect()
        };
        let bigrams = analysis::bigrams(units);
        let unigrams: Vec<String> = units.iter().map(|u| u.text.clone()).collect();
        let words = dedup(analysis::words(text));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match mode {
            Mode::BigramBaseline => {
                let toks = if bigrams.is_empty() {
                    &unigrams
                } else {
                    &bigrams
                };
                let (t, b) = if bigrams.is_empty() {
                    (f.title_uni, f.body_uni)
                } else {
                    (f.title_bi, f.body_bi)
                };
                clauses.extend(terms(t, toks, 1.0));
                clauses.extend(terms(b, toks, 1.0));
            }
            Mode::WordBaseline => {
                clauses.extend(terms(f.title_w, &words, 1.0));
                clauses.extend(terms(f.body_w, &words, 1.0));
            }
            Mode::Hao => {
                if bigrams.is_empty() {
                    // One unit (a character or a word of letters): unigram fields.
                    clauses.extend(terms(f.title_uni, &unigrams, 3.0));
                    clauses.extend(terms(f.body_uni, &unigrams, 1.0));
                } else {
                    // The exact fragment, anywhere in the title or the body: a
                    // constant far above any relevance score, so that an article
                    // holding what the reader typed always ranks above one that
                    // merely shares many of its words; relevance orders within.
                    // Title or body, not both: holding the fragment twice is no
                    // more evidence of being the article the reader means.
                    let mut exact: Vec<Box<dyn Query>> = Vec::new();
                    for (field, score) in [(f.title_bi, EXACT_IN_TITLE), (f.body_bi, EXACT_IN_BODY)]
                    {
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
                        exact.push(Box::new(ConstScoreQuery::new(q, score)));
                    }
                    clauses.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(exact))));
                    // Partial matches: pairs, then words.
                    let unique = dedup(bigrams.clone());
                    // Title relevance outweighs body relevance: a body repeating
                    // common pairs says less than a short title holding them.
                    clauses.extend(terms(f.title_bi, &unique, 3.0));
                    clauses.extend(terms(f.body_bi, &unique, 0.5));
                }
                clauses.extend(terms(f.title_w, &words, 1.5));
                clauses.extend(terms(f.body_w, &words, 0.3));
                clauses.extend(terms(f.author, &words, 2.0));
                clauses.extend(terms(f.tags, &words, 2.0));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

/// A hit on its way to the page.
struct Ranked {
    score: f32,
    address: tantivy::DocAddress,
    /// The stored document, when already read (the verbatim check).
    doc: Option<TantivyDocument>,
    /// Copies word for word folded into this hit.
    copies: usize,
}

impl Ranked {
    fn new(score: f32, address: tantivy::DocAddress) -> Self {
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
fn fold_copies(
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

/// How [`SearchIndex::open`] found the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// A usable index was there.
    Existing,
    /// There was none: fill it.
    Created,
    /// It was damaged or of another version and was replaced: fill it.
    Rebuilt,
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|t| seen.insert(t.clone()));
    v
}

/// The part of a long body worth handing to the snippet generator, which
/// tokenizes all it is given: a window around the first place the query's
/// first pair occurs as typed, or the whole body when it does not (another
/// script or width, a match in the title only).
fn snippet_window<'a>(body: &'a str, pairs: &[String]) -> &'a str {
    const BEFORE: usize = 200;
    const AFTER: usize = 600;
    if body.len() <= 3 * (BEFORE + AFTER) {
        return body;
    }
    let Some(at) = pairs.iter().find_map(|p| body.find(p.as_str())) else {
        return body;
    };
    let mut start = at.saturating_sub(BEFORE * 3);
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + AFTER * 3).min(body.len());
    while !body.is_char_boundary(end) {
        end += 1;
    }
    &body[start..end]
}

/// A passage of `text` around the first place it holds `needle` as typed,
/// the match in `<b>`, the rest escaped; its opening when it does not.
fn mark_verbatim(text: &str, needle: &str) -> String {
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
const NO_TEXT: u64 = 0;

/// A hash of a body with its ends trimmed, the same in every process and
/// version (FNV-1a, 64 bits): equal for copies word for word, [`NO_TEXT`]
/// for none. Two different bodies colliding among one query's top hits is
/// negligible (about 1 in 10^16 per pair).
fn body_hash(body: &str) -> u64 {
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

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests;
