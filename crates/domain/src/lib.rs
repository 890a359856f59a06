//! Hao's domain: the plain types every other crate speaks — channels, creators,
//! articles — and the rules that make a value valid. This crate does no I/O.

mod account;
mod article;
mod channel;
pub mod comment;
mod creator;
pub mod policy;
mod review;

pub use account::{Role, User, validate_password, validate_username};
pub use article::{
    Article, ArticleDraft, ArticleStatus, ArticleSummary, Originality, ValidationError, limits,
    originality_from, validate_author, validate_body, validate_external_id, validate_title,
    validate_url,
};
pub use channel::{Channel, UnknownChannel};
pub use comment::{Comment, CommentStatus, ReportAction, ReportReason, ReportTarget};
pub use creator::{AccountType, Creator};
pub use review::{ApplicationStatus, ReviewStatus};

/// Seconds since the Unix epoch, UTC. Every stored time is one of these, so that
/// both database backends store and compare times the same way.
pub type UnixTime = i64;
