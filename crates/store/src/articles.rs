//! Articles: single reads and the lists pages show (upserts are in `upsert`).

use hao_domain::{Article, ArticleStatus, ArticleSummary, Channel};

use crate::{Result, Store, rows};

/// One page of a list, with the total for pagination.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub items: Vec<ArticleSummary>,
    pub total: i64,
}

/// Lists only show published, listed articles.
pub(crate) const VISIBLE: &str = "a.status = 'published' AND a.listed = 1";

impl Store {
    /// One article by id, whatever its status.
    pub async fn article(&self, id: i64) -> Result<Option<Article>> {
        let sql = format!(
            "SELECT {} FROM articles WHERE id = $1",
            rows::ARTICLE_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::article).transpose()
    }

    /// Several articles by id, whatever their status, in one query: a map
    /// from id to article (ids that do not exist are left out).
    pub async fn articles(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, Article>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        // At most 500 ids a statement (SQLite's limit on parameters is far above).
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT {} FROM articles WHERE id IN ({})",
                rows::ARTICLE_COLUMNS,
                rows::placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&self.pool).await? {
                let a = rows::article(&row)?;
                out.insert(a.id, a);
            }
        }
        Ok(out)
    }

    /// One article by its external id, whatever its status.
    pub async fn article_by_external_id(&self, external_id: &str) -> Result<Option<Article>> {
        let sql = format!(
            "SELECT {} FROM articles WHERE external_id = $1",
            rows::ARTICLE_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::article).transpose()
    }

    /// Published, listed articles: newest first.
    pub async fn latest(&self, limit: i64, offset: i64) -> Result<ListPage> {
        self.list_page("", &[], limit, offset).await
    }

    /// A channel's published articles, newest first.
    pub async fn channel_articles(
        &self,
        channel: Channel,
        limit: i64,
        offset: i64,
    ) -> Result<ListPage> {
        self.list_page("AND a.channel = $3", &[channel.slug()], limit, offset)
            .await
    }

    /// A creator's published articles (listed or not: the author page shows
    /// help pages of the official account too), newest first.
    pub async fn creator_articles(
        &self,
        creator_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<ListPage> {
        let sql = format!(
            "SELECT {} FROM articles a JOIN creators c ON c.id = a.creator_id \
             WHERE a.status = 'published' AND a.creator_id = $3 \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $1 OFFSET $2",
            rows::SUMMARY_COLUMNS
        );
        let items = sqlx::query(&sql)
            .bind(limit)
            .bind(offset)
            .bind(creator_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::summary)
            .collect::<Result<_>>()?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM articles a WHERE a.status = 'published' AND a.creator_id = $1",
        )
        .bind(creator_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(ListPage { items, total })
    }

    pub(crate) async fn list_page(
        &self,
        filter: &str,
        params: &[&str],
        limit: i64,
        offset: i64,
    ) -> Result<ListPage> {
        let sql = format!(
            "SELECT {} FROM articles a JOIN creators c ON c.id = a.creator_id \
             WHERE {VISIBLE} {filter} ORDER BY a.published_at DESC, a.id DESC LIMIT $1 OFFSET $2",
            rows::SUMMARY_COLUMNS
        );
        let mut q = sqlx::query(&sql).bind(limit).bind(offset);
        for p in params {
            q = q.bind(*p);
        }
        let items = q
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::summary)
            .collect::<Result<_>>()?;
        // The count query numbers its own parameters from $1.
        let count_filter = filter.replace("$3", "$1");
        let count_sql = format!("SELECT COUNT(*) FROM articles a WHERE {VISIBLE} {count_filter}");
        let mut cq = sqlx::query_scalar::<_, i64>(&count_sql);
        for p in params {
            cq = cq.bind(*p);
        }
        let total = cq.fetch_one(&self.pool).await?;
        Ok(ListPage { items, total })
    }

    /// The newest listed articles of one channel other than `exclude`: the
    /// candidates for 相关推荐 until the recommendation engine ranks them.
    pub async fn recent_in_channel(
        &self,
        channel: Channel,
        exclude: i64,
        limit: i64,
    ) -> Result<Vec<ArticleSummary>> {
        let sql = format!(
            "SELECT {} FROM articles a JOIN creators c ON c.id = a.creator_id \
             WHERE {VISIBLE} AND a.channel = $1 AND a.id <> $2 \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $3",
            rows::SUMMARY_COLUMNS
        );
        sqlx::query(&sql)
            .bind(channel.slug())
            .bind(exclude)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::summary)
            .collect()
    }

    /// The most viewed listed articles published since `since` (Unix seconds),
    /// optionally in one channel.
    pub async fn most_viewed_since(
        &self,
        since: i64,
        channel: Option<Channel>,
        limit: i64,
    ) -> Result<Vec<ArticleSummary>> {
        let filter = if channel.is_some() {
            "AND a.channel = $3"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {} FROM articles a JOIN creators c ON c.id = a.creator_id \
             WHERE {VISIBLE} AND a.published_at >= $1 {filter} \
             ORDER BY a.views DESC, a.published_at DESC, a.id DESC LIMIT $2",
            rows::SUMMARY_COLUMNS
        );
        let mut q = sqlx::query(&sql).bind(since).bind(limit);
        if let Some(c) = channel {
            q = q.bind(c.slug());
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::summary)
            .collect()
    }

    /// Adds batched view counts: one transaction for the whole batch.
    pub async fn add_views(&self, batch: &[(i64, i64)]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        // Views are 热点's most frequent event: each counts VIEW at this time.
        let epoch = self.hot_epoch_in(&mut tx).await?;
        let unit = hao_recommend::hot::gain(hao_recommend::hot::VIEW, self.now(), epoch);
        let day = crate::beijing_day(self.now());
        for (id, n) in batch {
            sqlx::query("UPDATE articles SET views = views + $1, hot = hot + $2 WHERE id = $3")
                .bind(*n)
                .bind(unit * *n as f64)
                .bind(*id)
                .execute(&mut *tx)
                .await?;
            // Creators' analytics: views per day.
            sqlx::query(
                "INSERT INTO article_daily (article_id, day, views) \
                 SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM articles WHERE id = $1) \
                 ON CONFLICT (article_id, day) DO UPDATE SET views = article_daily.views + $3",
            )
            .bind(*id)
            .bind(day)
            .bind(*n)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Counts one share of a published article and logs the change (the page
    /// shows the share count). Returns false when there is no such article.
    pub async fn add_share(&self, id: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let epoch = self.hot_epoch_in(&mut tx).await?;
        let done = sqlx::query(
            "UPDATE articles SET shares = shares + 1, hot = hot + $3 WHERE id = $1 AND status = $2",
        )
        .bind(id)
        .bind(ArticleStatus::Published.code())
        .bind(hao_recommend::hot::gain(
            hao_recommend::hot::SHARE,
            at,
            epoch,
        ))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if done {
            sqlx::query(
                "INSERT INTO article_daily (article_id, day, shares) VALUES ($1, $2, 1) \
                 ON CONFLICT (article_id, day) DO UPDATE SET shares = article_daily.shares + 1",
            )
            .bind(id)
            .bind(crate::beijing_day(at))
            .execute(&mut *tx)
            .await?;
            self.log_change(&mut tx, "share", Some(id), at).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Publishes the scheduled articles whose time has come (`now`, Unix
    /// seconds: the caller's clock, so tests can move it) and logs one
    /// `publish` change for each; returns their ids. Every node runs this
    /// every second, and each article is published exactly once: the status
    /// flips in one conditional UPDATE, and on PostgreSQL the rows are claimed
    /// with `FOR UPDATE SKIP LOCKED`, so concurrent nodes split the due
    /// articles between them instead of waiting on each other.
    pub async fn publish_due(&self, now: i64, limit: i64) -> Result<Vec<i64>> {
        let lock = match self.backend {
            crate::Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            crate::Backend::Sqlite => "",
        };
        let mut tx = self.begin_write().await?;
        let epoch = self.hot_epoch_in(&mut tx).await?;
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "UPDATE articles SET status = 'published', updated_at = $1, hot = hot + $3 WHERE id IN \
             (SELECT id FROM articles WHERE status = 'scheduled' AND published_at <= $1 \
             ORDER BY published_at, id LIMIT $2 {lock}) AND status = 'scheduled' RETURNING id"
        ))
        .bind(now)
        .bind(limit)
        // The publish is an event of 热点 (see hao_recommend::hot::PUBLISH).
        .bind(hao_recommend::hot::gain(
            hao_recommend::hot::PUBLISH,
            now,
            epoch,
        ))
        .fetch_all(&mut *tx)
        .await?;
        for id in &ids {
            self.log_change(&mut tx, "publish", Some(*id), now).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The kinds of the change-log rows of one article, oldest first.
    pub async fn change_kinds(&self, article_id: i64) -> Result<Vec<String>> {
        let kinds =
            sqlx::query_scalar("SELECT kind FROM changes WHERE article_id = $1 ORDER BY seq")
                .bind(article_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(kinds)
    }

    /// Published, listed articles among `ids`, with their keywords, in the
    /// order of `ids`: candidates and picks of 相关推荐.
    pub async fn summaries_with_keywords(
        &self,
        ids: &[i64],
    ) -> Result<Vec<(ArticleSummary, Vec<String>)>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        // Visibility is checked here, not in SQL: with `status = …` in the
        // WHERE clause SQLite walks the (status, listed, …) index over every
        // published article instead of looking the ids up (4 ms at 20,000
        // articles, growing with the table).
        let sql = format!(
            "SELECT {}, a.keywords, a.status, a.listed FROM articles a \
             JOIN creators c ON c.id = a.creator_id WHERE a.id IN ({})",
            rows::SUMMARY_COLUMNS,
            rows::placeholders(1, ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(*id);
        }
        let mut found = std::collections::HashMap::new();
        for row in q.fetch_all(&self.pool).await? {
            use sqlx::Row;
            let n = rows::SUMMARY_COLUMN_COUNT;
            let status: String = row.try_get(n + 1)?;
            let listed: i64 = row.try_get(n + 2)?;
            if status != "published" || listed != 1 {
                continue;
            }
            let summary = rows::summary(&row)?;
            let keywords: String = row.try_get(n)?;
            found.insert(summary.id, (summary, rows::split_tags(&keywords)));
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Number of published, listed articles.
    pub async fn count_listed(&self) -> Result<i64> {
        let n = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM articles a WHERE {VISIBLE}"))
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}

/// What the search index needs of an article.
#[derive(Debug, Clone)]
pub struct IndexRow {
    pub id: i64,
    pub external_id: String,
    pub title: String,
    pub body_markdown: String,
    pub author: String,
    pub tags: Vec<String>,
    pub keywords: Vec<String>,
    pub channel: Channel,
    pub published_at: i64,
    /// Only published articles are searchable; others are removed from the index.
    pub published: bool,
}

const INDEX_COLUMNS: &str = "a.id, a.external_id, a.title, a.body_markdown, c.display_name, \
     a.tags, a.channel, a.published_at, a.status, a.keywords";

fn index_row(row: &sqlx::any::AnyRow) -> Result<IndexRow> {
    use sqlx::Row;
    let tags: String = row.try_get(5)?;
    let status: String = row.try_get(8)?;
    Ok(IndexRow {
        id: row.try_get(0)?,
        external_id: row.try_get(1)?,
        title: row.try_get(2)?,
        body_markdown: row.try_get(3)?,
        author: row.try_get(4)?,
        tags: rows::split_tags(&tags),
        keywords: rows::split_tags(&row.try_get::<String, _>(9)?),
        channel: rows::channel(row.try_get(6)?)?,
        published_at: row.try_get(7)?,
        published: status == ArticleStatus::Published.code(),
    })
}

impl Store {
    /// Articles with ids above `after`, in id order, whatever their status
    /// (`IndexRow::published` says): a full reindex pages through them.
    ///
    /// The status is not filtered here: with `status = 'published'` in the
    /// WHERE clause SQLite walked the (status, …) index and sorted every
    /// remaining article for each page, so a rebuild read the table once per
    /// page (quadratic: a 1M-article rebuild slowed to a few hundred
    /// articles/s). By the primary key, each page reads only its own rows.
    pub async fn index_rows_after(&self, after: i64, limit: i64) -> Result<Vec<IndexRow>> {
        let sql = format!(
            "SELECT {INDEX_COLUMNS} FROM articles a JOIN creators c ON c.id = a.creator_id \
             WHERE a.id > $1 ORDER BY a.id LIMIT $2"
        );
        sqlx::query(&sql)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(index_row)
            .collect()
    }

    /// The index rows of some articles, whatever their status.
    pub async fn index_row(&self, id: i64) -> Result<Option<IndexRow>> {
        let sql = format!(
            "SELECT {INDEX_COLUMNS} FROM articles a JOIN creators c ON c.id = a.creator_id WHERE a.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(index_row).transpose()
    }

    /// Change-log entries after `seq`, oldest first: (seq, article id), the
    /// id `None` for changes only pages show (likes, shares, comments, pins),
    /// which leave the search index and 相关推荐 as they are.
    pub async fn changes_since(&self, seq: i64, limit: i64) -> Result<Vec<(i64, Option<i64>)>> {
        let rows: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT seq, CASE WHEN kind IN ('like', 'share', 'comment', 'pin') THEN NULL \
             ELSE article_id END FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }
}

impl Store {
    /// Number of published articles, listed or not (what search holds).
    pub async fn count_published(&self) -> Result<i64> {
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM articles WHERE status = 'published'")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}
