//! 消息: a user's notifications. Every editor decision that concerns a user
//! (their application, an article in review, a take-down, an originality
//! verdict, an appeal) writes one in the decision's own transaction, so a
//! decision is never made without its notice, nor the other way round.

use crate::{Result, Store};

/// One notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: i64,
    /// application | review | take-down | originality | appeal
    pub kind: String,
    pub text: String,
    /// Where to act on it (site-relative), or empty.
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// Notifies one user.
pub(crate) async fn notify_user(
    tx: &mut Tx<'_>,
    user_id: i64,
    kind: &str,
    text: &str,
    link: &str,
    at: i64,
) -> Result<()> {
    notify(tx, "id", user_id, (kind, text, link), at).await
}

/// Notifies every account of a creator (none, for an imported author
/// without an account).
pub(crate) async fn notify_creator(
    tx: &mut Tx<'_>,
    creator_id: i64,
    kind: &str,
    text: &str,
    link: &str,
    at: i64,
) -> Result<()> {
    notify(tx, "creator_id", creator_id, (kind, text, link), at).await
}

/// Notifies the users whose `column` (`id` or `creator_id`) is `value` of
/// (kind, text, link).
async fn notify(
    tx: &mut Tx<'_>,
    column: &'static str,
    value: i64,
    (kind, text, link): (&str, &str, &str),
    at: i64,
) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO notifications (user_id, kind, text, link, created_at) \
         SELECT id, $2, $3, $4, $5 FROM users WHERE {column} = $1"
    ))
    .bind(value)
    .bind(kind)
    .bind(text)
    .bind(link)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// A user's newest notifications.
    pub async fn notifications(&self, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
        let rows: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, kind, text, link, created_at, read FROM notifications \
             WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Notification {
                id: r.0,
                kind: r.1,
                text: r.2,
                link: r.3,
                created_at: r.4,
                read: r.5 != 0,
            })
            .collect())
    }

    /// How many of a user's notifications are unread.
    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read = 0",
            )
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?,
        )
    }

    /// Marks every notification of a user read; returns how many were not.
    pub async fn mark_notifications_read(&self, user_id: i64) -> Result<u64> {
        Ok(
            sqlx::query("UPDATE notifications SET read = 1 WHERE user_id = $1 AND read = 0")
                .bind(user_id)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}
