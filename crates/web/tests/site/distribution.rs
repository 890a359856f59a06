//! What leaves the site: feeds (parsed by the feed libraries, with the
//! elements RSS 2.0 and RFC 4287 require), the sitemap index and its
//! sitemaps, robots.txt, and on the pages: canonical links, share cards,
//! schema.org JSON-LD, feed autodiscovery, 话题 pages.

use axum::http::StatusCode;
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::support::*;

/// Fixture articles plus tagged ones, one with a title made to break out of
/// a `<script>`.
async fn app() -> TestApp {
    let app = TestApp::with_articles().await;
    let lines = [
        serde_json::json!({"external_id": "tag-1", "title": "国产芯片取得新突破", "body": "芯片设计能力持续提升。", "author": "科技观察", "channel": "tech", "tags": ["芯片", "人工智能"]}),
        serde_json::json!({"external_id": "tag-2", "title": "大模型走进课堂", "body": "人工智能辅助教学试点。", "author": "科技观察", "channel": "tech", "tags": ["人工智能"]}),
        serde_json::json!({"external_id": "evil", "title": "</script><script>alert(1)</script>", "body": "正文。", "author": "科技观察", "tags": ["<b>话题</b>"]}),
    ];
    let data: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let s = app.import(data.as_bytes()).await;
    assert_eq!(s.created, 3, "{:?}", s.errors);
    app
}

/// Every element name of an XML document, with the text of `loc`s.
fn xml(text: &str) -> (Vec<String>, Vec<String>) {
    let mut reader = Reader::from_str(text);
    let (mut names, mut locs) = (Vec::new(), Vec::new());
    let mut in_loc = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                in_loc = name == "loc";
                names.push(name);
            }
            Event::Text(t) if in_loc => locs.push(t.decode().unwrap().into_owned()),
            Event::End(_) => in_loc = false,
            Event::Eof => return (names, locs),
            _ => {}
        }
    }
}

#[tokio::test]
async fn every_feed_parses_with_what_its_format_requires() {
    let app = app().await;
    let author = app
        .store()
        .article(app.id_of("tag-1").await)
        .await
        .unwrap()
        .unwrap()
        .creator_id;
    let tag = enc("人工智能");
    for (path, at_least) in [
        ("/".to_owned(), 10),
        ("/channel/tech/".to_owned(), 2),
        (format!("/author/{author}/"), 3),
        (format!("/tag/{tag}/"), 2),
    ] {
        let r = app.get(&format!("{path}rss.xml")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(
            r.header("content-type").unwrap(),
            "application/rss+xml; charset=utf-8"
        );
        let channel = rss::Channel::read_from(&r.body[..]).expect("valid RSS");
        assert!(!channel.title().is_empty() && !channel.description().is_empty());
        assert!(channel.link().starts_with(BASE_URL), "{}", channel.link());
        assert!(
            channel.items().len() >= at_least,
            "{path}: {}",
            channel.items().len()
        );
        for item in channel.items() {
            let link = item.link().unwrap();
            assert!(link.starts_with(&format!("{BASE_URL}/article/")), "{link}");
            assert_eq!(item.guid().unwrap().value(), link);
            assert!(item.title().is_some() && item.description().is_some());
            assert!(chrono::DateTime::parse_from_rfc2822(item.pub_date().unwrap()).is_ok());
            assert!(
                item.content().unwrap().contains("<p>"),
                "full sanitised HTML"
            );
            assert!(!item.dublin_core_ext().unwrap().creators().is_empty());
        }
        // Conditional GET: the same feed is not sent twice.
        let etag = r.header("etag").unwrap();
        let again = app
            .get_with(&format!("{path}rss.xml"), &[("if-none-match", &etag)])
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        // And by date: Last-Modified is the newest item's change.
        let modified = r.header("last-modified").expect("Last-Modified on a feed");
        let newest = channel
            .items()
            .iter()
            .map(|i| chrono::DateTime::parse_from_rfc2822(i.pub_date().unwrap()).unwrap())
            .max()
            .unwrap();
        let lm = httpdate::parse_http_date(&modified).unwrap();
        assert!(
            lm >= std::time::SystemTime::from(newest),
            "{modified} is older than the newest item {newest}"
        );
        let again = app
            .get_with(
                &format!("{path}rss.xml"),
                &[("if-modified-since", &modified)],
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        let before = httpdate::fmt_http_date(lm - std::time::Duration::from_secs(1));
        let again = app
            .get_with(&format!("{path}rss.xml"), &[("if-modified-since", &before)])
            .await;
        assert_eq!(again.status, StatusCode::OK);

        let r = app.get(&format!("{path}atom.xml")).await;
        assert!(r.header("last-modified").is_some(), "{path}atom.xml");
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(
            r.header("content-type").unwrap(),
            "application/atom+xml; charset=utf-8"
        );
        let feed = atom_syndication::Feed::read_from(&r.body[..]).expect("valid Atom");
        // RFC 4287 4.1.1: id, title, updated; a self link; an author (of the
        // feed, or of every entry).
        assert!(feed.id().starts_with(BASE_URL) && !feed.title().is_empty());
        assert!(
            feed.links()
                .iter()
                .any(|l| l.rel() == "self" && l.href() == format!("{BASE_URL}{path}atom.xml"))
        );
        assert!(feed.entries().len() >= at_least);
        for e in feed.entries() {
            assert!(e.id().starts_with(&format!("{BASE_URL}/article/")));
            assert!(!e.title().is_empty());
            assert!(!e.authors().is_empty() || !feed.authors().is_empty());
            assert!(e.links().iter().any(|l| l.rel() == "alternate"));
            let content = e.content().unwrap();
            assert_eq!(content.content_type(), Some("html"));
            assert!(content.value().unwrap().contains("<p>"));
        }
    }
    // The tag feed holds the tag's articles only.
    let tagged =
        rss::Channel::read_from(&app.get(&format!("/tag/{tag}/rss.xml")).await.body[..]).unwrap();
    let titles: Vec<&str> = tagged.items().iter().filter_map(|i| i.title()).collect();
    assert_eq!(titles, ["大模型走进课堂", "国产芯片取得新突破"]);
    // Bad scopes are the site's 404 pages.
    for path in [
        "/channel/weather/rss.xml",
        "/author/999999/atom.xml",
        "/author/x/rss.xml",
    ] {
        let r = app.get(path).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
        assert!(
            r.header("content-type").unwrap().starts_with("text/html"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_sitemap_index_lists_monthly_sitemaps_of_every_published_article() {
    let app = app().await;
    let r = app.get("/sitemap.xml").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("content-type").unwrap(),
        "application/xml; charset=utf-8"
    );
    let text = r.text();
    assert!(text.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let (names, sitemaps) = xml(&text);
    assert_eq!(names[0], "sitemapindex");
    assert!(
        names
            .iter()
            .all(|n| ["sitemapindex", "sitemap", "loc", "lastmod"].contains(&n.as_str())),
        "{names:?}"
    );
    let mut articles = 0;
    for loc in &sitemaps {
        let path = loc.strip_prefix(BASE_URL).expect("absolute, this site");
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let (names, urls) = xml(&r.text());
        assert_eq!(names[0], "urlset");
        assert!(
            names
                .iter()
                .all(|n| ["urlset", "url", "loc", "lastmod", "changefreq"].contains(&n.as_str())),
            "{names:?}"
        );
        assert!(urls.len() <= 50_000);
        articles += urls.iter().filter(|u| u.contains("/article/")).count();
        for u in urls {
            assert!(u.starts_with(BASE_URL), "{u}");
        }
    }
    let listed = app.store().count_listed().await.unwrap() as usize;
    assert_eq!(articles, listed, "every listed article, once");
    assert_eq!(
        app.get("/sitemaps/1999-13.xml").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/sitemaps/1999-01.xml").await.status,
        StatusCode::NOT_FOUND
    );

    let robots = app.get("/robots.txt").await;
    assert_eq!(
        robots.header("content-type").unwrap(),
        "text/plain; charset=utf-8"
    );
    assert!(
        robots
            .text()
            .contains(&format!("Sitemap: {BASE_URL}/sitemap.xml"))
    );
    assert!(robots.text().contains("Disallow: /editor/"));
}

#[tokio::test]
async fn pages_carry_canonical_links_share_cards_structured_data_and_feeds() {
    let app = app().await;
    let id = app.id_of("tag-1").await;
    let html = app.get(&format!("/article/{id}")).await.html();
    let url = format!("{BASE_URL}/article/{id}");
    assert_eq!(
        attrs(&html, "link[rel=canonical]", "href"),
        std::slice::from_ref(&url)
    );
    let meta = |p: &str| attrs(&html, &format!("meta[property='{p}']"), "content");
    assert_eq!(meta("og:type"), ["article"]);
    assert_eq!(meta("og:title"), ["国产芯片取得新突破"]);
    assert_eq!(meta("og:url"), std::slice::from_ref(&url));
    assert_eq!(
        attrs(&html, "meta[name='twitter:card']", "content"),
        ["summary_large_image"]
    );
    // No cover: the share card is drawn for it, a 1200 × 630 PNG.
    let card = format!("{url}/card.png");
    assert_eq!(meta("og:image"), std::slice::from_ref(&card));
    let png = app.get(&format!("/article/{id}/card.png")).await;
    assert_eq!(png.status, StatusCode::OK);
    assert_eq!(png.header("content-type").as_deref(), Some("image/png"));
    let img = image::load_from_memory(&png.body).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 630));
    let etag = png.header("etag").unwrap();
    let again = app
        .get_with(
            &format!("/article/{id}/card.png"),
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        app.get("/article/999999/card.png").await.status,
        StatusCode::NOT_FOUND
    );
    let ld: serde_json::Value =
        serde_json::from_str(&text(&html, "script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "国产芯片取得新突破");
    assert_eq!(ld["author"]["name"], "科技观察");
    assert_eq!(ld["publisher"]["name"], "号");
    assert_eq!(ld["mainEntityOfPage"]["@id"], url);
    for k in ["datePublished", "dateModified"] {
        assert!(
            chrono::DateTime::parse_from_rfc3339(ld[k].as_str().unwrap()).is_ok(),
            "{k}"
        );
    }
    // Its tags link to their 话题 pages.
    let tags = attrs(&html, "article .tags a", "href");
    assert_eq!(
        tags,
        [
            format!("/tag/{}", enc("芯片")),
            format!("/tag/{}", enc("人工智能"))
        ]
    );
    // Every page offers the site's feeds.
    let feeds = attrs(&html, "link[rel=alternate]", "href");
    assert!(feeds.contains(&"/rss.xml".to_owned()) && feeds.contains(&"/atom.xml".to_owned()));

    // A title made to end the script stays inside its JSON.
    let evil = app
        .get(&format!("/article/{}", app.id_of("evil").await))
        .await;
    let html = evil.html();
    let scripts: Vec<String> = texts(&html, "script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1);
    let ld: serde_json::Value = serde_json::from_str(&scripts[0]).unwrap();
    assert_eq!(ld["headline"], "</script><script>alert(1)</script>");
    assert!(!evil.text().contains("<script>alert(1)"));

    // 话题 page, its feeds, and 热门话题 on the home page.
    let page = app.get(&format!("/tag/{}", enc("人工智能"))).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert_eq!(text(&html, "h1"), "#人工智能共 2 篇");
    assert_eq!(
        texts(&html, "ul.articles h3"),
        ["大模型走进课堂", "国产芯片取得新突破"]
    );
    let feeds = attrs(&html, "link[rel=alternate]", "href");
    assert!(
        feeds.contains(&format!("/tag/{}/rss.xml", enc("人工智能"))),
        "{feeds:?}"
    );
    let home = app.get("/").await.html();
    let hot = texts(&home, ".hot-tags li a");
    assert_eq!(hot[0], "#人工智能", "{hot:?}");
    let ld: serde_json::Value =
        serde_json::from_str(&text(&home, "script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["@type"], "WebSite");
    assert_eq!(
        app.get(&format!("/tag/{}", enc("没有的话题"))).await.status,
        StatusCode::NOT_FOUND
    );
    let too_long = "长".repeat(30);
    assert_eq!(
        app.get(&format!("/tag/{}", enc(&too_long))).await.status,
        StatusCode::NOT_FOUND
    );

    // The author page: a ProfilePage, and the author's feeds.
    let author = app.store().article(id).await.unwrap().unwrap().creator_id;
    let html = app.get(&format!("/author/{author}")).await.html();
    let ld: serde_json::Value =
        serde_json::from_str(&text(&html, "script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["@type"], "ProfilePage");
    assert_eq!(ld["mainEntity"]["name"], "科技观察");
    assert!(
        attrs(&html, "link[rel=alternate]", "href").contains(&format!("/author/{author}/rss.xml"))
    );
    assert_eq!(
        attrs(&html, "link[rel=canonical]", "href"),
        [format!("{BASE_URL}/author/{author}")]
    );
}
