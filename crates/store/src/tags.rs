//! Tags as rows (`article_tags`, kept by `upsert_articles`): 话题 pages,
//! their feeds and 热门话题.

use crate::articles::VISIBLE;
use crate::{ListPage, Result, Store};

impl Store {
    /// The published, listed articles tagged `tag`, newest first.
    pub async fn tag_articles(&self, tag: &str, limit: i64, offset: i64) -> Result<ListPage> {
        self.list_page(
            "AND a.id IN (SELECT article_id FROM article_tags WHERE tag = $3)",
            &[tag],
            limit,
            offset,
        )
        .await
    }

    /// The tags of the most articles published since `since` (热门话题),
    /// with their counts, most first.
    pub async fn hot_tags(&self, since: i64, limit: i64) -> Result<Vec<(String, i64)>> {
        let sql = format!(
            "SELECT t.tag, COUNT(*) AS n FROM article_tags t \
             JOIN articles a ON a.id = t.article_id \
             WHERE {VISIBLE} AND a.published_at >= $1 \
             GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT $2"
        );
        Ok(sqlx::query_as(&sql)
            .bind(since)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Published, listed articles published in `[from, to)`: how many, and
    /// the latest time one of them changed (a sitemap's `lastmod`).
    pub async fn published_between(&self, from: i64, to: i64) -> Result<(i64, Option<i64>)> {
        let sql = format!(
            "SELECT COUNT(*), MAX(a.updated_at) FROM articles a \
             WHERE {VISIBLE} AND a.published_at >= $1 AND a.published_at < $2"
        );
        Ok(sqlx::query_as(&sql)
            .bind(from)
            .bind(to)
            .fetch_one(&self.pool)
            .await?)
    }

    /// The first and last publishing times of published, listed articles.
    pub async fn published_span(&self) -> Result<Option<(i64, i64)>> {
        let sql = format!(
            "SELECT MIN(a.published_at), MAX(a.published_at) FROM articles a WHERE {VISIBLE}"
        );
        let (min, max): (Option<i64>, Option<i64>) =
            sqlx::query_as(&sql).fetch_one(&self.pool).await?;
        Ok(min.zip(max))
    }

    /// (id, updated_at) of the published, listed articles published in
    /// `[from, to)`, at most `limit`, oldest first (a month's sitemap).
    pub async fn published_ids_between(
        &self,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<(i64, i64)>> {
        let sql = format!(
            "SELECT a.id, a.updated_at FROM articles a \
             WHERE {VISIBLE} AND a.published_at >= $1 AND a.published_at < $2 \
             ORDER BY a.published_at, a.id LIMIT $3"
        );
        Ok(sqlx::query_as(&sql)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }
}
