//! What the imports from other platforms write besides articles: creators
//! marked with where they came from, and comments with their own dates,
//! stored once however often an import runs.

use hao_domain::{ArticleStatus, Role};

use crate::{Result, Store};

impl Store {
    /// Marks a creator made by an import of `source` at or after `since`
    /// (a creator who was here before keeps no mark).
    pub async fn mark_imported(&self, creator_id: i64, source: &str, since: i64) -> Result<()> {
        sqlx::query(
            "UPDATE creators SET imported_from = $2 \
             WHERE id = $1 AND imported_from = '' AND created_at >= $3 AND is_official = 0",
        )
        .bind(creator_id)
        .bind(source)
        .bind(since)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Where a creator was imported from ('' when they signed up here).
    pub async fn imported_from(&self, creator_id: i64) -> Result<String> {
        Ok(
            sqlx::query_scalar("SELECT imported_from FROM creators WHERE id = $1")
                .bind(creator_id)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or_default(),
        )
    }

    /// The id of the account `username`, made without a password (no one
    /// can sign in as it until a password is set) when missing. Imported
    /// commenters and the owner of imported images are such accounts.
    pub async fn ensure_passwordless_user(&self, username: &str) -> Result<i64> {
        if let Some(id) = self
            .create_user(username, "!imported", Role::Reader, None)
            .await?
        {
            return Ok(id);
        }
        Ok(
            sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(username)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Stores an imported comment with its own time, once: the same
    /// (article, user, time, text) is found instead of stored twice.
    /// Counted on the article when both are published. Returns its id.
    pub async fn import_comment(
        &self,
        article_id: i64,
        user_id: i64,
        parent_id: Option<i64>,
        body: &str,
        at: i64,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        if let Some(id) = sqlx::query_scalar::<_, i64>(
            "SELECT id FROM comments WHERE article_id = $1 AND user_id = $2 \
             AND created_at = $3 AND body = $4",
        )
        .bind(article_id)
        .bind(user_id)
        .bind(at)
        .bind(body)
        .fetch_optional(&mut *tx)
        .await?
        {
            return Ok(id);
        }
        let parent: Option<(i64, i64)> = match parent_id {
            None => None,
            Some(p) => {
                sqlx::query_as(
                    "SELECT root_id, depth FROM comments WHERE id = $1 AND article_id = $2",
                )
                .bind(p)
                .bind(article_id)
                .fetch_optional(&mut *tx)
                .await?
            }
        };
        let (root, depth) = match parent {
            Some((root, depth)) => (Some(root), depth + 1),
            None => (None, 1),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO comments (article_id, user_id, parent_id, root_id, depth, body, \
             status, status_reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'published', '', $7) \
             RETURNING id",
        )
        .bind(article_id)
        .bind(user_id)
        .bind(parent.and(parent_id))
        .bind(root)
        .bind(depth)
        .bind(body)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        if root.is_none() {
            sqlx::query("UPDATE comments SET root_id = id WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE articles SET comments = comments + 1 WHERE id = $1 AND status = $2")
            .bind(article_id)
            .bind(ArticleStatus::Published.code())
            .execute(&mut *tx)
            .await?;
        if parent.is_some() {
            sqlx::query("UPDATE comments SET replies = replies + 1 WHERE id = $1")
                .bind(parent_id)
                .execute(&mut *tx)
                .await?;
        }
        self.log_change(&mut tx, "comment", Some(article_id), self.now())
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}
