//! 热点 in the database: every article's decayed engagement as one column
//! (`articles.hot`) that events add to, and the epoch it is kept for
//! (`hot_epoch`). The arithmetic is `hao_recommend::hot`'s.
//!
//! Architecture Invariant: `articles.hot` is only ever *added to* (or, when the
//! epoch moves, multiplied by one factor in the same transaction), so the
//! increments of all nodes add up exactly, in any order. Every writer reads
//! the epoch in its own transaction (on PostgreSQL `FOR SHARE`, which the
//! epoch move's `FOR UPDATE` waits for), so no gain is computed for an epoch
//! that is no longer current.

use hao_domain::{ArticleSummary, Channel};
use hao_recommend::hot;

use crate::articles::VISIBLE;
use crate::{Backend, Result, Store, rows};

impl Store {
    /// The epoch of the stored scores, read inside `tx`.
    pub(crate) async fn hot_epoch_in(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ) -> Result<i64> {
        // SQLite: a write first, so the transaction holds the write lock (and
        // waits for it with the busy timeout) before it reads, instead of
        // failing to upgrade a read snapshot that another writer outdated.
        let sql = match self.backend {
            Backend::Postgres => "SELECT epoch FROM hot_epoch WHERE id = 1 FOR SHARE",
            Backend::Sqlite => "UPDATE hot_epoch SET epoch = epoch WHERE id = 1 RETURNING epoch",
        };
        let epoch = sqlx::query_scalar(sql).fetch_one(&mut **tx).await?;
        Ok(epoch)
    }

    /// The epoch of the stored scores.
    pub async fn hot_epoch(&self) -> Result<i64> {
        let epoch = sqlx::query_scalar("SELECT epoch FROM hot_epoch WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(epoch)
    }

    /// Adds an engagement event of `weight` (in views, see
    /// `hao_recommend::hot`) at `at` to each article of `ids`.
    pub async fn add_hot(&self, ids: &[i64], weight: f64, at: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let epoch = self.hot_epoch_in(&mut tx).await?;
        let gain = hot::gain(weight, at, epoch);
        for id in ids {
            sqlx::query("UPDATE articles SET hot = hot + $1 WHERE id = $2")
                .bind(gain)
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Moves the epoch to `now` when it is due (`hot::needs_rebase`),
    /// rescaling every score in the same transaction. Returns whether it moved.
    pub async fn rebase_hot_if_due(&self, now: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let sql = match self.backend {
            Backend::Postgres => "SELECT epoch FROM hot_epoch WHERE id = 1 FOR UPDATE",
            Backend::Sqlite => "UPDATE hot_epoch SET epoch = epoch WHERE id = 1 RETURNING epoch",
        };
        let epoch: i64 = sqlx::query_scalar(sql).fetch_one(&mut *tx).await?;
        if !hot::needs_rebase(epoch, now) {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("UPDATE articles SET hot = hot * $1 WHERE hot <> 0")
            .bind(hot::rebase_factor(epoch, now))
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE hot_epoch SET epoch = $1 WHERE id = 1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The hottest published, listed articles published at or after `since`,
    /// globally or in one channel, best first, each with its hotness decayed
    /// to `now` (in views).
    pub async fn hottest_since(
        &self,
        since: i64,
        channel: Option<Channel>,
        limit: i64,
        now: i64,
    ) -> Result<Vec<(ArticleSummary, f64)>> {
        let filter = if channel.is_some() {
            "AND a.channel = $3"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {}, a.hot FROM articles a JOIN creators c ON c.id = a.creator_id \
             WHERE {VISIBLE} AND a.published_at >= $1 {filter} \
             ORDER BY a.hot DESC, a.published_at DESC, a.id DESC LIMIT $2",
            rows::SUMMARY_COLUMNS
        );
        let mut q = sqlx::query(&sql).bind(since).bind(limit);
        if let Some(c) = channel {
            q = q.bind(c.slug());
        }
        let epoch = self.hot_epoch().await?;
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let score: f64 = sqlx::Row::try_get(row, rows::SUMMARY_COLUMN_COUNT)?;
                Ok((rows::summary(row)?, hot::decayed(score, epoch, now)))
            })
            .collect()
    }
}
