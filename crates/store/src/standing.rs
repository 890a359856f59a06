//! 信用分: a creator's standing is 100 plus the sum of their ledger; every
//! entry has its reason, the creator sees all of it and may appeal an entry;
//! an editor grants (the entry leaves the sum) or denies the appeal. Editors'
//! take-downs write the article's status and the entry in one transaction.

use crate::{Result, Store};

use hao_domain::policy::{STANDING_START, TAKE_DOWN};

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    pub id: i64,
    pub creator_id: i64,
    pub delta: i64,
    pub reason: String,
    pub article_id: Option<i64>,
    pub at: i64,
    /// None, or pending / granted / denied.
    pub appeal: Option<String>,
    pub appeal_text: String,
    pub appeal_reply: String,
}

type EntryTuple = (
    i64,
    i64,
    i64,
    String,
    Option<i64>,
    i64,
    Option<String>,
    String,
    String,
);

const COLUMNS: &str =
    "id, creator_id, delta, reason, article_id, at, appeal, appeal_text, appeal_reply";

fn entry(t: EntryTuple) -> LedgerEntry {
    LedgerEntry {
        id: t.0,
        creator_id: t.1,
        delta: t.2,
        reason: t.3,
        article_id: t.4,
        at: t.5,
        appeal: t.6,
        appeal_text: t.7,
        appeal_reply: t.8,
    }
}

/// Writes one ledger entry (in the caller's transaction, with the decision
/// it records); returns its id.
pub(crate) async fn charge(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    creator_id: i64,
    delta: i64,
    reason: &str,
    article_id: i64,
    at: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO standing_ledger (creator_id, delta, reason, article_id, at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(creator_id)
    .bind(delta)
    .bind(reason)
    .bind(article_id)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?)
}

impl Store {
    /// Takes a published (or scheduled, or in review) article down with a
    /// reason, and charges its creator's standing. `Ok(None)` when there is
    /// nothing to take down.
    pub async fn take_down(&self, article_id: i64, reason: &str) -> Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let row: Option<(i64, String)> = sqlx::query_as(
            "UPDATE articles SET status = 'taken_down', review_note = $1, updated_at = $2 \
             WHERE id = $3 AND status IN ('published', 'scheduled', 'in_review') \
             RETURNING creator_id, title",
        )
        .bind(reason)
        .bind(at)
        .bind(article_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((creator, title)) = row else {
            return Ok(None);
        };
        let entry = charge(
            &mut tx,
            creator,
            TAKE_DOWN,
            &format!("文章被下架：{reason}"),
            article_id,
            at,
        )
        .await?;
        crate::notifications::notify_creator(
            &mut tx,
            creator,
            "take-down",
            &format!("《{title}》被下架：{reason}。信用分 {TAKE_DOWN}，可在创作中心申诉。"),
            "/studio",
            at,
        )
        .await?;
        self.log_change(&mut tx, "take-down", Some(article_id), at)
            .await?;
        tx.commit().await?;
        Ok(Some(entry))
    }

    /// A creator's standing: the start plus every entry not granted on appeal.
    pub async fn standing(&self, creator_id: i64) -> Result<i64> {
        let sum: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) FROM standing_ledger WHERE creator_id = $1 \
             AND (appeal IS NULL OR appeal <> 'granted')",
        )
        .bind(creator_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(STANDING_START + sum.unwrap_or(0))
    }

    /// A creator's ledger, newest first.
    pub async fn ledger(&self, creator_id: i64) -> Result<Vec<LedgerEntry>> {
        let rows: Vec<EntryTuple> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM standing_ledger WHERE creator_id = $1 ORDER BY id DESC"
        ))
        .bind(creator_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    /// The creator of `creator_id` appeals entry `id` (once). `Ok(false)`
    /// when it is not theirs or was already appealed.
    pub async fn appeal(&self, creator_id: i64, id: i64, text: &str) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE standing_ledger SET appeal = 'pending', appeal_text = $1 \
             WHERE id = $2 AND creator_id = $3 AND appeal IS NULL",
        )
        .bind(text)
        .bind(id)
        .bind(creator_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Pending appeals, oldest first.
    pub async fn pending_appeals(&self, limit: i64) -> Result<Vec<LedgerEntry>> {
        let rows: Vec<EntryTuple> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM standing_ledger WHERE appeal = 'pending' ORDER BY id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    /// Grants or denies a pending appeal with a reply. `Ok(false)` when
    /// there is no such pending appeal.
    pub async fn decide_appeal(
        &self,
        id: i64,
        grant: bool,
        editor: &str,
        reply: &str,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String, i64)> = sqlx::query_as(
            "UPDATE standing_ledger SET appeal = $1, appeal_reply = $2, decided_by = $3 \
             WHERE id = $4 AND appeal = 'pending' RETURNING creator_id, reason, delta",
        )
        .bind(if grant { "granted" } else { "denied" })
        .bind(reply)
        .bind(editor)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((creator, reason, delta)) = row else {
            return Ok(false);
        };
        let text = if grant {
            format!("你对「{reason}」的申诉已获支持，信用分 {delta} 已撤销：{reply}")
        } else {
            format!("你对「{reason}」的申诉未获支持：{reply}")
        };
        crate::notifications::notify_creator(
            &mut tx,
            creator,
            "appeal",
            &text,
            "/studio",
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
