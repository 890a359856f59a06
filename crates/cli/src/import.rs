//! `hao import FILE.jsonl`: the import of `hao_app::publish::import` with a
//! progress bar, `FILE:LINE: skipped: reason` on stderr, a summary, and
//! Ctrl-C stopping after the current batch (finished batches are kept).

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use hao_app::publish::import::{Indexed, Options, Report, import_reader};
use indicatif::{ProgressBar, ProgressStyle};

use super::DataArgs;

/// Bytes of JSON Lines per article, on the small side (a generated news
/// article is about 2 KB, a real one 3–9 KB): the file's size over it
/// overestimates the articles it holds. An import defers the article
/// table's indexes when the table holds at most that many: each index is
/// then rebuilt over at most twice the rows the import adds.
const BYTES_AN_ARTICLE: u64 = 2_048;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The JSON Lines file (one article object per line); with `--from`,
    /// a Hao export's directory, a WordPress WXR file or a Ghost JSON export.
    pub file: PathBuf,
    /// What `FILE` is: `hao` (a directory `hao export` wrote, into a fresh
    /// data dir), `wordpress` (WXR 1.2) or `ghost` (Ghost's JSON export).
    #[arg(long, value_enum)]
    pub from: Option<super::transfer::Source>,
    #[command(flatten)]
    pub foreign: super::transfer::ForeignArgs,
    /// Articles per transaction. Each commit writes every B-tree page the
    /// batch touched (articles' indexes and near-duplicate bands are keyed
    /// at random), so a larger batch writes each page once for more
    /// articles (100,000 articles: 44.5 s with 500, 28.4 s with 5,000,
    /// 26.9 s with 10,000; the process grows about 50 KB an article of the
    /// batch: 438 MB with 500, 667 MB with 5,000, before the search index's
    /// writer, which adds up to 800 MB when the import fills the index, a
    /// quarter of the memory available on a smaller machine).
    #[arg(long, default_value_t = 5000)]
    pub batch: usize,
    /// No progress bar (for logs and scripts).
    #[arg(long, short)]
    pub quiet: bool,
    /// Leave this node's search index alone: `hao serve` brings it up to
    /// date from the change log. By default the import indexes what it
    /// stores, when no running node holds the index.
    #[arg(long)]
    pub no_index: bool,
}

/// The import's report on a terminal.
struct Progress<'a> {
    bar: &'a ProgressBar,
    /// The file, as skipped lines name it (`FILE:LINE`).
    name: &'a str,
}

impl Report for Progress<'_> {
    fn read(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn stored(&self, articles: usize) {
        self.bar.set_message(format!("{articles} imported"));
    }

    fn skipped(&self, line: usize, reason: &str) {
        self.bar
            .suspend(|| eprintln!("{}:{line}: skipped: {reason}", self.name));
    }

    fn finishing_index(&self) {
        self.bar.set_message("committing the search index");
    }
}

pub async fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    if let Some(source) = args.from {
        let from = super::transfer::ImportFrom {
            data: args.data,
            file: args.file,
            quiet: args.quiet,
            foreign: args.foreign,
        };
        return super::transfer::import(source, from).await;
    }
    let file =
        File::open(&args.file).with_context(|| format!("cannot open {}", args.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let store = args.data.open_for(hao_store::Workload::Bulk).await?;
    // This node's index, filled as the articles are stored (no second pass
    // over the database afterwards), unless a running node holds it: that
    // node's follower indexes them from the change log.
    let index = if args.no_index {
        None
    } else {
        match super::reindex::open_index(&args.data, hao_store::Workload::Bulk) {
            Ok((index, _)) => Some(index),
            Err(e) => {
                eprintln!(
                    "hao import: not indexing here ({e:#}); the node holding the index indexes these articles from the change log"
                );
                None
            }
        }
    };

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
    let report = Progress {
        bar: &bar,
        name: &name,
    };
    let opts = Options {
        batch: args.batch,
        report: &report,
        stop: &stop,
        index,
    };
    // The only user of the database for the while (it holds the search
    // index, so no node serves from it): a large import into a small
    // article table builds the table's secondary indexes once at its end,
    // an import keeps its band rows to fold them once at its end, and no
    // import checks the references its own rows make.
    let deferred = if opts.index.is_some() {
        store.check_references(false).await?;
        store.hold_bands().await?;
        store.defer_indexes(size / BYTES_AN_ARTICLE).await?
    } else {
        0
    };
    let summary = import_reader(&store, BufReader::with_capacity(1 << 20, file), &opts).await;
    store.check_references(true).await?;
    // Also after an error or Ctrl-C: what was stored is served whole (the
    // band rows it held folded, the indexes it deferred built).
    if deferred > 0 {
        bar.set_message(format!("building {deferred} indexes"));
    }
    store.build_deferred_indexes().await?;
    let summary = summary?;
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
    match &summary.indexed {
        Indexed::NotAsked => {}
        Indexed::Through(seq) => println!("search index: up to date (change log {seq})"),
        Indexed::Failed(e) => println!(
            "search index: not updated ({e}); hao serve brings it up to date from the change log"
        ),
    }
    store.close().await;
    Ok(if summary.interrupted {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    })
}
