//! Originality protection: stored fingerprints, near-duplicate pairs and the
//! editors' review queue for 原创 claims that near-duplicate earlier articles.

use hao_domain::ReviewStatus;

use crate::{ChangeRange, Result, Store, StoreError};

/// How many articles a band key holds at most: its first holders, the
/// earliest stored. A key shared by more is one many texts have in common
/// (a wire story reprinted by hundreds of accounts, a boilerplate paragraph):
/// a new article that shares it is compared with those first holders, the
/// likeliest originals, not with every reprint since. (A batch whose
/// articles come to a key that holds a few already can take it to twice
/// this, never more, unless the store holds its band rows: see
/// bands.rs.) This bounds a lookup's work to a
/// constant number of candidates however large the archive grows, which is
/// what keeps an import linear: without it, an article of the generated
/// million met 125 candidates on average against 19 at 100,000
/// (BENCHMARKS.md, nineteenth session).
pub const BAND_HOLDERS: usize = 8;

/// A near-duplicate candidate: an article sharing an LSH band with the
/// one looked up, with what it takes to check and orient the pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SketchRow {
    pub id: i64,
    pub creator_id: i64,
    pub published_at: i64,
    pub sketch: String,
}

/// `article_id` near-duplicates the earlier `duplicate_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NearDuplicate {
    pub article_id: i64,
    pub duplicate_of: i64,
    pub similarity: u32,
}

/// What [`Store::record_near_duplicates`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Pairs not recorded before.
    pub added: usize,
    /// The change-log rows it wrote (one per article that gained a pair).
    pub changes: Option<ChangeRange>,
}

/// One entry of the editors' originality queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalityReview {
    pub id: i64,
    pub article_id: i64,
    pub duplicate_of: i64,
    pub similarity: i64,
    pub status: ReviewStatus,
    pub reason: String,
    pub decided_by: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

const REVIEW_COLUMNS: &str = "id, article_id, duplicate_of, similarity, status, reason, \
     decided_by, created_at, decided_at";

type ReviewTuple = (
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
);

fn review(t: ReviewTuple) -> Result<OriginalityReview> {
    let status = ReviewStatus::parse(&t.4).ok_or_else(|| StoreError::Corrupt {
        table: "originality_reviews",
        reason: format!("unknown status '{}'", t.4),
    })?;
    Ok(OriginalityReview {
        id: t.0,
        article_id: t.1,
        duplicate_of: t.2,
        similarity: t.3,
        status,
        reason: t.5,
        decided_by: t.6,
        created_at: t.7,
        decided_at: t.8,
    })
}

/// An editor's decision on a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A copy: the article loses its 原创 label.
    Copy,
    /// Original after all: the label stays.
    Original,
}

impl Store {
    /// Articles other than `exclude` that share at least one LSH band key
    /// with `bands`: the candidates a near-duplicate check verifies (the
    /// batch lookup, for one article).
    pub async fn near_candidates(&self, bands: &[i64], exclude: i64) -> Result<Vec<SketchRow>> {
        Ok(self
            .near_candidates_many(&[(exclude, bands)])
            .await?
            .pop()
            .unwrap_or_default())
    }

    /// [`Store::near_candidates`] for several articles at once (`(id,
    /// bands)` each), answered in their order: one query per 2,000 band keys
    /// and one per 1,000 candidates, instead of one per article.
    pub async fn near_candidates_many(
        &self,
        articles: &[(i64, &[i64])],
    ) -> Result<Vec<Vec<SketchRow>>> {
        let mut keys: Vec<i64> = articles
            .iter()
            .flat_map(|(_, b)| b.iter().copied())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        // Band key → the articles holding it: the index alone. An article
        // often holds several of the keys asked (a near-duplicate shares many
        // bands), so its sketch, creator and date are read afterwards, once
        // per article instead of once per band row. Both tables (a bulk
        // process stages its rows in the second) and the rows this process
        // holds (see bands.rs).
        let mut band_rows: Vec<(i64, i64)> = Vec::new();
        self.band_holders(&keys, &mut band_rows).await?;
        let mut ids: Vec<i64> = band_rows.iter().map(|(_, id)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut rows: Vec<SketchRow> = Vec::with_capacity(ids.len());
        let mut row_of: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        let sql = format!(
            "SELECT {} FROM article_sketches s JOIN articles a ON a.id = s.article_id \
             WHERE s.article_id IN ({})",
            self.joined("a.id || ' ' || a.creator_id || ' ' || a.published_at || ' ' || s.sketch"),
            crate::rows::int_list(self.backend, 1),
        );
        for chunk in ids.chunks(1_000) {
            let joined = sqlx::query_scalar::<_, Option<String>>(&sql)
                .bind(crate::rows::json_ints(chunk.iter().copied()))
                .fetch_one(&self.pool)
                .await?
                .unwrap_or_default();
            let mut fields = joined.split(' ');
            while let (Some(id), Some(creator_id), Some(published_at), Some(sketch)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            {
                let (Ok(id), Ok(creator_id), Ok(published_at)) =
                    (id.parse(), creator_id.parse(), published_at.parse())
                else {
                    return Err(crate::StoreError::Corrupt {
                        table: "article_sketches",
                        reason: format!("unreadable candidate row near article {id}"),
                    });
                };
                row_of.insert(id, rows.len());
                rows.push(SketchRow {
                    id,
                    creator_id,
                    published_at,
                    sketch: sketch.to_owned(),
                });
            }
        }
        // Articles without a sketch (too short a body) have no row: no candidate.
        let mut holders: std::collections::HashMap<i64, Vec<usize>> =
            std::collections::HashMap::new();
        for (key, id) in band_rows {
            if let Some(&at) = row_of.get(&id) {
                holders.entry(key).or_default().push(at);
            }
        }
        Ok(articles
            .iter()
            .map(|(id, bands)| {
                let mut picked: Vec<usize> = bands
                    .iter()
                    .filter_map(|b| holders.get(b))
                    .flatten()
                    .copied()
                    .filter(|&r| rows[r].id != *id)
                    .collect();
                picked.sort_unstable();
                picked.dedup();
                picked.into_iter().map(|r| rows[r].clone()).collect()
            })
            .collect())
    }

    /// Records near-duplicate pairs (already recorded pairs are left as they
    /// are). A pair whose later article is declared 原创 also enters the
    /// editors' review queue. Each article that gained a pair gets a change-log
    /// row, so every node refreshes its copy of the article's JSON.
    pub async fn record_near_duplicates(&self, pairs: &[NearDuplicate]) -> Result<Recorded> {
        if pairs.is_empty() {
            return Ok(Recorded::default());
        }
        let at = self.now();
        let mut tx = self.begin_write().await?;
        // A few statements per 500 pairs, not two per pair: an import at a
        // million articles records thousands of pairs a batch. The values are
        // integers of our own, written into the statement (prepared
        // each time; see `rows::int_list`).
        let mut added: std::collections::HashSet<(i64, i64)> = std::collections::HashSet::new();
        // In key order: neighbouring pairs share the B-trees' pages.
        let mut sorted = pairs.to_vec();
        sorted.sort_unstable_by_key(|p| (p.article_id, p.duplicate_of));
        for chunk in sorted.chunks(500) {
            let values: Vec<String> = chunk
                .iter()
                .map(|p| {
                    format!(
                        "({}, {}, {}, {at})",
                        p.article_id, p.duplicate_of, p.similarity
                    )
                })
                .collect();
            let values = values.join(", ");
            // Which are new: one row, the pairs joined into one string, not
            // the insert's `RETURNING` rows (handed over one at a time: at a
            // million articles an import records millions of pairs).
            let joined: Option<String> = sqlx::query_scalar(&format!(
                "SELECT {} FROM (VALUES {values}) AS v WHERE NOT EXISTS \
                 (SELECT 1 FROM near_duplicates n \
                 WHERE n.article_id = v.column1 AND n.duplicate_of = v.column2)",
                self.joined("v.column1 || ' ' || v.column2")
            ))
            .fetch_one(&mut *tx)
            .await?;
            let fresh: std::collections::HashSet<(i64, i64)> =
                crate::rows::int_pairs(joined.as_deref()).collect();
            if fresh.is_empty() {
                continue;
            }
            sqlx::query(&format!(
                "INSERT INTO near_duplicates (article_id, duplicate_of, similarity, found_at) \
                 VALUES {values} ON CONFLICT (article_id, duplicate_of) DO NOTHING"
            ))
            .execute(&mut *tx)
            .await?;
            // The pairs just added whose later article claims 原创 enter the
            // review queue.
            let reviewed: Vec<String> = chunk
                .iter()
                .filter(|p| fresh.contains(&(p.article_id, p.duplicate_of)))
                .map(|p| format!("({}, {}, {})", p.article_id, p.duplicate_of, p.similarity))
                .collect();
            // `WHERE` also keeps SQLite from reading `ON CONFLICT` as a join
            // constraint of the SELECT.
            sqlx::query(&format!(
                "INSERT INTO originality_reviews (article_id, duplicate_of, similarity, created_at) \
                 SELECT v.column1, v.column2, v.column3, {at} FROM (VALUES {}) AS v \
                 JOIN articles a ON a.id = v.column1 WHERE a.original = 1 \
                 ON CONFLICT (article_id, duplicate_of) DO NOTHING",
                reviewed.join(", ")
            ))
            .execute(&mut *tx)
            .await?;
            added.extend(fresh);
        }
        let mut seen = std::collections::HashSet::new();
        let touched: Vec<i64> = pairs
            .iter()
            .filter(|p| added.contains(&(p.article_id, p.duplicate_of)))
            .map(|p| p.article_id)
            .filter(|id| seen.insert(*id))
            .collect();
        let changes = self
            .log_changes(&mut tx, "near-duplicate", &touched, at)
            .await?;
        tx.commit().await?;
        Ok(Recorded {
            added: added.len(),
            changes,
        })
    }

    /// Ids of the earlier articles `id` near-duplicates, most similar first.
    pub async fn near_duplicate_of(&self, id: i64) -> Result<Vec<i64>> {
        let ids = sqlx::query_scalar(
            "SELECT duplicate_of FROM near_duplicates WHERE article_id = $1 \
             ORDER BY similarity DESC, duplicate_of",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids)
    }

    /// Every article paired with `id` as a near-duplicate, either way.
    pub async fn near_duplicate_ids(&self, id: i64) -> Result<Vec<i64>> {
        let ids = sqlx::query_scalar(
            "SELECT duplicate_of FROM near_duplicates WHERE article_id = $1 \
             UNION SELECT article_id FROM near_duplicates WHERE duplicate_of = $1",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids)
    }

    /// Reviews in one status, oldest first.
    pub async fn originality_reviews(
        &self,
        status: ReviewStatus,
        limit: i64,
    ) -> Result<Vec<OriginalityReview>> {
        let rows: Vec<ReviewTuple> = sqlx::query_as(&format!(
            "SELECT {REVIEW_COLUMNS} FROM originality_reviews WHERE status = $1 \
             ORDER BY created_at, id LIMIT $2"
        ))
        .bind(status.code())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(review).collect()
    }

    pub async fn originality_review(&self, id: i64) -> Result<Option<OriginalityReview>> {
        let row: Option<ReviewTuple> = sqlx::query_as(&format!(
            "SELECT {REVIEW_COLUMNS} FROM originality_reviews WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(review).transpose()
    }

    /// Decides a pending review. A confirmed copy loses its 原创 label (it
    /// becomes a 转载 of the earlier article's creator) and costs its creator
    /// [`hao_domain::policy::FALSE_ORIGINAL`] of standing. Returns false when the
    /// review does not exist or was already decided.
    pub async fn decide_originality(
        &self,
        review_id: i64,
        verdict: Verdict,
        editor: &str,
        reason: &str,
    ) -> Result<bool> {
        let at = self.now();
        let mut tx = self.begin_write().await?;
        let status = match verdict {
            Verdict::Copy => ReviewStatus::Confirmed,
            Verdict::Original => ReviewStatus::Dismissed,
        }
        .code();
        let article: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE originality_reviews SET status = $1, reason = $2, decided_by = $3, \
             decided_at = $4 WHERE id = $5 AND status = 'pending' \
             RETURNING article_id, duplicate_of",
        )
        .bind(status)
        .bind(reason)
        .bind(editor)
        .bind(at)
        .bind(review_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((article_id, duplicate_of)) = article else {
            return Ok(false);
        };
        if verdict == Verdict::Copy {
            sqlx::query(
                "UPDATE articles SET original = 0, \
                 source_name = (SELECT c.display_name FROM articles o \
                     JOIN creators c ON c.id = o.creator_id WHERE o.id = $2), \
                 source_url = NULL, updated_at = $3 WHERE id = $1",
            )
            .bind(article_id)
            .bind(duplicate_of)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            // 信用分: a rejected originality claim is charged in the same
            // transaction, with a reason the creator reads and may appeal.
            let titles: (i64, String, String) = sqlx::query_as(
                "SELECT a.creator_id, a.title, o.title FROM articles a, articles o \
                 WHERE a.id = $1 AND o.id = $2",
            )
            .bind(article_id)
            .bind(duplicate_of)
            .fetch_one(&mut *tx)
            .await?;
            let why = if reason.trim().is_empty() {
                String::new()
            } else {
                format!("；编辑意见：{}", reason.trim())
            };
            crate::standing::charge(
                &mut tx,
                titles.0,
                hao_domain::policy::FALSE_ORIGINAL,
                &format!(
                    "原创声明不成立：《{}》与更早发表的《{}》重复{why}",
                    titles.1, titles.2
                ),
                article_id,
                at,
            )
            .await?;
            crate::notifications::notify_creator(
                &mut tx,
                titles.0,
                "originality",
                &format!(
                    "《{}》的原创声明不成立（与更早发表的《{}》重复）{why}。信用分 {}，可在创作中心申诉。",
                    titles.1,
                    titles.2,
                    hao_domain::policy::FALSE_ORIGINAL
                ),
                "/studio",
                at,
            )
            .await?;
            self.log_change(&mut tx, "article", Some(article_id), at)
                .await?;
        } else {
            let (creator, title): (i64, String) =
                sqlx::query_as("SELECT creator_id, title FROM articles WHERE id = $1")
                    .bind(article_id)
                    .fetch_one(&mut *tx)
                    .await?;
            crate::notifications::notify_creator(
                &mut tx,
                creator,
                "originality",
                &format!("《{title}》的原创声明经编辑审核成立，保留原创标记。"),
                &format!("/article/{article_id}"),
                at,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
