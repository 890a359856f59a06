//! Every table's rows out (`hao export`) and back in (`hao import --from
//! hao`), as plain cells: the format around them (files, JSON, media) is
//! `hao_app::transfer`'s. The export reads one snapshot; the import writes
//! one transaction, so an interrupted import leaves the database as it was.

use sqlx::any::AnyTypeInfoKind;
use sqlx::{Column, Executor, Row, ValueRef};

use crate::{Backend, Result, Store, StoreError};

/// The tables an export holds, in an order where every table comes after
/// the tables it refers to (the import inserts in this order and deletes in
/// the reverse one).
pub const EXPORTED_TABLES: &[&str] = &[
    "creators",
    "articles",
    "users",
    "api_tokens",
    "moderation_log",
    "follows",
    "hot_epoch",
    "channel_pins",
    "reading_history",
    "creator_applications",
    "standing_ledger",
    "article_revisions",
    "article_daily",
    "media",
    "notifications",
    "notification_off",
    "related_lists",
    "article_sketches",
    "article_bands",
    "article_bands_fresh",
    "near_duplicates",
    "originality_reviews",
    "article_tags",
    "article_likes",
    "favorites",
    "comments",
    "comment_likes",
    "reports",
    "mutes",
    "webhooks",
    "webhook_articles",
    "site_settings",
];

/// The tables an export leaves out, and why: what a running site holds for
/// a while, not what it is.
pub const NOT_EXPORTED: &[(&str, &str)] = &[
    (
        "_sqlx_migrations",
        "the schema is the version in the manifest",
    ),
    (
        "sqlite_sequence",
        "SQLite's own counters, rebuilt by the inserts",
    ),
    ("sessions", "everyone signs in again on the new site"),
    ("signin_failures", "throttling windows of the old site"),
    ("signin_devices", "browsers trusted by the old site"),
    ("changes", "the nodes' change log starts anew"),
    ("webhook_cursor", "a position in the old change log"),
    (
        "webhook_deliveries",
        "the old site's deliveries, not resent",
    ),
    ("email_tokens", "links the old site sent by e-mail"),
    (
        "deferred_indexes",
        "indexes an import is building, built at every open",
    ),
    (
        "article_bands_held",
        "band rows an import holds, folded into article_bands at every open",
    ),
];

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// Where the export's rows go.
pub trait RowSink {
    /// The rows of `table`, with these columns, come next.
    fn table(&mut self, table: &str, columns: &[String]) -> std::io::Result<()>;
    /// One row, its cells in the columns' order.
    fn row(&mut self, cells: Vec<Cell>) -> std::io::Result<()>;
    /// True when the export should stop (an interrupt).
    fn stopped(&self) -> bool {
        false
    }
}

/// Where the import's rows come from, table by table in [`EXPORTED_TABLES`]
/// order (tables may be missing).
pub trait RowSource {
    /// The next table and its columns, or `None` at the end.
    fn next_table(&mut self) -> std::result::Result<Option<(String, Vec<String>)>, String>;
    /// The next row of the current table, or `None` at its end.
    fn next_row(&mut self) -> std::result::Result<Option<Vec<Cell>>, String>;
    /// True when the import should stop (an interrupt): it is rolled back.
    fn stopped(&self) -> bool {
        false
    }
}

/// Why an import of rows did not happen.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("{0}")]
    Refused(String),
    #[error("interrupted: nothing was imported")]
    Interrupted,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TransferError {
    fn from(e: sqlx::Error) -> Self {
        TransferError::Store(e.into())
    }
}

/// Most bound values in one INSERT (SQLite's older builds allow 999).
const MAX_PARAMS: usize = 900;

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `"a", "b", "c"`.
fn column_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quoted(c))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Every table of the schema (besides the database's own).
    pub async fn table_names(&self) -> Result<Vec<String>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
            }
        };
        Ok(sqlx::query_scalar(sql).fetch_all(&self.pool).await?)
    }

    /// Writes every row of [`EXPORTED_TABLES`] into `sink`, all read from one
    /// snapshot of the database, whatever writers do meanwhile.
    pub async fn export_rows(&self, sink: &mut dyn RowSink) -> Result<(), TransferError> {
        use futures_util::TryStreamExt;
        let mut tx = self.begin_read().await?;
        for table in EXPORTED_TABLES {
            let columns = self.columns_of(&mut tx, table).await?;
            sink.table(table, &columns)
                .map_err(|e| TransferError::Refused(format!("writing {table}: {e}")))?;
            let select = format!(
                "SELECT {} FROM {} ORDER BY 1",
                column_list(&columns),
                quoted(table)
            );
            let mut rows = sqlx::query(&select).fetch(&mut *tx);
            while let Some(row) = rows.try_next().await? {
                if sink.stopped() {
                    return Err(TransferError::Interrupted);
                }
                let mut cells = Vec::with_capacity(columns.len());
                for i in 0..columns.len() {
                    cells.push(cell(&row, i)?);
                }
                sink.row(cells)
                    .map_err(|e| TransferError::Refused(format!("writing {table}: {e}")))?;
            }
        }
        drop(tx);
        Ok(())
    }

    /// Replaces the content of a fresh database (no users, no creators but
    /// the official one) with the rows of `source`, in one transaction.
    pub async fn import_rows(&self, source: &mut dyn RowSource) -> Result<u64, TransferError> {
        let mut tx = self.begin_write().await?;
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&mut *tx)
            .await?;
        let creators: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM creators WHERE is_official = 0")
                .fetch_one(&mut *tx)
                .await?;
        if users > 0 || creators > 0 {
            return Err(TransferError::Refused(format!(
                "the database is not fresh ({users} users, {creators} creators): import a Hao export into an empty data dir"
            )));
        }
        for table in EXPORTED_TABLES.iter().rev() {
            sqlx::query(&format!("DELETE FROM {}", quoted(table)))
                .execute(&mut *tx)
                .await?;
        }
        let mut rows_in = 0u64;
        // Tables come in EXPORTED_TABLES order, each at most once.
        let mut next_allowed = 0;
        while let Some((table, columns)) = source.next_table().map_err(TransferError::Refused)? {
            let Some(position) = EXPORTED_TABLES.iter().position(|t| *t == table) else {
                return Err(TransferError::Refused(format!(
                    "table '{table}' is not one a Hao export holds"
                )));
            };
            if position < next_allowed {
                return Err(TransferError::Refused(format!(
                    "table '{table}' is out of order or repeated"
                )));
            }
            next_allowed = position + 1;
            let known = self.columns_of(&mut tx, &table).await?;
            let kinds = self.column_kinds(&mut tx, &table, &columns).await?;
            if let Some(c) = columns.iter().find(|c| !known.contains(c)) {
                return Err(TransferError::Refused(format!(
                    "table '{table}' has no column '{c}' in this version"
                )));
            }
            let per_statement = (MAX_PARAMS / columns.len().max(1)).max(1);
            let mut pending: Vec<Vec<Cell>> = Vec::with_capacity(per_statement);
            loop {
                if source.stopped() {
                    return Err(TransferError::Interrupted);
                }
                let row = source.next_row().map_err(TransferError::Refused)?;
                if let Some(row) = &row
                    && row.len() != columns.len()
                {
                    return Err(TransferError::Refused(format!(
                        "table '{table}', row {}: {} values for {} columns",
                        rows_in + 1,
                        row.len(),
                        columns.len()
                    )));
                }
                let end = row.is_none();
                if let Some(row) = row {
                    pending.push(row);
                }
                if pending.len() == per_statement || (end && !pending.is_empty()) {
                    rows_in += pending.len() as u64;
                    insert(&mut tx, &table, &columns, &kinds, &pending).await?;
                    pending.clear();
                }
                if end {
                    break;
                }
            }
            if self.backend == Backend::Postgres && known.iter().any(|c| c == "id") {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {}), 0) + 1, false)",
                    quoted(&table)
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(rows_in)
    }

    async fn columns_of(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        table: &str,
    ) -> Result<Vec<String>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
            }
            Backend::Postgres => format!(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
            ),
        };
        Ok(sqlx::query_scalar(&sql).fetch_all(&mut **tx).await?)
    }

    /// The kind of each of `columns` (how a NULL is bound on PostgreSQL).
    async fn column_kinds(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        table: &str,
        columns: &[String],
    ) -> Result<Vec<AnyTypeInfoKind>> {
        if self.backend == Backend::Sqlite || columns.is_empty() {
            return Ok(vec![AnyTypeInfoKind::Null; columns.len()]);
        }
        let sql = format!(
            "SELECT {} FROM {} WHERE false",
            column_list(columns),
            quoted(table)
        );
        let described = (&mut **tx).describe(&sql).await?;
        Ok(described
            .columns()
            .iter()
            .map(|c| c.type_info().kind())
            .collect())
    }
}

/// One cell of a fetched row, by what the database says it holds.
fn cell(row: &sqlx::any::AnyRow, i: usize) -> Result<Cell> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Cell::Null);
    }
    let kind = raw.type_info().kind();
    Ok(match kind {
        AnyTypeInfoKind::Null => Cell::Null,
        AnyTypeInfoKind::Bool => Cell::Int(i64::from(row.try_get::<bool, _>(i)?)),
        AnyTypeInfoKind::SmallInt | AnyTypeInfoKind::Integer | AnyTypeInfoKind::BigInt => {
            Cell::Int(row.try_get::<i64, _>(i)?)
        }
        AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => Cell::Real(row.try_get::<f64, _>(i)?),
        AnyTypeInfoKind::Text => Cell::Text(row.try_get::<String, _>(i)?),
        AnyTypeInfoKind::Blob => Cell::Blob(row.try_get::<Vec<u8>, _>(i)?),
    })
}

async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    columns: &[String],
    kinds: &[AnyTypeInfoKind],
    rows: &[Vec<Cell>],
) -> Result<()> {
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ",
        quoted(table),
        column_list(columns)
    );
    let mut n = 0;
    for (r, _) in rows.iter().enumerate() {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            sql.push_str(&format!("${n}"));
        }
        sql.push(')');
    }
    let mut query = sqlx::query(&sql);
    for row in rows {
        for (cell, kind) in row.iter().zip(kinds) {
            query = match cell {
                Cell::Null => match kind {
                    AnyTypeInfoKind::Text => query.bind(None::<String>),
                    AnyTypeInfoKind::Blob => query.bind(None::<Vec<u8>>),
                    AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => query.bind(None::<f64>),
                    AnyTypeInfoKind::Bool => query.bind(None::<bool>),
                    _ => query.bind(None::<i64>),
                },
                Cell::Int(v) => query.bind(*v),
                Cell::Real(v) => query.bind(*v),
                Cell::Text(v) => query.bind(v.clone()),
                Cell::Blob(v) => query.bind(v.clone()),
            };
        }
    }
    query.execute(&mut **tx).await?;
    Ok(())
}
