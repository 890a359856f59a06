//! 相关推荐: computed when an article is published or edited (the change-log
//! follower) and at a node's start (in the background), kept per node, read by
//! pages. A page never computes it: an article whose list is not ready yet
//! shows the newest of its channel instead.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use hao_recommend::{RelatedCandidate, RelatedSource};
use hao_search::SearchIndex;
use hao_store::Store;

use crate::search_sync::SyncError;

/// How many related articles are kept per article.
pub const KEEP: usize = 6;
/// Candidates read from the search index per computation.
const CANDIDATES: usize = 40;
/// Keywords asked of the search index.
const QUERY_KEYWORDS: usize = hao_text::KEYWORDS_STORED;

/// One related article and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub id: i64,
    pub reason: String,
}

/// This node's related lists.
#[derive(Default)]
pub struct RelatedCache {
    map: RwLock<HashMap<i64, Arc<Vec<Related>>>>,
}

impl RelatedCache {
    pub fn get(&self, id: i64) -> Option<Arc<Vec<Related>>> {
        self.map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned()
    }

    pub fn put(&self, id: i64, list: Option<Vec<Related>>) {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        match list {
            Some(list) => map.insert(id, Arc::new(list)),
            None => map.remove(&id),
        };
    }

    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    // Saved articles store their QUERY_KEYWORDS best keywords; an article
    // saved before they did (fewer stored, but a long text) is analysed now.
    let query = if article.keywords.len() >= QUERY_KEYWORDS
        || article.body_markdown.chars().count() < 200
    {
        article.keywords.clone()
    } else {
        let plain = hao_text::plain_text(&article.body_markdown);
        hao_text::keywords(
            &format!("{t}\n{t}\n{plain}", t = article.title),
            QUERY_KEYWORDS,
        )
    };
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
    let now = hao_store::now();
    for &id in ids {
        cache.put(id, compute(store, index, id, now).await?);
    }
    Ok(())
}

/// Fills the lists of every published article (a node's start), in pages.
pub async fn fill_all(
    store: &Store,
    index: &Arc<SearchIndex>,
    cache: &RelatedCache,
) -> Result<usize, SyncError> {
    let mut after = 0;
    let mut done = 0;
    loop {
        let ids = store.published_ids_after(after, 500).await?;
        let Some(&last) = ids.last() else {
            return Ok(done);
        };
        after = last;
        let missing: Vec<i64> = ids
            .into_iter()
            .filter(|id| cache.get(*id).is_none())
            .collect();
        refresh(store, index, cache, &missing).await?;
        done += missing.len();
    }
}
