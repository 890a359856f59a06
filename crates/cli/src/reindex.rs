//! `hao reindex`: rebuild this node's search index from the database, with a
//! progress bar. Ctrl-C stops after the current batch; the index then says it
//! is incomplete and the next `hao serve` rebuilds it.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use hao_search::SearchIndex;
use hao_store::Workload;
use indicatif::{ProgressBar, ProgressStyle};

use super::DataArgs;

#[derive(Debug, clap::Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

/// Opens this node's index (in the data dir), rebuilding a damaged one;
/// `Workload::Bulk` for a whole rebuild in this process (`hao reindex`).
pub fn open_index(
    data: &DataArgs,
    workload: Workload,
) -> anyhow::Result<(Arc<SearchIndex>, hao_search::Opened)> {
    let dir = data.data_dir.join("search");
    let opened = match workload {
        Workload::Bulk => SearchIndex::open_for_rebuild(&dir),
        Workload::Serving => SearchIndex::open(&dir),
    };
    let (index, opened) = opened.with_context(|| {
        format!(
            "cannot open the search index in {} (is another hao using it?)",
            dir.display()
        )
    })?;
    Ok((Arc::new(index), opened))
}

pub async fn run(args: ReindexArgs) -> anyhow::Result<ExitCode> {
    let store = args.data.open_for(Workload::Bulk).await?;
    let (index, _) = open_index(&args.data, Workload::Bulk)?;
    let total = store.count_published().await?;
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} articles ({per_sec})",
        )
        .expect("valid template"),
    );
    let stop = Arc::new(AtomicBool::new(false));
    {
        let flag = stop.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, Ordering::SeqCst);
            }
        });
    }
    let started = std::time::Instant::now();
    let done = hao_app::sync::reindex_all(
        &store,
        &index,
        |n| bar.set_position(n),
        || stop.load(Ordering::SeqCst),
    )
    .await
    .context("rebuilding the search index")?;
    bar.finish_and_clear();
    if stop.load(Ordering::SeqCst) {
        println!(
            "reindex interrupted after {done} articles; run it again (or start hao serve) to finish"
        );
        return Ok(ExitCode::from(130));
    }
    println!(
        "reindexed {done} articles in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
