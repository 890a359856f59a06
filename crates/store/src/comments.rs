//! 跟帖: comments, replies and their likes. Every count a page shows (the
//! article's comments, a comment's likes and replies) moves in the
//! transaction that writes the row it counts, and every change a page
//! shows goes to the change log (kind `comment`), so every node's pages
//! show it at the follower's next step.

use hao_domain::{ArticleStatus, Comment, CommentStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::notifications::notify_user;
use crate::{Result, Store, StoreError};

pub(crate) const COLUMNS: &str = "m.id, m.article_id, m.user_id, u.username, m.parent_id, m.root_id, \
     m.depth, m.body, m.status, m.status_reason, m.likes, m.replies, m.created_at";
const FROM: &str = "comments m JOIN users u ON u.id = m.user_id";

/// A row of [`COLUMNS`] (and anything after them) as a comment.
pub(crate) fn decode(row: &AnyRow) -> Result<Comment> {
    comment(row)
}

fn comment(row: &AnyRow) -> Result<Comment> {
    let status: String = row.try_get(8)?;
    Ok(Comment {
        id: row.try_get(0)?,
        article_id: row.try_get(1)?,
        user_id: row.try_get(2)?,
        author: row.try_get(3)?,
        parent_id: row.try_get(4)?,
        root_id: row.try_get(5)?,
        depth: row.try_get(6)?,
        body: row.try_get(7)?,
        status: CommentStatus::parse(&status).ok_or_else(|| StoreError::Corrupt {
            table: "comments",
            reason: format!("unknown status '{status}'"),
        })?,
        status_reason: row.try_get(9)?,
        likes: row.try_get(10)?,
        replies: row.try_get(11)?,
        created_at: row.try_get(12)?,
    })
}

/// A comment to store: already checked and filtered by the application.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub article_id: i64,
    pub user_id: i64,
    pub parent_id: Option<i64>,
    pub body: String,
    pub status: CommentStatus,
    /// Why it is held, when it is.
    pub status_reason: String,
}

/// Why a comment was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentRefusal {
    /// No published article with that id.
    NoArticle,
    /// Comments on the article are closed.
    Closed,
    /// The comment answered is not a published comment of the article.
    NoParent,
}

/// The order of a thread list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentSort {
    /// 最热: likes, with time decay (a day-old comment needs about 150
    /// times the likes of a new one to rank level with it).
    Hot,
    /// 最新: newest first.
    New,
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// Adds `delta` to the published counts a comment is part of: its
/// article's comments and its parent's replies.
pub(crate) async fn count(tx: &mut Tx<'_>, c: &Comment, delta: i64) -> Result<()> {
    sqlx::query("UPDATE articles SET comments = comments + $2 WHERE id = $1")
        .bind(c.article_id)
        .bind(delta)
        .execute(&mut **tx)
        .await?;
    if let Some(parent) = c.parent_id {
        sqlx::query("UPDATE comments SET replies = replies + $2 WHERE id = $1")
            .bind(parent)
            .bind(delta)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Tells the author of the comment answered (not oneself) of a reply.
pub(crate) async fn notify_reply(tx: &mut Tx<'_>, c: &Comment, at: i64) -> Result<()> {
    let Some(parent) = c.parent_id else {
        return Ok(());
    };
    let to: Option<i64> = sqlx::query_scalar("SELECT user_id FROM comments WHERE id = $1")
        .bind(parent)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(to) = to.filter(|to| *to != c.user_id) {
        notify_user(
            tx,
            to,
            "reply",
            &format!("{} 回复了你的跟帖：{}", c.author, excerpt(&c.body, 60)),
            &format!("/comment/{}#c{}", c.root_id, c.id),
            at,
        )
        .await?;
    }
    Ok(())
}

/// The first `chars` characters of a text on one line, with "…" when cut.
pub fn excerpt(text: &str, chars: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    if flat.chars().count() <= chars {
        flat
    } else {
        format!("{}…", flat.chars().take(chars).collect::<String>())
    }
}

impl Store {
    pub(crate) async fn comment_in(&self, tx: &mut Tx<'_>, id: i64) -> Result<Option<Comment>> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE m.id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .as_ref()
            .map(comment)
            .transpose()
    }

    /// Stores a comment (published or held). A published one is counted,
    /// its parent's author told, and the change logged.
    pub async fn add_comment(&self, new: &NewComment) -> Result<Result<Comment, CommentRefusal>> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let article: Option<i64> = sqlx::query_scalar(
            "SELECT comments_closed FROM articles WHERE id = $1 AND status = $2",
        )
        .bind(new.article_id)
        .bind(ArticleStatus::Published.code())
        .fetch_optional(&mut *tx)
        .await?;
        match article {
            None => return Ok(Err(CommentRefusal::NoArticle)),
            Some(closed) if closed != 0 => return Ok(Err(CommentRefusal::Closed)),
            Some(_) => {}
        }
        let (root, depth) = match new.parent_id {
            None => (None, 1),
            Some(parent) => {
                let row: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT root_id, depth FROM comments \
                     WHERE id = $1 AND article_id = $2 AND status = 'published'",
                )
                .bind(parent)
                .bind(new.article_id)
                .fetch_optional(&mut *tx)
                .await?;
                match row {
                    Some((root, depth)) => (Some(root), depth + 1),
                    None => return Ok(Err(CommentRefusal::NoParent)),
                }
            }
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO comments (article_id, user_id, parent_id, root_id, depth, body, \
             status, status_reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(new.article_id)
        .bind(new.user_id)
        .bind(new.parent_id)
        .bind(root)
        .bind(depth)
        .bind(&new.body)
        .bind(new.status.code())
        .bind(&new.status_reason)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        if root.is_none() {
            sqlx::query("UPDATE comments SET root_id = id WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let stored = self
            .comment_in(&mut tx, id)
            .await?
            .expect("the comment just inserted");
        if new.status == CommentStatus::Published {
            count(&mut tx, &stored, 1).await?;
            notify_reply(&mut tx, &stored, at).await?;
            self.log_change(&mut tx, "comment", Some(new.article_id), at)
                .await?;
        }
        tx.commit().await?;
        Ok(Ok(stored))
    }

    /// The comments `SELECT … WHERE {tail}` finds, `binds` bound as $1, $2, …
    async fn select(&self, tail: &str, binds: &[i64]) -> Result<Vec<Comment>> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE {tail}");
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(*b);
        }
        q.fetch_all(&self.pool).await?.iter().map(comment).collect()
    }

    pub async fn comment(&self, id: i64) -> Result<Option<Comment>> {
        Ok(self.select("m.id = $1", &[id]).await?.pop())
    }

    /// A page of an article's published threads (first comments), in
    /// `sort` order, skipping `offset`.
    pub async fn threads(
        &self,
        article_id: i64,
        sort: CommentSort,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Comment>> {
        // 最热: (likes + 1) / (age in hours + 2)², as news sites rank
        // discussions; written without pow() so that SQLite needs no
        // extension.
        let order = match sort {
            CommentSort::Hot => {
                "(m.likes + 1.0) / ((($4 - m.created_at) / 3600.0 + 2.0) \
                 * (($4 - m.created_at) / 3600.0 + 2.0)) DESC, m.id DESC"
            }
            CommentSort::New => "m.id DESC",
        };
        let tail = format!(
            "m.article_id = $1 AND m.depth = 1 AND m.status = 'published' \
             ORDER BY {order} LIMIT $2 OFFSET $3"
        );
        let mut binds = vec![article_id, limit, offset];
        if sort == CommentSort::Hot {
            binds.push(self.now());
        }
        self.select(&tail, &binds).await
    }

    /// The published threads of an article.
    pub async fn thread_count(&self, article_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM comments WHERE article_id = $1 AND depth = 1 \
             AND status = 'published'",
        )
        .bind(article_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The published replies (depth 2 and deeper) of the threads `roots`,
    /// oldest first, at most `limit` per thread (the first ones).
    pub async fn replies_of(&self, roots: &[i64], limit: i64) -> Result<Vec<Comment>> {
        if roots.is_empty() {
            return Ok(Vec::new());
        }
        let tail = format!(
            "m.root_id IN ({}) AND m.depth > 1 \
             AND m.status = 'published' AND (SELECT COUNT(*) FROM comments e \
             WHERE e.root_id = m.root_id AND e.depth > 1 AND e.status = 'published' \
             AND e.id < m.id) < $1 ORDER BY m.id",
            crate::rows::placeholders(2, roots.len())
        );
        let binds: Vec<i64> = std::iter::once(limit)
            .chain(roots.iter().copied())
            .collect();
        self.select(&tail, &binds).await
    }

    /// How many published replies each of the threads `roots` has.
    pub async fn thread_sizes(&self, roots: &[i64]) -> Result<Vec<(i64, i64)>> {
        if roots.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT root_id, COUNT(*) FROM comments WHERE root_id IN ({}) AND depth > 1 \
             AND status = 'published' GROUP BY root_id",
            crate::rows::placeholders(1, roots.len())
        );
        let mut q = sqlx::query_as(&sql);
        for r in roots {
            q = q.bind(*r);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// Every comment of an article, any status, newest first (the page
    /// where its creator and editors moderate them).
    pub async fn article_comments(
        &self,
        article_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Comment>> {
        self.select(
            "m.article_id = $1 ORDER BY m.id DESC LIMIT $2 OFFSET $3",
            &[article_id, limit, offset],
        )
        .await
    }

    /// The published comments of a thread (its first comment, then every
    /// reply, oldest first), from `offset`.
    pub async fn thread(&self, root_id: i64, limit: i64, offset: i64) -> Result<Vec<Comment>> {
        self.select(
            "m.root_id = $1 AND m.status = 'published' ORDER BY m.id LIMIT $2 OFFSET $3",
            &[root_id, limit, offset],
        )
        .await
    }

    /// The comments `ids` (any status), for quoting what a reply answers.
    pub async fn comments_by_id(&self, ids: &[i64]) -> Result<Vec<Comment>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let tail = format!("m.id IN ({})", crate::rows::placeholders(1, ids.len()));
        self.select(&tail, ids).await
    }

    /// A user's own comments, every status, newest first.
    pub async fn user_comments(
        &self,
        user_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Comment>> {
        self.select(
            "m.user_id = $1 ORDER BY m.id DESC LIMIT $2 OFFSET $3",
            &[user_id, limit, offset],
        )
        .await
    }

    /// Comments waiting for an editor, oldest first.
    pub async fn held_comments(&self, limit: i64) -> Result<Vec<Comment>> {
        self.select("m.status = 'held' ORDER BY m.id LIMIT $1", &[limit])
            .await
    }

    /// The bodies of comments posted since `since` (any status), newest
    /// first: what a new comment is compared with to catch a flood.
    pub async fn recent_comment_bodies(&self, since: i64, limit: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT body FROM comments WHERE created_at >= $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `user_id` likes a published comment: `Some(true)` when new,
    /// `Some(false)` when already liked, `None` when there is no such
    /// published comment. A new like tells the commenter.
    pub async fn like_comment(
        &self,
        user_id: i64,
        username: &str,
        comment_id: i64,
    ) -> Result<Option<bool>> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let Some(c) = self
            .comment_in(&mut tx, comment_id)
            .await?
            .filter(|c| c.status == CommentStatus::Published)
        else {
            return Ok(None);
        };
        let new = sqlx::query(
            "INSERT INTO comment_likes (user_id, comment_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, comment_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(comment_id)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if new {
            sqlx::query("UPDATE comments SET likes = likes + 1 WHERE id = $1")
                .bind(comment_id)
                .execute(&mut *tx)
                .await?;
            if c.user_id != user_id {
                notify_user(
                    &mut tx,
                    c.user_id,
                    "comment-like",
                    &format!("{username} 赞了你的跟帖：{}", excerpt(&c.body, 40)),
                    &format!("/comment/{}#c{}", c.root_id, c.id),
                    at,
                )
                .await?;
            }
            self.log_change(&mut tx, "comment", Some(c.article_id), at)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(new))
    }

    /// Takes a comment like back; `Ok(false)` when there was none.
    pub async fn unlike_comment(&self, user_id: i64, comment_id: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM comment_likes WHERE user_id = $1 AND comment_id = $2")
            .bind(user_id)
            .bind(comment_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if gone {
            let article: Option<i64> = sqlx::query_scalar(
                "UPDATE comments SET likes = likes - 1 WHERE id = $1 AND likes > 0 \
                 RETURNING article_id",
            )
            .bind(comment_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(article) = article {
                self.log_change(&mut tx, "comment", Some(article), self.now())
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(gone)
    }

    /// Which of `ids` `user_id` likes.
    pub async fn liked_comments(&self, user_id: i64, ids: &[i64]) -> Result<Vec<i64>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT comment_id FROM comment_likes WHERE user_id = $1 AND comment_id IN ({})",
            crate::rows::placeholders(2, ids.len())
        );
        let mut q = sqlx::query_scalar(&sql).bind(user_id);
        for id in ids {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// When a user's account was made.
    pub async fn user_created_at(&self, user_id: i64) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT created_at FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}
