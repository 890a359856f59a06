//! 新手期 review: a novice creator's articles wait in `in_review` until an
//! editor approves (published, or scheduled when their time is still ahead)
//! or sends them back with a reason. `NOVICE_APPROVALS` approvals in a row
//! end the novice period; a rejection starts the count again.

use hao_domain::{ArticleStatus, ArticleSummary};

use crate::{Result, Store, rows};

use hao_domain::policy::NOVICE_APPROVALS;

/// One of a creator's articles as their studio lists it, whatever its status.
#[derive(Debug, Clone, PartialEq)]
pub struct StudioRow {
    pub id: i64,
    pub title: String,
    pub status: ArticleStatus,
    pub views: i64,
    pub shares: i64,
    pub published_at: i64,
    pub updated_at: i64,
    pub review_note: String,
}

/// One saved version of an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub id: i64,
    pub article_id: i64,
    pub title: String,
    pub body: String,
    pub saved_at: i64,
}

/// A `StudioRow` as the query returns it.
type StudioTuple = (i64, String, String, i64, i64, i64, i64, String);

/// What an editor's decision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reviewed {
    /// The article's new status.
    pub status: ArticleStatus,
    /// The creator left the novice period with this approval.
    pub graduated: bool,
}

impl Store {
    /// Whether a creator is in the novice period.
    pub async fn is_novice(&self, creator_id: i64) -> Result<bool> {
        let n: Option<i64> = sqlx::query_scalar("SELECT novice FROM creators WHERE id = $1")
            .bind(creator_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(n == Some(1))
    }

    /// Articles waiting for review, oldest first.
    pub async fn in_review(&self, limit: i64) -> Result<Vec<ArticleSummary>> {
        let sql = format!(
            "SELECT {} FROM articles a JOIN creators c ON c.id = a.creator_id \
             WHERE a.status = 'in_review' ORDER BY a.updated_at, a.id LIMIT $1",
            rows::SUMMARY_COLUMNS
        );
        sqlx::query(&sql)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::summary)
            .collect()
    }

    /// Decides on an article in review. `Ok(None)` when it is not in review.
    pub async fn review_article(
        &self,
        id: i64,
        approve: bool,
        reason: &str,
    ) -> Result<Option<Reviewed>> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let epoch = self.hot_epoch_in(&mut tx).await?;
        let row: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT creator_id, published_at, title FROM articles \
             WHERE id = $1 AND status = 'in_review'",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((creator, published_at, title)) = row else {
            return Ok(None);
        };
        let status = match (approve, published_at > at) {
            (false, _) => ArticleStatus::Rejected,
            (true, true) => ArticleStatus::Scheduled,
            (true, false) => ArticleStatus::Published,
        };
        let gain = if status == ArticleStatus::Published {
            hao_recommend::hot::gain(hao_recommend::hot::PUBLISH, at, epoch)
        } else {
            0.0
        };
        sqlx::query(
            "UPDATE articles SET status = $1, review_note = $2, updated_at = $3, hot = hot + $4, \
             published_at = CASE WHEN $5 = 1 THEN $3 ELSE published_at END WHERE id = $6",
        )
        .bind(status.code())
        .bind(reason)
        .bind(at)
        .bind(gain)
        // An article approved after its time goes out now, not back-dated.
        .bind(i64::from(status == ArticleStatus::Published))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let graduated = if approve {
            let approvals: i64 = sqlx::query_scalar(
                "UPDATE creators SET novice_approvals = novice_approvals + 1 WHERE id = $1 \
                 RETURNING novice_approvals",
            )
            .bind(creator)
            .fetch_one(&mut *tx)
            .await?;
            if approvals >= NOVICE_APPROVALS {
                sqlx::query("UPDATE creators SET novice = 0 WHERE id = $1 AND novice = 1")
                    .bind(creator)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1
            } else {
                false
            }
        } else {
            sqlx::query("UPDATE creators SET novice_approvals = 0 WHERE id = $1")
                .bind(creator)
                .execute(&mut *tx)
                .await?;
            false
        };
        let (text, link) = match status {
            ArticleStatus::Rejected => (
                format!("《{title}》未通过审核：{reason}。修改后可以重新提交。"),
                format!("/write/{id}"),
            ),
            ArticleStatus::Scheduled => (
                format!("《{title}》已通过审核，将在定时发布时间发布。"),
                "/studio".to_owned(),
            ),
            _ => (
                format!("《{title}》已通过审核并发布。"),
                format!("/article/{id}"),
            ),
        };
        crate::notifications::notify_creator(&mut tx, creator, "review", &text, &link, at).await?;
        if graduated {
            crate::notifications::notify_creator(
                &mut tx,
                creator,
                "review",
                "你已度过新手期：今后的文章将直接发布。",
                "/studio",
                at,
            )
            .await?;
        }
        self.log_change(&mut tx, "review", Some(id), at).await?;
        tx.commit().await?;
        Ok(Some(Reviewed { status, graduated }))
    }

    /// A creator's articles of every status but deleted, newest change first.
    pub async fn studio_articles(&self, creator_id: i64, limit: i64) -> Result<Vec<StudioRow>> {
        let rows: Vec<StudioTuple> = sqlx::query_as(
            "SELECT id, title, status, views, shares, published_at, updated_at, review_note \
             FROM articles WHERE creator_id = $1 AND status <> 'deleted' \
             ORDER BY updated_at DESC, id DESC LIMIT $2",
        )
        .bind(creator_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| StudioRow {
                id: r.0,
                title: r.1,
                status: ArticleStatus::parse(&r.2).unwrap_or(ArticleStatus::Draft),
                views: r.3,
                shares: r.4,
                published_at: r.5,
                updated_at: r.6,
                review_note: r.7,
            })
            .collect())
    }

    /// An article's earlier versions (the current one is the article),
    /// newest first.
    pub async fn revisions(&self, article_id: i64) -> Result<Vec<Revision>> {
        let rows: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
            "SELECT id, article_id, title, body, saved_at FROM article_revisions \
             WHERE article_id = $1 ORDER BY id DESC",
        )
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Revision {
                id: r.0,
                article_id: r.1,
                title: r.2,
                body: r.3,
                saved_at: r.4,
            })
            .collect())
    }

    /// Moves an article to `status` (unpublish → draft, delete → deleted,
    /// an editor's restore of a deleted one → draft), logged for every node.
    /// `Ok(false)` when the article is not in one of `from`.
    pub async fn set_status(
        &self,
        id: i64,
        from: &[ArticleStatus],
        to: ArticleStatus,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let list: Vec<String> = from.iter().map(|s| format!("'{}'", s.code())).collect();
        let n = sqlx::query(&format!(
            "UPDATE articles SET status = $1, updated_at = $2 WHERE id = $3 AND status IN ({})",
            list.join(", ")
        ))
        .bind(to.code())
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 1 {
            self.log_change(&mut tx, "status", Some(id), at).await?;
        }
        tx.commit().await?;
        Ok(n == 1)
    }

    /// The editor's note on an article sent back (empty when none).
    pub async fn review_note(&self, id: i64) -> Result<String> {
        let note: Option<String> =
            sqlx::query_scalar("SELECT review_note FROM articles WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(note.unwrap_or_default())
    }
}
