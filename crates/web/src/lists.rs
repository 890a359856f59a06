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
    ) -> Result<Arc<Lists>, StoreError> {
        let mut current = self.current.lock().await;
        if let Some((g, at, lists)) = &*current
            && *g == generation
            && at.elapsed() < ttl
        {
            return Ok(lists.clone());
        }
        let lists = Arc::new(compute(store).await?);
        *current = Some((generation, Instant::now(), lists.clone()));
        Ok(lists)
    }
}

/// 热点推荐, globally or in one channel: the most viewed of the last week,
/// topped up from all time when the week was quiet; two per creator at most.
pub async fn hot(store: &Store, channel: Option<Channel>) -> Result<Vec<Pick>, StoreError> {
    let since = hao_store::now() - HOT_WINDOW;
    let recent = store.most_viewed_since(since, channel, 30).await?;
    let all = store.most_viewed_since(0, channel, 30).await?;
    Ok(merge(
        &[(&recent, "热点"), (&all, "热点")],
        None,
        2,
        HOT_LEN,
    ))
}

async fn compute(store: &Store) -> Result<Lists, StoreError> {
    let now = hao_store::now();
    let hot = hot(store, None).await?;
    let mut headlines = Vec::with_capacity(Channel::ALL.len());
    for channel in Channel::ALL {
        let hot = store
            .most_viewed_since(now - HEADLINE_WINDOW, Some(channel), 6)
            .await?;
        let latest: Vec<ArticleSummary> = store.channel_articles(channel, 6, 0).await?.items;
        let picks = merge(&[(&hot, "热门"), (&latest, "最新")], None, 1, HEADLINE_LEN);
        headlines.push((channel, picks));
    }
    Ok(Lists { hot, headlines })
}
