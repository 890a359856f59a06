//! The moderation log: every editor action.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;

use crate::http::AppState;
use crate::http::auth::EditorSession;
use crate::http::error::PageError;
use crate::http::respond::is_care;
use crate::http::respond::private_page;
use crate::ui::layout::{Frame, layout};
use crate::ui::parts::time;

pub(super) async fn log(
    State(state): State<AppState>,
    headers: HeaderMap,
    EditorSession(_session): EditorSession,
) -> Result<Response, PageError> {
    let entries = state.store().moderation_log(200).await?;
    let frame =
        Frame::new("操作日志", "/editor/log", is_care(&headers)).describe("编辑的每一次操作");
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor" {
                    h1 { "操作日志" }
                    table {
                        thead { tr { th scope="col" { "时间" } th scope="col" { "编辑" } th scope="col" { "操作" } th scope="col" { "对象" } th scope="col" { "理由" } } }
                        tbody {
                            @for e in &entries {
                                tr { td { (time(e.at)) } td { (e.actor) } td { (e.action) } td { (e.target) } td { (e.reason) } }
                            }
                        }
                    }
                }
            },
        ),
    ))
}
