//! `/admin`, for admins only: the site at a glance, users found by name
//! with their roles, 封禁 and 禁言 with a reason and an end time, sessions
//! and tokens revoked; the site settings (name, 备案 lines, footer) and the
//! 敏感词 list. Every act goes through `hao_app` (one transaction with its
//! moderation-log entry and the user's 消息), and holds on every node at
//! once: sessions and suspensions are read from the database on every
//! request, settings by every node's change-log follower.

mod site;
mod users;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use maud::html;

use crate::http::AppState;
use crate::http::auth::AdminSession;
use crate::http::error::PageError;
use crate::http::respond::{is_care, private_page};
use crate::ui::layout::{Frame, layout};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(overview))
        .route("/admin/users", get(users::list))
        .route("/admin/users/{id}", get(users::detail).post(users::act))
        .route(
            "/admin/settings",
            get(site::settings).post(site::save_settings),
        )
        .route("/admin/words", get(site::words).post(site::save_words))
}

/// The admin console's navigation.
fn nav() -> maud::Markup {
    html! {
        nav class="admin-nav" aria-label="管理" {
            a href="/admin" { "概览" } " "
            a href="/admin/users" { "用户" } " "
            a href="/admin/settings" { "站点设置" } " "
            a href="/admin/words" { "敏感词" } " "
            a href="/editor/reports" { "举报" } " "
            a href="/editor/applications" { "入驻审核" } " "
            a href="/editor/log" { "操作记录" }
        }
    }
}

async fn overview(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminSession(_): AdminSession,
) -> Result<Response, PageError> {
    let c = state.store().site_counts().await?;
    let frame = Frame::new("管理后台", "/admin", is_care(&headers)).describe("站点概览");
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor admin" {
                    h1 { "管理后台" }
                    (nav())
                    dl class="admin-counts" {
                        dt { "用户" } dd { (c.users) }
                        dt { "封禁中" } dd { (c.suspended) }
                        dt { "已发布文章" } dd { (c.published) }
                        dt { "跟帖" } dd { (c.comments) }
                        dt { "图片" } dd { (c.media) }
                        dt { a href="/editor/applications" { "待审入驻申请" } } dd { (c.pending_applications) }
                        dt { a href="/editor/reports" { "未处理举报" } } dd { (c.open_reports) }
                    }
                }
            },
        ),
    ))
}
