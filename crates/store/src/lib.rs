//! Hao's storage layer. **All SQL lives here.**
//!
//! One [`Store`] speaks to SQLite (the embedded default, a file in the data
//! dir) or PostgreSQL, chosen at run time from the URL scheme. Queries are
//! written once in the dialect both accept (`$1` placeholders, `ON CONFLICT`,
//! `RETURNING`, times as Unix seconds, booleans as 0/1); each backend has its
//! own migrations folder, run at start-up.

mod accounts;
mod admin;
mod applications;
mod articles;
mod backup;
mod bands;
mod comments;
mod creators;
mod deferred;
mod email;
mod feed;
mod follows;
mod hot;
mod imports;
mod likes;
mod listing;
mod media;
mod moderation;
mod notifications;
mod originality;
mod related;
mod reports;
mod review;
mod rows;
mod standing;
mod stats;
mod tags;
mod throttle;
mod transfer;
mod upsert;
mod webhooks;

use std::path::Path;
use std::str::FromStr;
use std::sync::Once;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use accounts::{ModerationEntry, TokenInfo};
pub use admin::{AdminAct, AdminRefusal, AdminUser, SiteCounts};
pub use applications::{Application, ApplicationRefusal, NewApplication};
pub use articles::{IndexRow, ListPage};
pub use backup::{CopyCheck, check_copy, sqlite_schema_version};
pub use comments::{CommentRefusal, CommentSort, NewComment, excerpt};
pub use creators::NewCreator;
pub use email::EmailPurpose;
pub use feed::Pin;
pub use listing::ArticleFilter;
pub use notifications::{Notification, TURNABLE_OFF};
pub use originality::{
    BAND_HOLDERS, NearDuplicate, OriginalityReview, Recorded, SketchRow, Verdict,
};
pub use related::RelatedItem;
pub use reports::ReportGroup;
pub use review::{Reviewed, Revision, StudioRow};
pub use standing::LedgerEntry;
pub use stats::DayStats;
pub use throttle::Limit;
pub use transfer::{Cell, EXPORTED_TABLES, NOT_EXPORTED, RowSink, RowSource, TransferError};
pub use upsert::{Upserted, Upserts};
pub use webhooks::{ArticleEvent, Claimed, Delivery, Dispatch, FollowEvent, Subscriber, Webhook};

/// A storage failure. `NotFound`-style outcomes are `Option`s, not errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL '{0}': expected sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value that the domain does not accept (e.g. an unknown channel
    /// slug): the database was written by something else or is damaged.
    #[error("corrupt row in {table}: {reason}")]
    Corrupt { table: &'static str, reason: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The handle to Hao's database: cheap to clone, shared by every task.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: Clock,
    bands: std::sync::Arc<bands::BandStaging>,
    workload: Workload,
    /// Whether SQLite checks foreign keys on this store's connections, those
    /// it opens later included (see [`Store::check_references`]).
    references_checked: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// The one clock of a process: the system's time plus an offset that only
/// tests move ([`Clock::advance`]). Every write of the store that records a
/// time reads it, and `hao_app::App::now()` is the same clock, so a test that
/// says "two hours later" moves the rules and the rows together.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    /// The current time as Unix seconds.
    pub fn now(&self) -> i64 {
        system_now() + self.offset.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Moves this clock forward by `seconds` (tests: "it is now later").
    pub fn advance(&self, seconds: i64) {
        self.offset
            .fetch_add(seconds, std::sync::atomic::Ordering::AcqRel);
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// What a process does with the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// A serving node: pages come from its page cache, so SQLite's own cache
    /// stays small (it is per connection, and counts in the node's memory).
    Serving,
    /// An import or a rebuild: one process writing or reading every article,
    /// whose B-trees outgrow a small cache (measured: 20,000 articles
    /// imported in 13.6 s with 4 MB, 11.4 s with 64 MB; 100,000 took 135.6 s
    /// with 1 GB and 136.1 s with 64 MB, and the cache is per connection:
    /// 1 GB took an import to 2.5 GB of memory at 765,000 articles). The
    /// file is also mapped (see [`Workload::sqlite_mmap_bytes`]).
    Bulk,
}

impl Workload {
    /// Connections to SQLite. A serving node's requests read side by side.
    /// A bulk process has one: SQLite drops a connection's whole map of the
    /// file whenever another connection has written since that connection's
    /// last transaction, and a pool hands its connections out in turn, so
    /// with four, most transactions of an import began by tearing down
    /// gigabytes of mapped pages and faulting them back in. The generated
    /// million imported in 1,082 s (1,476 user + 285 system CPU-seconds)
    /// with four, 1,012 s (1,317 + 182) with one (BENCHMARKS.md, twenty-first
    /// session).
    fn sqlite_connections(self) -> u32 {
        match self {
            Workload::Serving => 4,
            Workload::Bulk => 1,
        }
    }

    fn sqlite_cache_kib(self) -> u32 {
        match self {
            Workload::Serving => 4_000,
            Workload::Bulk => 64 << 10,
        }
    }

    /// How much of the database file SQLite reads through a memory map
    /// instead of `read(2)` into its cache. A bulk process reads pages it
    /// has just written all over the band and sketch B-trees and the
    /// articles' indexes; mapped, they are
    /// the kernel's page cache with no copy and no system call (measured:
    /// importing 100,000 articles on top of 500,000 took 172.7 s unmapped,
    /// 152.6 s mapped, system time 60.0 s → 46.2 s). The whole file: SQLite's
    /// compiled-in cap of 2 GB is lifted (`SQLITE_MAX_MMAP_SIZE` in
    /// `.cargo/config.toml`), since at a million articles (7 GB) the pages
    /// past it were read with `pread` and copied into a cache too small
    /// for them, which made the import superlinear (BENCHMARKS.md,
    /// nineteenth session). Mapped pages are file-backed: the kernel takes
    /// them back under pressure. A serving node maps nothing: its pages come
    /// from the page cache above the store.
    fn sqlite_mmap_bytes(self) -> u64 {
        match self {
            Workload::Serving => 0,
            Workload::Bulk => 1 << 40,
        }
    }
}

/// How many band rows a bulk process stages before it folds them into
/// `article_bands` (see [`Store::stage_bands`]): every 62,500 articles or
/// so. A fold writes each leaf of the band B-tree once (at a million
/// articles, 300 MB); the staged B-tree stays small enough (40 MB) for
/// SQLite's cache. An import that holds its band rows folds once, at its
/// end ([`Store::hold_bands`]).
pub const FOLD_BAND_ROWS: u64 = 1_000_000;

impl Store {
    /// The default URL: a SQLite file `hao.db` in the data dir, created if missing.
    pub fn sqlite_url(data_dir: &Path) -> String {
        format!("sqlite://{}?mode=rwc", data_dir.join("hao.db").display())
    }

    /// Connects and brings the schema up to date. Migrations are safe when
    /// several nodes start at once (PostgreSQL: sqlx takes an advisory lock;
    /// SQLite: one writer at a time).
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_for(url, Workload::Serving).await
    }

    /// [`Store::connect`] for a process doing `workload`.
    pub async fn connect_for(url: &str, workload: Workload) -> Result<Store> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);

        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let options = AnyConnectOptions::from_str(url)?;
        let references_checked = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let checked = references_checked.clone();
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(workload.sqlite_connections())
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(move |conn, _| {
                        let checked = checked.load(std::sync::atomic::Ordering::SeqCst);
                        Box::pin(async move {
                            // WAL: readers never wait for the writer. NORMAL sync is
                            // durable across process crashes (not power loss of the
                            // last transactions), the usual choice for WAL.
                            // Statement journals in memory: no temporary file
                            // written per statement of a long transaction.
                            conn.execute(
                                format!(
                                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                     PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = {}; \
                                     PRAGMA cache_size = -{}; PRAGMA temp_store = MEMORY; PRAGMA mmap_size = {};",
                                    if checked { "ON" } else { "OFF" },
                                    workload.sqlite_cache_kib(),
                                    workload.sqlite_mmap_bytes()
                                )
                                .as_str(),
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?
            }
        };
        let store = Store {
            pool,
            backend,
            clock: Clock::default(),
            bands: Default::default(),
            workload,
            references_checked,
        };
        store.migrate().await?;
        // Indexes an import deferred and band rows it held, when it did
        // not live to build and fold them.
        store.build_deferred_indexes().await?;
        if workload == Workload::Bulk {
            store.stage_bands(FOLD_BAND_ROWS);
        }
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Writes this store's band rows to `article_bands_fresh` and folds
    /// them into `article_bands`, in key order, whenever it holds `fold_at`
    /// rows (a bulk process: [`Workload::Bulk`] sets [`FOLD_BAND_ROWS`]).
    /// Lookups read both tables whatever a store writes.
    pub fn stage_bands(&self, fold_at: u64) {
        self.bands
            .fold_at
            .store(fold_at, std::sync::atomic::Ordering::Release);
    }

    /// The pool's open connections and how many of them are idle (`/metrics`).
    pub fn pool_use(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Cheap liveness probe for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The newest change-log sequence number, 0 when nothing was ever written.
    pub async fn last_change(&self) -> Result<i64> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM changes")
            .fetch_one(&self.pool)
            .await?;
        Ok(seq.unwrap_or(0))
    }
}

impl Store {
    /// The clock this store's writes read (see [`Clock`]).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The current time by [`Store::clock`].
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// A transaction that only reads, from one snapshot of the database
    /// (SQLite's WAL read transaction; PostgreSQL's repeatable read).
    pub(crate) async fn begin_read(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// A transaction that reads and then writes. On SQLite it takes the
    /// write lock first (a no-op write, waiting with the busy timeout), so
    /// its reads are never outdated by another writer before it writes: a
    /// deferred transaction would instead fail its upgrade with "database is
    /// locked" (SQLITE_BUSY_SNAPSHOT) when another connection committed in
    /// between. PostgreSQL's row locks need nothing more.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Sqlite {
            sqlx::query("UPDATE hot_epoch SET epoch = epoch WHERE id = 1")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// Appends one row to the change log inside the caller's transaction.
    ///
    /// On PostgreSQL the row's sequence number is taken under a
    /// transaction-scoped advisory lock, so change-log rows become visible in
    /// sequence order: a follower that has read up to `seq` can never later
    /// find a smaller `seq` committed behind it (the classic outbox gap).
    /// SQLite has one writer at a time, which gives the same for free.
    pub(crate) async fn log_change(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        kind: &str,
        article_id: Option<i64>,
        at: i64,
    ) -> Result<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(4242001)")
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query("INSERT INTO changes (kind, article_id, at) VALUES ($1, $2, $3)")
            .bind(kind)
            .bind(article_id)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// An aggregate joining `expr` over a query's rows into one string,
    /// separated by spaces (NULL when there are none): SQLite's
    /// `group_concat`, PostgreSQL's `string_agg`.
    pub(crate) fn joined(&self, expr: &str) -> String {
        match self.backend {
            Backend::Sqlite => format!("group_concat({expr}, ' ')"),
            Backend::Postgres => format!("string_agg({expr}, ' ')"),
        }
    }

    /// [`Store::log_change`] for several articles at once, in `ids`' order:
    /// one statement per 500 rows. Returns the rows' place in the log.
    pub(crate) async fn log_changes(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        kind: &str,
        ids: &[i64],
        at: i64,
    ) -> Result<Option<ChangeRange>> {
        if ids.is_empty() {
            return Ok(None);
        }
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(4242001)")
                .execute(&mut **tx)
                .await?;
        }
        // No other writer can add a row now (see `log_change`): whatever
        // lies between the newest row before and after is this batch's.
        let newest = "SELECT COALESCE(MAX(seq), 0) FROM changes";
        let after: i64 = sqlx::query_scalar(newest).fetch_one(&mut **tx).await?;
        for chunk in ids.chunks(500) {
            // The ids are integers of our own, written into the statement
            // (prepared each time; see `rows::int_list`).
            let values: Vec<String> = chunk.iter().map(|id| format!("($1, {id}, $2)")).collect();
            let sql = format!(
                "INSERT INTO changes (kind, article_id, at) VALUES {}",
                values.join(", ")
            );
            sqlx::query(&sql)
                .bind(kind)
                .bind(at)
                .execute(&mut **tx)
                .await?;
        }
        let last: i64 = sqlx::query_scalar(newest).fetch_one(&mut **tx).await?;
        Ok(Some(ChangeRange { after, last }))
    }
}

/// The change-log rows one transaction wrote: every `seq` in
/// `(after, last]`, and no other writer's among them. A process that applied
/// those changes itself (an import indexing what it stores) may count them
/// as applied without reading them back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeRange {
    pub after: i64,
    pub last: i64,
}

/// The Beijing calendar day of a Unix time, as a `YYYYMMDD` number (the key
/// of daily statistics).
pub fn beijing_day(unix: i64) -> i64 {
    let days = (unix + 8 * 3600).div_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    y * 10_000 + m * 100 + d
}

/// The system's time as Unix seconds (read only through a [`Clock`]).
fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
