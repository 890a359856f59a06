//! HTML templates (maud: compiled and type-checked). Every page works without
//! JavaScript; `/static/hao.js` only adds a copy-link button.

use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
use hao_domain::{AccountType, Article, ArticleSummary, Channel, Creator, Originality};
use hao_recommend::Pick;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::assets;

/// The site's name as shown to readers.
pub const SITE: &str = "号";

/// Beijing time: every time is shown as Chinese readers expect it.
fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// `2026-02-03 18:48:59`, Beijing time.
pub fn format_time(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .with_timezone(&beijing())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// RFC 3339 with the Beijing offset, for `<time datetime>` and the API.
pub fn rfc3339(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .with_timezone(&beijing())
        .to_rfc3339()
}

pub fn article_url(id: i64) -> String {
    format!("/article/{id}")
}

pub fn avatar_url(c: &Creator) -> String {
    c.avatar_url
        .clone()
        .unwrap_or_else(|| format!("/avatar/{}.svg", c.id))
}

/// The link that switches care mode on or off and comes back to `path`.
pub fn care_toggle_url(on: bool, path: &str) -> String {
    let next = percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC);
    format!("/care?on={}&next={next}", u8::from(on))
}

/// Page chrome shared by every page.
pub struct Frame<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The request path, for the care-mode toggle's way back.
    pub path: &'a str,
    pub care: bool,
    pub active: Option<Channel>,
}

pub fn layout(frame: &Frame<'_>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (frame.title) " - " (SITE) }
                meta name="description" content=(frame.description);
                link rel="stylesheet" href=(assets::css_url());
                script src=(assets::js_url()) defer {}
            }
            body class=[frame.care.then_some("care")] {
                a class="skip" href="#main" { "跳到正文" }
                header class="site-header" {
                    div class="bar" {
                        a class="logo" href="/" { span { "号" } small { "Hao" } span class="visually-hidden" { "首页" } }
                        form class="search-box" method="get" action="/search" role="search" {
                            input type="search" name="q" aria-label="搜索文章" placeholder="搜索";
                            button type="submit" { "搜索" }
                        }
                        @if frame.care {
                            span class="care-badge" { "关怀版" }
                            a class="care-exit" href=(care_toggle_url(false, frame.path)) { "退出关怀版" }
                        } @else {
                            a class="apply" href="/apply" { "申请入驻" }
                        }
                    }
                    nav class="channels" aria-label="频道" {
                        ul {
                            li { a href="/" aria-current=[frame.active.is_none().then_some("page").filter(|_| frame.path == "/")] { "首页" } }
                            li { a href="/feed" aria-current=[(frame.path == "/feed").then_some("page")] { "推荐" } }
                            @for c in Channel::ALL {
                                li { a href={ "/channel/" (c.slug()) } aria-current=[(frame.active == Some(c)).then_some("page")] { (c.name()) } }
                            }
                        }
                    }
                }
                main id="main" { (content) }
                footer class="site-footer" {
                    p class="a11y-links" {
                        a href="/accessibility" { "无障碍浏览" }
                        " "
                        @if frame.care {
                            a href=(care_toggle_url(false, frame.path)) { "退出关怀版" }
                        } @else {
                            a href=(care_toggle_url(true, frame.path)) { "进入关怀版" }
                        }
                        " "
                        a href="/apply" { "申请入驻" }
                        " "
                        a href="/help/originality" { "原创保护" }
                        " "
                        a href="/following" { "我的关注" }
                        " "
                        a href="/notifications" { "消息" }
                    }
                    p { "号 Hao · 自媒体开放平台" }
                }
            }
        }
    }
}

fn time(unix: i64) -> Markup {
    html! { time datetime=(rfc3339(unix)) { (format_time(unix)) } }
}

/// A list of titles with their source account and time (热点推荐 style).
fn pick_list(picks: &[Pick], with_reason: bool) -> Markup {
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

fn summary_list(items: &[ArticleSummary]) -> Markup {
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

fn pagination(base: &str, page: u32, total: i64, per_page: u32) -> Markup {
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
                    h3 { "往期回顾" a class="all" href={ "/author/" (creator.id) } { "全部" } }
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

/// Everything the article page shows.
pub struct ArticleView<'a> {
    pub article: &'a Article,
    pub creator: &'a Creator,
    pub related: &'a [Pick],
    pub hot: &'a [Pick],
    pub past: &'a [ArticleSummary],
    pub headlines: &'a [(Channel, Vec<Pick>)],
    pub share_url: String,
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
                    }
                    @if !frame.care { (share_block(a, &v.share_url)) }
                    @if let Some(cover) = &a.cover_url {
                        img class="cover" src=(cover) alt="";
                    }
                    div class="body" { (PreEscaped(&a.body_html)) }
                    @if !a.tags.is_empty() {
                        ul class="tags" aria-label="标签" { @for t in &a.tags { li { (t) } } }
                    }
                    (declaration(a, v.creator))
                    div class="disclaimer" lang="zh-CN" {
                        p { "特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“号”用户上传并发布，本平台仅提供信息存储服务。" }
                        p lang="en" { "Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user of Hao, which is a social media platform and only provides information storage services." }
                    }
                }
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

pub fn error_page(status: StatusCode, message: &str, care: bool) -> Markup {
    let title = match status.as_u16() {
        404 => "页面不存在",
        400 => "请求有误",
        405 => "不支持的请求方式",
        _ => "服务器错误",
    };
    let frame = Frame {
        title,
        description: message,
        path: "/",
        care,
        active: None,
    };
    layout(
        &frame,
        html! {
            section class="error" {
                h1 { (status.as_u16()) " · " (title) }
                p { (message) }
                p { a href="/" { "返回首页" } }
            }
        },
    )
}

pub fn search_page(
    frame: &Frame<'_>,
    form: &crate::search::Form,
    results: Option<&hao_search::SearchResults>,
    message: Option<&str>,
) -> Markup {
    let per = crate::search::PER_PAGE;
    let link = |page: usize| {
        let enc = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        let mut url = format!("/search?q={}&page={page}", enc(&form.q));
        if let Some(c) = form.channel {
            url.push_str(&format!("&channel={}", c.slug()));
        }
        if form.newest {
            url.push_str("&sort=time");
        }
        url
    };
    let content = html! {
        section class="search-page" {
            h1 { "搜索" }
            form method="get" action="/search" class="search-form" role="search" {
                label for="q" { "关键词" }
                input id="q" type="search" name="q" value=(form.q) maxlength="200";
                label for="channel" { "频道" }
                select id="channel" name="channel" {
                    option value="" selected[form.channel.is_none()] { "全部频道" }
                    @for c in Channel::ALL {
                        option value=(c.slug()) selected[form.channel == Some(c)] { (c.name()) }
                    }
                }
                label for="sort" { "排序" }
                select id="sort" name="sort" {
                    option value="relevance" selected[!form.newest] { "相关度" }
                    option value="time" selected[form.newest] { "最新" }
                }
                button type="submit" { "搜索" }
            }
            @if let Some(m) = message { p class="search-message" role="status" { (m) } }
            @if let Some(r) = results {
                p class="search-total" role="status" { "找到 " (r.total) " 篇相关文章" }
                @if r.hits.is_empty() {
                    p class="empty" { "没有找到与“" (form.q) "”相关的文章。换个说法试试？" }
                }
                ol class="search-results" {
                    @for h in &r.hits {
                        li {
                            h2 { a href=(article_url(h.id)) { (PreEscaped(&h.title_html)) } }
                            p class="snippet" { (PreEscaped(&h.snippet)) }
                            p class="meta" {
                                @if let Ok(c) = Channel::parse(&h.channel) { (c.name()) " · " }
                                (time(h.published_at))
                                @if h.copies > 0 { " · 另有 " (h.copies) " 篇内容相同的文章未列出" }
                            }
                        }
                    }
                }
                @let pages = r.total.div_ceil(per).clamp(1, 100);
                @if pages > 1 {
                    nav class="pagination" aria-label="分页" {
                        @if form.page > 1 { a rel="prev" href=(link(form.page - 1)) { "上一页" } }
                        span aria-current="page" { "第 " (form.page) " / " (pages) " 页" }
                        @if form.page < pages { a rel="next" href=(link(form.page + 1)) { "下一页" } }
                    }
                }
            }
        }
    };
    layout(frame, content)
}

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
