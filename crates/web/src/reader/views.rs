//! The reader pages' markup: the article page (every element of the
//! reference page), home, channel and author pages.

use hao_domain::{AccountType, Article, ArticleSummary, Channel, Creator, Originality};
use hao_recommend::Pick;
use maud::{Markup, PreEscaped, html};

use crate::ui::layout::{Frame, layout};
use crate::ui::parts::{author_card, headline_blocks, pagination, pick_list, summary_list, time};

/// Everything the article page shows.
pub struct ArticleView<'a> {
    pub article: &'a Article,
    pub creator: &'a Creator,
    pub related: &'a [Pick],
    pub hot: &'a [Pick],
    pub past: &'a [ArticleSummary],
    pub headlines: &'a [(Channel, Vec<Pick>)],
    pub share_url: String,
    /// The hottest 跟帖 threads.
    pub comments: &'a crate::comments::views::Threads,
}

fn declaration(article: &Article, creator: &Creator) -> Markup {
    html! {
        p class="declaration" {
            @match &article.originality {
                Originality::Original => {
                    @if creator.account_type == AccountType::Personal {
                        "声明：个人原创，仅供参考"
                    } @else {
                        "声明：" (creator.display_name) "原创，转载请注明出处"
                    }
                }
                Originality::Reprint { source_name, source_url } => {
                    "声明：本文转载自"
                    @if let Some(url) = source_url {
                        a href=(url) rel="noopener noreferrer nofollow" { (source_name) }
                    } @else { (source_name) }
                    "，版权归原作者所有，仅供参考"
                }
            }
        }
    }
}

fn share_block(a: &Article, share_url: &str) -> Markup {
    let action = format!("/article/{}/share", a.id);
    html! {
        section class="share" aria-label="分享" {
            span class="share-count" { strong { (a.shares) } " 分享至" }
            ul class="share-targets" {
                li {
                    form method="post" action=(action) {
                        input type="hidden" name="to" value="weibo";
                        button type="submit" class="share-weibo" { "微博" }
                    }
                }
                li {
                    details class="share-wechat" {
                        summary { "微信" }
                        img src={ "/article/" (a.id) "/qr.svg" } alt="用微信扫一扫，分享本文" width="160" height="160" loading="lazy";
                        p { "打开微信“扫一扫”，分享到朋友圈" }
                    }
                }
                li {
                    form method="post" action=(action) {
                        input type="hidden" name="to" value="qq";
                        button type="submit" class="share-qq" { "QQ" }
                    }
                }
                li class="share-link" {
                    label { "复制链接" input type="text" readonly value=(share_url) class="share-url"; }
                    button type="button" class="copy" data-copy=(share_url) hidden { "复制" }
                }
            }
        }
    }
}

pub fn article_page(frame: &Frame<'_>, v: &ArticleView<'_>) -> Markup {
    let a = v.article;
    let content = html! {
        div class="page-grid" {
            div class="primary" {
                nav class="breadcrumb" aria-label="当前位置" {
                    ol {
                        li { a href="/" { "首页" } }
                        li { a href={ "/channel/" (a.channel.slug()) } { (a.channel.name()) } }
                        li aria-current="page" { "正文" }
                    }
                    a class="apply" href="/apply" { "申请入驻" }
                }
                article class="article" {
                    h1 { (a.title) }
                    p class="byline" {
                        a class="source" href={ "/author/" (v.creator.id) } { (v.creator.display_name) }
                        " " (time(a.published_at))
                        @if matches!(a.originality, Originality::Original) { " " span class="badge original" { "原创" } }
                        " " a class="comment-count" href="#comments" { (a.comments) " 跟帖" }
                    }
                    @if frame.care {
                        // 朗读: shown by the script where the browser can speak.
                        div class="read-aloud" hidden {
                            button type="button" class="read-start" { "朗读全文" }
                        }
                    } @else {
                        (share_block(a, &v.share_url))
                    }
                    @if let Some(cover) = &a.cover_url {
                        img class="cover" src=(cover) alt="";
                    }
                    div class="body" { (PreEscaped(&a.body_html)) }
                    @if !a.tags.is_empty() {
                        ul class="tags" aria-label="话题" { @for t in &a.tags { li { a href={ "/tag/" (crate::ui::layout::tag_path(t)) } { "#" (t) } } } }
                    }
                    // 点赞 and 收藏: plain forms (the page is the same for
                    // every reader; the handlers check the origin).
                    div class="reactions" {
                        form method="post" action={ "/article/" (a.id) "/like" } {
                            button type="submit" class="like" { "赞 " span class="like-count" { (a.likes) } span class="visually-hidden" { " 人点赞，点击点赞或取消" } }
                        }
                        form method="post" action={ "/article/" (a.id) "/favorite" } {
                            button type="submit" class="favorite" { "收藏" }
                        }
                        a class="report-link" href={ "/report?target=article&id=" (a.id) } { "举报" }
                    }
                    (declaration(a, v.creator))
                    div class="disclaimer" lang="zh-CN" {
                        p { "特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“号”用户上传并发布，本平台仅提供信息存储服务。" }
                        p lang="en" { "Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user of Hao, which is a social media platform and only provides information storage services." }
                    }
                }
                (crate::comments::views::article_block(a, v.comments))
                section class="related" aria-labelledby="related-title" {
                    h2 id="related-title" { "相关推荐" }
                    @if v.related.is_empty() { p class="empty" { "暂无相关文章" } }
                    @else { (pick_list(v.related, true)) }
                }
            }
            aside class="secondary" {
                (author_card(v.creator, v.past, Some(a.id)))
                section class="hot" aria-labelledby="hot-title" {
                    h2 id="hot-title" { "热点推荐" }
                    (pick_list(v.hot, false))
                }
            }
        }
        (headline_blocks(v.headlines))
    };
    layout(frame, content)
}

pub fn home_page(
    frame: &Frame<'_>,
    headlines: &[(Channel, Vec<Pick>)],
    hot: &[Pick],
    latest: &[ArticleSummary],
    tags: &[(String, i64)],
) -> Markup {
    let content = html! {
        h1 class="visually-hidden" { "号 · 首页" }
        (headline_blocks(headlines))
        div class="page-grid" {
            section class="primary latest" aria-labelledby="latest-title" {
                h2 id="latest-title" { "最新" }
                (summary_list(latest))
            }
            aside class="secondary" {
                section class="hot" aria-labelledby="hot-title" {
                    h2 id="hot-title" { "热点推荐" }
                    (pick_list(hot, false))
                }
                @if !tags.is_empty() {
                    section class="hot-tags" aria-labelledby="hot-tags-title" {
                        h2 id="hot-tags-title" { "热门话题" }
                        ul class="tag-cloud" {
                            @for (t, n) in tags {
                                li { a href={ "/tag/" (crate::ui::layout::tag_path(t)) } { "#" (t) } " " span class="count" { (n) " 篇" } }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(frame, content)
}

pub fn channel_page(
    frame: &Frame<'_>,
    channel: Channel,
    items: &[ArticleSummary],
    page: u32,
    total: i64,
    per_page: u32,
    hot: &[Pick],
) -> Markup {
    let base = format!("/channel/{}", channel.slug());
    let content = html! {
        div class="page-grid" {
            section class="primary" {
                nav class="breadcrumb" aria-label="当前位置" {
                    ol { li { a href="/" { "首页" } } li aria-current="page" { (channel.name()) } }
                }
                h1 { (channel.name()) span class="count" { "共 " (total) " 篇" } }
                @if items.is_empty() { p class="empty" { "这个频道还没有文章。" } }
                @else { (summary_list(items)) }
                (pagination(&base, page, total, per_page))
            }
            aside class="secondary" {
                section class="hot" aria-labelledby="hot-title" {
                    h2 id="hot-title" { "热点推荐" }
                    (pick_list(hot, false))
                }
            }
        }
    };
    layout(frame, content)
}

pub fn author_page(
    frame: &Frame<'_>,
    creator: &Creator,
    items: &[ArticleSummary],
    page: u32,
    total: i64,
    per_page: u32,
) -> Markup {
    let base = format!("/author/{}", creator.id);
    let content = html! {
        div class="page-grid" {
            aside class="secondary" { (author_card(creator, &[], None)) }
            section class="primary" {
                h1 { (creator.display_name) "的文章" span class="count" { "共 " (total) " 篇" } }
                @if items.is_empty() { p class="empty" { "还没有发表文章。" } }
                @else { (summary_list(items)) }
                (pagination(&base, page, total, per_page))
            }
        }
    };
    layout(frame, content)
}

/// `/tag/{tag}`: a 话题's articles.
pub fn tag_page(
    frame: &Frame<'_>,
    tag: &str,
    path: &str,
    items: &[ArticleSummary],
    page: u32,
    total: i64,
    per_page: u32,
) -> Markup {
    let content = html! {
        section class="primary" {
            nav class="breadcrumb" aria-label="当前位置" {
                ol { li { a href="/" { "首页" } } li aria-current="page" { "话题" } }
            }
            h1 { "#" (tag) span class="count" { "共 " (total) " 篇" } }
            p class="feeds" { "订阅这个话题：" a href={ (path) "/rss.xml" } { "RSS" } " · " a href={ (path) "/atom.xml" } { "Atom" } }
            (summary_list(items))
            (pagination(path, page, total, per_page))
        }
    };
    layout(frame, content)
}
