//! Accounts: users, server-side sessions, API tokens and the moderation
//! log (sign-in limits are in `throttle`, suspension in `admin`). Secrets never reach this module in the clear: the web
//! layer hashes passwords (argon2id), session ids and tokens (SHA-256).

use hao_domain::{Role, User};

use crate::{Result, Store, StoreError};

type UserTuple = (i64, String, String, Option<i64>);

fn user((id, username, role, creator_id): UserTuple) -> Result<User> {
    Ok(User {
        id,
        username,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt {
            table: "users",
            reason: format!("unknown role '{role}'"),
        })?,
        creator_id,
    })
}

/// An API token as its owner sees it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
}

/// One moderation-log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModerationEntry {
    pub actor: String,
    pub action: String,
    pub target: String,
    pub reason: String,
    pub at: i64,
}

impl Store {
    /// Creates a user; `None` when the username is taken.
    pub async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
        creator_id: Option<i64>,
    ) -> Result<Option<i64>> {
        let id = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, creator_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.code())
        .bind(creator_id)
        .bind(self.now())
        .fetch_optional(&self.pool)
        .await?;
        Ok(id)
    }

    /// A user and their password hash, by username.
    pub async fn user_for_signin(&self, username: &str) -> Result<Option<(User, String)>> {
        let row: Option<(i64, String, String, Option<i64>, String)> = sqlx::query_as(
            "SELECT id, username, role, creator_id, password_hash FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, name, role, creator, hash)| Ok((user((id, name, role, creator))?, hash)))
            .transpose()
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let row: Option<UserTuple> =
            sqlx::query_as("SELECT id, username, role, creator_id FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(user).transpose()
    }

    /// Sets a user's password hash and ends every session of theirs.
    pub async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        set_password_in(&mut tx, user_id, password_hash).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a user's role and creator account.
    pub async fn set_user_role(
        &self,
        user_id: i64,
        role: Role,
        creator_id: Option<i64>,
    ) -> Result<bool> {
        let n = sqlx::query("UPDATE users SET role = $1, creator_id = $2 WHERE id = $3")
            .bind(role.code())
            .bind(creator_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    pub async fn create_session(
        &self,
        id_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(self.now())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session's user and CSRF token.
    pub async fn session(&self, id_hash: &str) -> Result<Option<(User, String)>> {
        let row: Option<(i64, String, String, Option<i64>, String)> = sqlx::query_as(
            "SELECT u.id, u.username, u.role, u.creator_id, s.csrf FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2 \
             AND (u.suspended_until IS NULL OR u.suspended_until <= $2)",
        )
        .bind(id_hash)
        .bind(self.now())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, name, role, creator, csrf)| Ok((user((id, name, role, creator))?, csrf)))
            .transpose()
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1 OR expires_at <= $2")
            .bind(id_hash)
            .bind(self.now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn create_token(&self, user_id: i64, name: &str, token_hash: &str) -> Result<i64> {
        let id = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(self.now())
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// The user of a live (not revoked) token of a user not suspended;
    /// records its use.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<User>> {
        let row: Option<(i64, UserTuple)> =
            sqlx::query_as::<_, (i64, i64, String, String, Option<i64>)>(
                "SELECT t.id, u.id, u.username, u.role, u.creator_id FROM api_tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
             AND (u.suspended_until IS NULL OR u.suspended_until <= $2)",
            )
            .bind(token_hash)
            .bind(self.now())
            .fetch_optional(&self.pool)
            .await?
            .map(|(t, id, name, role, creator)| (t, (id, name, role, creator)));
        let Some((token_id, u)) = row else {
            return Ok(None);
        };
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(self.now())
            .bind(token_id)
            .execute(&self.pool)
            .await?;
        user(u).map(Some)
    }

    pub async fn tokens(&self, user_id: i64) -> Result<Vec<TokenInfo>> {
        type TokenTuple = (i64, String, i64, Option<i64>, Option<i64>);
        let rows: Vec<TokenTuple> = sqlx::query_as(
            "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens \
             WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at, last_used_at, revoked)| TokenInfo {
                id,
                name,
                created_at,
                last_used_at,
                revoked: revoked.is_some(),
            })
            .collect())
    }

    /// Revokes one of the user's tokens; false when there is no such live token.
    pub async fn revoke_token(&self, user_id: i64, token_id: i64) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 \
             AND revoked_at IS NULL",
        )
        .bind(self.now())
        .bind(token_id)
        .bind(user_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Appends to the moderation log.
    pub async fn log_moderation(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        reason: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO moderation_log (actor, action, target, reason, at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(reason)
        .bind(self.now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest moderation-log entries.
    pub async fn moderation_log(&self, limit: i64) -> Result<Vec<ModerationEntry>> {
        let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT actor, action, target, reason, at FROM moderation_log \
             ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(actor, action, target, reason, at)| ModerationEntry {
                actor,
                action,
                target,
                reason,
                at,
            })
            .collect())
    }
}

/// Sets a password hash and ends every session of the user, inside the
/// caller's transaction (an admin's reset, a reset link).
pub(crate) async fn set_password_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
    password_hash: &str,
) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
