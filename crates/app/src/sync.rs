//! Keeping a node's search index in step with the database: a full rebuild
//! (start-up with a new or damaged index, `hao reindex`) and incremental
//! updates from the change log.

use std::sync::Arc;

use hao_domain::{ArticleDraft, ArticleStatus};
use hao_search::{SearchDoc, SearchIndex};
use hao_store::{ChangeRange, IndexRow, Store, Upserted};

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

/// The document of an article an import just stored as `id`, written by
/// `author`: what [`doc`] makes of the row it became.
fn draft_doc(id: i64, d: ArticleDraft, author: String) -> SearchDoc {
    SearchDoc {
        id,
        external_id: d.external_id,
        title: d.title,
        body: d.body_markdown,
        author,
        tags: d.tags,
        keywords: d.keywords,
        channel: d.channel.slug().to_owned(),
        published_at: d.published_at,
    }
}

/// A stored batch as the index takes it.
#[derive(Default)]
struct Handed {
    /// Articles the batch created: the index cannot hold their ids (an
    /// article's id is never reused: AUTOINCREMENT, an identity), so they
    /// are added without a delete of their id — each such delete was looked
    /// up in every segment at the commit.
    new: Vec<SearchDoc>,
    /// Articles the batch updated, as stored now: each replaces its id.
    replaced: Vec<SearchDoc>,
    /// Articles the batch updated out of the index (no longer published).
    deleted: Vec<i64>,
}

/// An import keeping this node's index in step as it stores: each stored
/// batch is handed to the index (its tokenizing takes the core the database
/// writer leaves idle), so that no second pass over the database (`hao
/// reindex`, or a serving node's rebuild) follows the import. The index
/// records as applied only the change-log rows the import itself wrote, up
/// to the first article change another writer made meanwhile: the node's
/// follower applies the rest, as it always does.
pub struct ImportIndexing {
    index: Arc<SearchIndex>,
    /// The change-log position the index reflected when the import began.
    from: i64,
    /// Documents the index held then, and documents handed over since: an
    /// import that at least doubles the index merges every segment once at
    /// the end, as a rebuild does (a bulk writer merges nothing before).
    held_before: u64,
    added: u64,
    /// The change-log rows the import wrote.
    own: Vec<ChangeRange>,
    /// Batches to index: one waits while another is handed over, so the
    /// import stores its next batch while the index takes this one (and
    /// waits only when the index falls two batches behind).
    batches: Option<tokio::sync::mpsc::Sender<Handed>>,
    /// The thread handing them to the index's writer.
    feeder: Option<tokio::task::JoinHandle<hao_search::Result<()>>>,
}

impl ImportIndexing {
    /// Brings `index` up to date with the change log (rebuilding it first
    /// when it is new or incomplete: a new data dir holds the platform's own
    /// help pages) and takes it for an import.
    pub async fn start(store: &Store, index: Arc<SearchIndex>) -> Result<Self, SyncError> {
        if index.applied_seq().is_none() {
            reindex_all(store, &index, |_| {}, || false).await?;
        }
        let seq = index.applied_seq().unwrap_or_default();
        let from = apply_changes(store, &index, seq).await?.0;
        let (batches, mut queued) = tokio::sync::mpsc::channel::<Handed>(1);
        let i = index.clone();
        let feeder = tokio::task::spawn_blocking(move || {
            while let Some(batch) = queued.blocking_recv() {
                // New articles first: a replacement later in the batch
                // removes what an earlier line of the same article added.
                i.add_fresh(&batch.new)?;
                i.stage(&batch.replaced, &batch.deleted)?;
            }
            Ok(())
        });
        Ok(ImportIndexing {
            held_before: index.doc_count(),
            added: 0,
            index,
            from,
            own: Vec::new(),
            batches: Some(batches),
            feeder: Some(feeder),
        })
    }

    /// Hands a stored batch to the index: `(stored as, draft, author)` of
    /// each article, and the change-log rows the batch wrote. An article
    /// the batch updated is read back (its row is what the index must
    /// hold); a new one is indexed from its draft.
    pub async fn add(
        &mut self,
        store: &Store,
        articles: Vec<(Upserted, ArticleDraft, String)>,
        changes: &[ChangeRange],
    ) -> Result<(), SyncError> {
        let mut batch = Handed {
            new: Vec::with_capacity(articles.len()),
            ..Handed::default()
        };
        for (stored, draft, author) in articles {
            if stored.created {
                if draft.status == ArticleStatus::Published {
                    batch.new.push(draft_doc(stored.id, draft, author));
                }
                continue;
            }
            match store.index_row(stored.id).await? {
                Some(row) if row.published => batch.replaced.push(doc(row)),
                _ => batch.deleted.push(stored.id),
            }
            // The follower would recompute its 相关推荐 on this change,
            // which the index now counts as applied: the kept list goes,
            // and the article's next read computes it afresh.
            store.put_related(stored.id, None, store.now()).await?;
        }
        self.added += (batch.new.len() + batch.replaced.len()) as u64;
        let sent = match &self.batches {
            Some(batches) => batches.send(batch).await.is_ok(),
            None => false,
        };
        if !sent {
            // The feeder stopped: its error says why.
            self.batches = None;
            self.wait_feeder().await?;
        }
        self.own.extend_from_slice(changes);
        Ok(())
    }

    /// Counts change-log rows the import wrote apart from a batch handed
    /// over (the last batch's near-duplicate pairs, recorded after it).
    pub fn applied(&mut self, changes: &[ChangeRange]) {
        self.own.extend_from_slice(changes);
    }

    /// Waits until every batch sent is handed over.
    async fn wait_feeder(&mut self) -> Result<(), SyncError> {
        if let Some(feeder) = self.feeder.take() {
            feeder.await??;
        }
        Ok(())
    }

    /// Commits what was handed over and records the change-log position
    /// the index now reflects, which it returns, with what `alongside` (the
    /// caller's database work) gave. `alongside` runs while the index takes
    /// its last batch, commits and merges (one core's work each); the
    /// change-log reads wait for both, so they never queue for a bulk
    /// store's one connection behind a long statement of `alongside`.
    pub async fn finish<T>(
        mut self,
        store: &Store,
        alongside: impl std::future::Future<Output = T>,
    ) -> (Result<i64, SyncError>, T) {
        let settle = async {
            self.batches = None;
            self.wait_feeder().await?;
            let i = self.index.clone();
            let merge = self.added >= self.held_before;
            tokio::task::spawn_blocking(move || {
                i.commit()?;
                if merge { i.merge_all() } else { Ok(()) }
            })
            .await??;
            Ok::<(), SyncError>(())
        };
        let (settled, other) = tokio::join!(settle, alongside);
        if let Err(e) = settled {
            return (Err(e), other);
        }
        let applied = match applied_through(store, self.from, &mut self.own).await {
            Ok(applied) => applied,
            Err(e) => return (Err(e), other),
        };
        (
            self.index
                .set_applied_seq(applied)
                .map(|()| applied)
                .map_err(Into::into),
            other,
        )
    }
}

/// How far an index that reflected the change log up to `from`, and then
/// applied the rows of `own` itself, reflects it: through `own`'s ranges
/// and the rows between them that change no article's document, up to the
/// first that does (another writer's, which the follower applies).
async fn applied_through(
    store: &Store,
    from: i64,
    own: &mut [ChangeRange],
) -> Result<i64, SyncError> {
    own.sort_unstable_by_key(|r| r.after);
    let mut at = from;
    for range in own.iter() {
        // Another writer's rows before this range: each either changes no
        // document (likes, comments, follows) or stops the walk.
        while at < range.after {
            let limit = (range.after - at).min(1000);
            let rows = store.changes_since(at, limit).await?;
            // Fewer rows than numbers: the log skipped some (a rolled-back
            // transaction's), and none is left before the range.
            let mut read_all = (rows.len() as i64) < limit;
            for (seq, article) in rows {
                if seq > range.after {
                    read_all = true;
                    break;
                }
                if article.is_some() {
                    return Ok(seq - 1);
                }
                at = seq;
            }
            if read_all {
                at = range.after;
            }
        }
        at = at.max(range.last);
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stores one article as the import does; the change-log rows written.
    async fn publish(store: &Store, external_id: &str) -> Vec<ChangeRange> {
        let line = format!(
            r#"{{"external_id":"{external_id}","title":"标题{external_id}","body":"正文。","author":"作者"}}"#
        );
        let mut parsed = crate::publish::import::parse_line(line.as_bytes(), store.now()).unwrap();
        parsed.draft.creator_id = store
            .ensure_creator(&hao_store::NewCreator {
                display_name: &parsed.author,
                account_type: parsed.author_type,
                bio: "",
                is_demo: false,
                is_official: false,
            })
            .await
            .unwrap();
        crate::publish::publish_batch(store, &[parsed.draft])
            .await
            .unwrap()
            .changes
    }

    #[tokio::test]
    async fn an_import_counts_its_own_changes_up_to_another_writers_article_change() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&Store::sqlite_url(dir.path()))
            .await
            .unwrap();
        let from = store.last_change().await.unwrap();
        let mut own = publish(&store, "a").await;
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].after, from);
        // Another writer's change that touches no article's document (the
        // site's settings) is passed over.
        store
            .save_settings("管理员", &[("site_name", "号")])
            .await
            .unwrap();
        own.extend(publish(&store, "b").await);
        let last = store.last_change().await.unwrap();
        assert_eq!(
            applied_through(&store, from, &mut own.clone())
                .await
                .unwrap(),
            last
        );

        // Another writer's article change stops the count before it: the
        // follower applies it and what follows.
        let taken = store.article_by_external_id("a").await.unwrap().unwrap().id;
        store.take_down(taken, "违规").await.unwrap().unwrap();
        let before_take_down = store.last_change().await.unwrap() - 1;
        own.extend(publish(&store, "c").await);
        assert_eq!(
            applied_through(&store, from, &mut own).await.unwrap(),
            before_take_down
        );
        // Nothing of the import's own: where it started.
        assert_eq!(applied_through(&store, from, &mut []).await.unwrap(), from);
    }
}
