//! `hao export DIR` and `hao import --from hao|wordpress|ghost PATH`: the
//! formats are `hao_app::transfer`'s; this is the progress, Ctrl-C and
//! the report on a terminal.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use hao_app::transfer::{hao, site};
use hao_store::Workload;
use indicatif::{ProgressBar, ProgressStyle};

use super::DataArgs;

/// What `hao import --from` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// A directory written by `hao export`.
    Hao,
    /// A WordPress export (WXR 1.2, Tools → Export).
    Wordpress,
    /// A Ghost export (Settings → Labs → Export, JSON).
    Ghost,
}

/// Options of the imports from other platforms.
#[derive(Debug, Clone, clap::Args)]
pub struct ForeignArgs {
    /// WordPress's `wp-content/uploads` directory (or Ghost's
    /// `content/images`): images found there are stored here; without it,
    /// images stay links to the old site.
    #[arg(long)]
    pub media_dir: Option<PathBuf>,
    /// The channel (name or slug) of posts whose categories name none of Hao's channels.
    #[arg(long)]
    pub channel: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The directory to write (must not exist).
    pub out_dir: PathBuf,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

fn interrupt_flag() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
        }
    });
    stop
}

struct Bar(ProgressBar);

impl hao::Progress for Bar {
    fn table(&self, name: &str) {
        self.0.set_message(name.to_owned());
    }
    fn rows(&self, done: u64) {
        self.0.set_position(done);
    }
}

fn bar(quiet: bool) -> Bar {
    if quiet {
        return Bar(ProgressBar::hidden());
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {pos} rows ({per_sec}) {msg}")
            .expect("valid template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Bar(bar)
}

pub async fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    if args.out_dir.exists() {
        bail!(
            "{} exists: export into a new directory",
            args.out_dir.display()
        );
    }
    let store = args.data.open().await?;
    let stop = interrupt_flag();
    let progress = bar(args.quiet);
    let started = std::time::Instant::now();
    let result = hao::export(&store, &args.out_dir, &progress, &stop).await;
    progress.0.finish_and_clear();
    store.close().await;
    let manifest = match result {
        Ok(m) => m,
        Err(hao::HaoFormatError::Transfer(hao_store::TransferError::Interrupted)) => {
            eprintln!("export interrupted: nothing written");
            return Ok(ExitCode::from(130));
        }
        Err(e) => return Err(e).context("exporting"),
    };
    let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "exported to {}: {} tables, {rows} rows, {} images, schema {}, in {:.1} s",
        args.out_dir.display(),
        manifest.tables.len(),
        manifest.media_files,
        manifest.schema,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// What `hao import --from` was given.
pub struct ImportFrom {
    pub data: DataArgs,
    pub file: PathBuf,
    pub quiet: bool,
    pub foreign: ForeignArgs,
}

pub async fn import(source: Source, args: ImportFrom) -> anyhow::Result<ExitCode> {
    match source {
        Source::Hao => import_hao(args).await,
        Source::Wordpress | Source::Ghost => import_foreign(source, args).await,
    }
}

async fn import_hao(args: ImportFrom) -> anyhow::Result<ExitCode> {
    if !args.file.join("manifest.json").is_file() {
        bail!(
            "{} is not a Hao export (no manifest.json in it)",
            args.file.display()
        );
    }
    let store = args.data.open_for(Workload::Bulk).await?;
    let stop = interrupt_flag();
    let progress = bar(args.quiet);
    let result = hao::import(&store, &args.file, &progress, &stop).await;
    progress.0.finish_and_clear();
    store.close().await;
    let (manifest, rows) = match result {
        Ok(r) => r,
        Err(hao::HaoFormatError::Transfer(hao_store::TransferError::Interrupted)) => {
            eprintln!("import interrupted: nothing was imported");
            return Ok(ExitCode::from(130));
        }
        Err(e) => return Err(e).context(format!("importing {}", args.file.display())),
    };
    println!(
        "imported {}: {rows} rows of {} tables, {} images (exported {}, schema {})",
        args.file.display(),
        manifest.tables.len(),
        manifest.media_files,
        manifest.exported_at,
        manifest.schema
    );
    super::reindex::run(super::reindex::ReindexArgs { data: args.data }).await
}

async fn import_foreign(source: Source, args: ImportFrom) -> anyhow::Result<ExitCode> {
    if let Some(c) = &args.foreign.channel {
        hao_domain::Channel::parse(c).map_err(|e| anyhow::anyhow!("--channel: {e}"))?;
    }
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let name = args.file.display().to_string();
    let parsed = match source {
        Source::Wordpress => hao_app::transfer::wordpress::parse(&bytes).map_err(|e| e.to_string()),
        _ => hao_app::transfer::ghost::parse(&bytes).map_err(|e| e.to_string()),
    }
    .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let store = args.data.open_for(Workload::Bulk).await?;
    let stop = interrupt_flag();
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(parsed.posts.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} posts",
            )
            .expect("valid template"),
        );
        bar
    };
    let options = site::Options {
        media_dir: args.foreign.media_dir.clone(),
        channel: args.foreign.channel.clone(),
        progress: &|n| bar.set_position(n as u64),
        stop: &stop,
    };
    let summary = site::import(&store, parsed, &options).await;
    bar.finish_and_clear();
    let summary = summary.context("importing")?;
    for p in &summary.notes {
        eprintln!("{name}: {}: note: {}", p.item, p.reason);
    }
    for p in &summary.problems {
        eprintln!("{name}: {}: not imported: {}", p.item, p.reason);
    }
    println!("{name}: {summary}");
    store.close().await;
    if summary.interrupted {
        eprintln!(
            "interrupted: run again to continue (what is imported is kept; re-running updates it)"
        );
        return Ok(ExitCode::from(130));
    }
    super::reindex::run(super::reindex::ReindexArgs { data: args.data }).await
}
