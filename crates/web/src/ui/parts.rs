//! Parts shared by several pages: article lists, 热点 and headline blocks,
//! pagination, the author card.

use hao_domain::{ArticleSummary, Channel, Creator};
use hao_recommend::Pick;
use maud::{Markup, html};

use crate::ui::layout::{article_url, avatar_url, format_time, rfc3339};

pub fn time(unix: i64) -> Markup {
    html! { time datetime=(rfc3339(unix)) { (format_time(unix)) } }
}

/// A time as text (for messages rather than markup).
pub fn datetime(unix: i64) -> String {
    format_time(unix)
}

/// A list of titles with their source account and time (热点推荐 style).
pub fn pick_list(picks: &[Pick], with_reason: bool) -> Markup {
    html! {
        ol class="picks" {
            @for p in picks {
                li {
                    a class="pick-title" href=(article_url(p.article.id)) { (p.article.title) }
                    span class="pick-meta" {
                        span class="source" { (p.article.creator_name) }
                        " "
                        (time(p.article.published_at))
                        @if with_reason { " " span class="reason" { (p.reason) } }
                    }
                }
            }
        }
    }
}

pub fn summary_list(items: &[ArticleSummary]) -> Markup {
    html! {
        ul class="articles" {
            @for a in items {
                li {
                    h3 { a href=(article_url(a.id)) { (a.title) } }
                    @if !a.summary.is_empty() { p class="summary" { (a.summary) } }
                    p class="meta" {
                        a href={ "/author/" (a.creator_id) } { (a.creator_name) }
                        " · " a href={ "/channel/" (a.channel.slug()) } { (a.channel.name()) }
                        " · " (time(a.published_at))
                        @if a.comments > 0 {
                            " · " a class="comment-count" href={ "/article/" (a.id) "/comments" } { (a.comments) " 跟帖" }
                        }
                    }
                }
            }
        }
    }
}

/// The channel headline blocks (头条要闻, 体育要闻, …), as at the bottom of
/// the reference page.
pub fn headline_blocks(headlines: &[(Channel, Vec<Pick>)]) -> Markup {
    html! {
        section class="headlines" aria-labelledby="headlines-title" {
            h2 id="headlines-title" class="visually-hidden" { "各频道要闻" }
            div class="headline-grid" {
                @for (channel, picks) in headlines {
                    section class="headline-block" data-channel=(channel.slug()) {
                        h3 { a href={ "/channel/" (channel.slug()) } { (channel.headline_label()) } }
                        @if picks.is_empty() {
                            p class="empty" { "暂无文章" }
                        } @else {
                            ul {
                                @for p in picks {
                                    li { a href=(article_url(p.article.id)) { (p.article.title) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn pagination(base: &str, page: u32, total: i64, per_page: u32) -> Markup {
    let pages = ((total.max(0) as u64).div_ceil(per_page as u64)).max(1) as u32;
    html! {
        @if pages > 1 {
            nav class="pagination" aria-label="分页" {
                @if page > 1 { a rel="prev" href={ (base) "?page=" (page - 1) } { "上一页" } }
                span aria-current="page" { "第 " (page) " / " (pages) " 页" }
                @if page < pages { a rel="next" href={ (base) "?page=" (page + 1) } { "下一页" } }
            }
        }
    }
}

/// The author card: avatar, name, counts, 往期回顾 with a 全部 link.
pub fn author_card(creator: &Creator, past: &[ArticleSummary], exclude: Option<i64>) -> Markup {
    html! {
        section class="author-card" aria-label="作者" {
            div class="author-head" {
                img class="avatar" src=(avatar_url(creator)) alt={ (creator.display_name) "的头像" } width="56" height="56";
                div {
                    a class="author-name" href={ "/author/" (creator.id) } { (creator.display_name) }
                    span class="badge" { (creator.account_type.label()) }
                    @if creator.is_official { span class="badge official" { "官方" } }
                    @if creator.is_demo { span class="badge demo" title="演示数据导入时创建的账号" { "演示账号" } }
                    @if let Some(label) = creator.imported_label() { span class="badge demo" title="从其他平台迁移时创建的账号" { (label) } }
                }
            }
            @if !creator.bio.is_empty() { p class="bio" { (creator.bio) } }
            p class="author-stats" {
                span class="article-count" { strong { (creator.article_count) } "文章数" }
                " "
                span class="follower-count" { strong { (creator.follower_count) } "关注度" }
            }
            // The same bytes for every reader (the page is cached): the
            // handler checks the request came from this site, or asks again
            // with a form of the reader's own session.
            form class="follow" method="post" action={ "/author/" (creator.id) "/follow" } {
                // A follow started from an article is one of its 热点 events.
                @if let Some(article) = exclude { input type="hidden" name="from" value=(article); }
                button type="submit" aria-label={ "关注 " (creator.display_name) } { "+ 关注" }
            }
            @let shown: Vec<&ArticleSummary> = past.iter().filter(|a| Some(a.id) != exclude).take(5).collect();
            @if !shown.is_empty() {
                div class="past" {
                    h3 { "往期回顾" a class="all" href={ "/author/" (creator.id) } { "全部" span class="visually-hidden" { "：" (creator.display_name) "的所有文章" } } }
                    ul {
                        @for a in shown {
                            li { a href=(article_url(a.id)) { (a.title) } }
                        }
                    }
                }
            }
        }
    }
}
