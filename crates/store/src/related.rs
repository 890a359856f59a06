//! 相关推荐 lists as computed (by `web::related`): one row per article, its
//! related articles' ids and reasons in order.

use std::collections::HashMap;

use crate::{Result, Store};

/// One related article and why it is there.
pub type RelatedItem = (i64, String);

fn encode(items: &[RelatedItem]) -> String {
    items
        .iter()
        .map(|(id, reason)| format!("{id}\t{}", reason.replace(['\t', '\n'], " ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn decode(text: &str) -> Vec<RelatedItem> {
    text.lines()
        .filter_map(|line| {
            let (id, reason) = line.split_once('\t')?;
            Some((id.parse().ok()?, reason.to_owned()))
        })
        .collect()
}

impl Store {
    /// Keeps an article's list (replacing the one before), or removes it
    /// when `items` is `None` (the article is not published).
    pub async fn put_related(&self, id: i64, items: Option<&[RelatedItem]>, at: i64) -> Result<()> {
        match items {
            Some(items) => {
                sqlx::query(
                    "INSERT INTO related_lists (article_id, items, computed_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (article_id) DO UPDATE SET items = excluded.items, \
                     computed_at = excluded.computed_at",
                )
                .bind(id)
                .bind(encode(items))
                .bind(at)
                .execute(&self.pool)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM related_lists WHERE article_id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// The kept lists of these articles (those that have one).
    pub async fn related_lists(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<RelatedItem>>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT article_id, items FROM related_lists WHERE article_id IN ({})",
            crate::rows::placeholders(1, ids.len())
        );
        let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
        for id in ids {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|(id, items)| (id, decode(&items)))
            .collect())
    }

    /// Published articles above `after` without a kept list, in id order
    /// (what `web::related::fill_all` computes).
    pub async fn published_ids_without_related(&self, after: i64, limit: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT a.id FROM articles a WHERE a.status = 'published' AND a.id > $1 \
             AND NOT EXISTS (SELECT 1 FROM related_lists r WHERE r.article_id = a.id) \
             ORDER BY a.id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_survive_the_round_trip() {
        for items in [
            vec![],
            vec![(7, "「俄乌 · 和谈」".to_owned())],
            vec![(1, "同频道相关".to_owned()), (22, "a\tb\nc".to_owned())],
        ] {
            let back = decode(&encode(&items));
            let expected: Vec<RelatedItem> = items
                .iter()
                .map(|(id, r)| (*id, r.replace(['\t', '\n'], " ")))
                .collect();
            assert_eq!(back, expected);
        }
    }
}
