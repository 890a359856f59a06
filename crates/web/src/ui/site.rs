//! The site's settings as the pages of one request see them: the name,
//! the 备案 lines, the footer line an admin set on `/admin/settings`. A
//! layer (`http::site_scope`) puts the node's settings in a task-local for
//! each request, so every render reads them without passing them through
//! every view. And whether the reader chose 关怀版.

use std::sync::{Arc, LazyLock};

use axum::http::{HeaderMap, header};
use hao_app::admin::SiteSettings;

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

/// Runs `f` (a request) with `settings` in scope.
pub async fn with<F: std::future::Future>(settings: Arc<SiteSettings>, f: F) -> F::Output {
    SETTINGS.scope(settings, f).await
}

/// Whether the reader chose care mode (关怀版).
pub fn is_care(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim() == "hao_care=1")
}
