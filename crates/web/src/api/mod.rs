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

/// The API document's part for these routes (merged with the search API's
/// in `crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "号 Hao API",
        version = "1",
        description = "Read and write articles of a 号 (Hao) site. Every error is `{\"code\", \"message\"}`. Writes take `Authorization: Bearer TOKEN` (tokens are made on /me)."
    ),
    paths(
        lists::articles,
        lists::channels,
        lists::authors,
        lists::tags,
        read::by_id,
        read::by_external_id,
        read::related,
        read::hot,
        write::create,
        write::update,
    ),
    modifiers(&BearerToken),
    tags(
        (name = "articles", description = "Articles, 相关推荐 and 热点"),
        (name = "lists", description = "Lists paged by cursor"),
        (name = "write", description = "Publishing through the API"),
    )
)]
pub struct ApiDoc;

/// The bearer token the write operations take.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}
