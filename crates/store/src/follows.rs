//! Follows: readers following creators, and what followed creators published.
//!
//! Architecture Invariant: `creators.follower_count` changes only here, in the
//! same transaction as the `follows` row it counts, with a change-log row so
//! that every node's author cards show the new count.

use hao_domain::{ArticleSummary, Creator};

use crate::articles::VISIBLE;
use crate::{ListPage, Result, Store, rows};

impl Store {
    /// `user_id` follows `creator_id` (which the caller has checked exists):
    /// `Ok(true)` when this is new, `Ok(false)` when already followed.
    ///
    /// `from_article` is the article the follow was started from: when it is
    /// one of the creator's, a new follow adds its 热点 gain
    /// (`hao_recommend::hot::FOLLOW`) in the same transaction as the follow
    /// (a foreign or unknown article is ignored: the follow itself stands).
    pub async fn follow(
        &self,
        user_id: i64,
        creator_id: i64,
        from_article: Option<i64>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        // 热点's epoch first: on SQLite this takes the write lock before any
        // read (see `hot_epoch_in`).
        let epoch = self.hot_epoch_in(&mut tx).await?;
        let inserted = sqlx::query(
            "INSERT INTO follows (user_id, creator_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, creator_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(creator_id)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            sqlx::query("UPDATE creators SET follower_count = follower_count + 1 WHERE id = $1")
                .bind(creator_id)
                .execute(&mut *tx)
                .await?;
            if let Some(article) = from_article {
                sqlx::query("UPDATE articles SET hot = hot + $1 WHERE id = $2 AND creator_id = $3")
                    .bind(hao_recommend::hot::gain(
                        hao_recommend::hot::FOLLOW,
                        at,
                        epoch,
                    ))
                    .bind(article)
                    .bind(creator_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let name: String = sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
            crate::notifications::notify_creator_except(
                &mut tx,
                creator_id,
                user_id,
                "follower",
                &format!("{name} 关注了你"),
                "/studio",
                at,
            )
            .await?;
            self.log_change(&mut tx, "follow", None, at).await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }

    /// `user_id` stops following `creator_id`; `Ok(false)` when they did not.
    pub async fn unfollow(&self, user_id: i64, creator_id: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let deleted = sqlx::query("DELETE FROM follows WHERE user_id = $1 AND creator_id = $2")
            .bind(user_id)
            .bind(creator_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if deleted {
            sqlx::query(
                "UPDATE creators SET follower_count = follower_count - 1 \
                 WHERE id = $1 AND follower_count > 0",
            )
            .bind(creator_id)
            .execute(&mut *tx)
            .await?;
            self.log_change(&mut tx, "follow", None, self.now()).await?;
        }
        tx.commit().await?;
        Ok(deleted)
    }

    /// Whether `user_id` follows `creator_id`.
    pub async fn follows(&self, user_id: i64, creator_id: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM follows WHERE user_id = $1 AND creator_id = $2",
        )
        .bind(user_id)
        .bind(creator_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// The creators `user_id` follows, most recently followed first.
    pub async fn followed_creators(&self, user_id: i64) -> Result<Vec<Creator>> {
        let sql = format!(
            "SELECT {} FROM creators c JOIN follows f ON f.creator_id = c.id \
             WHERE f.user_id = $1 ORDER BY f.created_at DESC, c.id DESC",
            rows::CREATOR_COLUMNS
        );
        sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::creator)
            .collect()
    }

    /// Published, listed articles of the creators `user_id` follows, newest
    /// first (`/following`).
    pub async fn following_articles(
        &self,
        user_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<ListPage> {
        let sql = format!(
            "SELECT {} FROM articles a JOIN creators c ON c.id = a.creator_id \
             JOIN follows f ON f.creator_id = a.creator_id AND f.user_id = $3 \
             WHERE {VISIBLE} \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $1 OFFSET $2",
            rows::SUMMARY_COLUMNS
        );
        let items: Vec<ArticleSummary> = sqlx::query(&sql)
            .bind(limit)
            .bind(offset)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::summary)
            .collect::<Result<_>>()?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM articles a JOIN follows f ON f.creator_id = a.creator_id \
             WHERE f.user_id = $1 AND a.status = 'published' AND a.listed = 1",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(ListPage { items, total })
    }
}
