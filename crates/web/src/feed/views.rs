//! `/feed` (推荐)'s markup.

use hao_recommend::Pick;
use maud::{Markup, html};

use crate::ui::layout::{Frame, article_url, layout};
use crate::ui::parts::time;

/// The signed-in reader's side of `/feed`.
pub struct FeedReader<'a> {
    pub csrf: &'a str,
    pub personalize: bool,
    /// Articles in their reading history.
    pub history: usize,
}

/// `/feed` (推荐): every item with the reason it is there.
pub fn feed_page(frame: &Frame<'_>, picks: &[Pick], reader: Option<&FeedReader<'_>>) -> Markup {
    let content = html! {
        div class="page-grid" {
            section class="primary" {
                h1 { "推荐" }
                @if picks.is_empty() {
                    p class="empty" { "暂时没有可推荐的文章。" }
                } @else {
                    ol class="feed" {
                        @for p in picks {
                            li {
                                h3 { a href=(article_url(p.article.id)) { (p.article.title) } }
                                p class="why" { span class="visually-hidden" { "推荐理由：" } (p.reason) }
                                @if !p.article.summary.is_empty() { p class="summary" { (p.article.summary) } }
                                p class="meta" {
                                    a href={ "/author/" (p.article.creator_id) } { (p.article.creator_name) }
                                    " · " a href={ "/channel/" (p.article.channel.slug()) } { (p.article.channel.name()) }
                                    " · " (time(p.article.published_at))
                                }
                            }
                        }
                    }
                }
            }
            aside class="secondary" {
                section class="feed-settings" aria-labelledby="feed-settings-title" {
                    h2 id="feed-settings-title" { "推荐设置" }
                    @match reader {
                        None => {
                            p { "现在看到的是热点和最新文章。" a href="/signin?next=%2Ffeed" { "登录" } "后，推荐会包括你关注的号和与你读过的文章相关的内容。" }
                        }
                        Some(r) => {
                            @if r.personalize {
                                p { "个性化推荐已开启：根据你关注的号和阅读记录（" (r.history) " 篇）推荐。" }
                                form method="post" action="/feed/history/clear" {
                                    input type="hidden" name="csrf" value=(r.csrf);
                                    button type="submit" { "清除阅读记录" }
                                }
                                form method="post" action="/feed/personalize" {
                                    input type="hidden" name="csrf" value=(r.csrf);
                                    input type="hidden" name="on" value="0";
                                    button type="submit" { "关闭个性化推荐" }
                                }
                            } @else {
                                p { "个性化推荐已关闭：不记录阅读，只按关注、热点和最新推荐。" }
                                form method="post" action="/feed/personalize" {
                                    input type="hidden" name="csrf" value=(r.csrf);
                                    input type="hidden" name="on" value="1";
                                    button type="submit" { "开启个性化推荐" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(frame, content)
}
