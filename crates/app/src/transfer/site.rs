//! A site exported by another platform, read into one model ([`Site`]) by
//! the WordPress or the Ghost reader, and imported here: authors
//! become creators (marked with the platform), posts and pages articles
//! through the one write path ([`crate::publish::publish_batch`]), tags
//! stay tags, categories that name a channel choose it, images are stored
//! from a media directory or kept as links, comments keep their dates and
//! threads. External ids come from the source's ids, so running an import
//! again updates what it stored. Whatever cannot be imported is listed with
//! its item and reason; the rest is imported.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use hao_domain::{ArticleStatus, Channel, limits};
use hao_store::{NewCreator, Store};

use crate::publish::{ArticleInput, parse};
use crate::publish::{PublishError, publish_batch};

/// The platform a site came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    WordPress,
    Ghost,
}

impl Platform {
    pub fn code(self) -> &'static str {
        match self {
            Platform::WordPress => "wordpress",
            Platform::Ghost => "ghost",
        }
    }
}

/// A site as read from an export file.
#[derive(Debug, Clone)]
pub struct Site {
    pub platform: Platform,
    /// Distinguishes one source site from another in external ids (a short
    /// digest of its address; empty where the source ids are global).
    pub key: String,
    pub authors: Vec<Author>,
    pub posts: Vec<Post>,
    /// Items the reader could not take (with their ids and reasons).
    pub problems: Vec<Problem>,
    /// Items taken otherwise than they were (e.g. members-only → draft).
    pub notes: Vec<Problem>,
}

#[derive(Debug, Clone)]
pub struct Author {
    /// The source's id (WordPress login, Ghost user id).
    pub id: String,
    pub name: String,
    pub bio: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Post,
    Page,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Published,
    Draft,
    Scheduled,
    /// Visible to its author only: kept as a draft.
    Private,
    /// Waiting for review (WordPress `pending`).
    Pending,
}

#[derive(Debug, Clone)]
pub struct Post {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub html: String,
    pub status: Status,
    /// Unix seconds; `None` for a draft never dated.
    pub published_at: Option<i64>,
    /// Source author ids, first the main one.
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    pub feature_image: Option<String>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub id: String,
    pub parent: Option<String>,
    pub author: String,
    /// Distinguishes two commenters of one name (an address or a digest).
    pub author_key: String,
    pub html: String,
    pub at: i64,
}

/// One item not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// e.g. `post 42`, `comment 7`, `image https://…`.
    pub item: String,
    pub reason: String,
}

/// What to do besides reading the file.
pub struct Options<'a> {
    /// WordPress's `wp-content/uploads` (or Ghost's `content/images`).
    pub media_dir: Option<PathBuf>,
    /// The channel of posts whose categories name none.
    pub channel: Option<String>,
    /// Posts done so far.
    pub progress: &'a (dyn Fn(usize) + Sync),
    pub stop: &'a AtomicBool,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Summary {
    pub posts: usize,
    pub pages: usize,
    pub created: usize,
    pub updated: usize,
    pub published: usize,
    pub drafts: usize,
    pub scheduled: usize,
    pub in_review: usize,
    pub creators: usize,
    pub tags: usize,
    pub images_stored: usize,
    pub images_linked: usize,
    pub comments: usize,
    pub problems: Vec<Problem>,
    /// Imported, but otherwise than on the source (see [`Site::notes`]).
    pub notes: Vec<Problem>,
    pub interrupted: bool,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} posts and {} pages ({} new, {} updated): {} published, {} drafts, {} scheduled, {} in review; \
             {} creators, {} tags, {} images stored, {} kept as links, {} comments; {} items not imported",
            self.posts,
            self.pages,
            self.created,
            self.updated,
            self.published,
            self.drafts,
            self.scheduled,
            self.in_review,
            self.creators,
            self.tags,
            self.images_stored,
            self.images_linked,
            self.comments,
            self.problems.len()
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SiteImportError {
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error(transparent)]
    Store(#[from] hao_store::StoreError),
}

/// Posts stored per transaction.
const BATCH: usize = 100;

/// Imports `site`. Fails only when the database does; every item that
/// cannot be imported is in the summary's `problems`.
pub async fn import(
    store: &Store,
    site: Site,
    opts: &Options<'_>,
) -> Result<Summary, SiteImportError> {
    let started = store.now();
    let platform = site.platform;
    let mut summary = Summary {
        problems: site.problems,
        notes: site.notes,
        ..Summary::default()
    };
    let fallback = match opts.channel.as_deref().map(Channel::parse) {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            summary.problems.push(Problem {
                item: "--channel".into(),
                reason: format!("{e}; channels are chosen from each post's text"),
            });
            None
        }
    };
    let mut creators: HashMap<String, i64> = HashMap::new();
    for a in &site.authors {
        let name = a.name.trim();
        let name = if name.is_empty() { a.id.as_str() } else { name };
        match hao_domain::validate_author(name) {
            Ok(name) => {
                let id = store
                    .ensure_creator(&NewCreator {
                        display_name: &name,
                        account_type: hao_domain::AccountType::Personal,
                        bio: &a.bio.chars().take(200).collect::<String>(),
                        is_demo: false,
                        is_official: false,
                    })
                    .await?;
                store.mark_imported(id, platform.code(), started).await?;
                creators.insert(a.id.clone(), id);
            }
            Err(e) => summary.problems.push(Problem {
                item: format!("author {}", a.id),
                reason: e.to_string(),
            }),
        }
    }
    summary.creators = creators.len();
    let mut images = super::media::Images::new(opts.media_dir.clone());
    let mut tags = std::collections::HashSet::new();
    let now = store.now();
    let mut done = 0;
    for chunk in site.posts.chunks(BATCH) {
        if opts.stop.load(Ordering::SeqCst) {
            summary.interrupted = true;
            break;
        }
        let mut drafts = Vec::new();
        let mut with_comments = Vec::new();
        for post in chunk {
            let item = format!("{} {}", kind_name(post.kind), post.id);
            let Some(&creator_id) = post.authors.iter().find_map(|a| creators.get(a)) else {
                summary.problems.push(Problem {
                    item,
                    reason: format!("no known author (authors: {})", post.authors.join(", ")),
                });
                continue;
            };
            let mut body = super::html::to_markdown(&post.html);
            for (range, url) in super::html::image_urls(&body).into_iter().rev() {
                match images.resolve(store, &url).await? {
                    Some(new) => body.replace_range(range, &new),
                    None => {
                        // The whole `![alt](url)` goes.
                        let start = body[..range.start].rfind("![").unwrap_or(range.start);
                        let end = body[range.end..]
                            .find(')')
                            .map_or(range.end, |e| range.end + e + 1);
                        body.replace_range(start..end, "");
                    }
                }
            }
            if body.trim().is_empty() {
                summary.problems.push(Problem {
                    item,
                    reason: "the body is empty".into(),
                });
                continue;
            }
            let cover = match &post.feature_image {
                Some(url) => images.resolve(store, url).await?,
                None => None,
            };
            let mut channel = None;
            let mut post_tags: Vec<String> = post.tags.clone();
            for c in &post.categories {
                match Channel::parse(c) {
                    Ok(ch) if channel.is_none() => channel = Some(ch),
                    Ok(_) => {}
                    Err(_) => post_tags.push(c.clone()),
                }
            }
            let channel = channel.or(fallback);
            let mut kept = Vec::new();
            for t in post_tags {
                let t = t.trim().to_owned();
                if t.is_empty() || kept.contains(&t) {
                    continue;
                }
                if kept.len() == limits::TAGS || t.chars().count() > limits::TAG_CHARS {
                    summary.problems.push(Problem {
                        item: format!("{item} tag {t}"),
                        reason: format!(
                            "at most {} tags of at most {} characters",
                            limits::TAGS,
                            limits::TAG_CHARS
                        ),
                    });
                    continue;
                }
                kept.push(t);
            }
            let title = if post.title.trim().is_empty() {
                "（无标题）".to_owned()
            } else {
                post.title.trim().to_owned()
            };
            let input = ArticleInput {
                external_id: Some(external_id(platform, &site.key, post)),
                title: Some(title),
                body: Some(body),
                channel: channel.map(|c| c.slug().to_owned()),
                cover,
                tags: kept.clone(),
                ..ArticleInput::default()
            };
            let mut parsed = match parse(input, now) {
                Ok(p) => p,
                Err(e) => {
                    summary.problems.push(Problem {
                        item,
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            let draft = &mut parsed.draft;
            draft.creator_id = creator_id;
            draft.published_at = post.published_at.unwrap_or(now);
            draft.listed = post.kind == Kind::Post;
            draft.status = match post.status {
                Status::Published if draft.published_at > now + 3600 => ArticleStatus::Scheduled,
                Status::Published => ArticleStatus::Published,
                Status::Draft | Status::Private => ArticleStatus::Draft,
                Status::Scheduled => ArticleStatus::Scheduled,
                Status::Pending => ArticleStatus::InReview,
            };
            if post.status == Status::Private {
                summary.notes.push(Problem {
                    item: item.clone(),
                    reason: "private on the source: imported as a draft".into(),
                });
            }
            match draft.status {
                ArticleStatus::Published => summary.published += 1,
                ArticleStatus::Scheduled => summary.scheduled += 1,
                ArticleStatus::InReview => summary.in_review += 1,
                _ => summary.drafts += 1,
            }
            match post.kind {
                Kind::Post => summary.posts += 1,
                Kind::Page => summary.pages += 1,
            }
            tags.extend(kept);
            with_comments.push(post);
            drafts.push(parsed.draft);
        }
        let batch = publish_batch(store, &drafts).await?;
        for (stored, post) in batch.stored.iter().zip(with_comments) {
            if stored.created {
                summary.created += 1;
            } else {
                summary.updated += 1;
            }
            import_comments(store, platform, stored.id, post, &mut summary).await?;
        }
        done += chunk.len();
        (opts.progress)(done);
    }
    summary.tags = tags.len();
    summary.images_stored = images.stored;
    summary.images_linked = images.linked;
    summary
        .problems
        .extend(images.missing.into_iter().map(|(url, reason)| Problem {
            item: format!("image {url}"),
            reason,
        }));
    Ok(summary)
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Post => "post",
        Kind::Page => "page",
    }
}

/// `wordpress-<site>-post-42`, `ghost-page-5f…`: the same source item gets
/// the same article on every run.
pub fn external_id(platform: Platform, key: &str, post: &Post) -> String {
    let mut id = String::from(platform.code());
    if !key.is_empty() {
        id.push('-');
        id.push_str(key);
    }
    id.push('-');
    id.push_str(kind_name(post.kind));
    id.push('-');
    id.push_str(&post.id.replace('/', "_"));
    id
}

/// A short digest of a site's address (distinguishes sites whose post ids
/// are small numbers).
pub fn site_key(address: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(address.trim().trim_end_matches('/').as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

async fn import_comments(
    store: &Store,
    platform: Platform,
    article_id: i64,
    post: &Post,
    summary: &mut Summary,
) -> Result<(), SiteImportError> {
    let mut ids: HashMap<&str, i64> = HashMap::new();
    let mut users: HashMap<&str, i64> = HashMap::new();
    // Parents before replies: the source's order may not be.
    let mut pending: Vec<&Comment> = post.comments.iter().collect();
    pending.sort_by_key(|c| c.at);
    let mut rounds = 0;
    while !pending.is_empty() && rounds < 64 {
        rounds += 1;
        let mut later = Vec::new();
        for c in pending {
            let parent = match &c.parent {
                None => None,
                Some(p) => match ids.get(p.as_str()) {
                    Some(id) => Some(*id),
                    None if post.comments.iter().any(|o| &o.id == p) => {
                        later.push(c);
                        continue;
                    }
                    None => None,
                },
            };
            let body = super::html::to_text(&c.html);
            let body: String = body
                .chars()
                .take(hao_domain::comment::COMMENT_CHARS)
                .collect();
            if body.trim().is_empty() {
                summary.problems.push(Problem {
                    item: format!("comment {}", c.id),
                    reason: "empty".into(),
                });
                continue;
            }
            let user = match users.get(c.author_key.as_str()) {
                Some(u) => *u,
                None => {
                    let name = commenter_username(platform, &c.author, &c.author_key);
                    let id = store.ensure_passwordless_user(&name).await?;
                    users.insert(&c.author_key, id);
                    id
                }
            };
            let id = store
                .import_comment(article_id, user, parent, &body, c.at)
                .await?;
            ids.insert(&c.id, id);
            summary.comments += 1;
        }
        pending = later;
    }
    for c in pending {
        summary.problems.push(Problem {
            item: format!("comment {}", c.id),
            reason: "its thread loops".into(),
        });
    }
    Ok(())
}

/// A valid username for an imported commenter: the name's letters, and a
/// digest of who they were so that two people of one name stay two.
fn commenter_username(platform: Platform, name: &str, key: &str) -> String {
    use sha2::Digest;
    let mut base: String = name
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(20)
        .collect();
    if base.is_empty() {
        base = "访客".into();
    }
    let digest = sha2::Sha256::digest(format!("{}:{key}", platform.code()).as_bytes());
    let hex: String = digest[..3].iter().map(|b| format!("{b:02x}")).collect();
    format!("{base}-{hex}")
}
