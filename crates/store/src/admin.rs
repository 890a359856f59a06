//! What `/admin` reads and changes: users found by name, suspension (封禁),
//! revoking sessions and tokens, site settings. Every node reads suspension
//! from here on every request (`Store::session`, `Store::token_user`), so a
//! suspension holds on every node at once.

use hao_domain::Role;

use crate::{Result, Store, StoreError};

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

impl Store {
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

    /// Suspends a user until `until` (`None` lifts it) and ends their
    /// sessions; tokens are refused while it lasts. False when there is no
    /// such user.
    pub async fn suspend(&self, user_id: i64, until: Option<i64>, reason: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let n =
            sqlx::query("UPDATE users SET suspended_until = $1, suspend_reason = $2 WHERE id = $3")
                .bind(until)
                .bind(reason)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if until.is_some() {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Ends every session of a user; returns how many.
    pub async fn revoke_sessions(&self, user_id: i64) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Revokes every live API token of a user; returns how many.
    pub async fn revoke_tokens(&self, user_id: i64) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(self.now())
        .bind(user_id)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Every site setting an admin has set.
    pub async fn settings(&self) -> Result<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT key, value FROM site_settings ORDER BY key")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Sets (or with an empty value, clears) one site setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        if value.is_empty() {
            sqlx::query("DELETE FROM site_settings WHERE key = $1")
                .bind(key)
                .execute(&self.pool)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO site_settings (key, value, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3",
            )
            .bind(key)
            .bind(value)
            .bind(self.now())
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }
}
