//! The site's settings as the pages of one request see them: the name,
//! the 备案 lines, the footer line an admin set on `/admin/settings`. A
//! layer puts the node's settings in a task-local for each request, so
//! every render reads them without passing them through every view.

use std::sync::{Arc, LazyLock};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use hao_app::admin::SiteSettings;

use crate::http::AppState;

tokio::task_local! {
    static SETTINGS: Arc<SiteSettings>;
}

static DEFAULT: LazyLock<Arc<SiteSettings>> = LazyLock::new(Arc::default);

/// The settings of the request being served (the defaults outside one).
pub fn settings() -> Arc<SiteSettings> {
    SETTINGS
        .try_with(Arc::clone)
        .unwrap_or_else(|_| DEFAULT.clone())
}

/// The site's name.
pub fn name() -> String {
    settings().name.clone()
}

/// Serves a request with the node's settings in scope.
pub async fn scope(State(state): State<AppState>, request: Request, next: Next) -> Response {
    SETTINGS
        .scope(state.app().site_settings(), next.run(request))
        .await
}
