//! E-mail addresses and 忘记密码: a signed-in user adds an address and
//! confirms it through a link sent there; a user who forgot a password asks
//! for a link by that address and sets a new password with it, which ends
//! every other session. Links are random, single-use, expiring, and only
//! their SHA-256 is stored. Asking for a reset says the same whether or not
//! an account has the address (and sends from a background task, so the
//! answer takes the same time), and is limited per address and per network.

use hao_domain::{User, validate_password};
use hao_store::{EmailPurpose, Limit, StoreError};

use crate::App;
use crate::accounts::blocking;
use crate::mail::MailError;
use crate::secrets::{hash_password, random_secret, sha256_hex};

/// How long a reset link works.
pub const RESET_SECONDS: i64 = 3600;
/// How long a confirmation link works.
pub const VERIFY_SECONDS: i64 = 24 * 3600;
/// Messages asked for per address (e-mail or network) an hour.
pub const SENDS_PER_HOUR: i64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error("this site sends no e-mail (no --smtp-url)")]
    NoMail,
    #[error("{0}")]
    Invalid(String),
    #[error("too many messages asked for; try again in {retry_after} s")]
    Throttled { retry_after: i64 },
    #[error("the address is another account's")]
    Taken,
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A plausible address, lower-cased: one `@`, a dotted domain, no spaces,
/// at most 254 bytes. Whether it receives mail is what the link proves.
pub fn normalize_email(raw: &str) -> Result<String, RecoveryError> {
    let e = raw.trim().to_lowercase();
    let bad = || RecoveryError::Invalid("请输入有效的邮箱地址，如 name@example.com".into());
    if e.len() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(e)
}

impl App {
    async fn claim_send(&self, keys: &[String]) -> Result<(), RecoveryError> {
        let limits: Vec<Limit> = keys
            .iter()
            .map(|k| Limit {
                key: format!("mail:{k}"),
                limit: SENDS_PER_HOUR,
                window: 3600,
            })
            .collect();
        if let Err(retry_after) = self.store().claim_attempt(&limits).await? {
            return Err(RecoveryError::Throttled { retry_after });
        }
        Ok(())
    }

    /// Sends `user` a link confirming `email` as their address.
    pub async fn send_email_verification(
        &self,
        user: &User,
        email: &str,
        base_url: &str,
        addr: &str,
    ) -> Result<(), RecoveryError> {
        let mailer = self.mailer().ok_or(RecoveryError::NoMail)?;
        let email = normalize_email(email)?;
        if self
            .store()
            .user_by_email(&email)
            .await?
            .is_some_and(|id| id != user.id)
        {
            return Err(RecoveryError::Taken);
        }
        self.claim_send(&[format!("user:{}", user.id), format!("addr:{addr}")])
            .await?;
        let token = random_secret();
        self.store()
            .create_email_token(
                &sha256_hex(&token),
                user.id,
                EmailPurpose::Verify,
                &email,
                self.now() + VERIFY_SECONDS,
            )
            .await?;
        let body = format!(
            "{name}，你好：\n\n请打开下面的链接，确认 {email} 是你在号平台的邮箱（24 小时内有效，只能用一次）：\n\n{base_url}/verify-email?token={token}\n\n如果不是你本人操作，请忽略这封邮件。\n\n—— 号平台",
            name = user.username
        );
        mailer.send(&email, "确认你的邮箱 · 号平台", body).await?;
        Ok(())
    }

    /// Confirms an address by its link: the address it confirmed, or
    /// `None` when the link is unknown, used, expired, or the address was
    /// taken meanwhile.
    pub async fn confirm_email(&self, token: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .store()
            .verify_email(&sha256_hex(token))
            .await?
            .map(|(_, email)| email))
    }

    /// Asks for a reset link to `email`. Answers the same whether or not an
    /// account has it; the message goes from a background task.
    pub async fn send_password_reset(
        &self,
        email: &str,
        base_url: &str,
        addr: &str,
    ) -> Result<(), RecoveryError> {
        let mailer = self.mailer().ok_or(RecoveryError::NoMail)?.clone();
        let email = normalize_email(email)?;
        self.claim_send(&[format!("email:{email}"), format!("addr:{addr}")])
            .await?;
        let Some(user_id) = self.store().user_by_email(&email).await? else {
            return Ok(());
        };
        let Some(user) = self.store().user(user_id).await? else {
            return Ok(());
        };
        let token = random_secret();
        self.store()
            .create_email_token(
                &sha256_hex(&token),
                user_id,
                EmailPurpose::Reset,
                &email,
                self.now() + RESET_SECONDS,
            )
            .await?;
        let body = format!(
            "{name}，你好：\n\n有人（希望是你）请求重设号平台账号 {name} 的密码。请在 1 小时内打开下面的链接设置新密码（只能用一次）：\n\n{base_url}/reset-password?token={token}\n\n设置新密码后，其他设备上的登录都会退出。如果不是你本人操作，请忽略这封邮件，密码不会改变。\n\n—— 号平台",
            name = user.username
        );
        tokio::spawn(async move {
            if let Err(e) = mailer.send(&email, "重设密码 · 号平台", body).await {
                crate::background_error("mail", &e, "a password reset message was not sent");
            }
        });
        Ok(())
    }

    /// Whether a reset link still works (to show its form or say it does not).
    pub async fn reset_link_works(&self, token: &str) -> Result<bool, StoreError> {
        Ok(self
            .store()
            .peek_email_token(&sha256_hex(token), EmailPurpose::Reset)
            .await?
            .is_some())
    }

    /// Sets a new password through a reset link; every session of the user
    /// ends. The user's id, or `None` when the link does not work.
    pub async fn reset_password(
        &self,
        token: &str,
        password: &str,
    ) -> Result<Option<i64>, RecoveryError> {
        validate_password(password).map_err(|e| {
            RecoveryError::Invalid(match e {
                hao_domain::ValidationError::Invalid { reason, .. } => reason,
                other => other.to_string(),
            })
        })?;
        if !self.reset_link_works(token).await? {
            return Ok(None);
        }
        let password = password.to_owned();
        let hash = blocking(move || hash_password(&password)).await;
        Ok(self
            .store()
            .reset_password_with(&sha256_hex(token), &hash)
            .await?)
    }
}
