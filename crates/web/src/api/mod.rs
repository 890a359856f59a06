//! The JSON API: reading articles, 相关推荐 and 热点 (`read`), lists of
//! articles, channels, authors and tags with cursors (`lists`), and writing
//! articles with a bearer token (`write`). Errors are `{"code","message"}`.

mod lists;
mod read;
mod write;

use axum::Router;

use crate::http::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(read::router())
        .merge(lists::router())
        .merge(write::router())
}
