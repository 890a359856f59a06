//! `/following` and the follow confirmation page.

use hao_domain::{ArticleSummary, Creator};
use maud::{Markup, html};

use crate::ui::layout::{Frame, layout};
use crate::ui::parts::{pagination, summary_list};

/// `/following`: the creators a reader follows (each with 取消关注) and their
/// newest articles.
pub fn following_page(
    frame: &Frame<'_>,
    creators: &[Creator],
    csrf: &str,
    items: &[ArticleSummary],
    page: u32,
    total: i64,
    per_page: u32,
) -> Markup {
    let content = html! {
        div class="page-grid" {
            aside class="secondary" {
                section class="following" aria-labelledby="following-title" {
                    h2 id="following-title" { "我关注的号" span class="count" { "共 " (creators.len()) " 个" } }
                    @if creators.is_empty() {
                        p class="empty" { "还没有关注任何号。在文章页或作者页的作者卡片上点“关注”。" }
                    } @else {
                        ul class="followed" {
                            @for c in creators {
                                li {
                                    a href={ "/author/" (c.id) } { (c.display_name) }
                                    " "
                                    span class="follower-count" { (c.follower_count) " 关注度" }
                                    form class="unfollow" method="post" action={ "/author/" (c.id) "/unfollow" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" aria-label={ "取消关注 " (c.display_name) } { "取消关注" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section class="primary" {
                h1 { "关注的号的新文章" span class="count" { "共 " (total) " 篇" } }
                @if items.is_empty() { p class="empty" { "暂时没有新文章。" } }
                @else { (summary_list(items)) }
                (pagination("/following", page, total, per_page))
            }
        }
    };
    layout(frame, content)
}

/// Asked when a follow or unfollow arrived without proof that it came from
/// this site (no CSRF token, no same-origin headers): the reader confirms
/// with a form of their own session.
pub fn follow_confirm_page(
    frame: &Frame<'_>,
    creator: &Creator,
    follow: bool,
    csrf: &str,
) -> Markup {
    let (verb, action) = if follow {
        ("关注", "follow")
    } else {
        ("取消关注", "unfollow")
    };
    let content = html! {
        section class="account" {
            h1 { (verb) " " (creator.display_name) "？" }
            form method="post" action={ "/author/" (creator.id) "/" (action) } {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { "确认" (verb) }
            }
            p { a href={ "/author/" (creator.id) } { "返回" (creator.display_name) "的主页" } }
        }
    };
    layout(frame, content)
}
