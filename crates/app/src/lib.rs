//! Hao's application layer: the platform's use cases, called by every door
//! (`hao import`, the write API, the studio's form, the reader site, the
//! background task of a serving node).
//!
//! Architecture Invariant: this crate knows no HTTP and no HTML (no axum, no
//! maud). It is an **API boundary** (as `ide` is in rust-analyzer): `web` and
//! `cli` call it, and it is tested at this boundary in `crates/app/tests`.
//! A rule of the platform (who may publish, what is a near-duplicate, when a
//! view counts) is written here once, whichever door a request came through.
//!
//! - [`publish`]: one article (API, studio) or a batch (import) through one
//!   function, [`publish::publish_batch`]; the import's line parsing and batching.
//! - [`originality`]: the near-duplicates of articles just written.
//! - [`related`]: 相关推荐, computed, kept and read.
//! - [`sync`]: the search index kept in step with the change log (and filled
//!   by an import as it stores, [`sync::ImportIndexing`]), and
//!   [`App::follow_changes`], the follower every node runs (and tests call).
//! - [`lists`]: 热点 and the channel headline blocks (要闻).
//! - [`accounts`]: signing in and up, with the limits every node agrees on.
//! - [`admin`]: site settings, the saved 敏感词 list, acts on users.
//! - [`recovery`]: e-mail addresses and 忘记密码, sent through [`mail`].
//! - [`secrets`]: password hashes, random tokens, digests.
//! - [`images`]: uploads checked by content and re-encoded.
//! - [`card`]: the share card of an article without a cover.
//! - [`engage`]: 跟帖, likes and 举报 with their moderation, rate limits,
//!   敏感词 list and flood check.
//! - [`views`]: counting views (a reader's repeats within an hour count once).
//! - [`seed`]: the platform's own help pages.
//! - [`webhooks`]: registrations, events from the change log, signed deliveries.
//! - [`transfer`]: Hao's export and import, and imports from WordPress and Ghost.

pub mod accounts;
pub mod admin;
pub mod card;
pub mod engage;
pub mod images;
pub mod lists;
pub mod mail;
pub mod originality;
pub mod publish;
pub mod recovery;
pub mod related;
pub mod search_pool;
pub mod secrets;
pub mod seed;
pub mod sync;
pub mod transfer;
pub mod views;
pub mod webhooks;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hao_search::SearchIndex;
use hao_store::{Store, StoreError};

pub use views::{ViewCounter, reader_key};

/// One node's application: the database, this node's search index and the
/// per-node state derived from them. Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    /// This node's search index; `None` runs the node without search.
    search: Option<Arc<SearchIndex>>,
    /// Bumped whenever anything a page shows may have changed (a local write,
    /// or a new row in the database's change log). Whatever was derived under
    /// an older generation (pages, lists) is derived again.
    generation: AtomicU64,
    lists: lists::SharedLists,
    views: ViewCounter,
    shares: views::ShareGate,
    related: related::RelatedCache,
    search_pool: search_pool::SearchPool,
    limits: engage::limits::Limits,
    words: engage::words::WordFilter,
    webhooks: webhooks::WebhookConfig,
    /// The change-log position this node's last complete webhook pass reached.
    webhook_seen: std::sync::atomic::AtomicI64,
    /// The HTTP client of webhook deliveries, made on first use.
    http: std::sync::OnceLock<reqwest::Client>,
    /// When counted views were last written (unix seconds).
    last_view_flush: std::sync::atomic::AtomicI64,
    /// Slots for decoding images ([`images::PARALLEL`]).
    image_slots: tokio::sync::Semaphore,
    /// The site settings (read from the database by the follower).
    settings: std::sync::RwLock<Arc<admin::SiteSettings>>,
    /// Where e-mail goes out (`--smtp-url`); `None`: the site sends none.
    mailer: Option<mail::Mailer>,
}

/// Logs a background task's error and counts it (`hao_background_errors_total`).
fn background_error(task: &'static str, e: &dyn std::fmt::Display, what: &str) {
    metrics::counter!("hao_background_errors_total", "task" => task).increment(1);
    tracing::warn!(task, error = %e, "{what}");
}

/// How often a node writes the views it counted.
pub const VIEW_FLUSH_EVERY: Duration = Duration::from_secs(2);

impl App {
    /// An application over `store`, keeping `search` (when given) in step
    /// with the change log.
    pub fn new(store: Store, search: Option<Arc<SearchIndex>>) -> App {
        App {
            inner: Arc::new(Inner {
                store,
                search,
                generation: AtomicU64::new(1),
                lists: lists::SharedLists::default(),
                views: ViewCounter::default(),
                shares: views::ShareGate::default(),
                related: related::RelatedCache::default(),
                search_pool: search_pool::SearchPool::sized_for_cores(),
                limits: engage::limits::Limits::default(),
                words: engage::words::WordFilter::default(),
                webhooks: webhooks::WebhookConfig::default(),
                webhook_seen: std::sync::atomic::AtomicI64::new(-1),
                http: std::sync::OnceLock::new(),
                last_view_flush: std::sync::atomic::AtomicI64::new(0),
                image_slots: tokio::sync::Semaphore::new(images::PARALLEL),
                settings: std::sync::RwLock::default(),
                mailer: None,
            }),
        }
    }

    /// The same application with this 敏感词 list (before it is shared).
    pub fn with_words(mut self, words: engage::words::WordFilter) -> App {
        self.inner_mut().words = words;
        self
    }

    /// The same application sending e-mail through `mailer` (before it is shared).
    pub fn with_mailer(mut self, mailer: mail::Mailer) -> App {
        self.inner_mut().mailer = Some(mailer);
        self
    }

    /// The mailer, when the site sends e-mail.
    pub fn mailer(&self) -> Option<&mail::Mailer> {
        self.inner.mailer.as_ref()
    }

    /// The same application with these rate limits (before it is shared).
    pub fn with_rates(mut self, rates: engage::limits::Rates) -> App {
        self.inner_mut().limits = engage::limits::Limits::new(rates);
        self
    }

    /// The same application with this webhook configuration (before it is shared).
    pub fn with_webhooks(mut self, config: webhooks::WebhookConfig) -> App {
        self.inner_mut().webhooks = config;
        self
    }

    pub fn webhook_config(&self) -> &webhooks::WebhookConfig {
        &self.inner.webhooks
    }

    pub(crate) fn webhook_seen(&self) -> i64 {
        self.inner.webhook_seen.load(Ordering::Acquire)
    }

    /// Remembers that the webhook pass reached `reached`, when that is the
    /// end of the log as it was read (`last`) before the pass.
    pub(crate) fn saw_changes_until(&self, reached: i64, last: i64) {
        if reached >= last {
            self.inner.webhook_seen.store(reached, Ordering::Release);
        }
    }

    pub(crate) fn http_client(&self) -> &reqwest::Client {
        self.inner
            .http
            .get_or_init(|| webhooks::client(self.inner.webhooks.allow_private))
    }

    fn inner_mut(&mut self) -> &mut Inner {
        Arc::get_mut(&mut self.inner).expect("an App is configured before it is cloned")
    }

    /// This node's rate limits on what readers write.
    pub fn limits(&self) -> &engage::limits::Limits {
        &self.inner.limits
    }

    /// The 敏感词 list.
    pub fn words(&self) -> &engage::words::WordFilter {
        &self.inner.words
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn search(&self) -> Option<&Arc<SearchIndex>> {
        self.inner.search.as_ref()
    }

    /// This node's search index once it is complete: `None` while it is
    /// being built at a first start (it answers from what it has so far, and
    /// nothing derived from it is kept), or when the node has none.
    pub fn built_search(&self) -> Option<&Arc<SearchIndex>> {
        self.search().filter(|i| i.applied_seq().is_some())
    }

    pub fn related(&self) -> &related::RelatedCache {
        &self.inner.related
    }

    pub fn views(&self) -> &ViewCounter {
        &self.inner.views
    }

    /// Counts a share of a published article by `reader` (see
    /// [`reader_key`]) from `addr` unless the same reader's share of it was
    /// counted within the hour or the address spent its budget
    /// ([`views::MAX_PER_ADDRESS`]); returns whether it counted.
    pub async fn share(
        &self,
        article_id: i64,
        reader: u64,
        addr: &str,
    ) -> Result<bool, StoreError> {
        if !self.inner.shares.admit(article_id, reader, addr) {
            return Ok(false);
        }
        let counted = self.inner.store.add_share(article_id).await?;
        if counted {
            self.invalidate();
        }
        Ok(counted)
    }

    /// Runs `f` (decoding or encoding an image) on a blocking thread, at
    /// most [`images::PARALLEL`] at once; a panic in the codec is an error
    /// said to the uploader, not a crash.
    pub async fn image_work<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        let _slot = self
            .inner
            .image_slots
            .acquire()
            .await
            .expect("the image semaphore is never closed");
        tokio::task::spawn_blocking(f)
            .await
            .unwrap_or_else(|_| Err("图片无法处理。".to_owned()))
    }

    /// Searches waiting for a search thread.
    pub fn search_queue_depth(&self) -> usize {
        self.inner.search_pool.queued()
    }

    /// Runs `f` (a search) on this node's search threads, in arrival order;
    /// `None` when it panicked.
    pub async fn run_search<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        self.inner.search_pool.run(f).await
    }

    /// The time every rule and every write goes by: the store's clock (the
    /// system clock plus an offset that only tests move).
    pub fn now(&self) -> i64 {
        self.inner.store.now()
    }

    /// Moves the clock forward ("it is now two hours later"): the rules and
    /// the store's writes see the same time.
    #[cfg(feature = "test-support")]
    pub fn advance_clock(&self, seconds: i64) {
        self.inner.store.clock().advance(seconds);
    }

    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Marks everything derived from the database (pages, lists) as stale.
    pub fn invalidate(&self) {
        self.inner.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// 热点 and the headline blocks of the current generation, computed at
    /// most once per generation and `ttl`.
    pub async fn lists(&self, ttl: Duration) -> Result<Arc<lists::Lists>, StoreError> {
        self.inner
            .lists
            .get(&self.inner.store, self.generation(), ttl, self.now())
            .await
    }

    /// Publishes the scheduled articles whose time has come, each exactly
    /// once however many nodes run this (see `Store::publish_due`).
    pub async fn publish_due(&self) -> Result<Vec<i64>, StoreError> {
        let ids = self.inner.store.publish_due(self.now(), 100).await?;
        if !ids.is_empty() {
            self.invalidate();
        }
        Ok(ids)
    }

    /// Writes the counted views to the database. Called periodically and on
    /// shutdown; counts that fail to write are kept for the next flush.
    pub async fn flush_views(&self) -> Result<usize, StoreError> {
        let n = self.inner.views.flush(&self.inner.store).await?;
        self.inner
            .last_view_flush
            .store(self.now(), Ordering::Release);
        Ok(n)
    }

    /// When this node last wrote its counted views (unix seconds; 0 before
    /// the first flush).
    pub fn last_view_flush(&self) -> i64 {
        self.inner.last_view_flush.load(Ordering::Acquire)
    }

    /// The change-log follower, one step: when the database's log moved past
    /// `last_seen`, applies the changes to this node's search index,
    /// recomputes the 相关推荐 of the articles that changed, and marks every
    /// cached page stale. Returns the position reached. The background task
    /// of `hao serve` calls this every 250 ms; tests call it after a write.
    pub async fn follow_changes(&self, last_seen: i64) -> Result<i64, StoreError> {
        let seq = self.inner.store.last_change().await?;
        metrics::gauge!("hao_change_log_seq").set(seq as f64);
        if seq == last_seen {
            metrics::gauge!("hao_change_log_behind").set(0.0);
            return Ok(last_seen);
        }
        let mut reached = seq;
        if self.search().is_some_and(|i| i.writer_released()) {
            // A `hao reindex` this node started is building the index (and
            // holds its write lock): the changes are applied from here once
            // it is complete.
            reached = last_seen;
        } else if let Some(index) = self.search() {
            match sync::apply_changes(&self.inner.store, index, last_seen).await {
                Ok((applied, ids)) => {
                    reached = applied;
                    if let Err(e) =
                        related::refresh(&self.inner.store, index, self.related(), &ids).await
                    {
                        background_error("related", &e, "computing related articles failed");
                    }
                }
                Err(e) => {
                    background_error(
                        "search-index",
                        &e,
                        "updating the search index failed; will retry",
                    );
                    reached = last_seen;
                }
            }
        }
        // Settings and the saved 敏感词 list (a small table) may have
        // changed on another node.
        if let Err(e) = self.load_settings().await {
            background_error(
                "settings",
                &e,
                "reading the site settings failed; will retry",
            );
        }
        self.invalidate();
        metrics::gauge!("hao_change_log_applied").set(reached as f64);
        metrics::gauge!("hao_change_log_behind").set((seq - reached) as f64);
        Ok(reached)
    }

    /// Background work of a serving node, every 250 ms: the change-log
    /// follower; every second, scheduled articles; every 2 s, counted views;
    /// once a minute, 热点's epoch; beside it, every second, webhooks. `from_seq` is the change-log position the
    /// search index is known to reflect. Runs until aborted.
    pub fn spawn_background(&self, from_seq: i64) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        let hooks = self.clone();
        // Webhooks every second, beside (not inside) the follower's loop: a
        // slow receiver never delays the pages' freshness.
        let webhooks = async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = hooks.dispatch_webhooks().await {
                    background_error(
                        "webhook-queue",
                        &e,
                        "queueing webhook events failed; will retry",
                    );
                }
                if let Err(e) = hooks.deliver_webhooks().await {
                    background_error(
                        "webhook-delivery",
                        &e,
                        "delivering webhooks failed; will retry",
                    );
                }
            }
        };
        let follower = async move {
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last_seen = from_seq;
            let mut ticks: u64 = 0;
            loop {
                tick.tick().await;
                ticks += 1;
                match app.follow_changes(last_seen).await {
                    Ok(seq) => last_seen = seq,
                    Err(e) => background_error("change-log", &e, "reading the change log failed"),
                }
                // Scheduled articles every second, on every node: each is
                // published once (see `Store::publish_due`).
                if ticks.is_multiple_of(4) {
                    match app.publish_due().await {
                        Ok(ids) if !ids.is_empty() => {
                            tracing::info!(articles = ?ids, "scheduled articles published")
                        }
                        Ok(_) => {}
                        Err(e) => background_error(
                            "scheduled",
                            &e,
                            "publishing scheduled articles failed",
                        ),
                    }
                }
                // Rate-limit keys that would get a full burst again, once a minute.
                if ticks.is_multiple_of(240) {
                    app.limits().forget_idle();
                }
                // 热点's epoch, once a minute: moved (rarely) when due.
                if ticks.is_multiple_of(240)
                    && let Err(e) = app.store().rebase_hot_if_due(app.now()).await
                {
                    background_error(
                        "hot-epoch",
                        &e,
                        "moving the hot-score epoch failed; will retry",
                    );
                }
            }
        };
        // Views every 2 s on their own timer (not every n-th pass of the
        // follower, which a busy change log slows): one transaction for all
        // articles viewed since.
        let counter = self.clone();
        let views = async move {
            let mut tick = tokio::time::interval(VIEW_FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = counter.flush_views().await {
                    background_error(
                        "view-flush",
                        &e,
                        "flushing views failed; kept for the next flush",
                    );
                }
            }
        };
        tokio::spawn(async move {
            tokio::join!(follower, webhooks, views);
        })
    }
}
