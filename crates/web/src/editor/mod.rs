//! Editors' pages: the originality review queue (both texts side by side,
//! differences highlighted), channel headline pins (要闻置顶) and the
//! moderation log. Editors and admins only; every action is logged.

mod log;
mod originality;
mod pins;
mod reviews;
mod standing;

use axum::Router;
use axum::routing::get;

use crate::http::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editor/originality", get(originality::queue))
        .route(
            "/editor/originality/{id}",
            get(originality::review).post(originality::decide),
        )
        .route("/editor/log", get(log::log))
        .route("/editor/pins", get(pins::pins).post(pins::pin))
        .route("/editor/reviews", get(reviews::reviews))
        .route("/editor/standing", get(standing::standing))
        .route("/editor/takedown", axum::routing::post(standing::take_down))
        .route(
            "/editor/restore",
            axum::routing::post(standing::restore_deleted),
        )
        .route(
            "/editor/appeals/{id}",
            axum::routing::post(standing::decide_appeal),
        )
        .route(
            "/editor/reviews/{id}",
            axum::routing::post(reviews::review_article),
        )
        .route("/editor/pins/remove", axum::routing::post(pins::unpin))
}
