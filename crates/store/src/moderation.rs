//! Moderating 跟帖: hiding a comment (its author keeps seeing it, with the
//! reason), publishing a held one, closing an article's comments, and 禁言.
//! Each in one transaction with the counts it changes, the notice it owes
//! and, when pages change, a change-log row.

use hao_domain::{Comment, CommentStatus};

use crate::comments::{count, excerpt, notify_reply};
use crate::notifications::notify_user;
use crate::{Result, Store};

impl Store {
    /// Hides a comment (from published or held) with a reason its author
    /// sees; `Ok(None)` when there is no such comment or it is hidden
    /// already. Returns the comment as it was.
    pub async fn hide_comment(&self, id: i64, reason: &str) -> Result<Option<Comment>> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let Some(before) = self.comment_in(&mut tx, id).await? else {
            return Ok(None);
        };
        if before.status == CommentStatus::Hidden {
            return Ok(None);
        }
        sqlx::query("UPDATE comments SET status = 'hidden', status_reason = $2 WHERE id = $1")
            .bind(id)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
        if before.status == CommentStatus::Published {
            count(&mut tx, &before, -1).await?;
            self.log_change(&mut tx, "comment", Some(before.article_id), at)
                .await?;
        }
        notify_user(
            &mut tx,
            before.user_id,
            "comment",
            &format!("你的跟帖“{}”已被隐藏：{reason}", excerpt(&before.body, 30)),
            "/me/comments",
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(before))
    }

    /// Publishes a held comment; `Ok(None)` when it is not held, or its
    /// article or parent is no longer there to answer.
    pub async fn approve_comment(&self, id: i64) -> Result<Option<Comment>> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let Some(c) = self
            .comment_in(&mut tx, id)
            .await?
            .filter(|c| c.status == CommentStatus::Held)
        else {
            return Ok(None);
        };
        let ok: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM articles WHERE id = $1 AND status = 'published'",
        )
        .bind(c.article_id)
        .fetch_one(&mut *tx)
        .await?;
        if ok == 0 {
            return Ok(None);
        }
        sqlx::query("UPDATE comments SET status = 'published', status_reason = '' WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        count(&mut tx, &c, 1).await?;
        notify_reply(&mut tx, &c, at).await?;
        self.log_change(&mut tx, "comment", Some(c.article_id), at)
            .await?;
        tx.commit().await?;
        Ok(Some(c))
    }

    /// Opens or closes comments on an article.
    pub async fn set_comments_closed(&self, article_id: i64, closed: bool) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query("UPDATE articles SET comments_closed = $2 WHERE id = $1")
            .bind(article_id)
            .bind(i64::from(closed))
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if changed {
            self.log_change(&mut tx, "comment", Some(article_id), self.now())
                .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// 禁言: `user_id` may not comment until `until`.
    pub async fn mute(&self, user_id: i64, until: i64, reason: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        upsert_mute(&mut tx, user_id, until, reason, at).await?;
        notify_user(
            &mut tx,
            user_id,
            "mute",
            &format!("你已被禁言，原因：{reason}。禁言期间不能发表跟帖。"),
            "/me/comments",
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Until when and why `user_id` may not comment, if they may not now.
    pub async fn muted(&self, user_id: i64) -> Result<Option<(i64, String)>> {
        Ok(
            sqlx::query_as("SELECT until, reason FROM mutes WHERE user_id = $1 AND until > $2")
                .bind(user_id)
                .bind(self.now())
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

/// Sets (or moves) a user's 禁言 inside the caller's transaction: the one
/// statement both an editor's report action and an admin's act use.
pub(crate) async fn upsert_mute(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    until: i64,
    reason: &str,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO mutes (user_id, until, reason, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id) DO UPDATE SET until = $2, reason = $3, created_at = $4",
    )
    .bind(user_id)
    .bind(until)
    .bind(reason)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
