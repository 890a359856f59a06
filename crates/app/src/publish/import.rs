//! The import: one article a line (JSON Lines). A bad line is reported with
//! its number and reason and skipped; the rest is imported. Lines are stored
//! in batches of one transaction each (through [`super::BatchWriter`], the
//! overlapped form of [`super::publish_batch`]), so an interrupted import
//! keeps every finished batch and can simply be run again: re-importing an
//! `external_id` updates it.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::sync::atomic::{AtomicBool, Ordering};

use hao_domain::{ArticleDraft, Channel, ValidationError, limits};
use hao_store::{NewCreator, Store, StoreError};

use crate::sync::ImportIndexing;

use super::{ArticleInput, BatchWriter, Parsed, PublishError};

/// Why an import stopped before the end of its input (a bad line never
/// stops it: it is reported and skipped).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("reading the input after line {line}: {source}")]
    Read { line: usize, source: std::io::Error },
    #[error("storing a batch of articles: {0}")]
    Publish(#[from] PublishError),
    #[error("a parsing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// What became of this node's search index.
#[derive(Debug, Default)]
pub enum Indexed {
    /// The import was given no index to keep.
    #[default]
    NotAsked,
    /// The index holds every article stored and reflects the change log up
    /// to this position.
    Through(i64),
    /// Indexing failed, and the import went on without it: why. The
    /// index's follower catches up from the change log.
    Failed(String),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Publish(e.into())
    }
}

/// Where an import tells how it is going (a progress bar, a log, nothing).
pub trait Report: Sync {
    /// `bytes` more of the input were read.
    fn read(&self, _bytes: u64) {}
    /// `articles` are stored so far.
    fn stored(&self, _articles: usize) {}
    /// Line `line` was skipped, for `reason`.
    fn skipped(&self, _line: usize, _reason: &str) {}
    /// Every line is stored; the search index is being committed (and,
    /// when the import filled it from empty, merged).
    fn finishing_index(&self) {}
}

/// Reports nothing.
pub struct Silent;

impl Report for Silent {}

/// Longest line read; longer lines are refused before JSON parsing. A body at
/// its limit fits with room for JSON escapes.
const MAX_LINE_BYTES: usize = 8 * limits::BODY_BYTES;

/// Why a line was skipped.
#[derive(Debug, PartialEq)]
pub enum LineError {
    Utf8(usize),
    TooLong(usize),
    Json(String),
    Invalid(ValidationError),
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineError::Utf8(at) => write!(f, "not valid UTF-8 (bad byte at column {})", at + 1),
            LineError::TooLong(n) => write!(
                f,
                "line is {n} bytes, more than the {MAX_LINE_BYTES}-byte limit"
            ),
            LineError::Json(e) => write!(f, "invalid JSON: {e}"),
            LineError::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl From<ValidationError> for LineError {
    fn from(e: ValidationError) -> Self {
        LineError::Invalid(e)
    }
}

/// Parses and validates one line. `now` is used when `published_at` is absent.
pub fn parse_line(bytes: &[u8], now: i64) -> Result<Parsed, LineError> {
    if bytes.len() > MAX_LINE_BYTES {
        return Err(LineError::TooLong(bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| LineError::Utf8(e.valid_up_to()))?;
    let r: ArticleInput = serde_json::from_str(text).map_err(|e| LineError::Json(e.to_string()))?;
    Ok(super::parse(r, now)?)
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Summary {
    pub lines: usize,
    pub blank: usize,
    pub created: usize,
    pub updated: usize,
    pub skipped: usize,
    /// (line number, reason) of every skipped line.
    pub errors: Vec<(usize, String)>,
    pub channels: BTreeMap<Channel, usize>,
    /// Near-duplicate pairs found (an article and an earlier one of another creator).
    pub near_duplicates: usize,
    /// Stopped early by an interrupt; finished batches are stored.
    pub interrupted: bool,
    /// What became of this node's search index.
    pub indexed: Indexed,
}

/// How to run an import apart from its input.
pub struct Options<'a> {
    /// Articles per transaction.
    pub batch: usize,
    pub report: &'a dyn Report,
    /// Set (by a signal handler) to stop after the current batch.
    pub stop: &'a AtomicBool,
    /// This node's search index, filled as articles are stored (see
    /// [`ImportIndexing`]); `None` leaves it to the node's follower.
    pub index: Option<std::sync::Arc<hao_search::SearchIndex>>,
}

/// Imports every line of `reader`. Skipped lines are reported on stderr and
/// in the summary; an error is returned only when the database fails.
pub async fn import_reader(
    store: &Store,
    mut reader: impl BufRead,
    opts: &Options<'_>,
) -> Result<Summary, ImportError> {
    let mut summary = Summary::default();
    let mut indexing = match &opts.index {
        None => None,
        Some(index) => match ImportIndexing::start(store, index.clone()).await {
            Ok(i) => Some(i),
            Err(e) => {
                summary.indexed = Indexed::Failed(e.to_string());
                None
            }
        },
    };
    let mut writer = BatchWriter::new(store);
    let mut result = read_and_store(
        store,
        &mut reader,
        opts,
        &mut summary,
        &mut indexing,
        &mut writer,
    )
    .await;
    // The last batch's near-duplicates, also after an error: its articles
    // are stored.
    match writer.finish().await {
        Ok(batch) => {
            summary.near_duplicates += batch.near_duplicates;
            if let Some(indexing) = &mut indexing {
                indexing.applied(&batch.changes);
            }
        }
        Err(e) if result.is_ok() => result = Err(e.into()),
        Err(_) => {}
    }
    if let Some(indexing) = indexing {
        opts.report.finishing_index();
        // The table indexes a bulk import deferred (`Store::defer_indexes`)
        // are built while the search index takes its last batch, commits
        // and merges: each is one core's work, and in turn they kept the
        // other core idle.
        let (indexed, built) = indexing.finish(store, store.build_deferred_indexes()).await;
        summary.indexed = match indexed {
            Ok(seq) => Indexed::Through(seq),
            Err(e) => Indexed::Failed(e.to_string()),
        };
        if let Err(e) = built
            && result.is_ok()
        {
            result = Err(e.into());
        }
    }
    result.map(|()| summary)
}

/// The import's loop: lines read, parsed a batch ahead, stored, indexed.
async fn read_and_store(
    store: &Store,
    reader: &mut impl BufRead,
    opts: &Options<'_>,
    summary: &mut Summary,
    indexing: &mut Option<ImportIndexing>,
    writer: &mut BatchWriter,
) -> Result<(), ImportError> {
    let batch_size = opts.batch.max(1);
    let mut batch: Vec<Parsed> = Vec::with_capacity(batch_size);
    let mut creators: HashMap<String, i64> = HashMap::new();
    let mut line = Vec::new();
    let mut raw: Vec<(usize, Vec<u8>)> = Vec::with_capacity(batch_size);
    let now = store.now();
    let mut number = 0usize;
    let mut parsing: Option<tokio::task::JoinHandle<ParsedLines>> = None;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|source| ImportError::Read {
                line: number,
                source,
            })?;
        if n == 0 {
            break;
        }
        number += 1;
        summary.lines += 1;
        opts.report.read(n as u64);
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            summary.blank += 1;
            continue;
        }
        raw.push((number, std::mem::take(&mut line)));
        if raw.len() >= batch_size {
            // This batch is parsed on the other cores while the previous
            // one is written to the database.
            let lines = std::mem::replace(&mut raw, Vec::with_capacity(batch_size));
            let job = tokio::task::spawn_blocking(move || parse_all(lines, now));
            if let Some(previous) = parsing.replace(job) {
                take_parsed(previous.await?, &mut batch, summary, opts);
                store_batch(store, writer, &mut batch, &mut creators, summary, indexing).await?;
                opts.report.stored(summary.created + summary.updated);
                if opts.stop.load(Ordering::SeqCst) {
                    summary.interrupted = true;
                    // The batch being parsed is dropped, not half-stored.
                    return Ok(());
                }
            }
        }
    }
    if let Some(previous) = parsing.take() {
        take_parsed(previous.await?, &mut batch, summary, opts);
        store_batch(store, writer, &mut batch, &mut creators, summary, indexing).await?;
    }
    take_parsed(parse_all(raw, now), &mut batch, summary, opts);
    store_batch(store, writer, &mut batch, &mut creators, summary, indexing).await
}

/// A batch's lines, parsed: (line number, result) in line order.
type ParsedLines = Vec<(usize, Result<Parsed, LineError>)>;

/// Parses and analyses (segmentation, keywords, fingerprints: the costly
/// part of an import) the raw lines on every core.
fn parse_all(raw: Vec<(usize, Vec<u8>)>, now: i64) -> ParsedLines {
    if raw.is_empty() {
        return Vec::new();
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(raw.len());
    let chunk = raw.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = raw
            .chunks(chunk)
            .map(|lines| {
                scope.spawn(move || {
                    lines
                        .iter()
                        .map(|(number, bytes)| (*number, parse_line(bytes, now)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a parsing thread panicked"))
            .collect()
    })
}

/// Takes parsed lines in order: articles into `batch`, bad lines reported.
fn take_parsed(
    parsed: ParsedLines,
    batch: &mut Vec<Parsed>,
    summary: &mut Summary,
    opts: &Options<'_>,
) {
    for (number, result) in parsed {
        match result {
            Ok(p) => batch.push(p),
            Err(e) => {
                summary.skipped += 1;
                let message = e.to_string();
                opts.report.skipped(number, &message);
                summary.errors.push((number, message));
            }
        }
    }
}

/// Finds or creates each article's author, publishes the batch (its
/// near-duplicates are recorded with the next one's: see [`BatchWriter`]),
/// and hands it to the index. An index that fails is left behind (the
/// import goes on; the follower catches up): [`Indexed::Failed`] says why.
async fn store_batch(
    store: &Store,
    writer: &mut BatchWriter,
    batch: &mut Vec<Parsed>,
    creators: &mut HashMap<String, i64>,
    summary: &mut Summary,
    indexing: &mut Option<ImportIndexing>,
) -> Result<(), ImportError> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut drafts = Vec::with_capacity(batch.len());
    let mut authors = Vec::with_capacity(batch.len());
    for p in batch.drain(..) {
        let id = match creators.get(&p.author) {
            Some(id) => *id,
            None => {
                let id = store
                    .ensure_creator(&NewCreator {
                        display_name: &p.author,
                        account_type: p.author_type,
                        bio: "",
                        is_demo: p.demo,
                        is_official: false,
                    })
                    .await?;
                creators.insert(p.author.clone(), id);
                id
            }
        };
        let mut draft = p.draft;
        draft.creator_id = id;
        drafts.push(draft);
        authors.push(p.author);
    }
    let batch = writer.write(&drafts).await?;
    for (r, d) in batch.stored.iter().zip(&drafts) {
        if r.created {
            summary.created += 1;
        } else {
            summary.updated += 1;
        }
        *summary.channels.entry(d.channel).or_default() += 1;
    }
    summary.near_duplicates += batch.near_duplicates;
    if let Some(index) = indexing {
        let articles: Vec<(hao_store::Upserted, ArticleDraft, String)> = batch
            .stored
            .into_iter()
            .zip(drafts)
            .zip(authors)
            .map(|((r, d), a)| (r, d, a))
            .collect();
        if let Err(e) = index.add(store, articles, &batch.changes).await {
            summary.indexed = Indexed::Failed(e.to_string());
            *indexing = None;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: &str) -> String {
        parse_line(line.as_bytes(), 0).unwrap_err().to_string()
    }

    #[test]
    fn a_full_line() {
        let p = parse_line(
            r#"{"external_id":"x1","title":"标题","body":"正文","author":"作者","channel":"体育","published_at":"2026-02-03T18:48:59+08:00","original":false,"source":"新华社","tags":["a","a","b"],"extra":1}"#.as_bytes(),
            1_800_000_000,
        )
        .unwrap();
        assert_eq!(p.author, "作者");
        assert_eq!(p.draft.channel, Channel::Sports);
        assert_eq!(p.draft.published_at, 1_770_115_739);
        assert_eq!(p.draft.tags, vec!["a", "b"]);
        assert!(matches!(
            p.draft.originality,
            hao_domain::Originality::Reprint { .. }
        ));
    }

    #[test]
    fn defaults() {
        let p = parse_line(
            r#"{"external_id":"x","title":"中超联赛比赛","body":"球队进球"}"#.as_bytes(),
            42,
        )
        .unwrap();
        assert_eq!(p.author, crate::publish::ANONYMOUS);
        assert_eq!(p.draft.published_at, 42);
        assert_eq!(p.draft.channel, Channel::Sports);
        assert_eq!(p.draft.originality, hao_domain::Originality::Original);
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(err("{").starts_with("invalid JSON"));
        assert!(err("[1]").starts_with("invalid JSON"));
        assert_eq!(
            err(r#"{"title":"t","body":"b"}"#),
            "missing required field 'external_id'"
        );
        assert_eq!(
            err(r#"{"external_id":"x","title":"t"}"#),
            "missing required field 'body'"
        );
        assert_eq!(
            err(r#"{"external_id":"x","body":"b"}"#),
            "missing required field 'title'"
        );
        assert!(
            err(r#"{"external_id":"x","title":"t","body":"b","channel":"天气"}"#)
                .contains("unknown channel")
        );
        assert!(
            err(r#"{"external_id":"x","title":"t","body":"b","published_at":"昨天"}"#)
                .contains("RFC 3339")
        );
        assert!(
            err(r#"{"external_id":"x","title":"t","body":"b","published_at":5}"#)
                .starts_with("invalid JSON")
        );
        let huge = format!(
            r#"{{"external_id":"x","title":"t","body":"{}"}}"#,
            "a".repeat(limits::BODY_BYTES + 1)
        );
        assert!(err(&huge).contains("too long"));
        let bad = parse_line(b"{\"external_id\":\"x\xff\"}", 0).unwrap_err();
        assert_eq!(bad, LineError::Utf8(17));
    }
}
