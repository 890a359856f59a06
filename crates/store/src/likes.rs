//! 点赞 and 收藏. A like adds to the article's `likes` and, when new, its 热点
//! (`hao_recommend::hot::LIKE`), in the transaction that inserts the row it
//! counts; an unlike takes the count back (热点 only ever adds). Favourites
//! are a reader's own list.

use hao_domain::{ArticleStatus, ArticleSummary};

use crate::articles::VISIBLE;
use crate::{ListPage, Result, Store, rows};

impl Store {
    /// `user_id` likes a published article: `Ok(Some(true))` when new,
    /// `Ok(Some(false))` when already liked, `Ok(None)` when there is no
    /// such published article.
    pub async fn like(&self, user_id: i64, article_id: i64) -> Result<Option<bool>> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let epoch = self.hot_epoch_in(&mut tx).await?;
        let published: Option<(i64, String)> =
            sqlx::query_as("SELECT creator_id, title FROM articles WHERE id = $1 AND status = $2")
                .bind(article_id)
                .bind(ArticleStatus::Published.code())
                .fetch_optional(&mut *tx)
                .await?;
        let Some((creator, title)) = published else {
            tx.rollback().await?;
            return Ok(None);
        };
        let new = sqlx::query(
            "INSERT INTO article_likes (user_id, article_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, article_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(article_id)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if new {
            sqlx::query("UPDATE articles SET likes = likes + 1, hot = hot + $2 WHERE id = $1")
                .bind(article_id)
                .bind(hao_recommend::hot::gain(
                    hao_recommend::hot::LIKE,
                    at,
                    epoch,
                ))
                .execute(&mut *tx)
                .await?;
            let name: String = sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
            crate::notifications::notify_creator_except(
                &mut tx,
                creator,
                user_id,
                "like",
                &format!("{name} 赞了你的文章《{title}》"),
                &format!("/article/{article_id}"),
                at,
            )
            .await?;
            self.log_change(&mut tx, "like", Some(article_id), at)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(new))
    }

    /// `user_id` takes back a like; `Ok(false)` when there was none.
    pub async fn unlike(&self, user_id: i64, article_id: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM article_likes WHERE user_id = $1 AND article_id = $2")
            .bind(user_id)
            .bind(article_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if gone {
            sqlx::query("UPDATE articles SET likes = likes - 1 WHERE id = $1 AND likes > 0")
                .bind(article_id)
                .execute(&mut *tx)
                .await?;
            self.log_change(&mut tx, "like", Some(article_id), self.now())
                .await?;
        }
        tx.commit().await?;
        Ok(gone)
    }

    /// Whether `user_id` likes and has favourited `article_id`.
    pub async fn liked_and_favorited(&self, user_id: i64, article_id: i64) -> Result<(bool, bool)> {
        let (liked, favorited): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM article_likes WHERE user_id = $1 AND article_id = $2), \
                    (SELECT COUNT(*) FROM favorites WHERE user_id = $1 AND article_id = $2)",
        )
        .bind(user_id)
        .bind(article_id)
        .fetch_one(&self.pool)
        .await?;
        Ok((liked > 0, favorited > 0))
    }

    /// `user_id` favourites a published article (收藏); `Ok(None)` when there
    /// is no such article, else whether it is new.
    pub async fn favorite(&self, user_id: i64, article_id: i64) -> Result<Option<bool>> {
        let inserted = sqlx::query(
            "INSERT INTO favorites (user_id, article_id, created_at) \
             SELECT $1, id, $3 FROM articles WHERE id = $2 AND status = $4 \
             ON CONFLICT (user_id, article_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(article_id)
        .bind(self.now())
        .bind(ArticleStatus::Published.code())
        .execute(&self.pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(Some(true));
        }
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT article_id FROM favorites WHERE user_id = $1 AND article_id = $2",
        )
        .bind(user_id)
        .bind(article_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(exists.map(|_| false))
    }

    /// Takes an article off `user_id`'s favourites; `Ok(false)` when it was not there.
    pub async fn unfavorite(&self, user_id: i64, article_id: i64) -> Result<bool> {
        Ok(
            sqlx::query("DELETE FROM favorites WHERE user_id = $1 AND article_id = $2")
                .bind(user_id)
                .bind(article_id)
                .execute(&self.pool)
                .await?
                .rows_affected()
                == 1,
        )
    }

    /// `user_id`'s favourites that are still published, newest favourite first.
    pub async fn favorites(&self, user_id: i64, limit: i64, offset: i64) -> Result<ListPage> {
        let sql = format!(
            "SELECT {} FROM favorites f JOIN articles a ON a.id = f.article_id \
             JOIN creators c ON c.id = a.creator_id \
             WHERE f.user_id = $3 AND {VISIBLE} \
             ORDER BY f.created_at DESC, a.id DESC LIMIT $1 OFFSET $2",
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
        let total: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM favorites f JOIN articles a ON a.id = f.article_id \
             WHERE f.user_id = $1 AND {VISIBLE}"
        ))
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(ListPage { items, total })
    }
}
