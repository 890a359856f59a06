//! Lists shown on many pages (热点推荐, the channel headline blocks), computed
//! once per generation and shared by every page rendered under it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hao_domain::{ArticleSummary, Channel};
use hao_recommend::{Pick, merge};
use hao_store::{Store, StoreError};

/// How far back 热点 looks, and how far a headline block's "hot" looks.
const HOT_WINDOW: i64 = 7 * 24 * 3600;
const HEADLINE_WINDOW: i64 = 3 * 24 * 3600;
pub const HOT_LEN: usize = 10;
pub const HEADLINE_LEN: usize = 2;

/// The lists of one generation.
pub struct Lists {
    pub hot: Vec<Pick>,
    pub headlines: Vec<(Channel, Vec<Pick>)>,
}

/// The lists of the current generation. The lock is held while computing, so
/// that pages missing together compute the lists once.
#[derive(Default)]
pub struct SharedLists {
    current: tokio::sync::Mutex<Option<(u64, Instant, Arc<Lists>)>>,
}

impl SharedLists {
    pub async fn get(
        &self,
        store: &Store,
        generation: u64,
        ttl: Duration,
        now: i64,
    ) -> Result<Arc<Lists>, StoreError> {
        let mut current = self.current.lock().await;
        if let Some((g, at, lists)) = &*current
            && *g == generation
            && at.elapsed() < ttl
        {
            return Ok(lists.clone());
        }
        let lists = Arc::new(compute(store, now).await?);
        *current = Some((generation, Instant::now(), lists.clone()));
        Ok(lists)
    }
}

/// 热点推荐, globally or in one channel: the hottest articles of the last week
/// (engagement decayed with a 12-hour half-life, `hao_recommend::hot`), topped
/// up from all time when the week was quiet; two per creator at most, and
/// never the same story twice.
pub async fn hot(
    store: &Store,
    channel: Option<Channel>,
    now: i64,
) -> Result<Vec<Pick>, StoreError> {
    hot_limited(store, channel, HOT_LEN, now).await
}

/// [`hot`] with another length (the API's `limit`).
pub async fn hot_limited(
    store: &Store,
    channel: Option<Channel>,
    limit: usize,
    now: i64,
) -> Result<Vec<Pick>, StoreError> {
    let want = (limit * 3).max(30) as i64;
    let recent = summaries(
        store
            .hottest_since(now - HOT_WINDOW, channel, want, now)
            .await?,
    );
    let all = if recent.len() < limit * 2 {
        summaries(store.hottest_since(0, channel, want, now).await?)
    } else {
        Vec::new()
    };
    Ok(merge(&[(&recent, "热点"), (&all, "热点")], None, 2, limit))
}

fn summaries(scored: Vec<(ArticleSummary, f64)>) -> Vec<ArticleSummary> {
    scored.into_iter().map(|(a, _)| a).collect()
}

async fn compute(store: &Store, now: i64) -> Result<Lists, StoreError> {
    let hot = hot(store, None, now).await?;
    let mut headlines = Vec::with_capacity(Channel::ALL.len());
    let pins = store.pins(None).await?;
    for channel in Channel::ALL {
        // 要闻: what editors pinned, then the channel's hottest of the last
        // days, then its newest when the channel is quiet.
        let pinned: Vec<ArticleSummary> = pins
            .iter()
            .filter(|p| p.channel == channel)
            .map(|p| p.article.clone())
            .collect();
        let hot = summaries(
            store
                .hottest_since(now - HEADLINE_WINDOW, Some(channel), 6, now)
                .await?,
        );
        let latest: Vec<ArticleSummary> = store.channel_articles(channel, 6, 0).await?.items;
        let picks = merge(
            &[(&pinned, "置顶"), (&hot, "热门"), (&latest, "最新")],
            None,
            1,
            HEADLINE_LEN,
        );
        headlines.push((channel, picks));
    }
    Ok(Lists { hot, headlines })
}
