//! Lists for the read API, paged by keyset (a cursor names the last row
//! seen), so a page deep in a million articles costs what the first does and
//! no row is skipped or repeated when articles are published meanwhile.

use hao_domain::{ArticleSummary, Channel, Creator};

use crate::articles::VISIBLE;
use crate::{Result, Store, rows};

/// Which articles a list holds.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub channel: Option<Channel>,
    pub creator_id: Option<i64>,
    pub tag: Option<String>,
}

impl Store {
    /// Published, listed articles matching `filter`, newest first, after the
    /// cursor `before` (the `(published_at, id)` of the last one seen).
    pub async fn articles_before(
        &self,
        filter: &ArticleFilter,
        before: Option<(i64, i64)>,
        limit: i64,
    ) -> Result<Vec<ArticleSummary>> {
        let mut conditions = vec![VISIBLE.to_owned()];
        let mut n = 1;
        let mut next = || {
            n += 1;
            n
        };
        let join = if filter.tag.is_some() {
            conditions.push(format!("t.tag = ${}", next()));
            "JOIN article_tags t ON t.article_id = a.id"
        } else {
            ""
        };
        if filter.channel.is_some() {
            conditions.push(format!("a.channel = ${}", next()));
        }
        if filter.creator_id.is_some() {
            conditions.push(format!("a.creator_id = ${}", next()));
        }
        if before.is_some() {
            let (t, id) = (next(), next());
            conditions.push(format!(
                "(a.published_at < ${t} OR (a.published_at = ${t} AND a.id < ${id}))"
            ));
        }
        let sql = format!(
            "SELECT {} FROM articles a {join} JOIN creators c ON c.id = a.creator_id \
             WHERE {} ORDER BY a.published_at DESC, a.id DESC LIMIT $1",
            rows::SUMMARY_COLUMNS,
            conditions.join(" AND ")
        );
        let mut q = sqlx::query(&sql).bind(limit);
        if let Some(tag) = &filter.tag {
            q = q.bind(tag.as_str());
        }
        if let Some(c) = filter.channel {
            q = q.bind(c.slug());
        }
        if let Some(id) = filter.creator_id {
            q = q.bind(id);
        }
        if let Some((t, id)) = before {
            q = q.bind(t).bind(id);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::summary)
            .collect()
    }

    /// Creators with at least one published article, by id, after `after`.
    pub async fn creators_after(&self, after: i64, limit: i64) -> Result<Vec<Creator>> {
        let sql = format!(
            "SELECT {} FROM creators c WHERE c.id > $1 AND EXISTS \
             (SELECT 1 FROM articles a WHERE a.creator_id = c.id AND {VISIBLE}) \
             ORDER BY c.id LIMIT $2",
            rows::CREATOR_COLUMNS
        );
        sqlx::query(&sql)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::creator)
            .collect()
    }
}
