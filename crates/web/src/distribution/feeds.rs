//! Feeds: RSS 2.0 (`/rss.xml`, `/channel/{slug}/rss.xml`,
//! `/author/{id}/rss.xml`, `/tag/{tag}/rss.xml`) and Atom (RFC 4287, the same
//! paths ending `atom.xml`). Each holds the newest 20 articles with their
//! full sanitised HTML (the site's choice: a reader's feed reader shows the
//! article, and the link leads back to the page) and their summary.

use atom_syndication as atom;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, FixedOffset};
use hao_domain::{Article, ArticleSummary, Channel};

use crate::http::AppState;
use crate::http::cache::{FeedScope, PageKey};
use crate::http::error::PageError;
use crate::http::respond::{cached, parse_id, valid_tag};
use crate::ui::layout::tag_path;
use crate::ui::site;

/// Articles in a feed.
const ITEMS: i64 = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rss.xml", get(|s, m, h| site(s, m, h, false)))
        .route("/atom.xml", get(|s, m, h| site(s, m, h, true)))
        .route(
            "/channel/{slug}/rss.xml",
            get(|s, p, m, h| channel(s, p, m, h, false)),
        )
        .route(
            "/channel/{slug}/atom.xml",
            get(|s, p, m, h| channel(s, p, m, h, true)),
        )
        .route(
            "/author/{id}/rss.xml",
            get(|s, p, m, h| author(s, p, m, h, false)),
        )
        .route(
            "/author/{id}/atom.xml",
            get(|s, p, m, h| author(s, p, m, h, true)),
        )
        .route(
            "/tag/{tag}/rss.xml",
            get(|s, p, m, h| tag(s, p, m, h, false)),
        )
        .route(
            "/tag/{tag}/atom.xml",
            get(|s, p, m, h| tag(s, p, m, h, true)),
        )
}

async fn site(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    atom: bool,
) -> Result<Response, PageError> {
    serve(&state, FeedScope::Site, atom, &method, &headers).await
}

async fn channel(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    method: Method,
    headers: HeaderMap,
    atom: bool,
) -> Result<Response, PageError> {
    let channel = Channel::parse(&slug)
        .map_err(|_| PageError::not_found(format!("没有名为“{slug}”的频道。")))?;
    serve(&state, FeedScope::Channel(channel), atom, &method, &headers).await
}

async fn author(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    method: Method,
    headers: HeaderMap,
    atom: bool,
) -> Result<Response, PageError> {
    let id = parse_id(&raw, "作者")?;
    serve(&state, FeedScope::Author(id), atom, &method, &headers).await
}

async fn tag(
    State(state): State<AppState>,
    Path(tag): Path<String>,
    method: Method,
    headers: HeaderMap,
    atom: bool,
) -> Result<Response, PageError> {
    let tag = valid_tag(&tag)?;
    serve(&state, FeedScope::Tag(tag), atom, &method, &headers).await
}

async fn serve(
    state: &AppState,
    scope: FeedScope,
    atom: bool,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Response, PageError> {
    let key = PageKey::Feed {
        scope: scope.clone(),
        atom,
    };
    cached(state, key, method, headers, || async {
        let feed = Feed::read(state, &scope).await?;
        Ok(if atom { feed.atom() } else { feed.rss() })
    })
    .await
}

/// One feed's contents, whatever its format.
struct Feed {
    title: String,
    description: String,
    /// The site's public origin (`https://host`).
    origin: String,
    /// The page the feed follows, absolute.
    page: String,
    /// The feed itself, without `rss.xml` / `atom.xml`, absolute.
    base: String,
    items: Vec<(ArticleSummary, Article)>,
}

fn time(unix: i64) -> DateTime<FixedOffset> {
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .with_timezone(&FixedOffset::east_opt(8 * 3600).expect("valid offset"))
}

impl Feed {
    async fn read(state: &AppState, scope: &FeedScope) -> Result<Feed, PageError> {
        let store = state.store();
        let origin = &state.options().base_url;
        let name = site::name();
        let (title, description, path, list) = match scope {
            FeedScope::Site => (
                name.clone(),
                format!("{name}：中文自媒体开放平台的最新文章"),
                "/".to_owned(),
                store.latest(ITEMS, 0).await?,
            ),
            FeedScope::Channel(c) => (
                format!("{} · {name}", c.name()),
                format!("{name} · {}频道的最新文章", c.name()),
                format!("/channel/{}", c.slug()),
                store.channel_articles(*c, ITEMS, 0).await?,
            ),
            FeedScope::Author(id) => {
                let creator = store
                    .creator(*id)
                    .await?
                    .ok_or_else(|| PageError::not_found("这位作者不存在。"))?;
                (
                    format!("{} · {name}", creator.display_name),
                    format!("{}在{name}发表的文章", creator.display_name),
                    format!("/author/{id}"),
                    store.creator_articles(*id, ITEMS, 0).await?,
                )
            }
            FeedScope::Tag(tag) => (
                format!("#{tag} · {name}"),
                format!("{name}上关于“{tag}”的文章"),
                format!("/tag/{}", tag_path(tag)),
                store.tag_articles(tag, ITEMS, 0).await?,
            ),
        };
        let ids: Vec<i64> = list.items.iter().map(|a| a.id).collect();
        let mut full = store.articles(&ids).await?;
        let items = list
            .items
            .into_iter()
            .filter_map(|s| {
                let a = full.remove(&s.id)?;
                Some((s, a))
            })
            .collect();
        let page = format!("{origin}{path}");
        let base = if path == "/" {
            format!("{origin}/")
        } else {
            format!("{page}/")
        };
        Ok(Feed {
            title,
            description,
            origin: origin.clone(),
            page,
            base,
            items,
        })
    }

    fn url(&self, id: i64) -> String {
        format!("{}/article/{id}", self.origin)
    }

    fn updated(&self) -> i64 {
        self.items
            .iter()
            .map(|(_, a)| a.updated_at.max(a.published_at))
            .max()
            .unwrap_or(0)
    }

    fn rss(&self) -> String {
        use rss::extension::dublincore::DublinCoreExtension;
        let items: Vec<rss::Item> = self
            .items
            .iter()
            .map(|(s, a)| {
                let url = self.url(a.id);
                let mut item = rss::Item::default();
                item.set_title(a.title.clone());
                item.set_link(url.clone());
                item.set_description(a.summary.clone());
                item.set_content(a.body_html.clone());
                item.set_pub_date(time(a.published_at).to_rfc2822());
                let mut guid = rss::Guid::default();
                guid.set_value(url);
                guid.set_permalink(true);
                item.set_guid(guid);
                let mut category = rss::Category::default();
                category.set_name(a.channel.name().to_owned());
                let mut categories = vec![category];
                for t in &a.tags {
                    let mut c = rss::Category::default();
                    c.set_name(t.clone());
                    categories.push(c);
                }
                item.set_categories(categories);
                let mut dc = DublinCoreExtension::default();
                dc.set_creators(vec![s.creator_name.clone()]);
                item.set_dublin_core_ext(dc);
                item
            })
            .collect();
        let mut channel = rss::Channel::default();
        channel.set_title(self.title.clone());
        channel.set_link(self.page.clone());
        channel.set_description(self.description.clone());
        channel.set_language("zh-CN".to_owned());
        channel.set_generator("Hao".to_owned());
        channel.set_last_build_date(time(self.updated()).to_rfc2822());
        channel.set_items(items);
        let mut namespaces = std::collections::BTreeMap::new();
        namespaces.insert(
            "dc".to_owned(),
            rss::extension::dublincore::NAMESPACE.to_owned(),
        );
        channel.set_namespaces(namespaces);
        channel.to_string()
    }

    fn atom(&self) -> String {
        let link = |href: String, rel: &str, mime: Option<&str>| {
            let mut l = atom::Link::default();
            l.set_href(href);
            l.set_rel(rel.to_owned());
            l.set_mime_type(mime.map(str::to_owned));
            l
        };
        let entries: Vec<atom::Entry> = self
            .items
            .iter()
            .map(|(s, a)| {
                let url = self.url(a.id);
                let mut e = atom::Entry::default();
                e.set_title(atom::Text::plain(a.title.clone()));
                e.set_id(url.clone());
                e.set_updated(time(a.updated_at.max(a.published_at)));
                e.set_published(Some(time(a.published_at)));
                let mut author = atom::Person::default();
                author.set_name(s.creator_name.clone());
                author.set_uri(Some(format!("{}/author/{}", self.origin, a.creator_id)));
                e.set_authors(vec![author]);
                e.set_links(vec![link(url, "alternate", Some("text/html"))]);
                e.set_summary(Some(atom::Text::plain(a.summary.clone())));
                let mut content = atom::Content::default();
                content.set_content_type(Some("html".to_owned()));
                content.set_value(Some(a.body_html.clone()));
                e.set_content(Some(content));
                let mut categories = vec![];
                for term in std::iter::once(a.channel.name().to_owned()).chain(a.tags.clone()) {
                    let mut c = atom::Category::default();
                    c.set_term(term);
                    categories.push(c);
                }
                e.set_categories(categories);
                e
            })
            .collect();
        let mut feed = atom::Feed::default();
        feed.set_title(atom::Text::plain(self.title.clone()));
        feed.set_subtitle(Some(atom::Text::plain(self.description.clone())));
        feed.set_id(format!("{}atom.xml", self.base));
        feed.set_updated(time(self.updated()));
        feed.set_lang(Some("zh-CN".to_owned()));
        let mut generator = atom::Generator::default();
        generator.set_value("Hao".to_owned());
        feed.set_generator(Some(generator));
        feed.set_links(vec![
            link(
                format!("{}atom.xml", self.base),
                "self",
                Some("application/atom+xml"),
            ),
            link(self.page.clone(), "alternate", Some("text/html")),
        ]);
        // RFC 4287: a feed whose entries all name an author needs none of
        // its own; the site is named for feeds without entries.
        let mut site = atom::Person::default();
        site.set_name(crate::ui::site::name());
        feed.set_authors(vec![site]);
        feed.set_entries(entries);
        feed.to_string()
    }
}
