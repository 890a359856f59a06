//! Readers answering back: 跟帖 (comments and replies), likes, 举报, and
//! the moderation of all of them. Every door (the article page's forms, the
//! API) calls these functions, so the rules hold whichever door is used:
//!
//! 1. the text is cleaned and bounded (`hao_domain::comment`);
//! 2. a 禁言'd reader is refused, with the end and the reason;
//! 3. the rate limits of this node ([`limits`]) are counted;
//! 4. the 敏感词 list ([`words`]) blocks, masks or holds;
//! 5. a new account's comments, and a flood of near-identical comments
//!    (the same text with small edits, from one account or many), are held
//!    for an editor;
//! 6. the store writes the comment with its counts, notices and change-log
//!    row in one transaction.
//!
//! Moderation: the article's creator may hide comments on their article
//! and close its comments; editors may do so anywhere, publish held
//! comments, and act on reports (dismiss, hide, take down, 禁言), each
//! action in the moderation log and its outcome in every reporter's 消息.

pub mod limits;
pub mod words;

use std::collections::HashSet;

use hao_domain::comment::{validate_comment, validate_report_text};
use hao_domain::policy;
use hao_domain::{
    Comment, CommentStatus, ReportAction, ReportReason, ReportTarget, User, ValidationError,
};
use hao_store::{CommentRefusal, NewComment, StoreError};

use crate::App;
pub use limits::{Action, RateLimited};

/// Why a reader's act was refused.
#[derive(Debug, thiserror::Error)]
pub enum EngageError {
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    #[error("you are muted until {until}: {reason}")]
    Muted { until: i64, reason: String },
    #[error("too many requests; retry after {} s", .0.retry_after_secs())]
    RateLimited(RateLimited),
    #[error("the comment contains a blocked word: {word}")]
    Blocked { word: String },
    #[error("no such published article")]
    NoArticle,
    #[error("no such published comment")]
    NoComment,
    #[error("comments on this article are closed")]
    Closed,
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<RateLimited> for EngageError {
    fn from(r: RateLimited) -> Self {
        EngageError::RateLimited(r)
    }
}

/// Who acts, and from where (the address the rate limits count).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user: &'a User,
    pub addr: &'a str,
}

/// A comment to post.
#[derive(Debug, Clone)]
pub struct Draft<'a> {
    pub article_id: i64,
    /// The comment answered, for a reply.
    pub reply_to: Option<i64>,
    pub body: &'a str,
}

/// Bigrams of a text's units: what two comments are compared by to catch
/// a flood (two texts differing by a few edits share most of them).
fn bigrams(text: &str) -> Option<HashSet<(char, char)>> {
    let units = hao_text::fingerprint::match_units(text);
    if units.len() < policy::FLOOD_MIN_UNITS {
        return None;
    }
    Some(units.windows(2).map(|w| (w[0], w[1])).collect())
}

/// Jaccard similarity at or above which two comments are the same text
/// with small edits (a changed or added character in a 20-character
/// comment keeps it near 0.8; two different remarks share few bigrams).
const FLOOD_SIMILARITY: f64 = 0.6;

fn similar(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> bool {
    let inter = a.intersection(b).count() as f64;
    let union = (a.len() + b.len()) as f64 - inter;
    union > 0.0 && inter / union >= FLOOD_SIMILARITY
}

impl App {
    /// Posts a comment or a reply; the stored comment says whether it was
    /// published or held (and why).
    pub async fn post_comment(
        &self,
        actor: Actor<'_>,
        draft: Draft<'_>,
    ) -> Result<Comment, EngageError> {
        let body = validate_comment(draft.body)?;
        let store = self.store();
        if let Some((until, reason)) = store.muted(actor.user.id).await? {
            return Err(EngageError::Muted { until, reason });
        }
        self.limits()
            .check(Action::Comment, actor.user.id, actor.addr)?;
        let (body, mut held) = match self.words().judge(&body) {
            words::Verdict::Block { word } => return Err(EngageError::Blocked { word }),
            words::Verdict::Hold { text, word } => (text, Some(format!("含待审核词语“{word}”"))),
            words::Verdict::Publish(text) => (text, None),
        };
        let trusted = actor.user.role.is_editor();
        if held.is_none()
            && !trusted
            && let Some(mine) = bigrams(&body)
        {
            let since = self.now() - policy::FLOOD_WINDOW;
            let recent = store.recent_comment_bodies(since, 500).await?;
            let repeats = recent
                .iter()
                .filter_map(|b| bigrams(b))
                .filter(|b| similar(&mine, b))
                .count();
            if repeats >= policy::FLOOD_REPEATS {
                held = Some("与近期多条跟帖内容相同或相近（疑似刷屏）".to_owned());
            }
        }
        if held.is_none() && !trusted {
            let created = store.user_created_at(actor.user.id).await?.unwrap_or(0);
            if self.now() - created < policy::COMMENT_HOLD_NEW_ACCOUNT {
                held = Some("新注册账号的跟帖需经审核".to_owned());
            }
        }
        let new = NewComment {
            article_id: draft.article_id,
            user_id: actor.user.id,
            parent_id: draft.reply_to,
            body,
            status: if held.is_some() {
                CommentStatus::Held
            } else {
                CommentStatus::Published
            },
            status_reason: held.unwrap_or_default(),
        };
        match store.add_comment(&new).await? {
            Ok(c) => {
                if c.status == CommentStatus::Published {
                    self.invalidate();
                }
                Ok(c)
            }
            Err(CommentRefusal::NoArticle) => Err(EngageError::NoArticle),
            Err(CommentRefusal::Closed) => Err(EngageError::Closed),
            Err(CommentRefusal::NoParent) => Err(EngageError::NoComment),
        }
    }

    /// Likes a comment (once); returns its likes after.
    pub async fn like_comment(&self, actor: Actor<'_>, id: i64) -> Result<i64, EngageError> {
        self.limits()
            .check(Action::Like, actor.user.id, actor.addr)?;
        match self
            .store()
            .like_comment(actor.user.id, &actor.user.username, id)
            .await?
        {
            None => Err(EngageError::NoComment),
            Some(new) => {
                if new {
                    self.invalidate();
                }
                self.comment_likes(id).await
            }
        }
    }

    /// Takes a comment like back; returns its likes after.
    pub async fn unlike_comment(&self, actor: Actor<'_>, id: i64) -> Result<i64, EngageError> {
        self.limits()
            .check(Action::Like, actor.user.id, actor.addr)?;
        if self.store().unlike_comment(actor.user.id, id).await? {
            self.invalidate();
        }
        self.comment_likes(id).await
    }

    async fn comment_likes(&self, id: i64) -> Result<i64, EngageError> {
        Ok(self
            .store()
            .comment(id)
            .await?
            .map(|c| c.likes)
            .unwrap_or_default())
    }

    /// Likes an article (once); `Ok(true)` when new.
    pub async fn like_article(&self, actor: Actor<'_>, id: i64) -> Result<bool, EngageError> {
        self.limits()
            .check(Action::Like, actor.user.id, actor.addr)?;
        let new = self
            .store()
            .like(actor.user.id, id)
            .await?
            .ok_or(EngageError::NoArticle)?;
        if new {
            self.invalidate();
        }
        Ok(new)
    }

    /// Takes an article like back; `Ok(true)` when there was one.
    pub async fn unlike_article(&self, actor: Actor<'_>, id: i64) -> Result<bool, EngageError> {
        self.limits()
            .check(Action::Like, actor.user.id, actor.addr)?;
        let gone = self.store().unlike(actor.user.id, id).await?;
        if gone {
            self.invalidate();
        }
        Ok(gone)
    }

    /// Files a report; `Ok(false)` when this reader reported it already.
    pub async fn report(
        &self,
        actor: Actor<'_>,
        target: ReportTarget,
        id: i64,
        reason: ReportReason,
        text: &str,
    ) -> Result<bool, EngageError> {
        let text = validate_report_text(text)?;
        self.limits()
            .check(Action::Report, actor.user.id, actor.addr)?;
        self.store()
            .report(actor.user.id, target, id, reason, &text)
            .await?
            .ok_or(match target {
                ReportTarget::Article => EngageError::NoArticle,
                ReportTarget::Comment => EngageError::NoComment,
            })
    }

    /// Whether `user` may moderate the comments of `article_id`: an editor,
    /// or the article's creator.
    pub async fn moderates(&self, user: &User, article_id: i64) -> Result<bool, EngageError> {
        if user.role.is_editor() {
            return Ok(true);
        }
        let Some(creator) = user.creator_id else {
            return Ok(false);
        };
        Ok(self
            .store()
            .article(article_id)
            .await?
            .is_some_and(|a| a.creator_id == creator))
    }

    /// Hides a comment: by the article's creator or an editor. The reason
    /// is shown to the comment's author.
    pub async fn hide_comment(
        &self,
        user: &User,
        id: i64,
        reason: &str,
    ) -> Result<Comment, EngageError> {
        let c = self
            .store()
            .comment(id)
            .await?
            .ok_or(EngageError::NoComment)?;
        if !self.moderates(user, c.article_id).await? {
            return Err(EngageError::Forbidden(
                "only the article's creator or an editor may hide its comments",
            ));
        }
        let reason = match reason.trim() {
            "" if user.role.is_editor() => "违反社区规范".to_owned(),
            "" => "作者隐藏了这条跟帖".to_owned(),
            r => validate_report_text(r)?,
        };
        let hidden = self
            .store()
            .hide_comment(id, &reason)
            .await?
            .ok_or(EngageError::NoComment)?;
        let role = if user.role.is_editor() {
            "hide-comment"
        } else {
            "creator-hide-comment"
        };
        self.store()
            .log_moderation(&user.username, role, &format!("comment {id}"), &reason)
            .await?;
        self.invalidate();
        Ok(hidden)
    }

    /// Opens or closes comments on an article: its creator or an editor.
    pub async fn close_comments(
        &self,
        user: &User,
        article_id: i64,
        closed: bool,
    ) -> Result<(), EngageError> {
        if !self.moderates(user, article_id).await? {
            return Err(EngageError::Forbidden(
                "only the article's creator or an editor may close its comments",
            ));
        }
        if !self.store().set_comments_closed(article_id, closed).await? {
            return Err(EngageError::NoArticle);
        }
        self.store()
            .log_moderation(
                &user.username,
                if closed {
                    "close-comments"
                } else {
                    "open-comments"
                },
                &format!("article {article_id}"),
                "",
            )
            .await?;
        self.invalidate();
        Ok(())
    }

    /// Publishes a held comment (editors).
    pub async fn approve_comment(&self, editor: &User, id: i64) -> Result<Comment, EngageError> {
        if !editor.role.is_editor() {
            return Err(EngageError::Forbidden("only editors review held comments"));
        }
        let c = self
            .store()
            .approve_comment(id)
            .await?
            .ok_or(EngageError::NoComment)?;
        self.store()
            .log_moderation(
                &editor.username,
                "approve-comment",
                &format!("comment {id}"),
                "",
            )
            .await?;
        self.invalidate();
        Ok(c)
    }

    /// An editor's action on the reports of a target: the action itself,
    /// then every open report of the target resolved with its outcome (the
    /// reporters told, the moderation log written). `mute_days` is the
    /// 禁言 period of [`ReportAction::Mute`].
    pub async fn act_on_reports(
        &self,
        editor: &User,
        target: ReportTarget,
        id: i64,
        action: ReportAction,
        mute_days: i64,
    ) -> Result<u64, EngageError> {
        if !editor.role.is_editor() {
            return Err(EngageError::Forbidden("only editors act on reports"));
        }
        let store = self.store();
        match (action, target) {
            (ReportAction::Dismiss, _) => {}
            (ReportAction::HideComment, ReportTarget::Comment) => {
                store.hide_comment(id, "被举报后经编辑核实违规").await?;
            }
            (ReportAction::Mute, ReportTarget::Comment) => {
                let c = store.comment(id).await?.ok_or(EngageError::NoComment)?;
                store.hide_comment(id, "被举报后经编辑核实违规").await?;
                let days = if policy::MUTE_DAYS.contains(&mute_days) {
                    mute_days
                } else {
                    policy::MUTE_DAYS[0]
                };
                let reason = format!("跟帖违规（编号 {id}），禁言 {days} 天");
                store
                    .mute(c.user_id, self.now() + days * 86_400, &reason)
                    .await?;
                store
                    .log_moderation(
                        &editor.username,
                        "mute",
                        &format!("user {}", c.user_id),
                        &reason,
                    )
                    .await?;
            }
            (ReportAction::TakeDown, ReportTarget::Article) => {
                store.take_down(id, "被举报后经编辑核实违规").await?;
            }
            _ => {
                return Err(EngageError::Forbidden(
                    "that action does not apply to this kind of target",
                ));
            }
        }
        let n = store
            .resolve_reports(
                target,
                id,
                (&editor.username, &format!("report-{}", action.code())),
                action.outcome(),
            )
            .await?;
        self.invalidate();
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_identical_comments_are_similar_and_different_ones_not() {
        let a = bigrams("加我领取免费会员资格，名额有限先到先得").unwrap();
        let b = bigrams("加我领取免费会员资格!!名额有限,先到先得哦").unwrap();
        let c = bigrams("这篇文章把德比的来龙去脉讲清楚了").unwrap();
        assert!(similar(&a, &b));
        assert!(!similar(&a, &c));
        assert!(bigrams("支持！").is_none());
    }
}
