//! Uploaded images: stored as rows, so that any node serves any image.

use crate::{Result, Store};

impl Store {
    /// Stores an image under `name` (a content hash, so the same image
    /// uploaded twice is stored once).
    pub async fn put_media(
        &self,
        name: &str,
        mime: &str,
        bytes: &[u8],
        (width, height): (u32, u32),
        user_id: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO media (name, mime, bytes, width, height, user_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(mime)
        .bind(bytes)
        .bind(i64::from(width))
        .bind(i64::from(height))
        .bind(user_id)
        .bind(self.now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// An image by name: (mime type, bytes).
    pub async fn media(&self, name: &str) -> Result<Option<(String, Vec<u8>)>> {
        let row = sqlx::query_as("SELECT mime, bytes FROM media WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row)
    }

    /// How many images are stored (the admin console's figure).
    pub async fn media_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM media")
            .fetch_one(&self.pool)
            .await?)
    }
}
