//! View counting without a database write per request: counts accumulate in
//! memory (sharded, so page requests on different cores rarely meet on a lock)
//! and are written in one transaction per flush.

use std::collections::HashMap;
use std::sync::Mutex;

use hao_store::Store;

const SHARDS: usize = 16;

/// Pending view counts per article id.
#[derive(Default)]
pub struct ViewCounter {
    shards: [Mutex<HashMap<i64, i64>>; SHARDS],
}

impl ViewCounter {
    /// Counts one view of an article.
    pub fn hit(&self, article_id: i64) {
        let shard = &self.shards[(article_id as usize) % SHARDS];
        let mut map = shard.lock().unwrap_or_else(|p| p.into_inner());
        *map.entry(article_id).or_default() += 1;
    }

    /// Views counted and not yet written.
    pub fn pending(&self) -> i64 {
        self.shards
            .iter()
            .map(|s| {
                s.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .values()
                    .sum::<i64>()
            })
            .sum()
    }

    fn take(&self) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        for shard in &self.shards {
            let map = std::mem::take(&mut *shard.lock().unwrap_or_else(|p| p.into_inner()));
            out.extend(map);
        }
        out.sort_unstable();
        out
    }

    fn put_back(&self, batch: &[(i64, i64)]) {
        for (id, n) in batch {
            let shard = &self.shards[(*id as usize) % SHARDS];
            *shard
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(*id)
                .or_default() += n;
        }
    }

    /// Writes pending counts; on failure they are kept for the next flush.
    /// Returns the number of articles written.
    pub async fn flush(&self, store: &Store) -> Result<usize, hao_store::StoreError> {
        let batch = self.take();
        if batch.is_empty() {
            return Ok(0);
        }
        match store.add_views(&batch).await {
            Ok(()) => Ok(batch.len()),
            Err(e) => {
                self.put_back(&batch);
                Err(e)
            }
        }
    }
}
