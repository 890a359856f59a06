//! Turning an article given as JSON (an import line, an API request, the
//! studio's form) into a validated, analysed draft. One set of rules for every way in.

use hao_domain::{
    AccountType, ArticleDraft, ArticleStatus, Channel, ValidationError, limits, originality_from,
    validate_author, validate_body, validate_external_id, validate_title, validate_url,
};
use serde::Deserialize;

/// Author of articles that name none.
pub const ANONYMOUS: &str = "号 读者投稿";

/// An article as the import (one JSON line) and the API (a JSON body) give
/// it. Unknown fields are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct ArticleInput {
    pub external_id: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub author: Option<String>,
    /// 个人 / 媒体 / 企业 / 政务 (or personal, media, …) for a new author.
    pub author_type: Option<String>,
    /// The author is a demo account (set by the demo corpus script).
    #[serde(default)]
    pub demo: bool,
    pub channel: Option<String>,
    pub published_at: Option<String>,
    pub original: Option<bool>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub cover: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// An input that passed every check, waiting for its author's id.
#[derive(Debug)]
pub struct Parsed {
    pub author: String,
    pub author_type: AccountType,
    pub demo: bool,
    pub draft: ArticleDraft,
}

/// A cover image: the address of an image uploaded here (`/media/…`), or
/// an http(s) link.
pub fn cover_url(c: &str) -> Result<String, ValidationError> {
    let c = c.trim();
    if crate::images::is_media_url(c) {
        Ok(c.to_owned())
    } else {
        validate_url("cover", c)
    }
}

/// Validates and analyses one input. `now` is used when `published_at` is absent.
pub fn parse(r: ArticleInput, now: i64) -> Result<Parsed, ValidationError> {
    let external_id = validate_external_id(r.external_id.as_deref().unwrap_or(""))?;
    let title = validate_title(r.title.as_deref().unwrap_or(""))?;
    let body = r.body.unwrap_or_default();
    validate_body(&body)?;
    let author = match r.author.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => validate_author(a)?,
        None => ANONYMOUS.to_owned(),
    };
    let author_type = match r.author_type.as_deref() {
        None => AccountType::Personal,
        Some(t) => AccountType::parse(t).ok_or_else(|| ValidationError::Invalid {
            field: "author_type",
            reason: format!("'{t}' is not one of 个人, 媒体, 企业, 政务"),
        })?,
    };
    let channel = match r
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => Channel::parse(c).map_err(|e| ValidationError::Invalid {
            field: "channel",
            reason: e.to_string(),
        })?,
        None => hao_text::classify_channel(&title, &body),
    };
    // A publication date is in the past (an hour of clock skew allowed): a
    // date in the future would pin the article to the top of 最新 (schedule
    // with `publish_at` instead).
    let published_at = match r.published_at.as_deref() {
        None => now,
        Some(t) => parse_time("published_at", t, EARLIEST, now + 3600)?,
    };
    let originality = originality_from(r.original, r.source.as_deref(), r.source_url.as_deref())?;
    let cover_url = r
        .cover
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .map(cover_url)
        .transpose()?;
    let mut tags: Vec<String> = Vec::new();
    for t in r.tags {
        let t = t.trim().to_owned();
        if t.is_empty() || tags.contains(&t) {
            continue;
        }
        if t.chars().count() > limits::TAG_CHARS || t.chars().any(char::is_control) {
            return Err(ValidationError::Invalid {
                field: "tags",
                reason: format!(
                    "tag '{t}' is longer than 20 characters or contains control characters"
                ),
            });
        }
        tags.push(t);
    }
    if tags.len() > limits::TAGS {
        return Err(ValidationError::Invalid {
            field: "tags",
            reason: format!("{} tags, at most {} allowed", tags.len(), limits::TAGS),
        });
    }
    let analysis = hao_text::analyze(&title, &body);
    Ok(Parsed {
        author,
        author_type,
        demo: r.demo,
        draft: ArticleDraft {
            external_id,
            creator_id: 0,
            channel,
            title,
            body_markdown: body,
            body_html: analysis.body_html,
            summary: analysis.summary,
            cover_url,
            tags,
            originality,
            status: ArticleStatus::Published,
            published_at,
            listed: true,
            keywords: analysis.keywords,
            fingerprint: analysis.fingerprint,
            bands: analysis
                .sketch
                .as_ref()
                .map(|s| s.band_keys())
                .unwrap_or_default(),
            sketch: analysis.sketch.as_ref().map(|s| s.encode()),
        },
    })
}

/// The earliest date an article may carry: 1900-01-01 (archives go back
/// far; nothing is older than the press it reports).
pub const EARLIEST: i64 = -2_208_988_800;

/// An RFC 3339 time within `earliest..=latest` (Unix seconds), or an error
/// naming `field` and saying which bound it crossed.
pub fn parse_time(
    field: &'static str,
    raw: &str,
    earliest: i64,
    latest: i64,
) -> Result<i64, ValidationError> {
    let t = chrono::DateTime::parse_from_rfc3339(raw.trim())
        .map_err(|e| ValidationError::Invalid {
            field,
            reason: format!("'{raw}' is not an RFC 3339 time ({e})"),
        })?
        .timestamp();
    let show = |s: i64| {
        chrono::DateTime::from_timestamp(s, 0)
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default()
    };
    if t < earliest {
        return Err(ValidationError::Invalid {
            field,
            reason: format!("'{raw}' is before {}", show(earliest)),
        });
    }
    if t > latest {
        return Err(ValidationError::Invalid {
            field,
            reason: format!("'{raw}' is after {}", show(latest)),
        });
    }
    Ok(t)
}
