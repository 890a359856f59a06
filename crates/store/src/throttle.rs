//! Limits that every node must agree on, kept in the database: sign-in
//! attempts and sign-ups. A counter per key in a fixed window, claimed
//! *before* the expensive work (argon2) by one conditional upsert, so that
//! a hundred parallel guesses cannot all pass a check made before any was
//! counted. Known sign-in devices let an owner in past the per-account
//! counter others fill.

use crate::{Result, Store};

/// One limit: `key` may be claimed `limit` times per `window` seconds.
#[derive(Debug, Clone)]
pub struct Limit {
    pub key: String,
    pub limit: i64,
    pub window: i64,
}

impl Store {
    /// Claims one attempt against every limit, all or none: `Ok(Ok(()))`
    /// when each had room (each is now counted), `Ok(Err(seconds))` with
    /// the wait until the fullest has room again (nothing is counted).
    pub async fn claim_attempt(&self, limits: &[Limit]) -> Result<std::result::Result<(), i64>> {
        let now = self.now();
        let mut tx = self.begin_write().await?;
        for l in limits {
            let since = now - l.window;
            // One statement, so that the check and the count are one step:
            // the row lock (PostgreSQL) or the write lock (SQLite) orders
            // parallel attempts.
            let claimed: Option<i64> = sqlx::query_scalar(
                "INSERT INTO signin_failures (key, window_start, failures) VALUES ($1, $2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                 failures = CASE WHEN signin_failures.window_start > $3 \
                     THEN signin_failures.failures + 1 ELSE 1 END, \
                 window_start = CASE WHEN signin_failures.window_start > $3 \
                     THEN signin_failures.window_start ELSE $2 END \
                 WHERE signin_failures.window_start <= $3 OR signin_failures.failures < $4 \
                 RETURNING failures",
            )
            .bind(&l.key)
            .bind(now)
            .bind(since)
            .bind(l.limit)
            .fetch_optional(&mut *tx)
            .await?;
            if claimed.is_none() {
                let start: i64 =
                    sqlx::query_scalar("SELECT window_start FROM signin_failures WHERE key = $1")
                        .bind(&l.key)
                        .fetch_one(&mut *tx)
                        .await?;
                tx.rollback().await?;
                return Ok(Err((start + l.window - now).max(1)));
            }
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Gives back one claimed attempt of each key (a sign-in that
    /// succeeded is not a failure) and forgets `clear` entirely.
    pub async fn release_attempt(&self, keys: &[&str], clear: &[&str]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for key in keys {
            sqlx::query(
                "UPDATE signin_failures SET failures = failures - 1 \
                 WHERE key = $1 AND failures > 0",
            )
            .bind(key)
            .execute(&mut *tx)
            .await?;
        }
        for key in clear {
            sqlx::query("DELETE FROM signin_failures WHERE key = $1")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Remembers a browser `user_id` signed in from (the token's SHA-256).
    pub async fn add_signin_device(&self, user_id: i64, token_hash: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO signin_devices (token_hash, user_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(self.now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether `token_hash` is a browser the user named `username` signed in from.
    pub async fn is_signin_device(&self, username: &str, token_hash: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM signin_devices d JOIN users u ON u.id = d.user_id \
             WHERE d.token_hash = $1 AND u.username = $2",
        )
        .bind(token_hash)
        .bind(username)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }
}
