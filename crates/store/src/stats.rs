//! Creators' analytics: views, shares and followers gained per day.

use crate::{Result, Store, beijing_day};

/// One day of a creator's (or one article's) numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayStats {
    /// `YYYYMMDD`, Beijing time.
    pub day: i64,
    pub views: i64,
    pub shares: i64,
    pub followers: i64,
}

impl Store {
    /// The last `days` days (oldest first, every day present, zeros
    /// included) of a creator's numbers up to `now`, or of one of their
    /// articles when `article` is given (followers are the creator's).
    pub async fn daily_stats(
        &self,
        creator_id: i64,
        article: Option<i64>,
        days: i64,
        now: i64,
    ) -> Result<Vec<DayStats>> {
        let list: Vec<i64> = (0..days)
            .rev()
            .map(|k| beijing_day(now - k * 86_400))
            .collect();
        let (first, last) = (list[0], list[list.len() - 1]);
        let filter = if article.is_some() {
            "AND d.article_id = $4"
        } else {
            ""
        };
        let sql = format!(
            "SELECT d.day, CAST(SUM(d.views) AS BIGINT), CAST(SUM(d.shares) AS BIGINT) \
             FROM article_daily d JOIN articles a ON a.id = d.article_id \
             WHERE a.creator_id = $1 AND d.day >= $2 AND d.day <= $3 {filter} GROUP BY d.day"
        );
        let mut q = sqlx::query_as::<_, (i64, i64, i64)>(&sql)
            .bind(creator_id)
            .bind(first)
            .bind(last);
        if let Some(id) = article {
            q = q.bind(id);
        }
        let counted = q.fetch_all(&self.pool).await?;
        let since = now - days * 86_400 - 86_400;
        let follows: Vec<(i64,)> = sqlx::query_as(
            "SELECT created_at FROM follows WHERE creator_id = $1 AND created_at >= $2",
        )
        .bind(creator_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        Ok(list
            .into_iter()
            .map(|day| {
                let (views, shares) = counted
                    .iter()
                    .find(|c| c.0 == day)
                    .map(|c| (c.1, c.2))
                    .unwrap_or((0, 0));
                DayStats {
                    day,
                    views,
                    shares,
                    followers: follows.iter().filter(|f| beijing_day(f.0) == day).count() as i64,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn beijing_days() {
        use super::beijing_day;
        // 2026-11-25 00:00:00 UTC is 08:00 in Beijing.
        assert_eq!(beijing_day(1_795_564_800), 20261125);
        // 2026-11-24 16:00 UTC is midnight in Beijing: already the 25th.
        assert_eq!(beijing_day(1_795_564_800 - 8 * 3600), 20261125);
        assert_eq!(beijing_day(1_795_564_800 - 8 * 3600 - 1), 20261124);
        assert_eq!(beijing_day(0), 19700101);
        assert_eq!(beijing_day(951_782_400), 20000229); // 2000-02-29 00:00 UTC
    }
}
