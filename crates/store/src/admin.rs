//! What `/admin` reads and changes: users found by name, suspension (封禁),
//! revoking sessions and tokens, site settings. Every node reads suspension
//! from here on every request (`Store::session`, `Store::token_user`), so a
//! suspension holds on every node at once.

use hao_domain::Role;

use crate::notifications::notify_user;
use crate::{Result, Store, StoreError};

/// What an admin does to a user. Each is made with its moderation-log entry
/// and the user's 消息 in one transaction ([`Store::admin_act`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminAct {
    /// 封禁 until a time: sessions end at once, tokens are refused, signing
    /// in is refused.
    Suspend { until: i64, reason: String },
    /// Lifts a suspension.
    Unsuspend,
    /// 禁言 until a time (no comments).
    Mute { until: i64, reason: String },
    /// Lifts a 禁言.
    Unmute,
    /// A new role (a creator role needs the user's creator account).
    Role(Role),
    /// Ends every session.
    RevokeSessions,
    /// Revokes every API token.
    RevokeTokens,
}

/// Why an act was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminRefusal {
    NoSuchUser,
    /// The user has no creator account to write as.
    NotACreator,
    /// The last admin cannot stop being one (nor be suspended).
    LastAdmin,
}

/// A user as the admin console lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUser {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub creator_id: Option<i64>,
    pub creator_name: Option<String>,
    pub created_at: i64,
    pub suspended_until: Option<i64>,
    pub suspend_reason: String,
    pub muted_until: Option<i64>,
    pub sessions: i64,
    pub tokens: i64,
}

type AdminRow = (
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    i64,
    Option<i64>,
    String,
    Option<i64>,
    i64,
    i64,
);

/// What `/admin` shows at a glance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteCounts {
    pub users: i64,
    pub suspended: i64,
    pub published: i64,
    pub comments: i64,
    pub media: i64,
    pub pending_applications: i64,
    pub open_reports: i64,
}

impl Store {
    /// The figures of `/admin`.
    pub async fn site_counts(&self) -> Result<SiteCounts> {
        let now = self.now();
        let row: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM users), \
             (SELECT COUNT(*) FROM users WHERE suspended_until > $1), \
             (SELECT COUNT(*) FROM articles WHERE status = 'published'), \
             (SELECT COUNT(*) FROM comments), (SELECT COUNT(*) FROM media), \
             (SELECT COUNT(*) FROM creator_applications WHERE status = 'pending'), \
             (SELECT COUNT(*) FROM reports WHERE resolved_at IS NULL)",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(SiteCounts {
            users: row.0,
            suspended: row.1,
            published: row.2,
            comments: row.3,
            media: row.4,
            pending_applications: row.5,
            open_reports: row.6,
        })
    }

    /// Users whose name contains `query` (all when empty), newest first.
    pub async fn find_users(&self, query: &str, limit: i64) -> Result<Vec<AdminUser>> {
        let now = self.now();
        let pattern = format!(
            "%{}%",
            query
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let rows: Vec<AdminRow> = sqlx::query_as(
            "SELECT u.id, u.username, u.role, u.creator_id, c.display_name, u.created_at, \
             CASE WHEN u.suspended_until > $2 THEN u.suspended_until END, u.suspend_reason, \
             (SELECT m.until FROM mutes m WHERE m.user_id = u.id AND m.until > $2), \
             (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > $2), \
             (SELECT COUNT(*) FROM api_tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL) \
             FROM users u LEFT JOIN creators c ON c.id = u.creator_id \
             WHERE u.username LIKE $1 ESCAPE '\\' OR c.display_name LIKE $1 ESCAPE '\\' \
             ORDER BY u.id DESC LIMIT $3",
        )
        .bind(&pattern)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AdminUser {
                    id: r.0,
                    username: r.1,
                    role: Role::parse(&r.2).ok_or_else(|| StoreError::Corrupt {
                        table: "users",
                        reason: format!("unknown role '{}'", r.2),
                    })?,
                    creator_id: r.3,
                    creator_name: r.4,
                    created_at: r.5,
                    suspended_until: r.6,
                    suspend_reason: r.7,
                    muted_until: r.8,
                    sessions: r.9,
                    tokens: r.10,
                })
            })
            .collect()
    }

    /// The user's suspension, while it lasts: (until, reason).
    pub async fn suspension(&self, user_id: i64) -> Result<Option<(i64, String)>> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT suspended_until, suspend_reason FROM users \
             WHERE id = $1 AND suspended_until > $2",
        )
        .bind(user_id)
        .bind(self.now())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row)
    }

    /// Makes `act` on `user_id` as `actor` (an admin's username), with its
    /// moderation-log entry and the user's 消息, in one transaction.
    pub async fn admin_act(
        &self,
        actor: &str,
        user_id: i64,
        act: &AdminAct,
    ) -> Result<std::result::Result<(), AdminRefusal>> {
        let at = self.now();
        let mut tx = self.begin_write().await?;
        let row: Option<(String, String, Option<i64>)> =
            sqlx::query_as("SELECT username, role, creator_id FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((username, role, creator_id)) = row else {
            return Ok(Err(AdminRefusal::NoSuchUser));
        };
        let demotes_admin = role == "admin"
            && (matches!(act, AdminAct::Suspend { .. })
                || matches!(act, AdminAct::Role(r) if *r != Role::Admin));
        if demotes_admin {
            let admins: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM users WHERE role = 'admin'                  AND (suspended_until IS NULL OR suspended_until <= $1)",
            )
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            if admins <= 1 {
                return Ok(Err(AdminRefusal::LastAdmin));
            }
        }
        let (action, reason, notice, link) = match act {
            AdminAct::Suspend { until, reason } => {
                sqlx::query(
                    "UPDATE users SET suspended_until = $1, suspend_reason = $2 WHERE id = $3",
                )
                .bind(until)
                .bind(reason)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                (
                    "user.suspend",
                    format!("{reason}（至 {until}）"),
                    format!("你的账号已被封禁，原因：{reason}。封禁期间不能登录和使用 API。"),
                    "",
                )
            }
            AdminAct::Unsuspend => {
                sqlx::query(
                    "UPDATE users SET suspended_until = NULL, suspend_reason = '' WHERE id = $1",
                )
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                (
                    "user.unsuspend",
                    String::new(),
                    "你的账号已解除封禁。".to_owned(),
                    "/me",
                )
            }
            AdminAct::Mute { until, reason } => {
                crate::moderation::upsert_mute(&mut tx, user_id, *until, reason, at).await?;
                (
                    "user.mute",
                    format!("{reason}（至 {until}）"),
                    format!("你已被禁言，原因：{reason}。禁言期间不能发表跟帖。"),
                    "/me/comments",
                )
            }
            AdminAct::Unmute => {
                sqlx::query("DELETE FROM mutes WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                (
                    "user.unmute",
                    String::new(),
                    "你的禁言已解除。".to_owned(),
                    "/me/comments",
                )
            }
            AdminAct::Role(new) => {
                if *new == Role::Creator && creator_id.is_none() {
                    return Ok(Err(AdminRefusal::NotACreator));
                }
                sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                    .bind(new.code())
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                (
                    "user.role",
                    format!("{role} → {}", new.code()),
                    format!("你的账号角色已改为「{}」。", new.label()),
                    "/me",
                )
            }
            AdminAct::RevokeSessions => {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                (
                    "user.revoke-sessions",
                    String::new(),
                    "管理员已让你的账号在所有设备上退出登录。".to_owned(),
                    "/signin",
                )
            }
            AdminAct::RevokeTokens => {
                sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $1                      WHERE user_id = $2 AND revoked_at IS NULL",
                )
                .bind(at)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                (
                    "user.revoke-tokens",
                    String::new(),
                    "管理员已撤销你的全部 API 令牌。".to_owned(),
                    "/me",
                )
            }
        };
        sqlx::query(
            "INSERT INTO moderation_log (actor, action, target, reason, at)              VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(actor)
        .bind(action)
        .bind(format!("user {user_id} ({username})"))
        .bind(&reason)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        notify_user(&mut tx, user_id, "account", &notice, link, at).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Every site setting an admin has set.
    pub async fn settings(&self) -> Result<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT key, value FROM site_settings ORDER BY key")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Sets site settings (an empty value clears one) as `actor`, with a
    /// moderation-log entry and a change-log row, so that every node reads
    /// them again and redraws its pages.
    pub async fn save_settings(&self, actor: &str, settings: &[(&str, &str)]) -> Result<()> {
        let at = self.now();
        let mut tx = self.begin_write().await?;
        for (key, value) in settings {
            if value.is_empty() {
                sqlx::query("DELETE FROM site_settings WHERE key = $1")
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query(
                    "INSERT INTO site_settings (key, value, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3",
                )
                .bind(key)
                .bind(value)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
        }
        let keys: Vec<&str> = settings.iter().map(|(k, _)| *k).collect();
        sqlx::query(
            "INSERT INTO moderation_log (actor, action, target, reason, at) \
             VALUES ($1, 'settings', $2, '', $3)",
        )
        .bind(actor)
        .bind(keys.join(", "))
        .bind(at)
        .execute(&mut *tx)
        .await?;
        self.log_change(&mut tx, "settings", None, at).await?;
        tx.commit().await?;
        Ok(())
    }
}
