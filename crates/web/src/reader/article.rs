//! The article page (`/article/{id}`, counted as a view) and its shares.

use axum::extract::{Form, State};
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use hao_domain::ArticleStatus;
use hao_recommend::merge;
use serde::Deserialize;

use super::views::{self, ArticleView};
use crate::http::AppState;
use crate::http::cache::PageKey;
use crate::http::error::PageError;
use crate::http::ids::ArticleId;
use crate::http::respond::{cached, is_care};
use crate::ui::layout::{Frame, json_ld, rfc3339};

pub(super) async fn article(
    State(state): State<AppState>,
    ArticleId(id): ArticleId,
    method: Method,
    headers: HeaderMap,
    crate::http::auth::ClientAddr(addr): crate::http::auth::ClientAddr,
) -> Result<Response, PageError> {
    let care = is_care(&headers);
    let response = cached(
        &state,
        PageKey::Article { id, care },
        &method,
        &headers,
        || async { render_article(&state, id, care).await },
    )
    .await
    .map_err(|e| e.with_care(care))?;
    if method == Method::GET {
        let session = crate::http::auth::cookie(&headers, crate::http::auth::SESSION_COOKIE);
        let agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let counted = state.views().hit(
            id,
            hao_app::reader_key(session.as_deref(), &addr, agent),
            &addr,
        );
        if counted && let Some(session) = session {
            // The reading history of the personal feed (resolved to the
            // reader at the flush: no query on this path).
            state
                .views()
                .read(hao_app::secrets::sha256_hex(&session), id, state.now());
        }
    }
    Ok(response)
}

/// The hottest threads shown on the article page (the rest on its
/// comment pages).
const ARTICLE_PAGE_THREADS: u32 = 5;

pub(super) async fn render_article(
    state: &AppState,
    id: i64,
    care: bool,
) -> Result<String, PageError> {
    let store = state.store();
    let article = store
        .article(id)
        .await?
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or_else(|| PageError::not_found("这篇文章不存在，或已被作者删除、下架。"))?;
    let creator = store
        .creator(article.creator_id)
        .await?
        .ok_or_else(|| PageError::not_found("这篇文章的作者不存在。"))?;
    let lists = state.app().lists(state.options().page_ttl).await?;
    let related = match state
        .related()
        .get_or_compute(store, state.built_search(), article.id)
        .await?
    {
        // Computed at publish time or on first read: the picks, in order,
        // still published.
        Some(list) => {
            let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
            let found = store.summaries_with_keywords(&ids).await?;
            found
                .into_iter()
                .filter_map(|(a, _)| {
                    let reason = list.iter().find(|r| r.id == a.id)?.reason.clone();
                    Some(hao_recommend::Pick { article: a, reason })
                })
                .collect()
        }
        // Not computable yet (the index is being built): the newest of the channel.
        None => {
            let candidates = store
                .recent_in_channel(article.channel, article.id, 30)
                .await?;
            merge(&[(&candidates, "同频道最新")], Some(article.id), 2, 6)
        }
    };
    let past = store.creator_articles(creator.id, 6, 0).await?.items;
    let comments = crate::comments::threads(
        state,
        article.id,
        hao_store::CommentSort::Hot,
        ARTICLE_PAGE_THREADS,
        0,
    )
    .await?;
    let path = format!("/article/{id}");
    let share_url = format!("{}{path}", state.options().base_url);
    let origin = &state.options().base_url;
    // The cover, else the article's generated share card.
    let image = Some(
        article
            .cover_url
            .as_deref()
            .map(|c| super::absolute(origin, c))
            .unwrap_or_else(|| format!("{origin}/article/{id}/card.png")),
    );
    let news = news_article(origin, &article, &creator, image.as_deref());
    let frame = Frame::new(&article.title, &path, care)
        .describe(&article.summary)
        .in_channel(article.channel)
        .canonical(origin)
        .card("article", image)
        .structured(json_ld(&news));
    let view = ArticleView {
        article: &article,
        creator: &creator,
        related: &related,
        hot: &lists.hot,
        past: &past,
        headlines: &lists.headlines,
        share_url,
        comments: &comments,
    };
    Ok(views::article_page(&frame, &view).into_string())
}

#[derive(Deserialize)]
pub(super) struct ShareForm {
    to: String,
}

/// Counts a share and sends the reader on to the share target. Only from
/// this site's article page (the browser says so), and once per reader and
/// article an hour: a share moves 热点.
pub(super) async fn share(
    State(state): State<AppState>,
    ArticleId(id): ArticleId,
    headers: HeaderMap,
    crate::http::auth::ClientAddr(addr): crate::http::auth::ClientAddr,
    Form(form): Form<ShareForm>,
) -> Result<Response, PageError> {
    if !crate::http::respond::same_origin(&headers) {
        return Err(PageError::forbidden("请从文章页的分享按钮分享。").with_care(is_care(&headers)));
    }
    let target = match form.to.as_str() {
        "weibo" => "https://service.weibo.com/share/share.php",
        "qq" => "https://connect.qq.com/widget/shareqq/index.html",
        other => return Err(PageError::bad_request(format!("不支持分享到“{other}”。"))),
    };
    let article = state
        .store()
        .article(id)
        .await?
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or_else(|| PageError::not_found("这篇文章不存在，或已被作者删除、下架。"))?;
    let session = crate::http::auth::cookie(&headers, crate::http::auth::SESSION_COOKIE);
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    state
        .app()
        .share(
            id,
            hao_app::reader_key(session.as_deref(), &addr, agent),
            &addr,
        )
        .await?;
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let url = format!("{}/article/{id}", state.options().base_url);
    let location = format!("{target}?url={}&title={}", enc(&url), enc(&article.title));
    Ok(Redirect::to(&location).into_response())
}

/// schema.org `NewsArticle` of an article page.
fn news_article(
    origin: &str,
    a: &hao_domain::Article,
    creator: &hao_domain::Creator,
    image: Option<&str>,
) -> serde_json::Value {
    let url = format!("{origin}/article/{}", a.id);
    let author_kind = if creator.account_type == hao_domain::AccountType::Personal {
        "Person"
    } else {
        "Organization"
    };
    let mut news = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.summary,
        "datePublished": rfc3339(a.published_at),
        "dateModified": rfc3339(a.updated_at.max(a.published_at)),
        "inLanguage": "zh-CN",
        "articleSection": a.channel.name(),
        "keywords": a.tags,
        "mainEntityOfPage": { "@type": "WebPage", "@id": url },
        "url": url,
        "author": {
            "@type": author_kind,
            "name": creator.display_name,
            "url": format!("{origin}/author/{}", creator.id),
        },
        "publisher": {
            "@type": "Organization",
            "name": crate::ui::site::name(),
            "url": format!("{origin}/"),
        },
    });
    if let Some(image) = image {
        news["image"] = serde_json::json!([image]);
    }
    news
}
