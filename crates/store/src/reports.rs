//! 举报: readers report an article or a comment; editors see the open
//! reports grouped by target, act once for all of them, and every reporter
//! is told the outcome in 消息 in the transaction that resolves their report.

use hao_domain::{ReportReason, ReportTarget};

use crate::notifications::notify_user;
use crate::{Result, Store};

/// The open reports of one target, as the editors' queue shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportGroup {
    pub target: ReportTarget,
    pub target_id: i64,
    /// The article reported, or the article of the comment reported.
    pub article_id: i64,
    pub count: i64,
    /// Each reason given, with how many gave it, most given first.
    pub reasons: Vec<(ReportReason, i64)>,
    /// The free texts given (newest first, at most 5).
    pub texts: Vec<String>,
    pub first_at: i64,
}

impl Store {
    /// Files a report of `target_id` by `reporter_id`. `Ok(None)` when the
    /// target does not exist (or is not public); `Ok(Some(false))` when this
    /// reader reported it already (one report per reader and target).
    pub async fn report(
        &self,
        reporter_id: i64,
        target: ReportTarget,
        target_id: i64,
        reason: ReportReason,
        text: &str,
    ) -> Result<Option<bool>> {
        let article_id: Option<i64> = match target {
            ReportTarget::Article => {
                sqlx::query_scalar("SELECT id FROM articles WHERE id = $1 AND status = 'published'")
                    .bind(target_id)
                    .fetch_optional(&self.pool)
                    .await?
            }
            ReportTarget::Comment => {
                sqlx::query_scalar(
                    "SELECT article_id FROM comments WHERE id = $1 AND status = 'published'",
                )
                .bind(target_id)
                .fetch_optional(&self.pool)
                .await?
            }
        };
        let Some(article_id) = article_id else {
            return Ok(None);
        };
        let new = sqlx::query(
            "INSERT INTO reports (target, target_id, article_id, reporter_id, reason, text, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (reporter_id, target, target_id) DO NOTHING",
        )
        .bind(target.code())
        .bind(target_id)
        .bind(article_id)
        .bind(reporter_id)
        .bind(reason.code())
        .bind(text)
        .bind(self.now())
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        Ok(Some(new))
    }

    /// The open reports, grouped by target, the most reported first.
    pub async fn open_reports(&self, limit: i64) -> Result<Vec<ReportGroup>> {
        let groups: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT target, target_id, MIN(article_id), COUNT(*), MIN(created_at) FROM reports \
             WHERE resolved_at IS NULL GROUP BY target, target_id \
             ORDER BY COUNT(*) DESC, MIN(created_at) LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(groups.len());
        for (target, target_id, article_id, count, first_at) in groups {
            let Some(target) = ReportTarget::parse(&target) else {
                continue;
            };
            let reasons: Vec<(String, i64)> = sqlx::query_as(
                "SELECT reason, COUNT(*) FROM reports WHERE resolved_at IS NULL \
                 AND target = $1 AND target_id = $2 GROUP BY reason ORDER BY COUNT(*) DESC, reason",
            )
            .bind(target.code())
            .bind(target_id)
            .fetch_all(&self.pool)
            .await?;
            let texts: Vec<String> = sqlx::query_scalar(
                "SELECT text FROM reports WHERE resolved_at IS NULL AND target = $1 \
                 AND target_id = $2 AND text <> '' ORDER BY id DESC LIMIT 5",
            )
            .bind(target.code())
            .bind(target_id)
            .fetch_all(&self.pool)
            .await?;
            out.push(ReportGroup {
                target,
                target_id,
                article_id,
                count,
                reasons: reasons
                    .into_iter()
                    .filter_map(|(r, n)| Some((ReportReason::parse(&r)?, n)))
                    .collect(),
                texts,
                first_at,
            });
        }
        Ok(out)
    }

    /// Resolves every open report of a target with `outcome`, tells each
    /// reporter, and writes the moderation log: one transaction. Returns
    /// how many reports were resolved.
    pub async fn resolve_reports(
        &self,
        target: ReportTarget,
        target_id: i64,
        (actor, action): (&str, &str),
        outcome: &str,
    ) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let reporters: Vec<i64> = sqlx::query_scalar(
            "UPDATE reports SET resolved_at = $3, outcome = $4 WHERE target = $1 \
             AND target_id = $2 AND resolved_at IS NULL RETURNING reporter_id",
        )
        .bind(target.code())
        .bind(target_id)
        .bind(at)
        .bind(outcome)
        .fetch_all(&mut *tx)
        .await?;
        for reporter in &reporters {
            notify_user(
                &mut tx,
                *reporter,
                "report",
                &format!(
                    "你对{}（编号 {target_id}）的举报已处理：{outcome}。感谢你的反馈。",
                    target.label()
                ),
                "",
                at,
            )
            .await?;
        }
        sqlx::query(
            "INSERT INTO moderation_log (actor, action, target, reason, at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(actor)
        .bind(action)
        .bind(format!("{} {target_id}", target.code()))
        .bind(format!("{outcome}（{} 条举报）", reporters.len()))
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(reporters.len() as u64)
    }

    /// How many reports are open (the editors' menu shows it).
    pub async fn open_report_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(DISTINCT target || ':' || CAST(target_id AS TEXT)) FROM reports \
             WHERE resolved_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await?)
    }
}
