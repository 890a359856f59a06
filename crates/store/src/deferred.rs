//! Indexes a large import builds once at its end instead of row by row.
//!
//! The article table's secondary indexes (listing, channel, creator, views,
//! review, 热点), the pair table's index by original and the band table's
//! index by article are keyed at random for an import: a 5,000-article
//! batch at a million articles dirtied most of their pages, each written to
//! the WAL at commit and again at the checkpoint, and folding a million
//! staged band rows (in band order) into the band table held every other
//! stage of a 100,000-article import for five seconds. A bulk import into an empty or small table drops them
//! ([`Store::defer_indexes`]) and builds each in one sorted pass at its end
//! ([`Store::build_deferred_indexes`]). An index's definition is kept in
//! `deferred_indexes` in the transaction that drops it, and every process
//! that opens the database builds what is listed there, so an import killed
//! before its end leaves a whole database at the next open. Unique indexes
//! are never deferred: the import's upserts stand on them.

use crate::{Backend, Result, Store, Workload};

impl Store {
    /// Drops the non-unique indexes of the article, pair and band tables
    /// when the article table holds at most `at_most_articles` rows, keeping
    /// their definitions for [`Store::build_deferred_indexes`]; returns how
    /// many were dropped (none on PostgreSQL, or when the table is larger: then
    /// rebuilding would cost more than the import saves).
    ///
    /// Call it only from a process that is the database's one user for the
    /// while (an import that holds the search index): pages that list
    /// articles read these indexes.
    pub async fn defer_indexes(&self, at_most_articles: u64) -> Result<usize> {
        if self.backend != Backend::Sqlite {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        // Counted up to one past the bound: a small import into a large
        // archive does not read the whole table to learn it is large.
        let stored: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM articles LIMIT $1) AS a")
                .bind(
                    i64::try_from(at_most_articles)
                        .unwrap_or(i64::MAX)
                        .saturating_add(1),
                )
                .fetch_one(&mut *tx)
                .await?;
        if stored.max(0) as u64 > at_most_articles {
            return Ok(0);
        }
        let indexes: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
             AND tbl_name IN ('articles', 'near_duplicates', 'article_bands') AND sql IS NOT NULL \
             AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
        )
        .fetch_all(&mut *tx)
        .await?;
        for (name, sql) in &indexes {
            sqlx::query("INSERT INTO deferred_indexes (name, sql) VALUES ($1, $2)")
                .bind(name)
                .bind(sql)
                .execute(&mut *tx)
                .await?;
            sqlx::query(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(indexes.len())
    }

    /// Builds every index [`Store::defer_indexes`] dropped, one transaction
    /// each (an index is built and struck off the list together), and
    /// returns how many it built; first folds the band rows an import held
    /// ([`Store::hold_bands`]), so the band table's index is built over all
    /// of them. Run at every open of the database as well.
    pub async fn build_deferred_indexes(&self) -> Result<usize> {
        if self.backend != Backend::Sqlite {
            return Ok(0);
        }
        self.fold_held_bands().await?;
        let pending: Vec<(String, String)> =
            sqlx::query_as("SELECT name, sql FROM deferred_indexes ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        let mut built = 0;
        for (name, sql) in &pending {
            let mut tx = self.begin_write().await?;
            // Another process that opened the database meanwhile may have
            // built it: only what is still listed is built, in the
            // transaction that strikes it off.
            let listed = sqlx::query("DELETE FROM deferred_indexes WHERE name = $1")
                .bind(name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if listed == 1 {
                sqlx::query(sql).execute(&mut *tx).await?;
                built += 1;
            }
            tx.commit().await?;
        }
        Ok(built)
    }

    /// Turns SQLite's foreign-key checks off (or back on) on this bulk
    /// store's one connection, and on any it opens later; returns whether
    /// it did (never on PostgreSQL or a serving store: other requests write
    /// through those connections). For an import that holds the search
    /// index: every row it writes refers to a creator or an article it
    /// wrote or read, and no code deletes either (articles are withdrawn),
    /// so no check could fail, and the checks were a tenth of a
    /// 100,000-article import (a probe of the parent table's B-tree for
    /// every band, pair, tag and change-log row; BENCHMARKS.md). Call it
    /// between transactions: SQLite ignores the setting inside one.
    pub async fn check_references(&self, on: bool) -> Result<bool> {
        if self.backend != Backend::Sqlite || self.workload != Workload::Bulk {
            return Ok(false);
        }
        self.references_checked
            .store(on, std::sync::atomic::Ordering::SeqCst);
        let pragma = if on {
            "PRAGMA foreign_keys = ON"
        } else {
            "PRAGMA foreign_keys = OFF"
        };
        sqlx::query(pragma).execute(&self.pool).await?;
        Ok(true)
    }
}
