//! Storing articles: the batch upsert every door's publish ends in (import,
//! API, studio), with its band rows, sketches, tag rows and change-log rows.

use std::sync::atomic::Ordering;

use hao_domain::{ArticleDraft, ArticleStatus, Originality};

use crate::{ChangeRange, Result, Store, rows};

/// What an upsert did to one draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upserted {
    pub id: i64,
    /// True when the article is new, false when an existing one was updated.
    pub created: bool,
}

/// What an upsert of a batch did.
#[derive(Debug, Clone, Default)]
pub struct Upserts {
    /// One per draft, in order.
    pub articles: Vec<Upserted>,
    /// The change-log rows it wrote (one per article).
    pub changes: Option<ChangeRange>,
}

/// The `original`, `source_name` and `source_url` columns of a draft.
fn originality_columns(d: &ArticleDraft) -> (i64, Option<&str>, Option<&str>) {
    match &d.originality {
        Originality::Original => (1, None, None),
        Originality::Reprint {
            source_name,
            source_url,
        } => (0, Some(source_name.as_str()), source_url.as_deref()),
    }
}

impl Store {
    /// Inserts or updates (by `external_id`) a batch of drafts in one
    /// transaction, appending one change-log row per article. Views and shares
    /// of an updated article are kept. Either the whole batch is stored or
    /// none of it.
    pub async fn upsert_articles(&self, drafts: &[ArticleDraft]) -> Result<Vec<Upserted>> {
        Ok(self.upsert_articles_logged(drafts).await?.articles)
    }

    /// [`Store::upsert_articles`], also saying where in the change log the
    /// batch's rows are (an import that indexes what it stores counts them
    /// as applied).
    pub async fn upsert_articles_logged(&self, drafts: &[ArticleDraft]) -> Result<Upserts> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let epoch = self.hot_epoch_in(&mut tx).await?;
        // Which drafts update an existing article: one query for the batch
        // (a round trip per article was a fifth of an import's time).
        let mut existing_ids: std::collections::HashMap<String, i64> =
            std::collections::HashMap::new();
        for chunk in drafts.chunks(100) {
            let sql = format!(
                "SELECT external_id, id FROM articles WHERE external_id IN ({})",
                rows::placeholders(1, chunk.len())
            );
            let mut q = sqlx::query_as::<_, (String, i64)>(&sql);
            for d in chunk {
                q = q.bind(&d.external_id);
            }
            existing_ids.extend(q.fetch_all(&mut *tx).await?);
        }
        let mut out: Vec<Option<Upserted>> = vec![None; drafts.len()];
        // New articles (an external id neither stored nor earlier in the
        // batch) are inserted many rows a statement: one round trip to the
        // database per statement was most of a large import's time.
        let mut fresh: Vec<usize> = Vec::new();
        {
            let mut seen = std::collections::HashSet::new();
            for (i, d) in drafts.iter().enumerate() {
                if !existing_ids.contains_key(&d.external_id) && seen.insert(&d.external_id) {
                    fresh.push(i);
                }
            }
        }
        // Rows a statement: SQLite finds each bound parameter's name by a
        // scan of the statement's names (`sqlite3_bind_parameter_name`), so a
        // statement's binding costs the square of its parameters: at 50 rows
        // (901 parameters) it took as much of an import as the inserts'
        // B-tree seeks.
        const FRESH_ROWS: usize = 10;
        const FRESH_PARAMS: usize = 18;
        for chunk in fresh.chunks(FRESH_ROWS) {
            // $1 is the time stamp every row shares (created and updated).
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let p = |k: usize| format!("${}", 2 + r * FRESH_PARAMS + k);
                    let ps: Vec<String> = (0..FRESH_PARAMS).map(p).collect();
                    format!("({}, $1, $1, {})", ps[..15].join(", "), ps[15..].join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO articles (external_id, creator_id, channel, title, \
                 body_markdown, body_html, summary, cover_url, tags, original, \
                 source_name, source_url, status, published_at, listed, created_at, \
                 updated_at, keywords, fingerprint, hot) VALUES {} RETURNING id, external_id",
                values.join(", ")
            );
            let mut q = sqlx::query_as::<_, (i64, String)>(&sql).bind(at);
            for &i in chunk {
                let d = &drafts[i];
                let (original, source_name, source_url) = originality_columns(d);
                q = q
                    .bind(&d.external_id)
                    .bind(d.creator_id)
                    .bind(d.channel.slug())
                    .bind(&d.title)
                    .bind(&d.body_markdown)
                    .bind(&d.body_html)
                    .bind(&d.summary)
                    .bind(d.cover_url.as_deref())
                    .bind(rows::join_tags(&d.tags))
                    .bind(original)
                    .bind(source_name)
                    .bind(source_url)
                    .bind(d.status.code())
                    .bind(d.published_at)
                    .bind(i64::from(d.listed))
                    .bind(rows::join_tags(&d.keywords))
                    .bind(d.fingerprint.map(|f| f as i64))
                    // A publish is an event of 热点 (hao_recommend::hot::PUBLISH),
                    // at the article's own time: an imported archive is not hot.
                    .bind(if d.status == ArticleStatus::Published {
                        hao_recommend::hot::gain(
                            hao_recommend::hot::PUBLISH,
                            d.published_at.min(at),
                            epoch,
                        )
                    } else {
                        0.0
                    });
            }
            let ids: std::collections::HashMap<String, i64> = q
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|(id, external_id)| (external_id, id))
                .collect();
            for &i in chunk {
                let id = ids[&drafts[i].external_id];
                out[i] = Some(Upserted { id, created: true });
                existing_ids.insert(drafts[i].external_id.clone(), id);
            }
        }
        // Updates, one by one, in line order: an existing article, or a
        // later line of this batch with the same external id.
        let mut replaced: Vec<i64> = Vec::new();
        for (i, d) in drafts.iter().enumerate() {
            if out[i].is_some() {
                continue;
            }
            let id = existing_ids[&d.external_id];
            let (original, source_name, source_url) = originality_columns(d);
            // Every saved version is kept: the one being replaced goes
            // to the revision history when its title or body changes
            // (the current version is the article itself).
            sqlx::query(
                "INSERT INTO article_revisions (article_id, title, body, saved_at) \
                 SELECT id, title, body_markdown, updated_at FROM articles \
                 WHERE id = $1 AND (title <> $2 OR body_markdown <> $3)",
            )
            .bind(id)
            .bind(&d.title)
            .bind(&d.body_markdown)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE articles SET creator_id = $1, channel = $2, title = $3, \
                 body_markdown = $4, body_html = $5, summary = $6, cover_url = $7, \
                 tags = $8, original = $9, source_name = $10, source_url = $11, \
                 status = $12, published_at = $13, listed = $14, updated_at = $15, \
                 keywords = $17, fingerprint = $18 WHERE id = $16",
            )
            .bind(d.creator_id)
            .bind(d.channel.slug())
            .bind(&d.title)
            .bind(&d.body_markdown)
            .bind(&d.body_html)
            .bind(&d.summary)
            .bind(d.cover_url.as_deref())
            .bind(rows::join_tags(&d.tags))
            .bind(original)
            .bind(source_name)
            .bind(source_url)
            .bind(d.status.code())
            .bind(d.published_at)
            .bind(i64::from(d.listed))
            .bind(at)
            .bind(id)
            .bind(rows::join_tags(&d.keywords))
            .bind(d.fingerprint.map(|f| f as i64))
            .execute(&mut *tx)
            .await?;
            if !replaced.contains(&id) {
                replaced.push(id);
            }
            out[i] = Some(Upserted { id, created: false });
        }
        let out: Vec<Upserted> = out
            .into_iter()
            .map(|u| u.expect("every draft stored"))
            .collect();
        // Band keys and sketch: the last line of each article says them
        // (the replaced articles' band rows go in `write_bands`).
        rows::delete_of_articles(&mut tx, &["article_sketches", "article_tags"], &replaced).await?;
        let mut last: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        for (i, u) in out.iter().enumerate() {
            last.insert(u.id, i);
        }
        let mut finals: Vec<(i64, &ArticleDraft)> =
            last.into_iter().map(|(id, i)| (id, &drafts[i])).collect();
        finals.sort_unstable_by_key(|(id, _)| *id);
        // A band key takes its first `BAND_HOLDERS` articles and no more
        // (see `crate::originality::BAND_HOLDERS`), in key order.
        let mut rows: Vec<(i64, i64)> = finals
            .iter()
            .flat_map(|(id, d)| d.bands.iter().map(move |b| (*b, *id)))
            .collect();
        rows.sort_unstable();
        rows.dedup();
        let fresh = self.write_bands(&mut tx, rows, &replaced).await?;
        // Tags as rows, for 话题 pages: (tag, article) pairs, the tags bound.
        let tags: Vec<(&str, i64)> = finals
            .iter()
            .flat_map(|(id, d)| d.tags.iter().map(move |t| (t.as_str(), *id)))
            .collect();
        for chunk in tags.chunks(200) {
            let values: Vec<String> = chunk
                .iter()
                .enumerate()
                .map(|(k, (_, id))| format!("(${}, {id})", k + 1))
                .collect();
            let sql = format!(
                "INSERT INTO article_tags (tag, article_id) VALUES {} ON CONFLICT DO NOTHING",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (tag, _) in chunk {
                q = q.bind(*tag);
            }
            q.execute(&mut *tx).await?;
        }
        // The sketch lives beside the article, not in its row: the
        // near-duplicate lookup reads many candidates' sketches and none of
        // their bodies.
        let sketches: Vec<(i64, &str)> = finals
            .iter()
            .filter_map(|(id, d)| d.sketch.as_deref().map(|s| (*id, s)))
            .collect();
        for chunk in sketches.chunks(200) {
            let values: Vec<String> = chunk
                .iter()
                .enumerate()
                .map(|(k, (id, _))| format!("({id}, ${})", k + 1))
                .collect();
            let sql = format!(
                "INSERT INTO article_sketches (article_id, sketch) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (_, sketch) in chunk {
                q = q.bind(*sketch);
            }
            q.execute(&mut *tx).await?;
        }
        let ids: Vec<i64> = out.iter().map(|u| u.id).collect();
        let changes = self.log_changes(&mut tx, "article", &ids, at).await?;
        tx.commit().await?;
        if let Some(held) = fresh {
            self.bands.rows.store(held, Ordering::Release);
        }
        Ok(Upserts {
            articles: out,
            changes,
        })
    }
}
