//! Creators: found or created by display name (imports), read for author cards.

use hao_domain::{AccountType, Creator};

use crate::{Result, Store, rows};

/// A creator to find or create.
#[derive(Debug, Clone)]
pub struct NewCreator<'a> {
    pub display_name: &'a str,
    pub account_type: AccountType,
    pub bio: &'a str,
    pub is_demo: bool,
    pub is_official: bool,
}

impl Store {
    /// Returns the id of the creator with this display name, creating it if
    /// missing. An existing creator keeps its profile: an import never
    /// overwrites what a person wrote about themselves.
    pub async fn ensure_creator(&self, new: &NewCreator<'_>) -> Result<i64> {
        if let Some(id) =
            sqlx::query_scalar::<_, i64>("SELECT id FROM creators WHERE display_name = $1")
                .bind(new.display_name)
                .fetch_optional(&self.pool)
                .await?
        {
            return Ok(id);
        }
        // Two importers may race on a new name: the loser's insert does nothing
        // and the select below finds the winner's row.
        sqlx::query(
            "INSERT INTO creators (display_name, bio, account_type, is_demo, is_official, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (display_name) DO NOTHING",
        )
        .bind(new.display_name)
        .bind(new.bio)
        .bind(new.account_type.code())
        .bind(i64::from(new.is_demo))
        .bind(i64::from(new.is_official))
        .bind(self.now())
        .execute(&self.pool)
        .await?;
        let id = sqlx::query_scalar::<_, i64>("SELECT id FROM creators WHERE display_name = $1")
            .bind(new.display_name)
            .fetch_one(&self.pool)
            .await?;
        Ok(id)
    }

    /// A creator with its published-article count.
    pub async fn creator(&self, id: i64) -> Result<Option<Creator>> {
        let sql = format!(
            "SELECT {} FROM creators c WHERE c.id = $1",
            rows::CREATOR_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::creator).transpose()
    }

    /// A creator by display name.
    pub async fn creator_by_name(&self, name: &str) -> Result<Option<Creator>> {
        let sql = format!(
            "SELECT {} FROM creators c WHERE c.display_name = $1",
            rows::CREATOR_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::creator).transpose()
    }
}
