//! Every element of the reference page (`shared/reference`), asserted by
//! parsing the HTML of a real imported article, in normal and care mode.

use axum::http::StatusCode;
use hao_domain::Channel;
use scraper::Html;

use crate::support::*;

/// The elements both modes share.
async fn assert_common_elements(app: &TestApp, html: &Html, id: i64) {
    // Breadcrumb: 首页 > 体育 > 正文, and the 申请入驻 link beside it.
    assert_eq!(texts(html, "nav.breadcrumb li"), ["首页", "体育", "正文"]);
    assert_eq!(
        attrs(html, "nav.breadcrumb li a", "href"),
        ["/", "/channel/sports"]
    );
    let apply = attrs(html, "nav.breadcrumb a.apply", "href");
    assert_eq!(apply, ["/apply"]);
    assert_eq!(text(html, "nav.breadcrumb a.apply"), "申请入驻");
    // 申请入驻 is the application page, which links the help page.
    let apply = app.get("/apply").await;
    assert_eq!(apply.status, StatusCode::OK);
    assert!(attrs(&apply.html(), "a", "href").contains(&"/help/apply".to_owned()));

    // Title, source account, time.
    assert_eq!(text(html, "article h1"), "申花主场2比1逆转海港 终结三连败");
    assert_eq!(text(html, "article .byline a.source"), "江畔球评");
    assert_eq!(
        attrs(html, "article .byline time", "datetime"),
        ["2026-02-03T20:15:00+08:00"]
    );
    assert_eq!(text(html, "article .byline time"), "2026-02-03 20:15:00");

    // Body: each line of the import is a paragraph.
    let paragraphs = texts(html, "article .body p");
    assert_eq!(paragraphs.len(), 5, "{paragraphs:?}");
    assert!(paragraphs[4].starts_with("赛后主教练表示"));

    // Originality declaration and the bilingual disclaimer.
    assert_eq!(
        text(html, "article .declaration"),
        "声明：个人原创，仅供参考"
    );
    let disclaimer = texts(html, "article .disclaimer p");
    assert!(disclaimer[0].starts_with("特别声明："), "{disclaimer:?}");
    assert!(
        disclaimer[1].starts_with("Notice: The content above"),
        "{disclaimer:?}"
    );

    // 相关推荐: same channel, never the article itself, each with a reason.
    assert_eq!(text(html, "section.related h2"), "相关推荐");
    let related = attrs(html, "section.related .pick-title", "href");
    assert!(!related.is_empty());
    assert!(!related.contains(&format!("/article/{id}")));
    for href in &related {
        let rid: i64 = href.trim_start_matches("/article/").parse().unwrap();
        let a = app.store().article(rid).await.unwrap().unwrap();
        assert_eq!(a.channel, Channel::Sports, "{}", a.title);
    }

    // 热点推荐: titles with source and time.
    assert_eq!(text(html, "section.hot h2"), "热点推荐");
    let hot = html.select(&sel("section.hot ol.picks li")).count();
    assert!(hot >= 5, "only {hot} hot items");
    assert_eq!(texts(html, "section.hot .pick-meta .source").len(), hot);
    assert_eq!(texts(html, "section.hot .pick-meta time").len(), hot);

    // Author card: avatar, name, article count, followers, 往期回顾 and 全部.
    let card = "aside .author-card";
    let creator = app
        .store()
        .creator_by_name("江畔球评")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        attrs(html, &format!("{card} img.avatar"), "src"),
        [format!("/avatar/{}.svg", creator.id)]
    );
    assert_eq!(text(html, &format!("{card} .author-name")), "江畔球评");
    assert_eq!(text(html, &format!("{card} .article-count")), "3文章数");
    assert_eq!(text(html, &format!("{card} .follower-count")), "0关注度");
    assert!(text(html, &format!("{card} .past h3")).starts_with("往期回顾"));
    assert_eq!(
        attrs(html, &format!("{card} .past a.all"), "href"),
        [format!("/author/{}", creator.id)]
    );
    assert_eq!(
        texts(html, &format!("{card} .past li")).len(),
        2,
        "the other two articles"
    );
    let avatar = app.get(&format!("/avatar/{}.svg", creator.id)).await;
    assert_eq!(avatar.status, StatusCode::OK);
    assert!(avatar.text().contains("江"));

    // The channel headline blocks, in the reference page's order.
    let labels = texts(html, "section.headlines .headline-block h3");
    let expected: Vec<&str> = Channel::ALL.iter().map(|c| c.headline_label()).collect();
    assert_eq!(labels, expected);
    assert!(
        texts(
            html,
            "section.headlines .headline-block[data-channel=finance] li"
        )[0]
        .contains("央行")
    );

    // 无障碍浏览 and the care-mode switch.
    assert_eq!(
        attrs(html, "footer a[href='/accessibility']", "href").len(),
        1
    );
    assert_eq!(text(html, "footer a[href='/accessibility']"), "无障碍浏览");
}

#[tokio::test]
async fn normal_mode_has_every_element_of_the_reference_page() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert_common_elements(&app, &html, id).await;
    assert!(html.select(&sel("body.care")).next().is_none());

    // Share count and every share target.
    assert_eq!(text(&html, ".share .share-count"), "0 分享至");
    assert_eq!(
        attrs(&html, ".share form input[name=to]", "value"),
        ["weibo", "qq"]
    );
    assert_eq!(text(&html, ".share details.share-wechat summary"), "微信");
    let qr = attrs(&html, ".share details.share-wechat img", "src");
    assert_eq!(qr, [format!("/article/{id}/qr.svg")]);
    let svg = app.get(&qr[0]).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert_eq!(svg.header("content-type").as_deref(), Some("image/svg+xml"));
    assert!(svg.text().starts_with("<?xml") || svg.text().contains("<svg"));
    assert_eq!(
        attrs(&html, ".share input.share-url", "value"),
        [format!("{BASE_URL}/article/{id}")]
    );

    // 进入关怀版 leads to the care layout of the same page.
    let care_link = attrs(&html, "footer .a11y-links a", "href")
        .into_iter()
        .find(|h| h.starts_with("/care?on=1"))
        .expect("进入关怀版 link");
    assert!(texts(&html, "footer .a11y-links a").contains(&"进入关怀版".to_owned()));
    let toggle = app.get(&care_link).await;
    assert_eq!(toggle.status, StatusCode::SEE_OTHER);
    assert_eq!(toggle.header("location"), Some(format!("/article/{id}")));
    let cookie = toggle.header("set-cookie").unwrap();
    assert!(
        cookie.starts_with("hao_care=1;") && cookie.contains("Max-Age=31536000"),
        "{cookie}"
    );
    let cookie_pair = cookie.split(';').next().unwrap();
    let care = app
        .get_with(&format!("/article/{id}"), &[("cookie", cookie_pair)])
        .await;
    assert!(care.html().select(&sel("body.care")).next().is_some());
}

#[tokio::test]
async fn care_mode_has_the_same_content_without_share_clutter_and_a_way_back() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    let page = app.get_care(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert!(html.select(&sel("body.care")).next().is_some());
    assert_common_elements(&app, &html, id).await;
    assert!(
        html.select(&sel(".share")).next().is_none(),
        "no share clutter in care mode"
    );
    // A visible way back, at the top of the page.
    assert_eq!(text(&html, "header a.care-exit"), "退出关怀版");
    let exit = attrs(&html, "header a.care-exit", "href").remove(0);
    let back = app.get(&exit).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert!(back.header("set-cookie").unwrap().contains("Max-Age=0"));
    // Text size steps and a large 朗读 button, which the script shows.
    assert_eq!(
        texts(&html, "header .care-size[hidden] button[data-zoom]"),
        ["标准", "大", "特大"]
    );
    assert_eq!(
        text(&html, "article .read-aloud[hidden] button.read-start"),
        "朗读全文"
    );
    // The cached normal page and the care page are different entries.
    let normal = app.get(&format!("/article/{id}")).await;
    let normal = normal.html();
    assert!(normal.select(&sel("body.care")).next().is_none());
    assert!(
        normal
            .select(&sel(".care-size, .read-aloud"))
            .next()
            .is_none()
    );
}

#[tokio::test]
async fn every_page_opens_the_toolbar_and_says_who_is_signed_in_without_javascript() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-001").await;
    for path in [
        "/".to_owned(),
        format!("/article/{id}"),
        "/channel/sports".into(),
    ] {
        let html = app.get(&path).await.html();
        // 无障碍浏览 leads to its help page; the script makes it a button.
        assert_eq!(
            attrs(&html, "header a.a11y-open", "href"),
            ["/accessibility"],
            "{path}"
        );
        assert_eq!(
            attrs(&html, "footer a.a11y-open", "href"),
            ["/accessibility"],
            "{path}"
        );
        // 登录 / 我的: the same bytes for everyone, /me asks to sign in.
        assert_eq!(text(&html, "header a.account"), "登录 / 我的");
        assert_eq!(attrs(&html, "header a.account", "href"), ["/me"]);
        // The reader's toolbar settings apply before the stylesheet does.
        let head: Vec<String> = html
            .select(&sel("head > *"))
            .map(|e| e.value().name().to_owned())
            .collect();
        let script = head.iter().position(|t| t == "script").unwrap();
        let style = head.iter().position(|t| t == "link").unwrap();
        assert!(script < style, "{head:?}");
        assert!(text(&html, "head > script").contains("hao-a11y"));
    }
    let me = app.get("/me").await;
    assert_eq!(me.status, StatusCode::SEE_OTHER);
    assert_eq!(me.header("location").as_deref(), Some("/signin?next=%2Fme"));
}

/// WCAG relative luminance contrast of two `#rrggbb` colours.
fn contrast(a: &str, b: &str) -> f64 {
    fn lum(hex: &str) -> f64 {
        let v: Vec<f64> = (0..3)
            .map(|i| u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap() as f64 / 255.0)
            .map(|c| {
                if c <= 0.03928 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            })
            .collect();
        0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]
    }
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The declarations of the first rule whose selector list is exactly `selector`.
fn rule<'a>(css: &'a str, selector: &str) -> &'a str {
    let start = css
        .match_indices(&format!("{selector}{{"))
        .map(|(i, _)| i)
        .find(|i| *i == 0 || css.as_bytes()[i - 1] == b'\n' || css.as_bytes()[i - 1] == b'}')
        .unwrap_or_else(|| panic!("no rule for {selector}"));
    let body = &css[start + selector.len() + 1..];
    &body[..body.find('}').unwrap()]
}

fn property<'a>(decls: &'a str, name: &str) -> &'a str {
    decls
        .split(';')
        .find_map(|d| d.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name} in {decls}"))
}

#[tokio::test]
async fn care_mode_style_meets_its_bars() {
    let app = TestApp::with_articles().await;
    let page = app.get_care("/").await;
    let css_url = attrs(&page.html(), "link[rel=stylesheet]", "href").remove(0);
    let css = app.get(&css_url).await.text();

    // Body text ≥ 18 pt (24 px) with line height ≥ 1.5.
    let body = rule(&css, "body.care");
    let size: f64 = property(body, "font-size")
        .trim_end_matches("px")
        .parse()
        .unwrap();
    let line: f64 = property(body, "line-height").parse().unwrap();
    assert!(size >= 24.0, "{size}px");
    assert!(line >= 1.5, "{line}");
    let article_body = rule(&css, "body.care .body");
    assert!(
        property(article_body, "font-size")
            .trim_end_matches("px")
            .parse::<f64>()
            .unwrap()
            >= 24.0
    );

    // Contrast ≥ 7:1 for text and links on the white page.
    let text_colour = property(body, "color");
    let link_colour = property(rule(&css, "body.care a"), "color");
    for c in [text_colour, link_colour] {
        let c = if c == "#000" { "#000000" } else { c };
        assert!(
            contrast(c, "#ffffff") >= 7.0,
            "{c}: {}",
            contrast(c, "#ffffff")
        );
    }

    // One column, and large targets for the way back.
    assert_eq!(
        property(rule(&css, "body.care .page-grid"), "grid-template-columns"),
        "minmax(0,1fr)"
    );
    assert_eq!(
        property(rule(&css, "body.care .care-exit"), "min-height"),
        "48px"
    );
}

#[tokio::test]
async fn reprints_name_their_source() {
    let app = TestApp::with_articles().await;
    let id = app.id_of("fx-003").await;
    let html = app.get(&format!("/article/{id}")).await.html();
    assert_eq!(
        text(&html, "article .declaration"),
        "声明：本文转载自新华社，版权归原作者所有，仅供参考"
    );
    assert_eq!(
        attrs(&html, "article .declaration a", "href"),
        ["https://www.news.cn/"]
    );
    assert!(
        html.select(&sel("article .byline .badge.original"))
            .next()
            .is_none()
    );
}

#[tokio::test]
async fn help_pages_are_articles_of_the_official_account() {
    let app = TestApp::empty().await;
    for (path, title) in [
        ("/help/apply", "如何申请入驻号平台"),
        ("/accessibility", "无障碍浏览说明"),
        ("/help/originality", "原创声明与原创保护规则"),
        ("/help/care", "关怀版使用说明"),
    ] {
        let mut r = app.get(path).await;
        while r.status.is_redirection() {
            r = app.get(&r.header("location").unwrap()).await;
        }
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let html = r.html();
        assert_eq!(text(&html, "article h1"), title);
        assert_eq!(text(&html, "article .byline a.source"), "号官方");
    }
}
