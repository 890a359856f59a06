//! 相关推荐: computed when an article is published or edited (the change-log
//! follower), or the first time its page or API asks for it (an imported
//! article), kept in the database for every node and in memory for the lists
//! being read. While a node's search index is still being built, an article
//! without a list shows the newest of its channel instead (nothing is kept).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use hao_recommend::{RelatedCandidate, RelatedSource};
use hao_search::SearchIndex;
use hao_store::Store;

use crate::sync::SyncError;

/// How many related articles are kept per article.
pub const KEEP: usize = 6;
/// Candidates read from the search index per computation.
const CANDIDATES: usize = 40;

/// One related article and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub id: i64,
    pub reason: String,
}

/// Lists kept in memory per node: the ones being read (the database keeps
/// them all).
const MEMORY_LISTS: usize = 20_000;

/// This node's view of the related lists: the database's table, with the
/// lists being read kept in memory.
pub struct RelatedCache {
    lists: quick_cache::sync::Cache<i64, Arc<Vec<Related>>>,
}

impl Default for RelatedCache {
    fn default() -> Self {
        RelatedCache {
            lists: quick_cache::sync::Cache::new(MEMORY_LISTS),
        }
    }
}

fn from_items(items: Vec<hao_store::RelatedItem>) -> Arc<Vec<Related>> {
    Arc::new(
        items
            .into_iter()
            .map(|(id, reason)| Related { id, reason })
            .collect(),
    )
}

impl RelatedCache {
    /// The list of `id`, or `None` when it has not been computed yet.
    pub async fn get(
        &self,
        store: &Store,
        id: i64,
    ) -> Result<Option<Arc<Vec<Related>>>, hao_store::StoreError> {
        if let Some(list) = self.lists.get(&id) {
            return Ok(Some(list));
        }
        let found = store
            .related_lists(&[id])
            .await?
            .remove(&id)
            .map(from_items);
        if let Some(list) = &found {
            self.lists.insert(id, list.clone());
        }
        Ok(found)
    }

    /// The lists of several articles (those computed).
    pub async fn get_many(
        &self,
        store: &Store,
        ids: &[i64],
    ) -> Result<HashMap<i64, Arc<Vec<Related>>>, hao_store::StoreError> {
        let mut out = HashMap::new();
        let mut missing = Vec::new();
        for &id in ids {
            match self.lists.get(&id) {
                Some(list) => {
                    out.insert(id, list);
                }
                None => missing.push(id),
            }
        }
        for (id, items) in store.related_lists(&missing).await? {
            let list = from_items(items);
            self.lists.insert(id, list.clone());
            out.insert(id, list);
        }
        Ok(out)
    }

    /// The list of `id`, computed and kept now when it has none yet and
    /// `index` is given (a complete index: `AppState::built_search`): one computation per article (a few milliseconds at
    /// 100,000 articles), instead of a pass over every article after an
    /// import. `None` when the article is not published or the index is not
    /// ready. A failing index query is logged and answered with `None` (the
    /// page shows its fallback); a failing database is an error.
    pub async fn get_or_compute(
        &self,
        store: &Store,
        index: Option<&Arc<SearchIndex>>,
        id: i64,
    ) -> Result<Option<Arc<Vec<Related>>>, hao_store::StoreError> {
        if let Some(list) = self.get(store, id).await? {
            return Ok(Some(list));
        }
        let Some(index) = index else {
            return Ok(None);
        };
        let list = match compute(store, index, id, store.now()).await {
            Ok(Some(list)) => list,
            Ok(None) => return Ok(None),
            Err(SyncError::Store(e)) => return Err(e),
            Err(e) => {
                tracing::warn!(error = %e, article = id, "computing related articles failed");
                return Ok(None);
            }
        };
        self.put(store, id, Some(list.clone())).await?;
        Ok(Some(Arc::new(list)))
    }

    /// Keeps a freshly computed list (or its absence) in the database and here.
    pub async fn put(
        &self,
        store: &Store,
        id: i64,
        list: Option<Vec<Related>>,
    ) -> Result<(), hao_store::StoreError> {
        let items: Option<Vec<hao_store::RelatedItem>> = list
            .as_ref()
            .map(|l| l.iter().map(|r| (r.id, r.reason.clone())).collect());
        store.put_related(id, items.as_deref(), store.now()).await?;
        match list {
            Some(list) => self.lists.insert(id, Arc::new(list)),
            None => {
                self.lists.remove(&id);
            }
        }
        Ok(())
    }
}

/// The related list of article `id`, or `None` when it is not published.
pub async fn compute(
    store: &Store,
    index: &Arc<SearchIndex>,
    id: i64,
    now: i64,
) -> Result<Option<Vec<Related>>, SyncError> {
    let Some(article) = store.article(id).await? else {
        return Ok(None);
    };
    if article.status != hao_domain::ArticleStatus::Published {
        return Ok(None);
    }
    // The stored keywords name the article (reasons, tags); the query asks
    // for more of its characteristic words, so that an article sharing only
    // part of its vocabulary is still found.
    let keywords: Vec<String> = article
        .keywords
        .iter()
        .take(hao_text::KEYWORDS_PER_ARTICLE)
        .cloned()
        .collect();
    // Saved articles store their `hao_text::KEYWORDS_STORED` best keywords (fewer when the
    // text has fewer): the query uses them as they are, so that a serving
    // node never segments text (nor loads the IDF table) to compute a list.
    let query = article.keywords.clone();
    let i = index.clone();
    let similar = tokio::task::spawn_blocking(move || i.similar(&query, id, CANDIDATES)).await??;
    let ids: Vec<i64> = similar.iter().map(|s| s.id).collect();
    let scores: HashMap<i64, f32> = similar.iter().map(|s| (s.id, s.score)).collect();
    let candidates: Vec<RelatedCandidate> = store
        .summaries_with_keywords(&ids)
        .await?
        .into_iter()
        .map(|(article, keywords)| RelatedCandidate {
            score: scores.get(&article.id).copied().unwrap_or(0.0),
            article,
            keywords,
        })
        .collect();
    let exclude: HashSet<i64> = store.near_duplicate_ids(id).await?.into_iter().collect();
    let picks = hao_recommend::related(
        RelatedSource {
            id,
            channel: article.channel,
            keywords: &keywords,
        },
        &candidates,
        &exclude,
        now,
        KEEP,
    );
    Ok(Some(
        picks
            .into_iter()
            .map(|p| Related {
                id: p.article.id,
                reason: p.reason,
            })
            .collect(),
    ))
}

/// Computes and keeps the lists of `ids`.
pub async fn refresh(
    store: &Store,
    index: &Arc<SearchIndex>,
    cache: &RelatedCache,
    ids: &[i64],
) -> Result<(), SyncError> {
    let now = store.now();
    for &id in ids {
        let list = compute(store, index, id, now).await?;
        cache.put(store, id, list).await?;
    }
    Ok(())
}

/// Computes the lists of every published article that has none kept, in
/// pages; returns how many. Only tests do this: serving nodes compute on
/// first read instead (a pass over every article took an hour at a million).
#[cfg(feature = "test-support")]
pub async fn fill_all(
    store: &Store,
    index: &Arc<SearchIndex>,
    cache: &RelatedCache,
) -> Result<usize, SyncError> {
    let mut after = 0;
    let mut done = 0;
    loop {
        let ids = store.published_ids_without_related(after, 500).await?;
        let Some(&last) = ids.last() else {
            return Ok(done);
        };
        after = last;
        refresh(store, index, cache, &ids).await?;
        done += ids.len();
    }
}
