//! Webhooks: a creator or an admin registers a URL and the events it wants;
//! every node turns the change log into deliveries (each event queued once:
//! `Store::begin_webhook_dispatch`) and delivers what is due (each delivery
//! claimed by one node), as a POST of
//! `{"event", "id", "occurred_at", "data"}` signed with the webhook's secret
//! (`X-Hao-Signature: sha256=HMAC-SHA256(secret, body)`), retried with
//! backoff, and given up after [`MAX_ATTEMPTS`]; a webhook whose delivery is
//! given up is turned off and its owner told in 消息.
//!
//! A creator's webhook hears of their own articles, the comments on them
//! and their followers; an admin's, of the whole site. The URL is public
//! input pointing the server somewhere: http(s) only, and never, unless the
//! operator allows it for tests, to a loopback, private or link-local
//! address, checked again at every delivery after the name is resolved (no
//! redirects are followed).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hao_domain::{Role, User};
use hao_store::{Dispatch, StoreError, Subscriber, Webhook};
use hmac::{Hmac, Mac};
use serde_json::json;

use crate::App;

/// The events a webhook may ask for.
pub const EVENTS: [&str; 6] = [
    "article.published",
    "article.updated",
    "article.unpublished",
    "article.taken_down",
    "comment.created",
    "follower.created",
];
/// Attempts before a delivery is given up: after 10 s, 20 s, 40 s, 80 s
/// and 160 s (about five minutes in all).
pub const MAX_ATTEMPTS: i64 = 6;
/// Webhooks per user.
pub const MAX_PER_USER: usize = 10;
/// Longest URL.
const URL_BYTES: usize = 2000;

/// Where webhooks may point and what their links name.
#[derive(Debug, Clone, Default)]
pub struct WebhookConfig {
    /// The site's public origin, for the `url` of an event's object.
    pub base_url: String,
    /// Allow loopback and private addresses (tests on one machine only).
    pub allow_private: bool,
}

/// Why a webhook was not registered.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("only creators and admins may register webhooks")]
    Forbidden,
    #[error("url: {0}")]
    BadUrl(String),
    #[error("events: {0}")]
    BadEvents(String),
    #[error("at most {MAX_PER_USER} webhooks per user")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xC0) == 64 // 100.64/10
                || v4.octets()[0] == 0
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (v6.segments()[0] & 0xfe00) == 0xfc00 // unique local
                || (v6.segments()[0] & 0xffc0) == 0xfe80 // link local
                || v6.to_ipv4_mapped().is_some_and(|v4| forbidden_ip(IpAddr::V4(v4)))
        }
    }
}

/// Checks a webhook URL as typed.
pub fn validate_url(raw: &str, allow_private: bool) -> Result<String, WebhookError> {
    let raw = raw.trim();
    let bad = |m: &str| Err(WebhookError::BadUrl(m.to_owned()));
    if raw.len() > URL_BYTES {
        return bad("longer than 2000 bytes");
    }
    let url = match reqwest::Url::parse(raw) {
        Ok(u) => u,
        Err(e) => return Err(WebhookError::BadUrl(format!("not a URL: {e}"))),
    };
    if !matches!(url.scheme(), "http" | "https") {
        return bad("must be http or https");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad("must not carry a user name or password");
    }
    let Some(host) = url.host() else {
        return bad("has no host");
    };
    if !allow_private {
        let private = match host {
            url::Host::Ipv4(ip) => forbidden_ip(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => forbidden_ip(IpAddr::V6(ip)),
            url::Host::Domain(d) => {
                let d = d.to_ascii_lowercase();
                d == "localhost" || d.ends_with(".localhost") || d.ends_with(".local")
            }
        };
        if private {
            return bad("points at a loopback, private or link-local address");
        }
    }
    Ok(url.to_string())
}

/// Resolves names for deliveries, refusing private addresses (unless allowed).
struct GuardedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow || !forbidden_ip(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The HTTP client of deliveries.
pub(crate) fn client(allow_private: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Hao-Webhooks/1")
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .build()
        .expect("a TLS backend")
}

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Whether `s` hears of something of creator `creator`.
fn hears(s: &Subscriber, event: &str, creator: i64) -> bool {
    s.webhook.events.iter().any(|e| e == event)
        && (s.role == Role::Admin || s.creator_id == Some(creator))
}

async fn queue_to(
    d: &mut Dispatch,
    subs: &[Subscriber],
    event: &str,
    creator: i64,
    id: &str,
    at: i64,
    data: serde_json::Value,
) -> Result<usize, StoreError> {
    let body =
        json!({"event": event, "id": id, "occurred_at": rfc3339(at), "data": data}).to_string();
    let mut n = 0;
    for s in subs.iter().filter(|s| hears(s, event, creator)) {
        d.queue(s.webhook.id, event, &body).await?;
        n += 1;
    }
    Ok(n)
}

impl App {
    /// Registers a webhook for `user` (a creator or an admin).
    pub async fn create_webhook(
        &self,
        user: &User,
        url: &str,
        events: &[String],
    ) -> Result<Webhook, WebhookError> {
        if !(user.role == Role::Admin || user.creator_id.is_some()) {
            return Err(WebhookError::Forbidden);
        }
        let url = validate_url(url, self.webhook_config().allow_private)?;
        if events.is_empty() {
            return Err(WebhookError::BadEvents("name at least one event".into()));
        }
        let mut wanted: Vec<&str> = Vec::new();
        for e in events {
            match EVENTS.iter().find(|k| **k == e.as_str()) {
                Some(k) if !wanted.contains(k) => wanted.push(k),
                Some(_) => {}
                None => {
                    return Err(WebhookError::BadEvents(format!(
                        "unknown event '{e}' (one of {})",
                        EVENTS.join(", ")
                    )));
                }
            }
        }
        if self.store().webhooks_of(user.id).await?.len() >= MAX_PER_USER {
            return Err(WebhookError::TooMany);
        }
        let secret = crate::secrets::random_secret();
        Ok(self
            .store()
            .create_webhook(user.id, &url, &wanted, &secret)
            .await?)
    }

    /// Turns what changed since the last pass into queued deliveries;
    /// returns how many were queued (0 when another node holds the pass).
    pub async fn dispatch_webhooks(&self) -> Result<usize, StoreError> {
        // Every event comes from a change-log row (comments and follows
        // write one too): while the log has not moved since this node's
        // last complete pass, there is nothing to queue and no lock to take.
        let last = self.store().last_change().await?;
        if last == self.webhook_seen() {
            return Ok(0);
        }
        let Some(mut d) = self.store().begin_webhook_dispatch().await? else {
            return Ok(0);
        };
        let subs = d.subscribers().await?;
        let (articles, reached) = d.changed_articles(500).await?;
        if subs.is_empty() {
            // Nobody listens: the past is not kept for a later webhook.
            d.skip_pending().await?;
            d.finish(reached).await?;
            self.saw_changes_until(reached, last);
            return Ok(0);
        }
        let base = self.webhook_config().base_url.clone();
        let now = self.now();
        let mut queued = 0;
        for id in articles {
            let Some((a, told)) = d.article(id).await? else {
                continue;
            };
            let told_status = told.as_ref().map(|(s, _)| s.as_str());
            let event = match (a.status.as_str(), told_status) {
                ("published", Some("published")) => {
                    if told.as_ref().map(|(_, u)| *u) == Some(a.updated_at) {
                        None
                    } else {
                        Some("article.updated")
                    }
                }
                ("published", _) => Some("article.published"),
                ("taken_down", Some("published")) => Some("article.taken_down"),
                (_, Some("published")) => Some("article.unpublished"),
                _ => None,
            };
            if let Some(event) = event {
                let data = json!({
                    "id": a.id,
                    "external_id": a.external_id,
                    "title": a.title,
                    "url": format!("{base}/article/{}", a.id),
                    "status": a.status,
                    "channel": a.channel,
                    "author": a.author,
                    "author_id": a.creator_id,
                    "published_at": rfc3339(a.published_at),
                    "updated_at": rfc3339(a.updated_at),
                });
                let event_id = format!("{event}-{}-{}", a.id, a.updated_at);
                queued +=
                    queue_to(&mut d, &subs, event, a.creator_id, &event_id, now, data).await?;
            }
            d.told_article(a.id, &a.status, a.updated_at).await?;
        }
        for (c, creator) in d.new_comments(500).await? {
            let data = json!({
                "id": c.id,
                "article_id": c.article_id,
                "author": c.author,
                "body": c.body,
                "reply_to": c.parent_id,
                "url": format!("{base}/comment/{}#c{}", c.root_id, c.id),
            });
            let event_id = format!("comment.created-{}", c.id);
            queued += queue_to(
                &mut d,
                &subs,
                "comment.created",
                creator,
                &event_id,
                c.created_at,
                data,
            )
            .await?;
        }
        for f in d.new_follows(500).await? {
            let data = json!({
                "creator_id": f.creator_id,
                "follower": f.username,
                "followers": f.followers,
                "url": format!("{base}/author/{}", f.creator_id),
            });
            let event_id = format!("follower.created-{}-{}", f.creator_id, f.user_id);
            queued += queue_to(
                &mut d,
                &subs,
                "follower.created",
                f.creator_id,
                &event_id,
                f.created_at,
                data,
            )
            .await?;
        }
        d.finish(reached).await?;
        self.saw_changes_until(reached, last);
        Ok(queued)
    }

    /// Delivers what is due (at most 20 per call); returns how many were
    /// delivered.
    pub async fn deliver_webhooks(&self) -> Result<usize, StoreError> {
        let claimed = self.store().claim_deliveries(60, 20).await?;
        let mut delivered = 0;
        for c in claimed {
            let signature = signature(&c.secret, c.body.as_bytes());
            let sent = self
                .http_client()
                .post(&c.url)
                .header("content-type", "application/json")
                .header("x-hao-event", &c.event)
                .header("x-hao-delivery", c.id.to_string())
                .header("x-hao-signature", &signature)
                .body(c.body.clone())
                .send()
                .await;
            let (status, error) = match sent {
                Ok(r) if r.status().is_success() => {
                    self.store()
                        .delivered(c.id, i64::from(r.status().as_u16()))
                        .await?;
                    delivered += 1;
                    continue;
                }
                Ok(r) => (
                    Some(i64::from(r.status().as_u16())),
                    format!("HTTP {}", r.status()),
                ),
                Err(e) => (None, error_chain(&e)),
            };
            let retry_at = (c.attempts < MAX_ATTEMPTS)
                .then(|| self.now() + 10 * (1 << (c.attempts - 1).clamp(0, 10)));
            tracing::warn!(delivery = c.id, webhook = c.webhook_id, attempts = c.attempts, %error, "webhook delivery failed");
            self.store()
                .delivery_failed(c.id, status, &error, retry_at)
                .await?;
        }
        Ok(delivered)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_to_private_places_are_refused() {
        for bad in [
            "ftp://example.com/x",
            "http://127.0.0.1:8080/",
            "http://localhost/",
            "http://10.1.2.3/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://user:pw@example.com/",
            "http://192.168.0.1/",
            "not a url",
        ] {
            assert!(validate_url(bad, false).is_err(), "{bad}");
        }
        assert_eq!(
            validate_url(" https://hooks.example.com/hao ", false).unwrap(),
            "https://hooks.example.com/hao"
        );
        assert!(validate_url("http://127.0.0.1:8080/", true).is_ok());
    }

    #[test]
    fn the_signature_is_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
