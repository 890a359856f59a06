//! `hao import FILE.jsonl`: one article a line. A bad line is reported with
//! its number and reason and skipped; the rest is imported. Lines are stored
//! in batches of one transaction each, so an interrupted import (Ctrl-C)
//! keeps every finished batch and can simply be run again: re-importing an
//! `external_id` updates it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use hao_domain::{Channel, ValidationError, limits};
use hao_store::{NewCreator, Store};
use hao_text::fingerprint::Sketch;
use hao_web::drafts::{self, ArticleInput, Parsed};
use hao_web::originality::{self, Written};
use indicatif::{ProgressBar, ProgressStyle};

use super::DataArgs;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The JSON Lines file: one article object per line.
    pub file: PathBuf,
    /// Articles per transaction.
    #[arg(long, default_value_t = 500)]
    pub batch: usize,
    /// No progress bar (for logs and scripts).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Longest line read; longer lines are refused before JSON parsing. A body at
/// its limit fits with room for JSON escapes.
const MAX_LINE_BYTES: usize = 8 * limits::BODY_BYTES;

/// Why a line was skipped.
#[derive(Debug, PartialEq)]
enum LineError {
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
fn parse_line(bytes: &[u8], now: i64) -> Result<Parsed, LineError> {
    if bytes.len() > MAX_LINE_BYTES {
        return Err(LineError::TooLong(bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| LineError::Utf8(e.valid_up_to()))?;
    let r: ArticleInput = serde_json::from_str(text).map_err(|e| LineError::Json(e.to_string()))?;
    Ok(drafts::parse(r, now)?)
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
}

/// How to run an import apart from its input.
pub struct Options<'a> {
    /// Articles per transaction.
    pub batch: usize,
    pub progress: &'a ProgressBar,
    /// Set (by a signal handler) to stop after the current batch.
    pub stop: &'a AtomicBool,
    /// Where skipped lines are reported as they happen, e.g. `FILE:LINE`.
    pub name: &'a str,
}

/// Imports every line of `reader`. Skipped lines are reported on stderr and
/// in the summary; an error is returned only when the database fails.
pub async fn import_reader(
    store: &Store,
    mut reader: impl BufRead,
    opts: &Options<'_>,
) -> anyhow::Result<Summary> {
    let mut summary = Summary::default();
    let batch_size = opts.batch.max(1);
    let mut batch: Vec<Parsed> = Vec::with_capacity(batch_size);
    let mut creators: std::collections::HashMap<String, i64> = Default::default();
    let mut line = Vec::new();
    let mut raw: Vec<(usize, Vec<u8>)> = Vec::with_capacity(batch_size);
    let now = hao_store::now();
    let mut number = 0usize;
    let mut parsing: Option<tokio::task::JoinHandle<ParsedLines>> = None;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .with_context(|| format!("reading {} after line {number}", opts.name))?;
        if n == 0 {
            break;
        }
        number += 1;
        summary.lines += 1;
        opts.progress.inc(n as u64);
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
                take_parsed(previous.await?, &mut batch, &mut summary, opts);
                store_batch(store, &mut batch, &mut creators, &mut summary).await?;
                opts.progress
                    .set_message(format!("{} imported", summary.created + summary.updated));
                if opts.stop.load(Ordering::SeqCst) {
                    summary.interrupted = true;
                    // The batch being parsed is dropped, not half-stored.
                    return Ok(summary);
                }
            }
        }
    }
    if let Some(previous) = parsing.take() {
        take_parsed(previous.await?, &mut batch, &mut summary, opts);
        store_batch(store, &mut batch, &mut creators, &mut summary).await?;
    }
    take_parsed(parse_all(raw, now), &mut batch, &mut summary, opts);
    store_batch(store, &mut batch, &mut creators, &mut summary).await?;
    Ok(summary)
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
                opts.progress
                    .suspend(|| eprintln!("{}:{number}: skipped: {message}", opts.name));
                summary.errors.push((number, message));
            }
        }
    }
}

pub async fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let file =
        File::open(&args.file).with_context(|| format!("cannot open {}", args.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let store = args.data.open_for(hao_store::Workload::Bulk).await?;

    let stop = Arc::new(AtomicBool::new(false));
    {
        let flag = stop.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, Ordering::SeqCst);
            }
        });
    }
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
            )
            .expect("valid template"),
        );
        bar
    };
    let name = args.file.display().to_string();
    let opts = Options {
        batch: args.batch,
        progress: &bar,
        stop: &stop,
        name: &name,
    };
    let summary = import_reader(&store, BufReader::with_capacity(1 << 20, file), &opts).await?;
    bar.finish_and_clear();
    println!(
        "{name}: {} lines: {} created, {} updated, {} skipped, {} blank{}",
        summary.lines,
        summary.created,
        summary.updated,
        summary.skipped,
        summary.blank,
        if summary.interrupted {
            " (interrupted: run again to continue; finished batches are kept)"
        } else {
            ""
        }
    );
    if !summary.channels.is_empty() {
        let by_channel: Vec<String> = summary
            .channels
            .iter()
            .map(|(c, n)| format!("{} {n}", c.name()))
            .collect();
        println!("by channel: {}", by_channel.join(", "));
    }
    if summary.near_duplicates > 0 {
        println!(
            "near-duplicates: {} new pairs of articles by different creators",
            summary.near_duplicates
        );
    }
    store.close().await;
    Ok(if summary.interrupted {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    })
}

async fn store_batch(
    store: &Store,
    batch: &mut Vec<Parsed>,
    creators: &mut std::collections::HashMap<String, i64>,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut drafts = Vec::with_capacity(batch.len());
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
    }
    let results = store
        .upsert_articles(&drafts)
        .await
        .context("storing a batch of articles")?;
    let sketches: Vec<Option<Sketch>> = drafts
        .iter()
        .map(|d| d.sketch.as_deref().and_then(Sketch::decode))
        .collect();
    let mut written = Vec::new();
    for ((r, d), sketch) in results.iter().zip(&drafts).zip(&sketches) {
        if r.created {
            summary.created += 1;
        } else {
            summary.updated += 1;
        }
        *summary.channels.entry(d.channel).or_default() += 1;
        if let Some(sketch) = sketch {
            written.push(Written {
                id: r.id,
                creator_id: d.creator_id,
                published_at: d.published_at,
                sketch,
                bands: &d.bands,
            });
        }
    }
    let pairs = originality::near_duplicates_many(store, &written)
        .await
        .context("looking up near-duplicates")?;
    summary.near_duplicates += store
        .record_near_duplicates(&pairs)
        .await
        .context("recording near-duplicates")?;
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
            0,
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
        assert_eq!(p.author, drafts::ANONYMOUS);
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
