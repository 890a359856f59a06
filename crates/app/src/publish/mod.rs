//! Publishing: every door that writes an article comes through here.
//!
//! [`publish_batch`] is the one function that writes articles: it checks
//! the platform's rules on a batch, stores it in one transaction
//! (`Store::upsert_articles`), finds each article's near-duplicates among
//! other creators' articles and records the pairs (queuing a 原创 claim on a
//! copy for the editors). [`publish`] (the write API and the studio's form)
//! calls it with one article, a site import with a batch; `hao import` goes
//! through [`BatchWriter`], the same steps with one batch's lookup beside
//! the next batch's storing. A new rule about who may publish what is
//! written there, once.
//!
//! Errors are typed ([`PublishError`]): a door maps them to its own shape
//! (`{"code","message"}` for the API, the message beside its field for the
//! studio's form, `FILE:LINE` for an import).

pub mod import;
mod input;

use hao_domain::{AccountType, Article, ArticleDraft, ArticleStatus, Role, User, ValidationError};
use hao_store::{
    ChangeRange, NearDuplicate, NewCreator, Recorded, Store, StoreError, Upserted, Upserts,
};
use hao_text::fingerprint::Sketch;
use serde::Deserialize;

pub use input::{ANONYMOUS, ArticleInput, Parsed, cover_url, parse};

use crate::App;
use crate::originality::{self, Written};

/// Why an article was not published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A field of the article is missing or wrong: [`ValidationError::field`]
    /// names it.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The user has no creator account to write as.
    #[error("only creators publish: apply to become a creator (申请入驻) first")]
    NotACreator,
    /// The user may not change this article.
    #[error("only the article's creator or an editor may change it")]
    NotTheirs,
    /// A new article whose `external_id` is taken.
    #[error(
        "external_id '{external_id}' is already article {id}: update it with PUT /api/v1/articles/{id}"
    )]
    Conflict { external_id: String, id: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An article to publish as a user: the import's article object plus what to
/// do with it (the write API's body; the studio builds one from its form).
#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(flatten)]
    pub input: ArticleInput,
    /// False keeps the article as a draft.
    #[serde(default = "yes")]
    pub publish: bool,
    /// RFC 3339 time in the future: the article is scheduled and goes live
    /// then (on whichever node gets there first, exactly once).
    pub publish_at: Option<String>,
}

fn yes() -> bool {
    true
}

/// What a publish did (the API's answer, the studio's redirect).
#[derive(Debug, Clone)]
pub struct Published {
    pub id: i64,
    pub external_id: String,
    pub status: ArticleStatus,
    pub near_duplicate_of: Vec<i64>,
    pub created: bool,
}

/// What a batch did.
#[derive(Debug, Default)]
pub struct Batch {
    /// One per draft, in order.
    pub stored: Vec<Upserted>,
    /// Near-duplicate pairs newly recorded.
    pub near_duplicates: usize,
    /// The change-log rows the batch wrote (its articles, then the ones
    /// that gained a near-duplicate pair).
    pub changes: Vec<ChangeRange>,
}

/// Stores `drafts` (each with its creator) in one transaction and records
/// their near-duplicates: **the one write path of articles**, for the
/// import (a batch), the write API and the studio (one, through [`publish`]).
pub async fn publish_batch(store: &Store, drafts: &[ArticleDraft]) -> Result<Batch, PublishError> {
    if drafts.is_empty() {
        return Ok(Batch::default());
    }
    let (upserts, written) = store_drafts(store, drafts).await?;
    let pairs = originality::near_duplicates_many(store, &written).await?;
    let recorded = store.record_near_duplicates(&pairs).await?;
    Ok(Batch::of(upserts, recorded))
}

/// Stores `drafts` in one transaction; answers what their near-duplicate
/// check needs (an article without a sketch, too short, has none).
async fn store_drafts(
    store: &Store,
    drafts: &[ArticleDraft],
) -> Result<(Upserts, Vec<Written>), PublishError> {
    let upserts = store.upsert_articles_logged(drafts).await?;
    let written = upserts
        .articles
        .iter()
        .zip(drafts)
        .filter_map(|(r, d)| {
            Some(Written {
                id: r.id,
                creator_id: d.creator_id,
                published_at: d.published_at,
                sketch: Sketch::decode(d.sketch.as_deref()?)?,
                bands: d.bands.clone(),
            })
        })
        .collect();
    Ok((upserts, written))
}

impl Batch {
    fn of(upserts: Upserts, recorded: Recorded) -> Batch {
        Batch {
            stored: upserts.articles,
            near_duplicates: recorded.added,
            changes: upserts
                .changes
                .into_iter()
                .chain(recorded.changes)
                .collect(),
        }
    }
}

/// A near-duplicate check running on its own task.
type Check = tokio::task::JoinHandle<hao_store::Result<Vec<NearDuplicate>>>;

/// [`publish_batch`] for a stream of batches (an import), overlapped: a
/// batch's near-duplicates are looked up and verified on another task while
/// the next batch is stored, and recorded after it. The database has one
/// writer; this keeps it writing while the verification runs on another
/// core, instead of waiting for it (at a million articles the lookup was a
/// fifth of a batch's time, BENCHMARKS.md). On PostgreSQL the lookup reads
/// on a connection of its own; a bulk SQLite process has one connection,
/// and the lookup's query takes its turn between the writer's transactions.
///
/// Nothing is missed: a batch's lookup starts once the batch is stored, so
/// it sees every earlier batch and the batch itself, and a pair between it
/// and the next batch is found by the next batch's lookup. A pair found
/// twice is recorded once (pairs are oriented, and recording a known one
/// does nothing). Call [`BatchWriter::finish`] after the last batch: it
/// records that batch's pairs.
pub struct BatchWriter {
    store: Store,
    checking: Option<Check>,
}

impl BatchWriter {
    pub fn new(store: &Store) -> BatchWriter {
        BatchWriter {
            store: store.clone(),
            checking: None,
        }
    }

    /// Stores `drafts` and starts their check; records the previous
    /// batch's pairs. The answer's `near_duplicates` and `changes` count
    /// those pairs, not this batch's (the next call or `finish` records
    /// them).
    pub async fn write(&mut self, drafts: &[ArticleDraft]) -> Result<Batch, PublishError> {
        if drafts.is_empty() {
            return Ok(Batch::default());
        }
        let (upserts, written) = store_drafts(&self.store, drafts).await?;
        let store = self.store.clone();
        let check =
            tokio::spawn(async move { originality::near_duplicates_many(&store, &written).await });
        let recorded = match self.checking.replace(check) {
            Some(previous) => self.record(previous).await?,
            None => Recorded::default(),
        };
        Ok(Batch::of(upserts, recorded))
    }

    /// Records the last batch's pairs (`stored` is empty).
    pub async fn finish(&mut self) -> Result<Batch, PublishError> {
        let recorded = match self.checking.take() {
            Some(check) => self.record(check).await?,
            None => Recorded::default(),
        };
        Ok(Batch::of(Upserts::default(), recorded))
    }

    async fn record(&self, check: Check) -> Result<Recorded, PublishError> {
        let pairs = match check.await {
            Ok(pairs) => pairs?,
            // The task is never aborted: only a panic ends it early.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        Ok(self.store.record_near_duplicates(&pairs).await?)
    }
}

/// The creator an article is written as: the user's own for creators; for
/// editors and admins, the named `author` (created if new) or their own.
async fn author_of(
    store: &Store,
    user: &User,
    author: &str,
    author_type: AccountType,
) -> Result<i64, PublishError> {
    if user.role.is_editor() && (author != ANONYMOUS || user.creator_id.is_none()) {
        return Ok(store
            .ensure_creator(&NewCreator {
                display_name: author,
                account_type: author_type,
                bio: "",
                is_demo: false,
                is_official: false,
            })
            .await?);
    }
    match (user.role, user.creator_id) {
        (Role::Creator | Role::Editor | Role::Admin, Some(id)) => Ok(id),
        _ => Err(PublishError::NotACreator),
    }
}

/// Validates, analyses and publishes an article written by `user` (new, or
/// an update of `existing`): as a draft, scheduled, in review for a novice
/// creator (新手期), or live. The write API and the studio's form call this.
pub async fn publish(
    app: &App,
    user: &User,
    request: Request,
    existing: Option<Article>,
) -> Result<Published, PublishError> {
    let store = app.store();
    if let Some(a) = &existing
        && !user.role.is_editor()
        && user.creator_id != Some(a.creator_id)
    {
        return Err(PublishError::NotTheirs);
    }
    let mut input = request.input;
    let created = existing.is_none();
    match &existing {
        Some(a) => input.external_id = Some(a.external_id.clone()),
        None => {
            if input
                .external_id
                .as_deref()
                .is_none_or(|e| e.trim().is_empty())
            {
                input.external_id = Some(format!("hao-{}", &crate::secrets::random_secret()[..16]));
            }
        }
    }
    let now = app.now();
    let parsed = parse(input, now)?;
    let creator_id = match &existing {
        // An update keeps the article's author.
        Some(a) => a.creator_id,
        None => author_of(store, user, &parsed.author, parsed.author_type).await?,
    };
    if created
        && let Some(a) = store
            .article_by_external_id(&parsed.draft.external_id)
            .await?
    {
        return Err(PublishError::Conflict {
            external_id: a.external_id,
            id: a.id,
        });
    }
    let mut draft = parsed.draft;
    draft.creator_id = creator_id;
    let publish_at = request
        .publish_at
        .as_deref()
        // A schedule at most a year ahead.
        .map(|t| input::parse_time("publish_at", t, input::EARLIEST, now + 366 * 86_400))
        .transpose()?;
    draft.status = match publish_at {
        _ if !request.publish => ArticleStatus::Draft,
        Some(at) if at > now => {
            draft.published_at = at;
            ArticleStatus::Scheduled
        }
        _ => ArticleStatus::Published,
    };
    // 新手期, or a 信用分 below the line: the article waits for an editor
    // (editors and admins writing as the creator are trusted).
    if matches!(
        draft.status,
        ArticleStatus::Published | ArticleStatus::Scheduled
    ) && !user.role.is_editor()
        && (store.is_novice(creator_id).await?
            || store.standing(creator_id).await? < hao_domain::policy::STANDING_REVIEW_BELOW)
    {
        draft.status = ArticleStatus::InReview;
    }
    let batch = publish_batch(store, std::slice::from_ref(&draft)).await?;
    let id = batch.stored[0].id;
    app.invalidate();
    Ok(Published {
        id,
        external_id: draft.external_id,
        status: draft.status,
        near_duplicate_of: store.near_duplicate_of(id).await?,
        created,
    })
}
