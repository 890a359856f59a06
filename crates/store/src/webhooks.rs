//! Webhooks: registrations, the queue of deliveries, and the dispatch that
//! turns the change log into events.
//!
//! Exactly once, however many nodes run: a node turns changes into queued
//! deliveries only while it holds the `webhook_cursor` row (PostgreSQL:
//! `FOR UPDATE SKIP LOCKED`, a node that finds it held skips the round;
//! SQLite: the write lock), and advances the cursor in the same
//! transaction. A delivery is claimed with `FOR UPDATE SKIP LOCKED` (the
//! pattern of `publish_due`) and leased: its `next_at` moves past the
//! attempt, so a node that dies mid-attempt leaves it for another later.

use hao_domain::{Comment, Role};

use crate::notifications::notify_user;
use crate::{Backend, Result, Store};

/// One registered webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub id: i64,
    pub user_id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
    pub active: bool,
    pub created_at: i64,
}

/// One delivery of one event to one webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub body: String,
    /// pending | delivered | failed
    pub status: String,
    pub attempts: i64,
    pub next_at: i64,
    pub response_status: Option<i64>,
    pub error: String,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

/// A delivery claimed for an attempt.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub webhook_id: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub body: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// An article as its events describe it.
#[derive(Debug, Clone)]
pub struct ArticleEvent {
    pub id: i64,
    pub external_id: String,
    pub title: String,
    pub status: String,
    pub channel: String,
    pub creator_id: i64,
    pub author: String,
    pub published_at: i64,
    pub updated_at: i64,
}

/// A new follow as its event describes it.
#[derive(Debug, Clone)]
pub struct FollowEvent {
    pub user_id: i64,
    pub username: String,
    pub creator_id: i64,
    pub followers: i64,
    pub created_at: i64,
}

/// A webhook with what scopes it: its owner's role and creator account.
#[derive(Debug, Clone)]
pub struct Subscriber {
    pub webhook: Webhook,
    pub role: Role,
    pub creator_id: Option<i64>,
}

type Row = (i64, i64, String, String, String, i64, i64);

fn webhook((id, user_id, url, events, secret, active, created_at): Row) -> Webhook {
    Webhook {
        id,
        user_id,
        url,
        events: events.split_whitespace().map(str::to_owned).collect(),
        secret,
        active: active != 0,
        created_at,
    }
}

const WEBHOOK: &str = "id, user_id, url, events, secret, active, created_at";

impl Store {
    pub async fn create_webhook(
        &self,
        user_id: i64,
        url: &str,
        events: &[&str],
        secret: &str,
    ) -> Result<Webhook> {
        let row: Row = sqlx::query_as(&format!(
            "INSERT INTO webhooks (user_id, url, events, secret, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {WEBHOOK}"
        ))
        .bind(user_id)
        .bind(url)
        .bind(events.join(" "))
        .bind(secret)
        .bind(self.now())
        .fetch_one(&self.pool)
        .await?;
        Ok(webhook(row))
    }

    /// A user's webhooks, newest first.
    pub async fn webhooks_of(&self, user_id: i64) -> Result<Vec<Webhook>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {WEBHOOK} FROM webhooks WHERE user_id = $1 ORDER BY id DESC"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(webhook).collect())
    }

    pub async fn webhook(&self, id: i64) -> Result<Option<Webhook>> {
        let row: Option<Row> =
            sqlx::query_as(&format!("SELECT {WEBHOOK} FROM webhooks WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(webhook))
    }

    /// Deletes a webhook of `user_id` (and its deliveries).
    pub async fn delete_webhook(&self, user_id: i64, id: i64) -> Result<bool> {
        Ok(
            sqlx::query("DELETE FROM webhooks WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id)
                .execute(&self.pool)
                .await?
                .rows_affected()
                == 1,
        )
    }

    /// A webhook's newest deliveries (its delivery log).
    pub async fn deliveries(&self, webhook_id: i64, limit: i64) -> Result<Vec<Delivery>> {
        type D = (
            i64,
            i64,
            String,
            String,
            String,
            i64,
            i64,
            Option<i64>,
            String,
            i64,
            Option<i64>,
        );
        let rows: Vec<D> = sqlx::query_as(
            "SELECT id, webhook_id, event, body, status, attempts, next_at, response_status, \
             error, created_at, delivered_at FROM webhook_deliveries WHERE webhook_id = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(webhook_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Delivery {
                id: r.0,
                webhook_id: r.1,
                event: r.2,
                body: r.3,
                status: r.4,
                attempts: r.5,
                next_at: r.6,
                response_status: r.7,
                error: r.8,
                created_at: r.9,
                delivered_at: r.10,
            })
            .collect())
    }

    /// Starts turning changes into deliveries; `None` when another node is
    /// doing it now (it will have queued what this one would have).
    pub async fn begin_webhook_dispatch(&self) -> Result<Option<Dispatch>> {
        let mut tx = self.begin_write().await?;
        let sql = match self.backend {
            Backend::Postgres => {
                "SELECT seq FROM webhook_cursor WHERE id = 1 FOR UPDATE SKIP LOCKED"
            }
            Backend::Sqlite => "SELECT seq FROM webhook_cursor WHERE id = 1",
        };
        let seq: Option<i64> = sqlx::query_scalar(sql).fetch_optional(&mut *tx).await?;
        Ok(seq.map(|cursor| Dispatch {
            tx,
            cursor,
            at: self.now(),
        }))
    }

    /// Claims up to `limit` due deliveries for an attempt now, leasing each
    /// for `lease` seconds.
    pub async fn claim_deliveries(&self, lease: i64, limit: i64) -> Result<Vec<Claimed>> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let now = self.now();
        // A read first: an idle node (no webhook, nothing due) never takes
        // the write lock for this.
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_at <= $1 LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        type C = (i64, i64, String, String, i64);
        let rows: Vec<C> = sqlx::query_as(&format!(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, next_at = $2 WHERE id IN \
             (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_at <= $1 \
             ORDER BY id LIMIT $3 {lock}) AND status = 'pending' \
             RETURNING id, webhook_id, event, body, attempts"
        ))
        .bind(now)
        .bind(now + lease)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for (id, webhook_id, event, body, attempts) in rows {
            let (url, secret): (String, String) =
                sqlx::query_as("SELECT url, secret FROM webhooks WHERE id = $1")
                    .bind(webhook_id)
                    .fetch_one(&mut *tx)
                    .await?;
            claimed.push(Claimed {
                id,
                webhook_id,
                url,
                secret,
                event,
                body,
                attempts,
            });
        }
        tx.commit().await?;
        claimed.sort_by_key(|c| c.id);
        Ok(claimed)
    }

    /// Records a delivery's success.
    pub async fn delivered(&self, id: i64, response_status: i64) -> Result<()> {
        sqlx::query(
            "UPDATE webhook_deliveries SET status = 'delivered', response_status = $2, \
             error = '', delivered_at = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(response_status)
        .bind(self.now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: to be tried again at `retry_at`, or, when
    /// `None`, given up; a webhook whose delivery is given up is turned off
    /// and its owner told in 消息, in the same transaction.
    pub async fn delivery_failed(
        &self,
        id: i64,
        response_status: Option<i64>,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let at = self.now();
        let webhook_id: i64 = sqlx::query_scalar(
            "UPDATE webhook_deliveries SET status = $2, response_status = $3, error = $4, \
             next_at = $5 WHERE id = $1 RETURNING webhook_id",
        )
        .bind(id)
        .bind(if retry_at.is_some() {
            "pending"
        } else {
            "failed"
        })
        .bind(response_status)
        .bind(error)
        .bind(retry_at.unwrap_or(at))
        .fetch_one(&mut *tx)
        .await?;
        if retry_at.is_none() {
            let turned_off: Option<(i64, String)> = sqlx::query_as(
                "UPDATE webhooks SET active = 0 WHERE id = $1 AND active = 1 \
                 RETURNING user_id, url",
            )
            .bind(webhook_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((user, url)) = turned_off {
                notify_user(
                    &mut tx,
                    user,
                    "webhook",
                    &format!(
                        "Webhook {url} 多次推送失败（最后一次：{error}），已停用。修复后请重新创建。"
                    ),
                    "",
                    at,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Turning changes into deliveries, under the cursor's lock: read what
/// changed, queue the deliveries, then [`Dispatch::finish`] at the position
/// reached.
pub struct Dispatch {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    cursor: i64,
    at: i64,
}

impl Dispatch {
    /// The change-log position already turned into events.
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// The active webhooks with their owners' roles.
    pub async fn subscribers(&mut self) -> Result<Vec<Subscriber>> {
        type S = (
            i64,
            i64,
            String,
            String,
            String,
            i64,
            i64,
            String,
            Option<i64>,
        );
        let rows: Vec<S> = sqlx::query_as(
            "SELECT w.id, w.user_id, w.url, w.events, w.secret, w.active, w.created_at, \
             u.role, u.creator_id FROM webhooks w JOIN users u ON u.id = w.user_id \
             WHERE w.active = 1 ORDER BY w.id",
        )
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Subscriber {
                webhook: webhook((r.0, r.1, r.2, r.3, r.4, r.5, r.6)),
                role: Role::parse(&r.7).unwrap_or(Role::Reader),
                creator_id: r.8,
            })
            .collect())
    }

    /// The ids of the articles changed after the cursor (at most `limit`
    /// changes read), and the position reached.
    pub async fn changed_articles(&mut self, limit: i64) -> Result<(Vec<i64>, i64)> {
        let rows: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT seq, CASE WHEN kind IN ('like', 'share', 'comment', 'pin', 'follow', \
             'near-duplicate') THEN NULL ELSE article_id END FROM changes WHERE seq > $1 \
             ORDER BY seq LIMIT $2",
        )
        .bind(self.cursor)
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await?;
        let reached = rows.last().map_or(self.cursor, |r| r.0);
        let mut ids: Vec<i64> = rows.into_iter().filter_map(|r| r.1).collect();
        ids.sort_unstable();
        ids.dedup();
        Ok((ids, reached))
    }

    /// An article as it is now, and what the webhooks were last told of it
    /// (status, updated_at).
    pub async fn article(
        &mut self,
        id: i64,
    ) -> Result<Option<(ArticleEvent, Option<(String, i64)>)>> {
        type A = (i64, String, String, String, String, i64, String, i64, i64);
        let row: Option<A> = sqlx::query_as(
            "SELECT a.id, a.external_id, a.title, a.status, a.channel, a.creator_id, \
             c.display_name, a.published_at, a.updated_at FROM articles a \
             JOIN creators c ON c.id = a.creator_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let told: Option<(String, i64)> =
            sqlx::query_as("SELECT status, updated_at FROM webhook_articles WHERE article_id = $1")
                .bind(id)
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(Some((
            ArticleEvent {
                id: r.0,
                external_id: r.1,
                title: r.2,
                status: r.3,
                channel: r.4,
                creator_id: r.5,
                author: r.6,
                published_at: r.7,
                updated_at: r.8,
            },
            told,
        )))
    }

    /// Records what the webhooks were told of an article.
    pub async fn told_article(&mut self, id: i64, status: &str, updated_at: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO webhook_articles (article_id, status, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (article_id) DO UPDATE SET status = $2, updated_at = $3",
        )
        .bind(id)
        .bind(status)
        .bind(updated_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Published comments not yet announced, oldest first, each with its
    /// article's creator; marked announced.
    pub async fn new_comments(&mut self, limit: i64) -> Result<Vec<(Comment, i64)>> {
        let rows = sqlx::query(&format!(
            "SELECT {}, a.creator_id FROM comments m JOIN users u ON u.id = m.user_id \
             JOIN articles a ON a.id = m.article_id \
             WHERE m.announced = 0 AND m.status = 'published' ORDER BY m.id LIMIT $1",
            crate::comments::COLUMNS
        ))
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let c = crate::comments::decode(row)?;
            let creator: i64 = sqlx::Row::try_get(row, 13)?;
            sqlx::query("UPDATE comments SET announced = 1 WHERE id = $1")
                .bind(c.id)
                .execute(&mut *self.tx)
                .await?;
            out.push((c, creator));
        }
        Ok(out)
    }

    /// Follows not yet announced; marked announced.
    pub async fn new_follows(&mut self, limit: i64) -> Result<Vec<FollowEvent>> {
        let rows: Vec<(i64, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT f.user_id, u.username, f.creator_id, c.follower_count, f.created_at \
             FROM follows f JOIN users u ON u.id = f.user_id JOIN creators c ON c.id = f.creator_id \
             WHERE f.announced = 0 ORDER BY f.created_at LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await?;
        for (user, _, creator, _, _) in &rows {
            sqlx::query("UPDATE follows SET announced = 1 WHERE user_id = $1 AND creator_id = $2")
                .bind(user)
                .bind(creator)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(rows
            .into_iter()
            .map(|r| FollowEvent {
                user_id: r.0,
                username: r.1,
                creator_id: r.2,
                followers: r.3,
                created_at: r.4,
            })
            .collect())
    }

    /// Marks every comment and follow announced without events (no webhook
    /// is listening: a later one is not sent the past).
    pub async fn skip_pending(&mut self) -> Result<()> {
        sqlx::query("UPDATE comments SET announced = 1 WHERE announced = 0")
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("UPDATE follows SET announced = 1 WHERE announced = 0")
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Queues one delivery, due now.
    pub async fn queue(&mut self, webhook_id: i64, event: &str, body: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, event, body, next_at, created_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(webhook_id)
        .bind(event)
        .bind(body)
        .bind(self.at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Moves the cursor to `seq` and commits everything queued.
    pub async fn finish(mut self, seq: i64) -> Result<()> {
        sqlx::query("UPDATE webhook_cursor SET seq = $1 WHERE id = 1")
            .bind(seq)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}
