//! Signing in and signing up, whatever the door: the limits every node
//! agrees on (in the database), password hashing off the async threads,
//! suspended accounts refused.
//!
//! Sign-in limits, each claimed *before* the password is checked (so that
//! parallel guesses cannot pass a check made before any was counted):
//! - per account and address: 5 attempts in 15 minutes;
//! - per address: 20 in 15 minutes, whatever the accounts;
//! - per account from anywhere: 30 in 15 minutes — except from a browser
//!   the owner signed in from before (the `hao_device` cookie), so that
//!   people guessing a password slow themselves down without locking the
//!   owner out.
//!
//! A successful sign-in gives its attempts back. Sign-ups: 5 per address an
//! hour (each costs an argon2 hash).

use hao_domain::User;
use hao_store::{Limit, StoreError};

use crate::App;
use crate::secrets::{hash_password, random_secret, sha256_hex, verify_password};

/// The window of the sign-in limits, seconds.
pub const SIGNIN_WINDOW: i64 = 15 * 60;
pub const MAX_PER_ACCOUNT_AND_ADDRESS: i64 = 5;
pub const MAX_PER_ADDRESS: i64 = 20;
pub const MAX_PER_ACCOUNT: i64 = 30;
/// Sign-ups per address per hour.
pub const MAX_SIGNUPS_PER_ADDRESS: i64 = 5;
pub const SIGNUP_WINDOW: i64 = 3600;

/// A sign-in refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("too many attempts; try again in {retry_after} s")]
    Throttled { retry_after: i64 },
    #[error("wrong username or password")]
    Wrong,
    #[error("the account is suspended until {until}: {reason}")]
    Suspended { until: i64, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A sign-up refused.
#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    #[error("too many sign-ups from this address; try again in {retry_after} s")]
    Throttled { retry_after: i64 },
    #[error("the username is taken")]
    Taken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Signed in: the user, and a new device token when the browser had none
/// of this user's (to be set as the `hao_device` cookie).
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub new_device: Option<String>,
}

fn signin_limits(username: &str, addr: &str, known_device: bool) -> Vec<Limit> {
    let limit = |key: String, limit| Limit {
        key,
        limit,
        window: SIGNIN_WINDOW,
    };
    let mut limits = vec![
        limit(
            format!("pair:{username}\u{1f}{addr}"),
            MAX_PER_ACCOUNT_AND_ADDRESS,
        ),
        limit(format!("addr:{addr}"), MAX_PER_ADDRESS),
    ];
    if !known_device {
        limits.push(limit(format!("user:{username}"), MAX_PER_ACCOUNT));
    }
    limits
}

/// Argon2 on the blocking threads: it takes tens of milliseconds of CPU,
/// which would stall every request sharing an async worker.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .expect("password hashing does not panic")
}

impl App {
    /// Checks `password` for `username`, from `addr`, in a browser holding
    /// `device` (the `hao_device` cookie) if any.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        addr: &str,
        device: Option<&str>,
    ) -> Result<SignedIn, SignInError> {
        let store = self.store();
        let device_hash = device.map(sha256_hex);
        let known = match &device_hash {
            Some(h) => store.is_signin_device(username, h).await?,
            None => false,
        };
        let limits = signin_limits(username, addr, known);
        if let Err(retry_after) = store.claim_attempt(&limits).await? {
            return Err(SignInError::Throttled { retry_after });
        }
        let found = store.user_for_signin(username).await?;
        let password = password.to_owned();
        let ok = match found {
            Some((user, hash)) => {
                let right = blocking(move || verify_password(&password, &hash)).await;
                right.then_some(user)
            }
            None => {
                // The same work for a name that does not exist: timing does
                // not tell which names do.
                blocking(move || {
                    let _ = verify_password(&password, DUMMY_HASH.as_str());
                })
                .await;
                None
            }
        };
        let Some(user) = ok else {
            return Err(SignInError::Wrong);
        };
        if let Some((until, reason)) = store.suspension(user.id).await? {
            return Err(SignInError::Suspended { until, reason });
        }
        let keys: Vec<&str> = limits[1..].iter().map(|l| l.key.as_str()).collect();
        store.release_attempt(&keys, &[&limits[0].key]).await?;
        let new_device = if known {
            None
        } else {
            let token = random_secret();
            store
                .add_signin_device(user.id, &sha256_hex(&token))
                .await?;
            Some(token)
        };
        Ok(SignedIn { user, new_device })
    }

    /// Creates a reader account from `addr`; the sign-up is counted before
    /// the password is hashed.
    pub async fn sign_up(
        &self,
        username: &str,
        password: &str,
        addr: &str,
    ) -> Result<i64, SignUpError> {
        let store = self.store();
        let limit = Limit {
            key: format!("signup:{addr}"),
            limit: MAX_SIGNUPS_PER_ADDRESS,
            window: SIGNUP_WINDOW,
        };
        if let Err(retry_after) = store.claim_attempt(std::slice::from_ref(&limit)).await? {
            return Err(SignUpError::Throttled { retry_after });
        }
        let password = password.to_owned();
        let hash = blocking(move || hash_password(&password)).await;
        match store
            .create_user(username, &hash, hao_domain::Role::Reader, None)
            .await?
        {
            Some(id) => Ok(id),
            None => {
                // A taken name made no account: it does not count.
                store.release_attempt(&[&limit.key], &[]).await?;
                Err(SignUpError::Taken)
            }
        }
    }
}

/// A hash of nothing anyone knows, checked when the username does not exist.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&random_secret()));
