//! 消息: a user's notifications. Every editor decision that concerns a user
//! (their application, an article in review, a take-down, an originality
//! verdict, an appeal, a report's outcome) and every reader's answer to
//! them (a reply, a like, a new follower) writes one in the transaction of
//! the act, so an act is never made without its notice, nor the other way
//! round. A user may turn off the kinds readers cause
//! ([`TURNABLE_OFF`]); editors' decisions always arrive.

use crate::{Result, Store};

/// One notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: i64,
    /// application | review | take-down | originality | appeal | reply |
    /// comment-like | like | follower | comment | report | mute
    pub kind: String,
    pub text: String,
    /// Where to act on it (site-relative), or empty.
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

/// The kinds of 消息 a user may turn off, with their labels.
pub const TURNABLE_OFF: [(&str, &str); 4] = [
    ("reply", "回复我的跟帖"),
    ("comment-like", "赞了我的跟帖"),
    ("like", "赞了我的文章"),
    ("follower", "新的关注者"),
];

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

/// Notifies every account of a creator but `except` (no notice of one's own act).
pub(crate) async fn notify_creator_except(
    tx: &mut Tx<'_>,
    creator_id: i64,
    except: i64,
    kind: &str,
    text: &str,
    link: &str,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, text, link, created_at) \
         SELECT id, $2, $3, $4, $5 FROM users WHERE creator_id = $1 AND id <> $6 AND NOT EXISTS \
         (SELECT 1 FROM notification_off o WHERE o.user_id = users.id AND o.kind = $2)",
    )
    .bind(creator_id)
    .bind(kind)
    .bind(text)
    .bind(link)
    .bind(at)
    .bind(except)
    .execute(&mut **tx)
    .await?;
    Ok(())
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
         SELECT id, $2, $3, $4, $5 FROM users WHERE {column} = $1 AND NOT EXISTS \
         (SELECT 1 FROM notification_off o WHERE o.user_id = users.id AND o.kind = $2)"
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

    /// The kinds of 消息 `user_id` turned off.
    pub async fn notifications_off(&self, user_id: i64) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar(
                "SELECT kind FROM notification_off WHERE user_id = $1 ORDER BY kind",
            )
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// Turns a kind of 消息 on or off for `user_id` (only [`TURNABLE_OFF`]
    /// kinds; `Ok(false)` for any other).
    pub async fn set_notification_kind(&self, user_id: i64, kind: &str, on: bool) -> Result<bool> {
        if !TURNABLE_OFF.iter().any(|(k, _)| *k == kind) {
            return Ok(false);
        }
        let sql = if on {
            "DELETE FROM notification_off WHERE user_id = $1 AND kind = $2"
        } else {
            "INSERT INTO notification_off (user_id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        };
        sqlx::query(sql)
            .bind(user_id)
            .bind(kind)
            .execute(&self.pool)
            .await?;
        Ok(true)
    }
}
