//! How 跟帖 look: a thread (the first comment, its replies two levels deep,
//! deeper ones behind a link), NetEase's 盖楼 quote of the comment a reply
//! answers, the comment form, and the block on the article page.
//!
//! Every page here is the same bytes for every reader (it is cached), so the
//! forms carry no token: their handlers accept them from this site's pages
//! (the Origin check), as the follow and like buttons do.

use hao_domain::{Article, Comment};
use maud::{Markup, PreEscaped, html};

use crate::ui::parts::time;

/// Replies shown under a thread's first comment on list pages.
pub const REPLIES_SHOWN: usize = 3;

/// Threads, each with the replies to show, and how many replies it has.
pub struct Threads {
    pub threads: Vec<(Comment, Vec<Comment>, i64)>,
}

impl Threads {
    /// Groups `replies` under `roots`, keeping the depth-2 replies (the
    /// deeper ones are counted, and behind the thread's link).
    pub fn new(roots: Vec<Comment>, replies: Vec<Comment>, sizes: &[(i64, i64)]) -> Threads {
        let threads = roots
            .into_iter()
            .map(|root| {
                let shown: Vec<Comment> = replies
                    .iter()
                    .filter(|r| r.root_id == root.id && r.depth == 2)
                    .take(REPLIES_SHOWN)
                    .cloned()
                    .collect();
                let size = sizes
                    .iter()
                    .find(|(r, _)| *r == root.id)
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                (root, shown, size)
            })
            .collect();
        Threads { threads }
    }
}

/// The 盖楼 quote: who is answered and what they said.
fn quote(c: &Comment) -> Markup {
    html! {
        blockquote class="quote" {
            p class="quote-author" { "回复 @" (c.author) "：" }
            p { (hao_store::excerpt(&c.body, 80)) }
        }
    }
}

/// One comment with its actions.
pub fn comment(c: &Comment, quoted: Option<&Comment>) -> Markup {
    html! {
        article class="comment" id={ "c" (c.id) } aria-label={ (c.author) " 的跟帖" } {
            p class="comment-meta" {
                span class="comment-author" { (c.author) } " " (time(c.created_at))
            }
            @if let Some(q) = quoted { (quote(q)) }
            div class="comment-body" { (PreEscaped(hao_text::render_comment(&c.body))) }
            div class="comment-actions" {
                form method="post" action={ "/comment/" (c.id) "/like" } {
                    button type="submit" class="comment-like" {
                        "赞 " span class="count" { (c.likes) }
                        span class="visually-hidden" { "，给 " (c.author) " 的跟帖点赞或取消" }
                    }
                }
                a href={ "/comment/" (c.id) "/reply" } { "回复" span class="visually-hidden" { " " (c.author) } }
                a href={ "/report?target=comment&id=" (c.id) } { "举报" span class="visually-hidden" { " " (c.author) " 的跟帖" } }
            }
        }
    }
}

/// A thread as list pages show it: two levels, then a link.
pub fn thread(root: &Comment, replies: &[Comment], size: i64) -> Markup {
    let more = size - replies.len() as i64;
    html! {
        li class="thread" {
            (comment(root, None))
            @if !replies.is_empty() {
                ol class="replies" {
                    @for r in replies { li { (comment(r, None)) } }
                }
            }
            @if more > 0 {
                p class="more-replies" {
                    a href={ "/comment/" (root.id) } { "查看全部 " (size) " 条回复" }
                }
            }
        }
    }
}

pub fn thread_list(t: &Threads) -> Markup {
    html! {
        ol class="threads" {
            @for (root, replies, size) in &t.threads { (thread(root, replies, *size)) }
        }
    }
}

/// The form that posts a first comment (or a reply, with `reply_to`).
pub fn form(article_id: i64, reply_to: Option<&Comment>, csrf: Option<&str>) -> Markup {
    html! {
        form class="comment-form" method="post" action={ "/article/" (article_id) "/comments" } {
            @if let Some(csrf) = csrf { input type="hidden" name="csrf" value=(csrf); }
            @if let Some(r) = reply_to {
                input type="hidden" name="reply_to" value=(r.id);
                (quote(r))
            }
            label for={ "comment-body-" (article_id) } {
                @if reply_to.is_some() { "写下你的回复" } @else { "发表跟帖" }
            }
            textarea id={ "comment-body-" (article_id) } name="body" rows="3" maxlength=(hao_domain::comment::COMMENT_CHARS) required
                placeholder="文明上网，理性发言（最多 1000 字）" {}
            p class="hint" { "登录后可发表跟帖。新注册账号的跟帖经审核后显示。" }
            button type="submit" { @if reply_to.is_some() { "回复" } @else { "发表" } }
        }
    }
}

/// The 跟帖 block of the article page: the count, the hottest threads, the
/// form, and the way to all of them.
pub fn article_block(a: &Article, t: &Threads) -> Markup {
    html! {
        section class="comments" id="comments" aria-labelledby="comments-title" {
            h2 id="comments-title" { "跟帖 " span class="count" { (a.comments) } }
            @if a.comments_closed {
                p class="closed" { "作者已关闭本文跟帖。" }
            } @else {
                (form(a.id, None, None))
            }
            @if t.threads.is_empty() {
                p class="empty" { "还没有跟帖，来说两句吧。" }
            } @else {
                h3 { "热门跟帖" }
                (thread_list(t))
                p class="all-comments" {
                    a href={ "/article/" (a.id) "/comments" } { "查看全部 " (a.comments) " 条跟帖" }
                }
            }
        }
    }
}
