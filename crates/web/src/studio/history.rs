//! Revisions (`/write/{id}/history`, restore) and status moves (unpublish,
//! delete).

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hao_app::publish::ArticleInput;
use hao_domain::{ArticleStatus, Originality};
use maud::html;

use super::editable;
use crate::http::AppState;
use crate::http::auth::{Session, SignedIn};
use crate::http::error::PageError;
use crate::http::forms::CsrfOnly;
use crate::http::respond::is_care;
use crate::http::respond::private_page;
use crate::ui::layout::{Frame, layout};
use crate::ui::parts::time;

/// `/write/{id}/history`: every earlier version, its differences from the
/// current one marked, each restorable.
pub(super) async fn history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let a = editable(&state, &session, &raw).await?;
    let revisions = state.store().revisions(a.id).await?;
    let frame =
        Frame::new("修订历史", "/studio", is_care(&headers)).describe("文章的每一个保存版本");
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor history" {
                    h1 { "修订历史：" (a.title) }
                    p { "当前版本保存于 " (time(a.updated_at)) "。" a href={ "/write/" (a.id) } { "修改" } }
                    @if revisions.is_empty() { p { "还没有更早的版本。" } }
                    @for r in &revisions {
                        @let (left, right) = crate::ui::diff::side_by_side(&format!("{}\n{}", r.title, r.body), &format!("{}\n{}", a.title, a.body_markdown));
                        article class="revision" aria-labelledby={ "rev-" (r.id) } {
                            h2 id={ "rev-" (r.id) } { (time(r.saved_at)) " 的版本：" (r.title) }
                            div class="side-by-side" {
                                div { h3 { "这个版本" } (left) }
                                div { h3 { "当前版本" } (right) }
                            }
                            form method="post" action={ "/write/" (a.id) "/restore/" (r.id) } {
                                input type="hidden" name="csrf" value=(session.csrf);
                                button type="submit" { "恢复这个版本" }
                            }
                        }
                    }
                    p { a href="/studio" { "返回创作中心" } }
                }
            },
        ),
    ))
}

pub(super) async fn restore(
    State(state): State<AppState>,
    Path((raw, rev)): Path<(String, String)>,
    SignedIn(session): SignedIn,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    let a = editable(&state, &session, &raw).await?;
    let revision = state
        .store()
        .revisions(a.id)
        .await?
        .into_iter()
        .find(|r| rev.parse() == Ok(r.id))
        .ok_or_else(|| PageError::not_found("没有这个版本。"))?;
    let (original, source, source_url) = match &a.originality {
        Originality::Original => (true, None, None),
        Originality::Reprint {
            source_name,
            source_url,
        } => (false, Some(source_name.clone()), source_url.clone()),
    };
    // Restoring saves the old text as the newest version (the current one
    // goes to the history): nothing is lost either way.
    let request = hao_app::publish::Request {
        input: ArticleInput {
            external_id: None,
            title: Some(revision.title),
            body: Some(revision.body),
            author: None,
            author_type: None,
            demo: false,
            channel: Some(a.channel.slug().to_owned()),
            published_at: None,
            original: Some(original),
            source,
            source_url,
            cover: a.cover_url.clone(),
            tags: a.tags.clone(),
        },
        publish: !matches!(a.status, ArticleStatus::Draft | ArticleStatus::Rejected),
        publish_at: None,
    };
    let id = a.id;
    hao_app::publish::publish(state.app(), &session.user, request, Some(a))
        .await
        .map_err(|e| match e {
            hao_app::publish::PublishError::Store(e) => PageError::from(e),
            e => PageError::bad_request(e.to_string()),
        })?;
    Ok(Redirect::to(&format!("/write/{id}/history")).into_response())
}

/// A status move the creator (or an editor) asks for: the article's status
/// must be one of `from`, else `refused` is the answer.
pub(super) async fn move_status(
    state: &AppState,
    session: &Session,
    raw: &str,
    csrf: &str,
    from: &[ArticleStatus],
    to: ArticleStatus,
    refused: &str,
) -> Result<Response, PageError> {
    session.check_csrf(csrf)?;
    let a = editable(state, session, raw).await?;
    if !state.store().set_status(a.id, from, to).await? {
        return Err(PageError::bad_request(refused));
    }
    state.invalidate();
    Ok(Redirect::to("/studio").into_response())
}

pub(super) async fn unpublish(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    SignedIn(session): SignedIn,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    use ArticleStatus::*;
    let from = [Published, Scheduled, InReview];
    let refused = "只有已发布、定时或审核中的文章可以撤回。";
    move_status(&state, &session, &raw, &f.csrf, &from, Draft, refused).await
}

pub(super) async fn delete(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    SignedIn(session): SignedIn,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    use ArticleStatus::*;
    let from = [Draft, InReview, Scheduled, Published, Rejected];
    let refused = "这篇文章不能删除（已下架的文章请先申诉）。";
    move_status(&state, &session, &raw, &f.csrf, &from, Deleted, refused).await
}
