//! 话题 pages: `/tag/{tag}?page=N`, the articles of one tag, newest first,
//! with their feeds.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;

use crate::http::AppState;
use crate::http::cache::PageKey;
use crate::http::error::PageError;
use crate::http::respond::{PER_PAGE, PageQuery, cached, is_care, parse_page, valid_tag};
use crate::ui::layout::{Frame, feed_links, tag_path};

use super::views;

pub(super) async fn page(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let tag = valid_tag(&raw).map_err(|e| e.with_care(care))?;
    let page = parse_page(&q).map_err(|e| e.with_care(care))?;
    let key = PageKey::Tag {
        tag: tag.clone(),
        page,
        care,
    };
    cached(&state, key, &method, &headers, || async {
        let offset = i64::from((page - 1) * PER_PAGE);
        let list = state
            .store()
            .tag_articles(&tag, PER_PAGE.into(), offset)
            .await?;
        if list.items.is_empty() {
            return Err(PageError::not_found(if page > 1 {
                format!("话题“{tag}”没有第 {page} 页。")
            } else {
                format!("还没有带“{tag}”标签的文章。")
            }));
        }
        let path = format!("/tag/{}", tag_path(&tag));
        let title = format!("#{tag}");
        let description = format!("号上关于“{tag}”的文章");
        let frame = Frame::new(&title, &path, care)
            .describe(&description)
            .canonical(&state.options().base_url)
            .feeds(feed_links(&format!("#{tag}"), &format!("{path}/")));
        Ok(
            views::tag_page(&frame, &tag, &path, &list.items, page, list.total, PER_PAGE)
                .into_string(),
        )
    })
    .await
    .map_err(|e| e.with_care(care))
}
