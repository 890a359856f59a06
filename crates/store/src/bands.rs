//! Where a process writes the band rows of the articles it stores, and how
//! a lookup finds them again.
//!
//! Band keys are random: a batch's rows written straight into the large
//! `article_bands` B-tree land on most of its leaves, each written out at
//! every commit. So a bulk process writes elsewhere:
//!
//! - **staged** ([`Store::stage_bands`]): into the small
//!   `article_bands_fresh`, folded into `article_bands` in key order every
//!   [`crate::FOLD_BAND_ROWS`] rows. Any bulk process (a restore, an import
//!   beside a serving node) may; lookups read both tables.
//! - **held** ([`Store::hold_bands`]): an import that is the database's one
//!   user for the while keeps its rows in memory, sorted runs its lookups
//!   search, and appends them to `article_bands_held` (keyed by article, so
//!   a batch's rows go at the end). They are folded into `article_bands` once,
//!   in key order, by [`Store::build_deferred_indexes`] at the import's end,
//!   or at the next open after a crash. Staged, every fold rewrote the whole
//!   band B-tree: a million articles' import rewrote it sixteen times, the
//!   part of its cost an article that grew with the archive.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use crate::{BAND_HOLDERS, Result, Store};

/// Where this process writes band rows (see the module's documentation).
#[derive(Debug)]
pub(crate) struct BandStaging {
    /// 0: band rows go to `article_bands` (unless held).
    pub(crate) fold_at: AtomicU64,
    /// Rows this process counts in `article_bands_fresh` (rows it wrote, and
    /// those it found when it first wrote: -1 until then).
    pub(crate) rows: AtomicI64,
    /// The rows an import holds, when it does.
    held: Mutex<Option<Held>>,
}

impl Default for BandStaging {
    fn default() -> Self {
        BandStaging {
            fold_at: 0.into(),
            rows: (-1).into(),
            held: Mutex::new(None),
        }
    }
}

impl BandStaging {
    fn held(&self) -> std::sync::MutexGuard<'_, Option<Held>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The band rows an import holds: what it wrote since the hold began.
#[derive(Debug, Default)]
struct Held {
    /// Whether `article_bands` and `article_bands_fresh` were empty when the
    /// hold began (an import into a new site): lookups then read only
    /// memory, since nothing else writes them until the fold.
    tables_empty: bool,
    rows: Runs,
}

/// (band key, article) rows in sorted runs, each at most half as long as
/// the one before it (two are merged when the newer is not): a batch's rows
/// are sorted once and merged O(log n) times, and a lookup searches
/// O(log n) runs.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    runs: Vec<Vec<(i64, i64)>>,
}

impl Runs {
    pub(crate) fn add(&mut self, mut rows: Vec<(i64, i64)>) {
        if rows.is_empty() {
            return;
        }
        rows.sort_unstable();
        rows.dedup();
        self.runs.push(rows);
        while let [.., older, newer] = &self.runs[..] {
            if older.len() > 2 * newer.len() {
                break;
            }
            let newer = self.runs.pop().expect("two runs");
            let older = self.runs.pop().expect("two runs");
            self.runs.push(merge(older, newer));
        }
    }

    /// The rows of each of `keys` (sorted, without repeats), in no order.
    /// Each run is walked once, by galloping from one key to the next: the
    /// keys of a batch are many and spread over the run, so each search
    /// starts near where the last ended.
    pub(crate) fn holders(&self, keys: &[i64], out: &mut Vec<(i64, i64)>) {
        for run in &self.runs {
            let mut at = 0;
            for &key in keys {
                at = seek(run, at, key);
                while let Some(&(k, id)) = run.get(at)
                    && k == key
                {
                    out.push((k, id));
                    at += 1;
                }
            }
        }
    }

    /// Drops every row of `articles`.
    pub(crate) fn forget(&mut self, articles: &[i64]) {
        let gone: std::collections::HashSet<i64> = articles.iter().copied().collect();
        for run in &mut self.runs {
            run.retain(|(_, id)| !gone.contains(id));
        }
        self.runs.retain(|run| !run.is_empty());
    }
}

fn merge(a: Vec<(i64, i64)>, b: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        out.extend(next);
    }
    out.dedup();
    out
}

/// The first place at or after `from` whose key is `key` or more: steps of
/// 1, 2, 4… then a binary search within the last step.
fn seek(run: &[(i64, i64)], from: usize, key: i64) -> usize {
    let mut bound = 1;
    while from + bound <= run.len() && run[from + bound - 1].0 < key {
        bound *= 2;
    }
    let lo = from + bound / 2;
    let hi = (from + bound).min(run.len());
    lo + run[lo..hi].partition_point(|r| r.0 < key)
}

impl Store {
    /// Keeps the band rows this store writes from now on in memory and in
    /// `article_bands_held` until [`Store::build_deferred_indexes`] folds
    /// them into `article_bands` (see the module's documentation). Returns
    /// whether it does (only on SQLite).
    ///
    /// Call it only from a process that is the database's one user for the
    /// while (an import that holds the search index): another process's
    /// lookups would not see the held rows.
    pub async fn hold_bands(&self) -> Result<bool> {
        if self.backend != crate::Backend::Sqlite {
            return Ok(false);
        }
        // Rows a crashed hold left behind go where they belong first.
        self.fold_held_bands().await?;
        let stored: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM article_bands LIMIT 1) AS a) \
             + (SELECT COUNT(*) FROM (SELECT 1 FROM article_bands_fresh LIMIT 1) AS f)",
        )
        .fetch_one(&self.pool)
        .await?;
        *self.bands.held() = Some(Held {
            tables_empty: stored == 0,
            rows: Runs::default(),
        });
        Ok(true)
    }

    /// Whether a lookup must read the band tables: always, unless this
    /// store holds its rows and the tables were empty when it began.
    pub(crate) fn band_tables_read(&self) -> bool {
        !self.bands.held().as_ref().is_some_and(|h| h.tables_empty)
    }

    /// The (key, article) rows of `keys` (sorted, without repeats): the
    /// band tables' unless this store holds every row there is, and the
    /// rows it holds. Appended to `out`, in no order.
    pub(crate) async fn band_holders(&self, keys: &[i64], out: &mut Vec<(i64, i64)>) -> Result<()> {
        if self.band_tables_read() {
            let mut conn = self.pool.acquire().await?;
            self.table_holders(&mut conn, keys, out).await?;
        }
        if let Some(held) = self.bands.held().as_ref() {
            held.rows.holders(keys, out);
        }
        Ok(())
    }

    /// Writes a batch's band rows, (key, article) sorted without repeats,
    /// after dropping the rows of the `replaced` articles: each key takes
    /// its first [`BAND_HOLDERS`] articles and no more. Returns how many
    /// rows `article_bands_fresh` holds after it, when this store stages.
    pub(crate) async fn write_bands(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        rows: Vec<(i64, i64)>,
        replaced: &[i64],
    ) -> Result<Option<i64>> {
        if self.bands.held().is_some() {
            self.write_held_bands(tx, rows, replaced).await?;
            return Ok(None);
        }
        crate::rows::delete_of_articles(tx, &["article_bands", "article_bands_fresh"], replaced)
            .await?;
        // The batch brings at most `BAND_HOLDERS` to a key, and each row
        // goes in only while the key holds fewer (the statement sees the
        // tables as they were before it, so a key ends with at most twice
        // as many, never more). The rows go in sorted by key: in article
        // order they would land all over the key B-tree, each statement on
        // pages the one before had left.
        let bands: Vec<String> = rows
            .chunk_by(|a, b| a.0 == b.0)
            .flat_map(|holders| holders.iter().take(BAND_HOLDERS))
            .map(|(b, id)| format!("({b}, {id})"))
            .collect();
        let fold_at = self.bands.fold_at.load(Ordering::Acquire);
        let table = if fold_at > 0 {
            "article_bands_fresh"
        } else {
            "article_bands"
        };
        // Integers of our own, written into the statement (prepared each
        // time; see `rows::int_list`). How many hold a key is an index probe in
        // each table (the cap keeps the count small). `WHERE` also keeps
        // SQLite from reading `ON CONFLICT` as a join constraint of the
        // SELECT.
        let mut staged = 0;
        for chunk in bands.chunks(2_000) {
            staged += sqlx::query(&format!(
                "INSERT INTO {table} (band_key, article_id) \
                 SELECT v.column1, v.column2 FROM (VALUES {}) AS v \
                 WHERE (SELECT COUNT(*) FROM article_bands h WHERE h.band_key = v.column1) \
                 + (SELECT COUNT(*) FROM article_bands_fresh f WHERE f.band_key = v.column1) \
                 < {BAND_HOLDERS} ON CONFLICT DO NOTHING",
                chunk.join(", "),
            ))
            .execute(&mut **tx)
            .await?
            .rows_affected();
        }
        if fold_at == 0 {
            return Ok(None);
        }
        let mut held = self.bands.rows.load(Ordering::Acquire);
        if held < 0 {
            held = sqlx::query_scalar("SELECT COUNT(*) FROM article_bands_fresh")
                .fetch_one(&mut **tx)
                .await?;
        } else {
            held += staged as i64;
        }
        if held as u64 >= fold_at {
            // In key order, so each leaf of the large B-tree is written once.
            sqlx::query(
                "INSERT INTO article_bands (band_key, article_id) \
                 SELECT band_key, article_id FROM article_bands_fresh WHERE true \
                 ORDER BY band_key, article_id ON CONFLICT DO NOTHING",
            )
            .execute(&mut **tx)
            .await?;
            sqlx::query("DELETE FROM article_bands_fresh")
                .execute(&mut **tx)
                .await?;
            held = 0;
        }
        Ok(Some(held))
    }

    /// [`Store::write_bands`] for a store that holds its rows. Memory
    /// changes with the table, before the commit: this process's next
    /// lookup (its only reader) may run as soon as the commit ends, and a
    /// failed commit ends the import that holds them.
    async fn write_held_bands(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        rows: Vec<(i64, i64)>,
        replaced: &[i64],
    ) -> Result<()> {
        crate::rows::delete_of_articles(
            tx,
            &["article_bands", "article_bands_fresh", "article_bands_held"],
            replaced,
        )
        .await?;
        let mut keys: Vec<i64> = rows.iter().map(|(key, _)| *key).collect();
        keys.dedup();
        // How many articles each key holds already: in memory, and in the
        // tables unless they were empty.
        let mut holding: Vec<(i64, i64)> = Vec::new();
        if self.band_tables_read() {
            self.table_holders(tx, &keys, &mut holding).await?;
        }
        {
            let mut held = self.bands.held();
            let held = held.as_mut().expect("held");
            held.rows.forget(replaced);
            held.rows.holders(&keys, &mut holding);
        }
        let mut held_by: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        for (key, _) in &holding {
            *held_by.entry(*key).or_default() += 1;
        }
        let kept: Vec<(i64, i64)> = rows
            .chunk_by(|a, b| a.0 == b.0)
            .flat_map(|holders| {
                let room =
                    BAND_HOLDERS.saturating_sub(held_by.get(&holders[0].0).map_or(0, |n| *n));
                holders.iter().take(room).copied()
            })
            .collect();
        // By article: a batch's articles are the table's newest, so its rows
        // go at the end of the B-tree.
        let mut by_article: Vec<(i64, i64)> = kept.iter().map(|(key, id)| (*id, *key)).collect();
        by_article.sort_unstable();
        // One statement text (SQLite only holds): the pairs are bound as
        // one JSON array, article then key (see `rows::int_list`).
        for chunk in by_article.chunks(2_000) {
            sqlx::query(
                "INSERT INTO article_bands_held (article_id, band_key) \
                 SELECT value ->> 0, value ->> 1 FROM json_each($1) WHERE true \
                 ON CONFLICT DO NOTHING",
            )
            .bind(crate::rows::json_int_pairs(chunk))
            .execute(&mut **tx)
            .await?;
        }
        if let Some(held) = self.bands.held().as_mut() {
            held.rows.add(kept);
        }
        Ok(())
    }

    /// The (key, article) rows of `keys` in `article_bands` and
    /// `article_bands_fresh`, appended to `out`. The keys are one JSON
    /// parameter (see `rows::int_list`). One row a query, its matches
    /// joined: SQLite hands
    /// a query's rows one at a time from its own thread, and at a million
    /// articles, with thousands of rows a batch, those hand-offs (futex
    /// wake-ups) were a third of the import's time.
    async fn table_holders(
        &self,
        conn: &mut sqlx::AnyConnection,
        keys: &[i64],
        out: &mut Vec<(i64, i64)>,
    ) -> Result<()> {
        let list = crate::rows::int_list(self.backend, 1);
        let sql = format!(
            "SELECT {} FROM (SELECT band_key, article_id FROM article_bands \
             WHERE band_key IN ({list}) UNION ALL SELECT band_key, article_id \
             FROM article_bands_fresh WHERE band_key IN ({list})) b",
            self.joined("band_key || ' ' || article_id"),
        );
        for chunk in keys.chunks(2_000) {
            let joined: Option<String> = sqlx::query_scalar(&sql)
                .bind(crate::rows::json_ints(chunk.iter().copied()))
                .fetch_one(&mut *conn)
                .await?;
            out.extend(crate::rows::int_pairs(joined.as_deref()));
        }
        Ok(())
    }

    /// Folds the rows an import held into `article_bands` in key order and
    /// ends the hold: at the import's end, and at every open (a crashed
    /// import's rows). Returns how many rows it folded.
    pub(crate) async fn fold_held_bands(&self) -> Result<u64> {
        if self.backend != crate::Backend::Sqlite {
            return Ok(0);
        }
        // Every open asks: a read, and a write transaction only when there
        // is something to fold.
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM article_bands_held LIMIT 1) AS h",
        )
        .fetch_one(&self.pool)
        .await?;
        if left == 0 {
            *self.bands.held() = None;
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let folded = sqlx::query(
            "INSERT INTO article_bands (band_key, article_id) \
             SELECT band_key, article_id FROM article_bands_held WHERE true \
             ORDER BY band_key, article_id ON CONFLICT DO NOTHING",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM article_bands_held")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        *self.bands.held() = None;
        Ok(folded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_find_every_row_of_the_keys_asked() {
        let mut runs = Runs::default();
        let mut all = Vec::new();
        // Batches of different sizes, keys repeating across them.
        for batch in 0..40i64 {
            let rows: Vec<(i64, i64)> = (0..(batch % 7 + 1) * 13)
                .map(|n| {
                    (
                        ((n * 7919 + batch * 104_729) % 211) - 100,
                        batch * 1_000 + n,
                    )
                })
                .collect();
            all.extend(rows.iter().copied());
            runs.add(rows);
            assert!(runs.runs.windows(2).all(|w| w[0].len() > 2 * w[1].len()));
            assert!(runs.runs.iter().all(|r| r.is_sorted()));
        }
        assert!(runs.runs.len() < 8, "{}", runs.runs.len());
        let keys: Vec<i64> = vec![-100, -3, 0, 5, 6, 110, 111, 500];
        let mut found = Vec::new();
        runs.holders(&keys, &mut found);
        found.sort_unstable();
        let mut expected: Vec<(i64, i64)> = all
            .iter()
            .copied()
            .filter(|(k, _)| keys.contains(k))
            .collect();
        expected.sort_unstable();
        assert_eq!(found, expected);
        assert!(!found.is_empty());

        let gone: Vec<i64> = expected.iter().map(|(_, id)| *id).step_by(2).collect();
        runs.forget(&gone);
        let mut left = Vec::new();
        runs.holders(&keys, &mut left);
        left.sort_unstable();
        expected.retain(|(_, id)| !gone.contains(id));
        assert_eq!(left, expected);
    }

    #[test]
    fn seek_finds_the_first_place_at_or_after_a_key() {
        let run: Vec<(i64, i64)> = [1, 3, 3, 3, 8, 9, 20].iter().map(|k| (*k, 0)).collect();
        for from in 0..=run.len() {
            for key in 0..22 {
                let want = from + run[from..].partition_point(|r| r.0 < key);
                assert_eq!(seek(&run, from, key), want, "from {from} key {key}");
            }
        }
    }
}
