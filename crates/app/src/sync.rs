//! Keeping a node's search index in step with the database: a full rebuild
//! (start-up with a new or damaged index, `hao reindex`) and incremental
//! updates from the change log.

use std::sync::Arc;

use hao_search::{SearchDoc, SearchIndex};
use hao_store::{IndexRow, Store};

/// Why the index could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] hao_store::StoreError),
    #[error(transparent)]
    Search(#[from] hao_search::SearchError),
    #[error("indexing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

fn doc(row: IndexRow) -> SearchDoc {
    SearchDoc {
        id: row.id,
        external_id: row.external_id,
        title: row.title,
        // The Markdown source: its markup characters are punctuation, which
        // the analysis drops, and no word of the text is lost to rendering.
        body: row.body_markdown,
        author: row.author,
        tags: row.tags,
        keywords: row.keywords,
        channel: row.channel.slug().to_owned(),
        published_at: row.published_at,
    }
}

/// Empties the index and fills it with every published article, batch by
/// batch, then records the change-log position it reflects. `progress(done)` is called after each batch; `stop()` is asked
/// before each batch, so an interrupted rebuild ends cleanly (run it again).
pub async fn reindex_all(
    store: &Store,
    index: &Arc<SearchIndex>,
    mut progress: impl FnMut(u64),
    stop: impl Fn() -> bool,
) -> Result<u64, SyncError> {
    let seq = store.last_change().await?;
    let i = index.clone();
    tokio::task::spawn_blocking(move || i.clear()).await??;
    // The index is empty: documents are only added (no deletes to apply),
    // committed every few batches, and the next batch is read from the
    // database while the index takes the previous one.
    const COMMIT_EVERY: u64 = 20_000;
    let mut after = 0;
    let mut done = 0u64;
    let mut since_commit = 0u64;
    let mut adding: Option<tokio::task::JoinHandle<hao_search::Result<()>>> = None;
    loop {
        if stop() {
            break;
        }
        let rows = store.index_rows_after(after, 1000).await?;
        if let Some(previous) = adding.take() {
            previous.await??;
            progress(done);
        }
        let Some(last) = rows.last() else { break };
        after = last.id;
        let docs: Vec<SearchDoc> = rows.into_iter().filter(|r| r.published).map(doc).collect();
        done += docs.len() as u64;
        since_commit += docs.len() as u64;
        let i = index.clone();
        let commit = since_commit >= COMMIT_EVERY;
        if commit {
            since_commit = 0;
        }
        adding = Some(tokio::task::spawn_blocking(move || {
            i.add_fresh(&docs)?;
            if commit { i.commit() } else { Ok(()) }
        }));
    }
    if let Some(previous) = adding.take() {
        previous.await??;
        progress(done);
    }
    let i = index.clone();
    tokio::task::spawn_blocking(move || i.commit()).await??;
    if !stop() {
        let i = index.clone();
        tokio::task::spawn_blocking(move || i.merge_all()).await??;
        // Changes made during the rebuild are applied again by the follower:
        // re-applying a change is harmless, missing one is not.
        index.set_applied_seq(seq)?;
    }
    Ok(done)
}

/// Applies the changes after `seq` to the index; returns the newest seq
/// seen and the ids of the articles that changed.
pub async fn apply_changes(
    store: &Store,
    index: &Arc<SearchIndex>,
    mut seq: i64,
) -> Result<(i64, Vec<i64>), SyncError> {
    let mut all = Vec::new();
    loop {
        let changes = store.changes_since(seq, 500).await?;
        let Some(&(last, _)) = changes.last() else {
            all.sort_unstable();
            all.dedup();
            return Ok((seq, all));
        };
        let mut ids: Vec<i64> = changes.iter().filter_map(|(_, id)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        all.extend(&ids);
        let mut docs = Vec::new();
        let mut deleted = Vec::new();
        for id in ids {
            match store.index_row(id).await? {
                Some(row) if row.published => docs.push(doc(row)),
                _ => deleted.push(id),
            }
        }
        let i = index.clone();
        tokio::task::spawn_blocking(move || {
            i.update(&docs, &deleted)?;
            i.set_applied_seq(last)
        })
        .await??;
        seq = last;
    }
}
