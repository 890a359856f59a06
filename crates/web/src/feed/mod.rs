//! `/feed` (推荐): the personal feed. Signed-in readers get followed
//! creators' new articles, articles related to what they read, hot and fresh
//! ones, each with why it is there; anonymous readers (and readers who turned
//! personalisation off) get hot and fresh, plus their follows. Readers clear
//! their history or turn personalisation off here.

mod views;

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hao_domain::ArticleSummary;
use hao_recommend::feed::{FeedInput, feed as mix, similar_to_history};
use serde::Deserialize;

use crate::http::AppState;
use crate::http::auth::{MaybeSession, SignedIn};
use crate::http::error::PageError;
use crate::http::respond::is_care;
use crate::http::respond::private_page;
use crate::ui::layout::Frame;

/// Items in the feed.
pub const FEED_LEN: usize = 30;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feed", get(feed))
        .route("/feed/history/clear", post(clear_history))
        .route("/feed/personalize", post(personalize))
}

async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let store = state.store();
    let now = state.now();
    let hot: Vec<ArticleSummary> = hao_app::lists::hot_limited(store, None, 30, now)
        .await?
        .into_iter()
        .map(|p| p.article)
        .collect();
    let fresh = store.latest(30, 0).await?.items;
    let (mut followed, mut similar, mut history, mut personalize) =
        (Vec::new(), Vec::new(), Vec::new(), false);
    if let Some(s) = &session {
        let user = s.user.id;
        followed = store.following_articles(user, 30, 0).await?.items;
        personalize = store.personalize(user).await?;
        if personalize {
            history = store.reading_history(user, 30).await?;
            let read: Vec<i64> = history.iter().map(|h| h.0).collect();
            let lists = state.related().get_many(store, &read).await?;
            let ranked = similar_to_history(
                &history,
                |id| {
                    lists
                        .get(&id)
                        .map(|list| list.iter().map(|r| r.id).collect())
                        .unwrap_or_default()
                },
                now,
            );
            let ids: Vec<i64> = ranked.iter().take(40).map(|r| r.0).collect();
            let found = store.summaries(&ids).await?;
            similar = found
                .into_iter()
                .filter_map(|a| {
                    let because = ranked.iter().find(|r| r.0 == a.id)?.1.clone();
                    Some((a, because))
                })
                .collect();
        }
    }
    let read: Vec<i64> = history.iter().map(|h| h.0).collect();
    let picks = mix(
        &FeedInput {
            followed: &followed,
            similar: &similar,
            hot: &hot,
            fresh: &fresh,
            read: &read,
        },
        FEED_LEN,
    );
    let frame = Frame::new("推荐", "/feed", care).describe("为你推荐的文章，每一条都说明理由");
    let state_of = session.as_ref().map(|s| views::FeedReader {
        csrf: &s.csrf,
        personalize,
        history: history.len(),
    });
    let page = views::feed_page(&frame, &picks, state_of.as_ref());
    Ok(private_page(StatusCode::OK, page))
}

#[derive(Debug, Deserialize, Default)]
pub struct FeedForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    on: String,
}

async fn clear_history(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Form(form): Form<FeedForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    state.store().clear_history(session.user.id).await?;
    Ok(Redirect::to("/feed").into_response())
}

async fn personalize(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Form(form): Form<FeedForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let on = match form.on.as_str() {
        "1" => true,
        "0" => false,
        _ => {
            return Err(PageError::bad_request(
                "请选择开启（1）或关闭（0）个性化推荐。",
            ));
        }
    };
    state.store().set_personalize(session.user.id, on).await?;
    Ok(Redirect::to("/feed").into_response())
}
