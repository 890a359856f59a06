//! Channel pins (要闻 set by editors) and reading history (the personal feed).

use hao_domain::{ArticleSummary, Channel};

use crate::articles::VISIBLE;
use crate::{Result, Store, rows};

/// A pinned article of a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Pin {
    pub channel: Channel,
    pub article: ArticleSummary,
    pub pinned_by: String,
    pub pinned_at: i64,
}

impl Store {
    /// Pins a published article at the top of `channel`'s headline block.
    /// `Ok(false)` when there is no such published article.
    pub async fn pin(&self, channel: Channel, article_id: i64, editor: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let exists: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM articles a WHERE {VISIBLE} AND a.id = $1"
        ))
        .bind(article_id)
        .fetch_one(&mut *tx)
        .await?;
        if exists == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO channel_pins (channel, article_id, pinned_by, pinned_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (channel, article_id) \
             DO UPDATE SET pinned_by = $3, pinned_at = $4",
        )
        .bind(channel.slug())
        .bind(article_id)
        .bind(editor)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        self.log_change(&mut tx, "pin", Some(article_id), at)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Removes a pin; `Ok(false)` when there was none.
    pub async fn unpin(&self, channel: Channel, article_id: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM channel_pins WHERE channel = $1 AND article_id = $2")
            .bind(channel.slug())
            .bind(article_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if done {
            self.log_change(&mut tx, "pin", Some(article_id), self.now())
                .await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// The pins of every channel (or one), newest pin first; articles no
    /// longer published are left out.
    pub async fn pins(&self, channel: Option<Channel>) -> Result<Vec<Pin>> {
        let filter = if channel.is_some() {
            "AND p.channel = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {}, p.channel, p.pinned_by, p.pinned_at FROM channel_pins p \
             JOIN articles a ON a.id = p.article_id JOIN creators c ON c.id = a.creator_id \
             WHERE {VISIBLE} {filter} ORDER BY p.pinned_at DESC, a.id DESC",
            rows::SUMMARY_COLUMNS
        );
        let mut q = sqlx::query(&sql);
        if let Some(c) = channel {
            q = q.bind(c.slug());
        }
        let n = rows::SUMMARY_COLUMN_COUNT;
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                let slug: String = sqlx::Row::try_get(row, n)?;
                Ok(Pin {
                    channel: Channel::parse(&slug).unwrap_or(Channel::Headlines),
                    article: rows::summary(row)?,
                    pinned_by: sqlx::Row::try_get(row, n + 1)?,
                    pinned_at: sqlx::Row::try_get(row, n + 2)?,
                })
            })
            .collect()
    }

    /// Records reads of signed-in readers, identified by their session's id
    /// hash (resolved here, so a page view needs no query): (session id hash,
    /// article id, time). Readers who turned personalisation off are skipped;
    /// a re-read moves the article to the top of the history.
    pub async fn record_reads(&self, reads: &[(String, i64, i64)]) -> Result<()> {
        if reads.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for (session, article, at) in reads {
            sqlx::query(
                "INSERT INTO reading_history (user_id, article_id, read_at) \
                 SELECT s.user_id, $2, $3 FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.id_hash = $1 AND u.personalize = 1 \
                 ON CONFLICT (user_id, article_id) DO UPDATE SET read_at = $3",
            )
            .bind(session)
            .bind(*article)
            .bind(*at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A reader's most recent reads: (article id, title, read at), newest first.
    pub async fn reading_history(
        &self,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String, i64)>> {
        let rows = sqlx::query_as(
            "SELECT h.article_id, a.title, h.read_at FROM reading_history h \
             JOIN articles a ON a.id = h.article_id \
             WHERE h.user_id = $1 ORDER BY h.read_at DESC, h.article_id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Forgets a reader's history.
    pub async fn clear_history(&self, user_id: i64) -> Result<u64> {
        let n = sqlx::query("DELETE FROM reading_history WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(n)
    }

    /// Turns personalisation on or off; off also clears the history.
    pub async fn set_personalize(&self, user_id: i64, on: bool) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET personalize = $1 WHERE id = $2")
            .bind(i64::from(on))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if !on {
            sqlx::query("DELETE FROM reading_history WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Whether a reader wants a personal feed.
    pub async fn personalize(&self, user_id: i64) -> Result<bool> {
        let on: i64 = sqlx::query_scalar("SELECT personalize FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?
            .unwrap_or(1);
        Ok(on == 1)
    }

    /// Published, listed articles among `ids`, in the order of `ids`.
    pub async fn summaries(&self, ids: &[i64]) -> Result<Vec<ArticleSummary>> {
        Ok(self
            .summaries_with_keywords(ids)
            .await?
            .into_iter()
            .map(|(a, _)| a)
            .collect())
    }
}
