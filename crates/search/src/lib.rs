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
mod highlight;
mod hits;
mod lexicon;
mod merging;
mod query;
mod rank;
mod run;
mod schema;
mod stored;
mod tokenizers;
mod writing;

use std::path::Path;
use std::sync::Mutex;

use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use analysis::{bigrams, is_cjk, normalize, symbols, units, words};
use hits::body_hash;
pub use merging::MERGED_SEGMENT_DOCS;
use merging::{merged_segments, merges};
pub use rank::TOTAL_CAP;
use schema::{Fields, register_tokenizers, schema};
use writing::{NODE_WRITER_BYTES, Writing, bulk_writer_bytes};

/// Whether `text` has anything to search for: a letter, digit or ideograph,
/// or a symbol ("？？？", "※"). White space alone has nothing.
pub fn searchable(text: &str) -> bool {
    !units(text).is_empty() || !symbols(text).is_empty()
}

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Bytes of stored text compressed together (see `builder`).
const DOC_STORE_BLOCK: usize = 4096;
/// The file holding the applied change-log position.
const APPLIED_FILE: &str = "hao-applied-seq";
/// Bumped when the schema or analysis changes: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "9";

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
    /// Plain BM25 over jieba words of title and body (the body's words are
    /// indexed only by [`SearchIndex::in_memory_with_baselines`]).
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
    /// How many articles match (copies folded into a hit not counted), at
    /// most [`TOTAL_CAP`].
    pub total: usize,
    /// More articles match than `total`: counting stopped at [`TOTAL_CAP`].
    pub more: bool,
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
    #[error("another process is writing the search index")]
    InUse,
    #[error("search index I/O error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// One node's search index.
pub struct SearchIndex {
    /// Where the index lives; `None` in memory.
    dir: Option<std::path::PathBuf>,
    /// The change-log position the index reflects (also kept in `dir`).
    applied: std::sync::atomic::AtomicI64,
    reader: IndexReader,
    index: Index,
    /// `None` after [`SearchIndex::release_writer`]: made again on the next write.
    writer: Mutex<Option<IndexWriter>>,
    /// Whether the writer was given up for another process
    /// ([`SearchIndex::release_writer`]) and not taken up again.
    released: std::sync::atomic::AtomicBool,
    /// How the writer is made (again after a release).
    writing: Writing,
    fields: Fields,
    /// Each segment's document store, for reading hits.
    stores: stored::StoreCache,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. An index that
    /// cannot be opened, or was built by another schema version, is moved
    /// aside and replaced by an empty one: `Opened::Rebuilt` tells the caller
    /// to fill it again. Never a crash.
    pub fn open(dir: &Path) -> Result<(SearchIndex, Opened)> {
        Self::open_with(
            dir,
            Writing {
                threads: 1,
                bytes: NODE_WRITER_BYTES,
                rebuild: false,
                body_words: false,
            },
        )
    }

    /// [`SearchIndex::open`] for a whole rebuild in a process of its own
    /// (`hao reindex`): two indexing threads and a large writer budget, so
    /// segments are few and big (7 s instead of 13 s for 20,000 articles),
    /// and no merges until the one at the end (100,000 articles: 72.9 →
    /// 59.3 s, 130 → 105 CPU-seconds); the memory it takes is given back when
    /// the process ends. A serving node keeps the small budget: glibc keeps
    /// what a big one used resident.
    pub fn open_for_rebuild(dir: &Path) -> Result<(SearchIndex, Opened)> {
        Self::open_with(
            dir,
            Writing {
                threads: 2,
                bytes: bulk_writer_bytes(),
                rebuild: true,
                body_words: false,
            },
        )
    }

    fn open_with(dir: &Path, writing: Writing) -> Result<(SearchIndex, Opened)> {
        // Another process writing the index (a running node) is not damage:
        // its index is neither opened for writing nor replaced.
        if dir.exists() && held_elsewhere(dir) {
            return Err(SearchError::InUse);
        }
        let version_file = dir.join("hao-schema-version");
        let current = std::fs::read_to_string(&version_file).ok();
        if current.as_deref() == Some(SCHEMA_VERSION) {
            // tantivy may panic rather than fail on some damaged files: a
            // panic while opening counts as damage too.
            let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Self::open_existing(dir, writing)
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
        let index = builder().create_in_dir(dir)?;
        std::fs::write(&version_file, SCHEMA_VERSION)?;
        let opened = if existed {
            Opened::Rebuilt
        } else {
            Opened::Created
        };
        let mut s = Self::wrap(index, writing)?;
        s.dir = Some(dir.to_owned());
        Ok((s, opened))
    }

    fn open_existing(dir: &Path, writing: Writing) -> Result<SearchIndex> {
        let index = Index::open_in_dir(dir)?;
        let mut s = Self::wrap(index, writing)?;
        s.dir = Some(dir.to_owned());
        s.applied
            .store(read_applied(dir), std::sync::atomic::Ordering::SeqCst);
        // Touch every segment once: a damaged one fails here, not on a query.
        let _ = s.doc_count();
        s.reader
            .searcher()
            .segment_readers()
            .iter()
            .try_for_each(|r| r.inverted_index(s.fields.body_bi).map(|_| ()))?;
        Ok(s)
    }

    /// An index in memory (tests, evaluations), indexed as a node's is. One
    /// indexing thread, so that documents keep the order they were added in
    /// and runs repeat exactly.
    pub fn in_memory() -> Result<SearchIndex> {
        Self::in_memory_with(false)
    }

    /// [`SearchIndex::in_memory`] that also indexes the body's jieba words,
    /// which [`Mode::WordBaseline`] asks (`hao eval search`).
    pub fn in_memory_with_baselines() -> Result<SearchIndex> {
        Self::in_memory_with(true)
    }

    fn in_memory_with(body_words: bool) -> Result<SearchIndex> {
        Self::wrap(
            builder().create_in_ram()?,
            Writing {
                threads: 1,
                bytes: 256 << 20,
                rebuild: false,
                body_words,
            },
        )
    }

    fn wrap(index: Index, writing: Writing) -> Result<SearchIndex> {
        register_tokenizers(&index);
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            // Stored documents are read through `stores` (see `stored`),
            // which keeps a few blocks per segment: none here.
            .doc_store_cache_num_blocks(0)
            .try_into()?;
        // Made at once, so that an index another process writes to fails
        // here ("is another hao using it?"), not on the first change.
        let writer = writing.writer(&index)?;
        Ok(SearchIndex {
            dir: None,
            applied: std::sync::atomic::AtomicI64::new(-1),
            reader,
            index,
            writer: Mutex::new(Some(writer)),
            released: std::sync::atomic::AtomicBool::new(false),
            writing,
            fields,
            stores: stored::StoreCache::default(),
        })
    }

    /// Runs `f` with the writer, making it first when it was released.
    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<T>) -> Result<T> {
        let mut slot = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let writer = match &mut *slot {
            Some(w) => w,
            none => {
                let w = self.writing.writer(&self.index)?;
                self.released
                    .store(false, std::sync::atomic::Ordering::SeqCst);
                none.insert(w)
            }
        };
        f(writer)
    }

    /// Gives up the writer (its memory and the index's write lock), so that
    /// another process may write the index: `hao serve` lets a `hao reindex`
    /// it starts build a missing index, then [`SearchIndex::reload`]s. The
    /// next write here makes a writer again.
    pub fn release_writer(&self) {
        let mut slot = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(w) = slot.take() {
            let _ = w.wait_merging_threads();
        }
        self.released
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether the writer was given up for another process and not taken up
    /// again ([`SearchIndex::reload`], or a write here): this node's change-log
    /// follower then leaves the index alone.
    pub fn writer_released(&self) -> bool {
        self.released.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Sees what another process committed to the index, and the change-log
    /// position it recorded.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        self.released
            .store(false, std::sync::atomic::Ordering::SeqCst);
        if let Some(dir) = &self.dir {
            self.applied
                .store(read_applied(dir), std::sync::atomic::Ordering::SeqCst);
        }
        Ok(())
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
        self.stage(docs, deleted)?;
        self.commit()
    }

    /// [`SearchIndex::update`] without the commit: nothing is visible until
    /// [`SearchIndex::commit`] (an import's batches, committed at its end).
    pub fn stage(&self, docs: &[SearchDoc], deleted: &[i64]) -> Result<()> {
        let f = self.fields;
        self.with_writer(|writer| {
            for id in deleted {
                writer.delete_term(Term::from_field_i64(f.id, *id));
            }
            for d in docs {
                writer.delete_term(Term::from_field_i64(f.id, d.id));
                writer.add_document(self.document(d))?;
            }
            Ok(())
        })
    }

    /// Adds documents known not to be in the index (a rebuild after
    /// [`SearchIndex::clear`]): no deletes to apply, and nothing is visible
    /// until [`SearchIndex::commit`].
    pub fn add_fresh(&self, docs: &[SearchDoc]) -> Result<()> {
        self.with_writer(|writer| {
            for d in docs {
                writer.add_document(self.document(d))?;
            }
            Ok(())
        })
    }

    /// Commits what was added and makes it visible to searches.
    pub fn commit(&self) -> Result<()> {
        self.with_writer(|writer| Ok(writer.commit()?))?;
        self.reader.reload()?;
        Ok(())
    }

    /// Merges every segment into one (after a whole rebuild): a query then
    /// looks each of its terms up once rather than once a segment, and
    /// ranks one list (6,291 articles: four segments became one, and an
    /// uncached search took a third less time; BENCHMARKS.md). A large
    /// index is merged into one segment per [`MERGED_SEGMENT_DOCS`], at most
    /// one per core, side by side: a merge runs on one core, and one of a
    /// million articles kept the other idle for a minute.
    pub fn merge_all(&self) -> Result<()> {
        let mut slot = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        // tantivy's own merges may be running on some of the segments (a
        // merge asked of a segment being merged fails): they finish first.
        if let Some(w) = slot.take() {
            w.wait_merging_threads()?;
        }
        let writer = slot.insert(self.writing.writer(&self.index)?);
        let metas = self.index.searchable_segment_metas()?;
        let docs = metas.iter().map(|m| u64::from(m.num_docs())).sum();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let merges: Vec<_> = merges(metas, merged_segments(docs, cores))
            .iter()
            .map(|group| writer.merge(group))
            .collect();
        for merge in merges {
            merge.wait()?;
        }
        drop(slot);
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
        if self.writing.body_words {
            doc.add_text(f.body_w, &d.body);
        }
        doc.add_text(f.body_bi, &d.body);
        doc.add_bytes(f.body_text, d.body.as_bytes());
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
        self.with_writer(|writer| {
            writer.delete_all_documents()?;
            writer.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }
}

/// Whether another process holds the writer lock of the index in `dir`.
fn held_elsewhere(dir: &Path) -> bool {
    use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory, error::LockError};
    let Ok(directory) = MmapDirectory::open(dir) else {
        return false;
    };
    matches!(
        directory.acquire_lock(&INDEX_WRITER_LOCK),
        Err(LockError::LockBusy)
    )
}

/// The change-log position recorded in `dir`, -1 when none.
fn read_applied(dir: &Path) -> i64 {
    std::fs::read_to_string(dir.join(APPLIED_FILE))
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1)
}

/// A new index's schema and settings: stored text in blocks of
/// [`DOC_STORE_BLOCK`] bytes, so that showing a hit reads about its own
/// document, not the three or four around it (tantivy's 16 KiB), and not
/// compressed: lz4 kept Chinese text at 70 % of its size (6,291 articles:
/// 15.6 → 22.4 MB, 8 MB more file-backed memory after searches) and its
/// decompression was 7 % of an uncached search (c = 64: 4,176–6,068 →
/// 4,819–6,636 req/s, alternating runs; BENCHMARKS.md).
fn builder() -> tantivy::IndexBuilder {
    let (schema, _) = schema();
    Index::builder()
        .schema(schema)
        .settings(tantivy::IndexSettings {
            docstore_blocksize: DOC_STORE_BLOCK,
            docstore_compression: tantivy::store::Compressor::None,
            ..Default::default()
        })
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

#[cfg(test)]
mod tests;
