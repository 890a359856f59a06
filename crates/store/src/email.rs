//! E-mail addresses of users and the single-use links sent to them
//! (`email_tokens`: only the token's SHA-256 is stored).

use crate::{Result, Store};

/// What a link sent by e-mail is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailPurpose {
    /// Confirms an address a user added.
    Verify,
    /// Sets a new password.
    Reset,
}

impl EmailPurpose {
    pub fn code(self) -> &'static str {
        match self {
            EmailPurpose::Verify => "verify",
            EmailPurpose::Reset => "reset",
        }
    }
}

impl Store {
    /// Stores a link's token (its hash) for `user_id`, valid until `expires_at`.
    /// Earlier unused links of the same purpose stop working.
    pub async fn create_email_token(
        &self,
        token_hash: &str,
        user_id: i64,
        purpose: EmailPurpose,
        email: &str,
        expires_at: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = self.now();
        sqlx::query(
            "UPDATE email_tokens SET used_at = $3 \
             WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        )
        .bind(user_id)
        .bind(purpose.code())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(purpose.code())
        .bind(email)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user and address of an unused, unexpired link, without using it.
    pub async fn peek_email_token(
        &self,
        token_hash: &str,
        purpose: EmailPurpose,
    ) -> Result<Option<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT user_id, email FROM email_tokens \
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(purpose.code())
        .bind(self.now())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Confirms an address: the link is used up (once, whoever is first)
    /// and the address becomes the user's. `None` when the link is unknown,
    /// used or expired, or the address is now another user's.
    pub async fn verify_email(&self, token_hash: &str) -> Result<Option<(i64, String)>> {
        let mut tx = self.begin_write().await?;
        let now = self.now();
        let Some((user_id, email)) =
            use_token(&mut tx, token_hash, EmailPurpose::Verify, now).await?
        else {
            return Ok(None);
        };
        let taken: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1 AND id <> $2")
                .bind(&email)
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
        if taken > 0 {
            tx.commit().await?;
            return Ok(None);
        }
        sqlx::query("UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3")
            .bind(&email)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some((user_id, email)))
    }

    /// Sets a new password through a reset link: the link is used up, the
    /// hash set, every session of the user ended, in one transaction.
    /// `None` when the link is unknown, used or expired.
    pub async fn reset_password_with(
        &self,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let now = self.now();
        let Some((user_id, _)) = use_token(&mut tx, token_hash, EmailPurpose::Reset, now).await?
        else {
            return Ok(None);
        };
        crate::accounts::set_password_in(&mut tx, user_id, password_hash).await?;
        tx.commit().await?;
        Ok(Some(user_id))
    }

    /// The user whose confirmed address this is.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM users WHERE email = $1 AND email_verified_at IS NOT NULL",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A user's confirmed address, if any.
    pub async fn email_of(&self, user_id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar::<_, Option<String>>(
            "SELECT email FROM users WHERE id = $1 AND email_verified_at IS NOT NULL",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }
}

async fn use_token(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    token_hash: &str,
    purpose: EmailPurpose,
    now: i64,
) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "UPDATE email_tokens SET used_at = $3 \
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
         RETURNING user_id, email",
    )
    .bind(token_hash)
    .bind(purpose.code())
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?)
}
