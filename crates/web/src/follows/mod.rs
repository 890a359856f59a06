//! Follows: `POST /author/{id}/follow`, `POST /author/{id}/unfollow`, and
//! `/following` (the followed creators and their new articles).
//!
//! The follow button sits on cached pages, which are the same bytes for every
//! reader and so cannot carry a session's CSRF token. A follow is accepted
//! when it carries the session's token (the forms of `/following` and of the
//! confirmation page) or when the browser says it was sent by this site
//! (`Sec-Fetch-Site: same-origin`, or an `Origin` / `Referer` of this host),
//! on top of the `SameSite=Lax` session cookie. Anything else gets a
//! confirmation page with a form of the reader's own session: never an action.

mod views;

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::http::AppState;
use crate::http::auth::{MaybeSession, Session, SignedIn};
use crate::http::error::PageError;
use crate::http::ids::AuthorId;
use crate::http::respond::no_store;
use crate::http::respond::same_origin;
use crate::http::respond::{PER_PAGE, is_care, parse_page_number};
use crate::ui::layout::Frame;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/author/{id}/follow", post(follow))
        .route("/author/{id}/unfollow", post(unfollow))
        .route("/following", get(following))
}

#[derive(Debug, Deserialize, Default)]
pub struct FollowForm {
    #[serde(default)]
    csrf: String,
    /// The article whose author card the follow came from.
    #[serde(default)]
    from: String,
}

async fn follow(
    state: State<AppState>,
    path: AuthorId,
    headers: HeaderMap,
    session: MaybeSession,
    form: Form<FollowForm>,
) -> Result<Response, PageError> {
    change(state, path, headers, session, form, true).await
}

async fn unfollow(
    state: State<AppState>,
    path: AuthorId,
    headers: HeaderMap,
    session: MaybeSession,
    form: Form<FollowForm>,
) -> Result<Response, PageError> {
    change(state, path, headers, session, form, false).await
}

async fn change(
    State(state): State<AppState>,
    AuthorId(id): AuthorId,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
    Form(form): Form<FollowForm>,
    follow: bool,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let creator = state
        .store()
        .creator(id)
        .await?
        .ok_or_else(|| PageError::not_found("这位作者不存在。").with_care(care))?;
    let Some(session) = session else {
        // Sign in, then come back to the author page to follow.
        return Ok(Redirect::to(&format!("/signin?next=%2Fauthor%2F{id}")).into_response());
    };
    if form.csrf.is_empty() && !same_origin(&headers) {
        return Ok(confirm(&session, &creator, follow, care));
    }
    if !form.csrf.is_empty() {
        session.check_csrf(&form.csrf)?;
    }
    let user = session.user.id;
    if follow {
        // A follow started from an article counts for its 热点 (a bad or
        // foreign `from` is ignored: the follow itself stands).
        let from = form.from.parse::<i64>().ok();
        state.store().follow(user, id, from).await?;
    } else {
        state.store().unfollow(user, id).await?;
    }
    state.invalidate();
    Ok(Redirect::to("/following").into_response())
}

fn confirm(session: &Session, creator: &hao_domain::Creator, follow: bool, care: bool) -> Response {
    let path = format!("/author/{}", creator.id);
    let frame = Frame::new(
        if follow {
            "确认关注"
        } else {
            "确认取消关注"
        },
        &path,
        care,
    )
    .describe("确认关注或取消关注");
    let page = views::follow_confirm_page(&frame, creator, follow, &session.csrf);
    no_store(Html(page.into_string()).into_response())
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

async fn following(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let page = parse_page_number(q.page.as_deref(), 500).map_err(|e| e.with_care(care))?;
    let user = session.user.id;
    let creators = state.store().followed_creators(user).await?;
    let list = state
        .store()
        .following_articles(user, PER_PAGE.into(), i64::from((page - 1) * PER_PAGE))
        .await?;
    if list.items.is_empty() && page > 1 {
        return Err(PageError::not_found(format!("没有第 {page} 页。")).with_care(care));
    }
    let frame = Frame::new("我的关注", "/following", care).describe("关注的号和它们的新文章");
    let page = views::following_page(
        &frame,
        &creators,
        &session.csrf,
        &list.items,
        page,
        list.total,
        PER_PAGE,
    );
    Ok(no_store(Html(page.into_string()).into_response()))
}
