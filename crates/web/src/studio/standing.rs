//! 信用分 on `/studio`: the ledger with its reasons, and appeals.

use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::creator_of;
use crate::http::AppState;
use crate::http::auth::SignedIn;
use crate::http::error::PageError;
use crate::http::ids::EntryId;
use crate::ui::parts::time;

#[derive(Debug, Default, Deserialize)]
pub struct AppealForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

/// The creator appeals one entry of their standing ledger.
pub(super) async fn appeal(
    State(state): State<AppState>,
    EntryId(id): EntryId,
    SignedIn(session): SignedIn,
    Form(f): Form<AppealForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    let creator = creator_of(&session)?;
    let text = f.text.trim();
    if !(5..=500).contains(&text.chars().count()) {
        return Err(PageError::bad_request("申诉理由须为 5–500 字。"));
    }
    if !state.store().appeal(creator, id, text).await? {
        return Err(PageError::not_found(
            "没有这条可以申诉的记录（每条只能申诉一次）。",
        ));
    }
    Ok(Redirect::to("/studio").into_response())
}

pub(super) fn appeal_label(a: Option<&str>) -> &'static str {
    match a {
        None => "",
        Some("pending") => "申诉处理中",
        Some("granted") => "申诉成立，已撤销",
        Some("denied") => "申诉未成立",
        Some(_) => "",
    }
}

pub(super) fn ledger_section(
    standing: i64,
    ledger: &[hao_store::LedgerEntry],
    csrf: &str,
) -> Markup {
    html! {
        section class="standing" aria-labelledby="standing-title" {
            h2 id="standing-title" { "信用分 " strong class="standing-score" { (standing) } }
            p { "起始 " (hao_domain::policy::STANDING_START) " 分；每一次变动都记录在下面，附理由。对扣分有异议可以申诉，编辑会答复。" }
            @if ledger.is_empty() { p { "没有任何变动。" } }
            @else {
                ol class="ledger" {
                    @for e in ledger {
                        li {
                            span class="delta" { (e.delta) } " " (e.reason) " · " (time(e.at))
                            @if let Some(a) = &e.appeal {
                                " · " span class="appeal" { (appeal_label(Some(a))) }
                                @if !e.appeal_reply.is_empty() { p class="reason" { "编辑答复：" (e.appeal_reply) } }
                            } @else {
                                form method="post" action={ "/studio/appeal/" (e.id) } {
                                    input type="hidden" name="csrf" value=(csrf);
                                    label for={ "appeal-" (e.id) } { "申诉理由" }
                                    input id={ "appeal-" (e.id) } name="text" type="text" maxlength="500";
                                    button type="submit" { "申诉" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
