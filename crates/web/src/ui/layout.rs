//! The page frame every page is drawn in (header, channels, footer), the
//! error page, and the formats every page shows (Beijing time, URLs).

use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
use hao_domain::{Channel, Creator};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::ui::assets;

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

/// The tag as a path segment.
pub fn tag_path(tag: &str) -> String {
    percent_encoding::utf8_percent_encode(tag, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The `<link rel="alternate">` of a page's feeds: (title, type, path).
pub fn feed_links(title: &str, base_path: &str) -> Vec<(String, &'static str, String)> {
    vec![
        (
            format!("{title} (RSS)"),
            "application/rss+xml",
            format!("{base_path}rss.xml"),
        ),
        (
            format!("{title} (Atom)"),
            "application/atom+xml",
            format!("{base_path}atom.xml"),
        ),
    ]
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
    /// The page's one address, absolute (`<link rel="canonical">`, `og:url`).
    pub canonical: Option<String>,
    /// The page's own feeds besides the site's: (title, type, href).
    pub feeds: Vec<(String, &'static str, String)>,
    /// `og:type`: `website`, `article`, `profile`.
    pub og_type: &'static str,
    /// An absolute image for share cards (`og:image`, `twitter:image`).
    pub image: Option<String>,
    /// Structured data (schema.org JSON-LD), already serialised.
    pub json_ld: Option<String>,
}

/// A JSON-LD value made safe inside `<script>`: no `</script>` can end it.
pub fn json_ld(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

impl<'a> Frame<'a> {
    /// The frame of a page titled `title` at `path` (the care-mode toggle's
    /// way back), in care mode or not.
    pub fn new(title: &'a str, path: &'a str, care: bool) -> Frame<'a> {
        Frame {
            title,
            description: "",
            path,
            care,
            active: None,
            canonical: None,
            feeds: Vec::new(),
            og_type: "website",
            image: None,
            json_ld: None,
        }
    }

    /// The page's public address: `origin` + `path` (query strings are not
    /// part of it).
    pub fn canonical(mut self, origin: &str) -> Frame<'a> {
        self.canonical = Some(format!("{origin}{}", self.path));
        self
    }

    /// The page's own feeds ([`feed_links`]).
    pub fn feeds(mut self, feeds: Vec<(String, &'static str, String)>) -> Frame<'a> {
        self.feeds = feeds;
        self
    }

    /// A share card: its `og:type` and image (absolute).
    pub fn card(mut self, og_type: &'static str, image: Option<String>) -> Frame<'a> {
        self.og_type = og_type;
        self.image = image;
        self
    }

    /// Structured data for search engines (see [`json_ld`]).
    pub fn structured(mut self, json_ld: String) -> Frame<'a> {
        self.json_ld = Some(json_ld);
        self
    }

    /// The page's `<meta name="description">`.
    pub fn describe(mut self, description: &'a str) -> Frame<'a> {
        self.description = description;
        self
    }

    /// The channel the page belongs to, marked in the channel bar.
    pub fn in_channel(mut self, channel: Channel) -> Frame<'a> {
        self.active = Some(channel);
        self
    }
}

pub fn layout(frame: &Frame<'_>, content: Markup) -> Markup {
    let site = crate::ui::site::settings();
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // The reader's 无障碍 settings (kept in this browser) are
                // applied before the first paint, on cached pages too.
                script { (PreEscaped(assets::SETTINGS_SCRIPT)) }
                title { (frame.title) " - " (site.name) }
                meta name="description" content=(frame.description);
                @if let Some(c) = &frame.canonical {
                    link rel="canonical" href=(c);
                    meta property="og:url" content=(c);
                }
                meta property="og:site_name" content=(site.name);
                meta property="og:locale" content="zh_CN";
                meta property="og:type" content=(frame.og_type);
                meta property="og:title" content=(frame.title);
                meta property="og:description" content=(frame.description);
                @if let Some(image) = &frame.image {
                    meta property="og:image" content=(image);
                    meta name="twitter:card" content="summary_large_image";
                    meta name="twitter:image" content=(image);
                } @else {
                    meta name="twitter:card" content="summary";
                }
                meta name="twitter:title" content=(frame.title);
                meta name="twitter:description" content=(frame.description);
                link rel="alternate" type="application/rss+xml" title={ (site.name) " (RSS)" } href="/rss.xml";
                link rel="alternate" type="application/atom+xml" title={ (site.name) " (Atom)" } href="/atom.xml";
                @for (title, kind, href) in &frame.feeds {
                    link rel="alternate" type=(kind) title=(title) href=(href);
                }
                @if let Some(data) = &frame.json_ld {
                    script type="application/ld+json" { (PreEscaped(data)) }
                }
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
                        // A link to the help page; the script makes it the
                        // button that opens the toolbar.
                        a class="a11y-open" href="/accessibility" { "无障碍浏览" }
                        // The same bytes for every reader: the script names
                        // the signed-in reader; without it, /me asks to sign in.
                        a class="account" href="/me" { "登录 / 我的" }
                        @if frame.care {
                            span class="care-badge" { "关怀版" }
                            div class="care-size" role="group" aria-label="字号" hidden {
                                button type="button" data-zoom="1" { "标准" }
                                button type="button" data-zoom="1.25" { "大" }
                                button type="button" data-zoom="1.5" { "特大" }
                            }
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
                        a class="a11y-open" href="/accessibility" { "无障碍浏览" }
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
                        a href="/favorites" { "我的收藏" }
                        " "
                        a href="/notifications" { "消息" }
                    }
                    p { (site.name) " · 自媒体开放平台" }
                    @if !site.footer.is_empty() { p class="footer-note" { (site.footer) } }
                    @if !site.icp.is_empty() || !site.police.is_empty() {
                        p class="beian" {
                            @if !site.icp.is_empty() {
                                a href="https://beian.miit.gov.cn/" rel="noopener" { (site.icp) }
                            }
                            " "
                            @if !site.police.is_empty() {
                                a href="https://beian.mps.gov.cn/" rel="noopener" { (site.police) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn error_page(status: StatusCode, message: &str, care: bool) -> Markup {
    let title = match status.as_u16() {
        404 => "页面不存在",
        400 => "请求有误",
        401 => "需要登录",
        403 => "没有权限",
        405 => "不支持的请求方式",
        408 => "请求超时",
        409 => "冲突",
        413 => "内容太大",
        415 => "格式不支持",
        422 => "内容有误",
        429 => "操作太频繁",
        503 => "暂时无法服务",
        s if s >= 500 => "服务器错误",
        _ => "请求无法完成",
    };
    let frame = Frame::new(title, "/", care).describe(message);
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
