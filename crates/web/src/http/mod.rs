//! Cross-cutting HTTP: the state handlers get, who is asking (sessions,
//! CSRF, tokens), errors as the client sees them, the page cache, and the
//! responders and id extractors every feature uses, `/metrics` and `/readyz`. Uses `ui` (the error
//! page), never a feature.

pub mod auth;
pub mod cache;
pub mod error;
pub mod forms;
pub mod headers;
pub mod ids;
pub mod metrics;
pub mod respond;
mod state;

pub use state::{AppState, Frame, SiteOptions, current_request_id, frame};
