//! Ids in paths (`/article/{id}`, `/author/{id}`, …) as extractors whose
//! rejection is the site's own 400 page (in the reader's care mode), never
//! axum's plain-text answer.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::http::error::PageError;
use crate::http::respond::{is_care, parse_id};

macro_rules! path_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name(pub i64);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = PageError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
                let care = is_care(&parts.headers);
                let Path(raw) = Path::<String>::from_request_parts(parts, state)
                    .await
                    .map_err(|e| PageError::bad_request(e.body_text()).with_care(care))?;
                parse_id(&raw, $what)
                    .map($name)
                    .map_err(|e| e.with_care(care))
            }
        }
    };
}

path_id!(
    /// The article of a path with one `{id}`.
    ArticleId,
    "文章"
);
path_id!(
    /// The author (creator) of a path with one `{id}`.
    AuthorId,
    "作者"
);
path_id!(
    /// A 信用分 ledger entry of a path with one `{id}`.
    EntryId,
    "记录"
);
path_id!(
    /// An originality review of a path with one `{id}`.
    ReviewId,
    "审核"
);
path_id!(
    /// An application (申请入驻) of a path with one `{id}`.
    ApplicationId,
    "申请"
);
path_id!(
    /// A comment (跟帖) of a path with one `{id}`.
    CommentId,
    "跟帖"
);

/// A numeric id from an API path (`what`: "article", "comment", …); anything
/// else is a 400 `{"code","message"}` saying so.
pub fn api_id(raw: &str, what: &str) -> Result<i64, crate::http::error::ApiError> {
    raw.parse().ok().filter(|id| *id > 0).ok_or_else(|| {
        crate::http::error::ApiError::bad_request(format!(
            "{what} id '{raw}' is not a positive integer"
        ))
    })
}
