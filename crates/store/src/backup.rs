//! Consistent copies of an SQLite database while it serves (`VACUUM INTO`:
//! one read transaction, so the copy is the database as of one instant,
//! whatever writers do meanwhile), and the checks a copy passes before it
//! is used.

use std::path::Path;

use sqlx::Connection;

use crate::{Backend, Result, SQLITE_MIGRATIONS, Store, StoreError};

/// What a copy holds, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyCheck {
    /// The newest migration applied to the copy.
    pub schema: i64,
    pub articles: i64,
    pub users: i64,
}

/// The newest migration this build knows (SQLite).
pub fn sqlite_schema_version() -> i64 {
    SQLITE_MIGRATIONS
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

impl Store {
    /// The newest migration applied to this database.
    pub async fn schema_version(&self) -> Result<i64> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await?;
        Ok(v.unwrap_or(0))
    }

    /// The database's size in bytes (SQLite: pages × page size).
    pub async fn database_bytes(&self) -> Result<u64> {
        if self.backend != Backend::Sqlite {
            return Ok(0);
        }
        let pages: i64 = sqlx::query_scalar("SELECT page_count FROM pragma_page_count()")
            .fetch_one(&self.pool)
            .await?;
        let size: i64 = sqlx::query_scalar("SELECT page_size FROM pragma_page_size()")
            .fetch_one(&self.pool)
            .await?;
        Ok((pages * size).max(0) as u64)
    }

    /// Writes a consistent copy of this SQLite database to `path` (which
    /// must not exist), while other connections keep writing.
    pub async fn backup_into(&self, path: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Corrupt {
                table: "backup",
                reason: "VACUUM INTO is SQLite's; on PostgreSQL use pg_dump".into(),
            });
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Checks an SQLite copy without changing it: `PRAGMA integrity_check`, and
/// a schema this build can read (not newer than it knows). `Err` says why
/// the copy is refused.
pub async fn check_copy(path: &Path) -> std::result::Result<CopyCheck, String> {
    if !path.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = sqlx::AnyConnection::connect(&url)
        .await
        .map_err(|e| format!("cannot open {} as SQLite: {e}", path.display()))?;
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(|e| format!("{} is not an SQLite database: {e}", path.display()))?;
    if integrity != ["ok"] {
        return Err(format!(
            "the copy is damaged: {}",
            integrity.into_iter().take(5).collect::<Vec<_>>().join("; ")
        ));
    }
    let schema: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await
            .map_err(|_| "not a Hao database (no migration table)".to_owned())?;
    let schema = schema.ok_or("not a Hao database (no migration applied)")?;
    let known = sqlite_schema_version();
    if schema > known {
        return Err(format!(
            "the copy's schema ({schema}) is newer than this hao knows ({known}): restore it with a newer hao"
        ));
    }
    let articles: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| format!("no articles table: {e}"))?;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| format!("no users table: {e}"))?;
    let _ = conn.close().await;
    Ok(CopyCheck {
        schema,
        articles,
        users,
    })
}
