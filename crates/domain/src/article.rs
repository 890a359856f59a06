//! Articles: what a creator writes and a reader reads.

use crate::{Channel, UnixTime};

/// Size limits, shared by the import, the API and the editor.
pub mod limits {
    /// Longest title, in characters.
    pub const TITLE_CHARS: usize = 200;
    /// Longest Markdown body, in bytes (1 MiB). Longer bodies are refused, not cut.
    pub const BODY_BYTES: usize = 1 << 20;
    /// Longest external id, in bytes.
    pub const EXTERNAL_ID_BYTES: usize = 200;
    /// Longest author display name, in characters.
    pub const AUTHOR_CHARS: usize = 40;
    /// Longest source name of a 转载, in characters.
    pub const SOURCE_CHARS: usize = 100;
    /// Most tags per article.
    pub const TAGS: usize = 10;
    /// Characters of one tag.
    pub const TAG_CHARS: usize = 20;
}

/// Where an article stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleStatus {
    Draft,
    InReview,
    Scheduled,
    Published,
    Rejected,
    TakenDown,
    Deleted,
}

impl ArticleStatus {
    pub fn code(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::InReview => "in_review",
            ArticleStatus::Scheduled => "scheduled",
            ArticleStatus::Published => "published",
            ArticleStatus::Rejected => "rejected",
            ArticleStatus::TakenDown => "taken_down",
            ArticleStatus::Deleted => "deleted",
        }
    }

    pub fn parse(code: &str) -> Option<ArticleStatus> {
        [
            ArticleStatus::Draft,
            ArticleStatus::InReview,
            ArticleStatus::Scheduled,
            ArticleStatus::Published,
            ArticleStatus::Rejected,
            ArticleStatus::TakenDown,
            ArticleStatus::Deleted,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// 原创 or 转载.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Originality {
    /// Declared original by its creator (声明:个人原创).
    Original,
    /// Reprinted; the source must be named.
    Reprint {
        source_name: String,
        source_url: Option<String>,
    },
}

/// A whole article, as the article page needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: i64,
    pub external_id: String,
    pub creator_id: i64,
    pub channel: Channel,
    pub title: String,
    pub body_markdown: String,
    /// Sanitised HTML rendered from `body_markdown` when the article was saved.
    pub body_html: String,
    pub summary: String,
    pub cover_url: Option<String>,
    pub tags: Vec<String>,
    pub originality: Originality,
    pub status: ArticleStatus,
    pub published_at: UnixTime,
    pub updated_at: UnixTime,
    pub views: i64,
    pub shares: i64,
    /// 点赞: readers who like it (one each).
    pub likes: i64,
    /// Published comments (跟帖).
    pub comments: i64,
    /// The creator (or an editor) closed comments on it.
    pub comments_closed: bool,
    /// Shown in lists (headlines, related, hot). Help pages are not.
    pub listed: bool,
    /// TF-IDF keywords, best first: suggested tags, related-article features.
    pub keywords: Vec<String>,
}

/// An article in a list: enough for a title line with its source and time.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleSummary {
    pub id: i64,
    pub external_id: String,
    pub title: String,
    pub summary: String,
    pub channel: Channel,
    pub creator_id: i64,
    pub creator_name: String,
    pub published_at: UnixTime,
    pub views: i64,
    pub cover_url: Option<String>,
    /// Published comments (跟帖).
    pub comments: i64,
}

/// A validated article ready to be stored: the body is already rendered.
/// Built by the import or the editor; the store trusts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleDraft {
    pub external_id: String,
    pub creator_id: i64,
    pub channel: Channel,
    pub title: String,
    pub body_markdown: String,
    pub body_html: String,
    pub summary: String,
    pub cover_url: Option<String>,
    pub tags: Vec<String>,
    pub originality: Originality,
    pub status: ArticleStatus,
    pub published_at: UnixTime,
    pub listed: bool,
    /// TF-IDF keywords of title and body, best first.
    pub keywords: Vec<String>,
    /// SimHash of the body; `None` when the body is too short to fingerprint.
    pub fingerprint: Option<u64>,
    /// The body's MinHash sketch (stored form) and its LSH band keys: the
    /// near-duplicate lookup's table. Empty when the body is too short.
    pub sketch: Option<String>,
    pub bands: Vec<i64>,
}

/// Why a value cannot become an article. Each message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("missing required field '{0}'")]
    Missing(&'static str),
    #[error("field '{field}' is too long ({actual} > {max} {unit})")]
    TooLong {
        field: &'static str,
        actual: usize,
        max: usize,
        unit: &'static str,
    },
    #[error("field '{field}' is invalid: {reason}")]
    Invalid { field: &'static str, reason: String },
}

impl ValidationError {
    /// The field the error is about: a form shows the error next to it.
    pub fn field(&self) -> &'static str {
        match self {
            ValidationError::Missing(field)
            | ValidationError::TooLong { field, .. }
            | ValidationError::Invalid { field, .. } => field,
        }
    }
}

/// Checks a title: present after trimming, no control characters, not too long.
/// Returns the trimmed title.
pub fn validate_title(title: &str) -> Result<String, ValidationError> {
    let t = title.trim();
    if t.is_empty() {
        return Err(ValidationError::Missing("title"));
    }
    let chars = t.chars().count();
    if chars > limits::TITLE_CHARS {
        return Err(ValidationError::TooLong {
            field: "title",
            actual: chars,
            max: limits::TITLE_CHARS,
            unit: "characters",
        });
    }
    if t.chars().any(char::is_control) {
        return Err(ValidationError::Invalid {
            field: "title",
            reason: "contains control characters".into(),
        });
    }
    Ok(t.to_owned())
}

/// Checks a Markdown body: not blank, within [`limits::BODY_BYTES`].
pub fn validate_body(body: &str) -> Result<(), ValidationError> {
    if body.trim().is_empty() {
        return Err(ValidationError::Missing("body"));
    }
    if body.len() > limits::BODY_BYTES {
        return Err(ValidationError::TooLong {
            field: "body",
            actual: body.len(),
            max: limits::BODY_BYTES,
            unit: "bytes",
        });
    }
    Ok(())
}

/// Checks an external id: non-empty, printable, at most [`limits::EXTERNAL_ID_BYTES`].
pub fn validate_external_id(id: &str) -> Result<String, ValidationError> {
    let t = id.trim();
    if t.is_empty() {
        return Err(ValidationError::Missing("external_id"));
    }
    if t.len() > limits::EXTERNAL_ID_BYTES {
        return Err(ValidationError::TooLong {
            field: "external_id",
            actual: t.len(),
            max: limits::EXTERNAL_ID_BYTES,
            unit: "bytes",
        });
    }
    if t.chars().any(|c| c.is_control() || c == '/') {
        return Err(ValidationError::Invalid {
            field: "external_id",
            reason: "must not contain control characters or '/'".into(),
        });
    }
    Ok(t.to_owned())
}

/// Checks an author display name.
pub fn validate_author(name: &str) -> Result<String, ValidationError> {
    let t = name.trim();
    if t.is_empty() {
        return Err(ValidationError::Missing("author"));
    }
    let chars = t.chars().count();
    if chars > limits::AUTHOR_CHARS {
        return Err(ValidationError::TooLong {
            field: "author",
            actual: chars,
            max: limits::AUTHOR_CHARS,
            unit: "characters",
        });
    }
    if t.chars().any(char::is_control) {
        return Err(ValidationError::Invalid {
            field: "author",
            reason: "contains control characters".into(),
        });
    }
    Ok(t.to_owned())
}

/// Checks a link given by a user: only http(s), no white space.
pub fn validate_url(field: &'static str, url: &str) -> Result<String, ValidationError> {
    let t = url.trim();
    let ok = (t.starts_with("https://") || t.starts_with("http://"))
        && t.len() > "https://".len()
        && t.len() <= 2000
        && !t.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(t.to_owned())
    } else {
        Err(ValidationError::Invalid {
            field,
            reason: "must be an http:// or https:// link".into(),
        })
    }
}

/// Builds the originality of an article from the import's fields: `original`
/// defaults to true when no source is given; a 转载 must name its source.
pub fn originality_from(
    original: Option<bool>,
    source: Option<&str>,
    source_url: Option<&str>,
) -> Result<Originality, ValidationError> {
    let source = source.map(str::trim).filter(|s| !s.is_empty());
    match (original, source) {
        (Some(true), _) | (None, None) => Ok(Originality::Original),
        (Some(false), None) => Err(ValidationError::Invalid {
            field: "source",
            reason: "a reprint (original: false) must name its source".into(),
        }),
        (_, Some(name)) => {
            let chars = name.chars().count();
            if chars > limits::SOURCE_CHARS {
                return Err(ValidationError::TooLong {
                    field: "source",
                    actual: chars,
                    max: limits::SOURCE_CHARS,
                    unit: "characters",
                });
            }
            let source_url = source_url
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|u| validate_url("source_url", u))
                .transpose()?;
            Ok(Originality::Reprint {
                source_name: name.to_owned(),
                source_url,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(validate_title("  你好 "), Ok("你好".into()));
        assert_eq!(validate_title(" "), Err(ValidationError::Missing("title")));
        assert!(validate_title(&"字".repeat(201)).is_err());
        assert!(validate_title("a\u{0}b").is_err());
    }

    #[test]
    fn bodies() {
        assert!(validate_body("正文").is_ok());
        assert_eq!(validate_body("\n "), Err(ValidationError::Missing("body")));
        assert!(validate_body(&"a".repeat(limits::BODY_BYTES + 1)).is_err());
    }

    #[test]
    fn originality() {
        assert_eq!(
            originality_from(None, None, None),
            Ok(Originality::Original)
        );
        assert_eq!(
            originality_from(Some(true), Some("新华社"), None),
            Ok(Originality::Original)
        );
        assert!(originality_from(Some(false), None, None).is_err());
        assert_eq!(
            originality_from(None, Some("新华社"), None),
            Ok(Originality::Reprint {
                source_name: "新华社".into(),
                source_url: None
            })
        );
        assert!(originality_from(Some(false), Some("x"), Some("javascript:alert(1)")).is_err());
    }

    #[test]
    fn external_ids() {
        assert!(validate_external_id("inews-1").is_ok());
        assert!(validate_external_id("a/b").is_err());
        assert!(validate_external_id("").is_err());
    }
}
