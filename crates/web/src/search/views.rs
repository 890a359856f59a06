//! The search page's markup.

use hao_domain::Channel;
use maud::{Markup, PreEscaped, html};

use crate::ui::layout::{Frame, article_url, layout};
use crate::ui::parts::time;

pub fn search_page(
    frame: &Frame<'_>,
    form: &super::Form,
    results: Option<&hao_search::SearchResults>,
    message: Option<&str>,
) -> Markup {
    let per = super::PER_PAGE;
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
                p class="search-total" role="status" {
                    "找到 " (r.total) @if r.more { "+" } " 篇相关文章"
                }
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
