//! View counting without a database write per request: counts accumulate in
//! memory (sharded, so page requests on different cores rarely meet on a lock)
//! and are written in one transaction per flush, together with their 热点
//! gain. A reader's repeated views of one article within an hour count once.
//!
//! The repeat check is this node's: behind a load balancer that spreads one
//! reader over several nodes, each node counts them once an hour (docs/deploy.md
//! shows nginx keeping a reader on one node).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::Instant;

use hao_store::Store;

const SHARDS: usize = 16;
/// A reader's views of one article within this many seconds count once.
pub const REPEAT_WINDOW_SECS: u32 = 3600;
/// The most (reader, article) pairs remembered, over all shards: ~24 bytes
/// each, so at most ~12 MB; past it, views are counted without the check
/// until older pairs expire.
const MAX_REMEMBERED: usize = 500_000;

/// Pending view counts per article id, and who viewed what in the last hour.
pub struct ViewCounter {
    shards: [Mutex<HashMap<i64, i64>>; SHARDS],
    /// (reader, article) hash → second (since `started`) of the counted view.
    seen: [Mutex<HashMap<u64, u32>>; SHARDS],
    /// Counted reads of signed-in readers: (session id hash, article, time),
    /// written to their reading history at the flush.
    reads: Mutex<Vec<(String, i64, i64)>>,
    addresses: AddressBudget,
    started: Instant,
}

/// At most this many views (or shares) of one article from one address
/// count in an hour, whoever the readers say they are: an office or a
/// school behind one address, not a script.
pub const MAX_PER_ADDRESS: u32 = 20;

/// The hour's budget of each (address, article): bounded memory (the
/// least-recently used pairs are forgotten first).
pub struct AddressBudget {
    used: quick_cache::sync::Cache<(u64, i64), (Instant, u32)>,
}

impl Default for AddressBudget {
    fn default() -> Self {
        AddressBudget {
            used: quick_cache::sync::Cache::new(200_000),
        }
    }
}

impl AddressBudget {
    /// Takes one from `addr`'s budget for `article_id`; false when spent.
    pub fn take(&self, article_id: i64, addr: &str) -> bool {
        let mut h = std::hash::DefaultHasher::new();
        addr.hash(&mut h);
        let key = (h.finish(), article_id);
        let (start, n) = match self.used.get(&key) {
            Some((start, n)) if start.elapsed().as_secs() < u64::from(REPEAT_WINDOW_SECS) => {
                (start, n)
            }
            _ => (Instant::now(), 0),
        };
        if n >= MAX_PER_ADDRESS {
            return false;
        }
        self.used.insert(key, (start, n + 1));
        true
    }
}

/// The most reads kept between two flushes (a failing database must not
/// grow memory without bound; past it, history entries are dropped, views
/// are still counted).
const MAX_READS: usize = 100_000;

impl Default for ViewCounter {
    fn default() -> Self {
        ViewCounter {
            shards: Default::default(),
            seen: Default::default(),
            reads: Mutex::default(),
            addresses: AddressBudget::default(),
            started: Instant::now(),
        }
    }
}

/// A reader, as far as a page request tells: the session when signed in, else
/// the address and the browser.
pub fn reader_key(session: Option<&str>, addr: &str, user_agent: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    match session {
        Some(s) => ("session", s).hash(&mut h),
        None => ("anonymous", addr, user_agent).hash(&mut h),
    }
    h.finish()
}

impl ViewCounter {
    /// Counts one view of an article by `reader` (see [`reader_key`]) from
    /// `addr`, unless the same reader's view of it was counted within the
    /// last hour, or `addr` has used its hour's budget for the article
    /// ([`MAX_PER_ADDRESS`]: a script rotating its User-Agent or session
    /// cookie is still one address). Returns whether it counted.
    pub fn hit(&self, article_id: i64, reader: u64, addr: &str) -> bool {
        let now = self.started.elapsed().as_secs() as u32;
        if !self.first_in_window(article_id, reader, now) || !self.addresses.take(article_id, addr)
        {
            return false;
        }
        self.count(article_id);
        true
    }

    #[cfg(test)]
    fn hit_at(&self, article_id: i64, reader: u64, now: u32) -> bool {
        let first = self.first_in_window(article_id, reader, now);
        if first {
            self.count(article_id);
        }
        first
    }

    /// Whether this is the reader's first view of the article in the
    /// window (remembering it when it is).
    fn first_in_window(&self, article_id: i64, reader: u64, now: u32) -> bool {
        let mut h = std::hash::DefaultHasher::new();
        (reader, article_id).hash(&mut h);
        let pair = h.finish();
        let mut seen = self.seen[(pair as usize) % SHARDS]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let room = seen.len() < MAX_REMEMBERED / SHARDS;
        match seen.get_mut(&pair) {
            Some(at) if now.saturating_sub(*at) < REPEAT_WINDOW_SECS => return false,
            Some(at) => *at = now,
            None if room => {
                seen.insert(pair, now);
            }
            None => {}
        }
        true
    }

    fn count(&self, article_id: i64) {
        let shard = &self.shards[(article_id as usize) % SHARDS];
        let mut map = shard.lock().unwrap_or_else(|p| p.into_inner());
        *map.entry(article_id).or_default() += 1;
    }

    /// Remembers that the signed-in reader of session `session_hash` read
    /// `article_id` at `at` (call it for counted views only).
    pub fn read(&self, session_hash: String, article_id: i64, at: i64) {
        let mut reads = self.reads.lock().unwrap_or_else(|p| p.into_inner());
        if reads.len() < MAX_READS {
            reads.push((session_hash, article_id, at));
        }
    }

    /// Forgets the views older than the repeat window (called at each flush).
    fn expire(&self, now: u32) {
        for shard in &self.seen {
            shard
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .retain(|_, at| now.saturating_sub(*at) < REPEAT_WINDOW_SECS);
        }
    }

    /// Number of (reader, article) pairs remembered.
    pub fn remembered(&self) -> usize {
        self.seen
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
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
        self.expire(self.started.elapsed().as_secs() as u32);
        let reads = std::mem::take(&mut *self.reads.lock().unwrap_or_else(|p| p.into_inner()));
        if let Err(e) = store.record_reads(&reads).await {
            let mut kept = self.reads.lock().unwrap_or_else(|p| p.into_inner());
            let room = MAX_READS.saturating_sub(kept.len());
            kept.extend(reads.into_iter().take(room));
            return Err(e);
        }
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

/// Shares counted once per reader and article an hour: a share moves 热点
/// (`hao_recommend::hot::SHARE`), so a reader pressing the button again, or
/// a script replaying it, must not. At most 200,000 pairs remembered.
pub struct ShareGate {
    seen: quick_cache::sync::Cache<(u64, i64), Instant>,
    addresses: AddressBudget,
}

impl Default for ShareGate {
    fn default() -> Self {
        ShareGate {
            seen: quick_cache::sync::Cache::new(200_000),
            addresses: AddressBudget::default(),
        }
    }
}

impl ShareGate {
    /// Whether this share of `article_id` by `reader` (see [`reader_key`])
    /// from `addr` counts: the first within the hour does, while the
    /// address has budget left ([`MAX_PER_ADDRESS`]).
    pub fn admit(&self, article_id: i64, reader: u64, addr: &str) -> bool {
        let key = (reader, article_id);
        match self.seen.get(&key) {
            Some(at) if at.elapsed().as_secs() < u64::from(REPEAT_WINDOW_SECS) => false,
            _ => {
                self.seen.insert(key, Instant::now());
                self.addresses.take(article_id, addr)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_readers_repeated_views_within_an_hour_count_once() {
        // (reader, article, second, counted?)
        let cases: &[(u64, i64, u32, bool)] = &[
            (1, 10, 0, true),
            (1, 10, 5, false),    // the same reader again
            (1, 10, 3599, false), // still within the hour
            (2, 10, 3599, true),  // another reader
            (1, 11, 3599, true),  // another article
            (1, 10, 3600, true),  // an hour after the counted view
            (1, 10, 3700, false), // the window restarts at the counted view
            (1, 10, 7200, true),
            (2, 10, 3600, false),
        ];
        let v = ViewCounter::default();
        for (i, &(reader, article, at, counted)) in cases.iter().enumerate() {
            assert_eq!(v.hit_at(article, reader, at), counted, "case {i}");
        }
        let mut pending = v.take();
        pending.sort_unstable();
        assert_eq!(pending, vec![(10, 4), (11, 1)]);
    }

    #[test]
    fn expiry_forgets_old_views_and_memory_is_bounded() {
        let v = ViewCounter::default();
        assert!(v.hit_at(1, 1, 0));
        assert!(v.hit_at(2, 1, 100));
        v.expire(3650);
        assert_eq!(
            v.remembered(),
            1,
            "only the view at 100 s is within the hour"
        );
        let v = ViewCounter::default();
        for reader in 0..(MAX_REMEMBERED as u64 + 10_000) {
            v.hit_at(1, reader, 0);
        }
        assert!(v.remembered() <= MAX_REMEMBERED);
        // Past the bound, views still count.
        assert_eq!(v.pending(), MAX_REMEMBERED as i64 + 10_000);
    }

    #[test]
    fn readers_are_told_apart_by_session_or_address_and_browser() {
        let a = reader_key(None, "10.0.0.1", "Firefox");
        assert_eq!(a, reader_key(None, "10.0.0.1", "Firefox"));
        assert_ne!(a, reader_key(None, "10.0.0.2", "Firefox"));
        assert_ne!(a, reader_key(None, "10.0.0.1", "Chrome"));
        assert_ne!(a, reader_key(Some("s1"), "10.0.0.1", "Firefox"));
        assert_eq!(
            reader_key(Some("s1"), "1", "x"),
            reader_key(Some("s1"), "2", "y")
        );
    }
}
