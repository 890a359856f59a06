//! WordPress's export (WXR 1.2: Tools → Export → All content) read into a
//! [`Site`]: authors (`wp:author`), posts and pages (`item` with
//! `wp:post_type`), their statuses, dates (GMT), categories and tags,
//! featured images (`_thumbnail_id` → the attachment's URL) and approved
//! comments with their threads. Other item types (menus, revisions,
//! custom types) and unapproved comments are listed as not imported.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::site::{Author, Comment, Kind, Platform, Post, Problem, Site, Status, site_key};

/// Why a file is not a WXR export that can be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WxrError {
    #[error("line {line}: malformed XML{item}: {reason}")]
    Xml {
        line: usize,
        item: String,
        reason: String,
    },
    #[error("not a WordPress export (WXR): {0}")]
    NotWxr(String),
}

#[derive(Default)]
struct RawItem {
    fields: HashMap<&'static str, String>,
    categories: Vec<(String, String)>,
    meta: Vec<(String, String)>,
    comments: Vec<HashMap<&'static str, String>>,
}

/// The fields read, by qualified element name (WXR's prefixes are fixed).
const ITEM_FIELDS: &[&str] = &[
    "title",
    "link",
    "dc:creator",
    "content:encoded",
    "excerpt:encoded",
    "wp:post_id",
    "wp:post_date",
    "wp:post_date_gmt",
    "wp:status",
    "wp:post_type",
    "wp:post_parent",
    "wp:attachment_url",
    "wp:post_name",
];
const COMMENT_FIELDS: &[&str] = &[
    "wp:comment_id",
    "wp:comment_author",
    "wp:comment_author_email",
    "wp:comment_author_url",
    "wp:comment_date",
    "wp:comment_date_gmt",
    "wp:comment_content",
    "wp:comment_approved",
    "wp:comment_type",
    "wp:comment_parent",
];
const AUTHOR_FIELDS: &[&str] = &[
    "wp:author_login",
    "wp:author_display_name",
    "wp:author_first_name",
    "wp:author_last_name",
    "wp:author_email",
];

fn field(list: &'static [&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|f| *f == name)
}

/// Where in the file an error is: " in post 42", " in the item after post
/// 41" (its id not read yet), " in the first item", or nothing outside items.
fn place(item: Option<&RawItem>, items: &[RawItem]) -> String {
    let id = |i: &RawItem| i.fields.get("wp:post_id").map(|s| s.trim().to_owned());
    match (item, item.and_then(id)) {
        (None, _) => String::new(),
        (Some(_), Some(id)) => format!(" in post {id}"),
        (Some(_), None) => match items.last().and_then(id) {
            Some(prev) => format!(" in the item after post {prev}"),
            None => " in the first item".to_owned(),
        },
    }
}

fn line_of(bytes: &[u8], pos: u64) -> usize {
    let end = (pos as usize).min(bytes.len());
    bytes[..end].iter().filter(|b| **b == b'\n').count() + 1
}

/// Reads a WXR file.
pub fn parse(bytes: &[u8]) -> Result<Site, WxrError> {
    let mut reader = Reader::from_reader(bytes);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut site_url = String::new();
    let mut wxr_version = None;
    let mut authors: Vec<HashMap<&'static str, String>> = Vec::new();
    let mut items: Vec<RawItem> = Vec::new();
    let mut item: Option<RawItem> = None;
    let mut comment: Option<HashMap<&'static str, String>> = None;
    let mut author: Option<HashMap<&'static str, String>> = None;
    let mut meta: Option<(String, String)> = None;
    let mut category: Option<String> = None;
    let mut saw_rss = false;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| WxrError::Xml {
                line: line_of(bytes, reader.error_position()),
                item: place(item.as_ref(), &items),
                reason: e.to_string(),
            })?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if path.is_empty() {
                    if name != "rss" {
                        return Err(WxrError::NotWxr(format!(
                            "the root element is <{name}>, not <rss>"
                        )));
                    }
                    saw_rss = true;
                }
                match name.as_str() {
                    "item" => item = Some(RawItem::default()),
                    "wp:comment" if item.is_some() => comment = Some(HashMap::new()),
                    "wp:author" if item.is_none() => author = Some(HashMap::new()),
                    "wp:postmeta" if item.is_some() => meta = Some(Default::default()),
                    "category" if item.is_some() => {
                        let domain = e
                            .try_get_attribute("domain")
                            .ok()
                            .flatten()
                            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                            .unwrap_or_else(|| "category".into());
                        category = Some(domain);
                    }
                    _ => {}
                }
                path.push(name);
                text.clear();
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let value = std::mem::take(&mut text);
                if let Some(c) = comment.as_mut() {
                    if name == "wp:comment" {
                        let c = comment.take().expect("in a comment");
                        if let Some(i) = item.as_mut() {
                            i.comments.push(c);
                        }
                    } else if let Some(f) = field(COMMENT_FIELDS, &name) {
                        c.insert(f, value);
                    }
                } else if let Some(m) = meta.as_mut() {
                    match name.as_str() {
                        "wp:meta_key" => m.0 = value,
                        "wp:meta_value" => m.1 = value,
                        "wp:postmeta" => {
                            let m = meta.take().expect("in a postmeta");
                            if let Some(i) = item.as_mut() {
                                i.meta.push(m);
                            }
                        }
                        _ => {}
                    }
                } else if let Some(i) = item.as_mut() {
                    if name == "item" {
                        items.push(item.take().expect("in an item"));
                    } else if name == "category" {
                        if let Some(domain) = category.take() {
                            i.categories.push((domain, value.trim().to_owned()));
                        }
                    } else if path.last().is_some_and(|p| p == "item")
                        && let Some(f) = field(ITEM_FIELDS, &name)
                    {
                        i.fields.insert(f, value);
                    }
                } else if let Some(a) = author.as_mut() {
                    if name == "wp:author" {
                        authors.push(author.take().expect("in an author"));
                    } else if let Some(f) = field(AUTHOR_FIELDS, &name) {
                        a.insert(f, value.trim().to_owned());
                    }
                } else {
                    match name.as_str() {
                        "wp:base_site_url" => site_url = value.trim().to_owned(),
                        "link"
                            if site_url.is_empty()
                                && path.last().is_some_and(|p| p == "channel") =>
                        {
                            site_url = value.trim().to_owned()
                        }
                        "wp:wxr_version" => wxr_version = Some(value.trim().to_owned()),
                        _ => {}
                    }
                }
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap_or_default()),
            Event::CData(t) => text.push_str(&t.decode().unwrap_or_default()),
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap_or_default();
                text.push_str(&resolve_entity(&name));
            }
            Event::Eof => {
                if let Some(open) = path.last() {
                    return Err(WxrError::Xml {
                        line: line_of(bytes, bytes.len() as u64),
                        item: place(item.as_ref(), &items),
                        reason: format!("the file ends inside <{open}>: it is cut short"),
                    });
                }
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    if !saw_rss {
        return Err(WxrError::NotWxr("the file holds no <rss> element".into()));
    }
    let Some(version) = wxr_version else {
        return Err(WxrError::NotWxr(
            "no <wp:wxr_version>: export the site from WordPress's Tools → Export".into(),
        ));
    };
    if !version.starts_with("1.") {
        return Err(WxrError::NotWxr(format!(
            "WXR version {version}; this reads 1.0–1.2"
        )));
    }
    Ok(assemble(&site_url, authors, items))
}

fn resolve_entity(name: &str) -> String {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse().ok(),
        };
        return code
            .and_then(char::from_u32)
            .map(String::from)
            .unwrap_or_default();
    }
    quick_xml::escape::resolve_predefined_entity(name)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("&{name};"))
}

/// `2024-05-01 08:30:00` in UTC (a `_gmt` field), or, when that is zero
/// (drafts never dated), the local field read as Beijing time.
fn wp_time(gmt: Option<&String>, local: Option<&String>) -> Option<i64> {
    let parse = |s: &str, offset: i64| {
        chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S")
            .ok()
            .filter(|d| d.and_utc().timestamp() > 0)
            .map(|d| d.and_utc().timestamp() - offset)
    };
    gmt.and_then(|g| parse(g, 0))
        .or_else(|| local.and_then(|l| parse(l, 8 * 3600)))
}

fn assemble(
    site_url: &str,
    raw_authors: Vec<HashMap<&'static str, String>>,
    items: Vec<RawItem>,
) -> Site {
    let mut problems = Vec::new();
    let authors = raw_authors
        .into_iter()
        .filter_map(|a| {
            let login = a.get("wp:author_login").cloned().unwrap_or_default();
            if login.is_empty() {
                problems.push(Problem {
                    item: "author".into(),
                    reason: "no wp:author_login".into(),
                });
                return None;
            }
            let display = a.get("wp:author_display_name").cloned().unwrap_or_default();
            let full = format!(
                "{}{}",
                a.get("wp:author_last_name").map_or("", |s| s.as_str()),
                a.get("wp:author_first_name").map_or("", |s| s.as_str())
            );
            // WordPress shows the login when no display name was chosen.
            let display = if display == login {
                String::new()
            } else {
                display
            };
            let name = [display, full, login.clone()]
                .into_iter()
                .find(|n| !n.trim().is_empty())
                .unwrap_or_default();
            Some(Author {
                id: login,
                name,
                bio: String::new(),
            })
        })
        .collect::<Vec<_>>();
    let attachments: HashMap<String, String> = items
        .iter()
        .filter(|i| {
            i.fields
                .get("wp:post_type")
                .is_some_and(|t| t == "attachment")
        })
        .filter_map(|i| {
            Some((
                i.fields.get("wp:post_id")?.trim().to_owned(),
                i.fields.get("wp:attachment_url")?.trim().to_owned(),
            ))
        })
        .collect();
    let mut posts = Vec::new();
    for i in &items {
        let id = i
            .fields
            .get("wp:post_id")
            .map_or("", |s| s.trim())
            .to_owned();
        let kind = match i.fields.get("wp:post_type").map_or("post", |s| s.trim()) {
            "post" => Kind::Post,
            "page" => Kind::Page,
            "attachment" => continue,
            other => {
                problems.push(Problem {
                    item: format!("item {id}"),
                    reason: format!("post type '{other}' is not imported (posts and pages are)"),
                });
                continue;
            }
        };
        let name = if kind == Kind::Post { "post" } else { "page" };
        if id.is_empty() || id.parse::<u64>().is_err() {
            problems.push(Problem {
                item: format!(
                    "{name} '{}'",
                    i.fields.get("title").map_or("", |s| s.as_str())
                ),
                reason: "no numeric wp:post_id".into(),
            });
            continue;
        }
        let status = match i.fields.get("wp:status").map_or("draft", |s| s.trim()) {
            "publish" => Status::Published,
            "draft" | "auto-draft" => Status::Draft,
            "future" => Status::Scheduled,
            "private" => Status::Private,
            "pending" => Status::Pending,
            "trash" => {
                problems.push(Problem {
                    item: format!("{name} {id}"),
                    reason: "in the trash".into(),
                });
                continue;
            }
            other => {
                problems.push(Problem {
                    item: format!("{name} {id}"),
                    reason: format!("unknown status '{other}'"),
                });
                continue;
            }
        };
        let published_at = wp_time(
            i.fields.get("wp:post_date_gmt"),
            i.fields.get("wp:post_date"),
        );
        if published_at.is_none() && matches!(status, Status::Published | Status::Scheduled) {
            problems.push(Problem {
                item: format!("{name} {id}"),
                reason: "published without a readable wp:post_date".into(),
            });
            continue;
        }
        let feature_image = i
            .meta
            .iter()
            .find(|(k, _)| k == "_thumbnail_id")
            .and_then(|(_, v)| attachments.get(v.trim()).cloned());
        let mut comments = Vec::new();
        for c in &i.comments {
            let cid = c.get("wp:comment_id").map_or("", |s| s.trim()).to_owned();
            let kind = c.get("wp:comment_type").map_or("", |s| s.trim());
            if !(kind.is_empty() || kind == "comment") {
                problems.push(Problem {
                    item: format!("comment {cid}"),
                    reason: format!("a {kind}, not a comment"),
                });
                continue;
            }
            if c.get("wp:comment_approved").map_or("", |s| s.trim()) != "1" {
                problems.push(Problem {
                    item: format!("comment {cid}"),
                    reason: "not approved (spam, trash or waiting)".into(),
                });
                continue;
            }
            let Some(at) = wp_time(c.get("wp:comment_date_gmt"), c.get("wp:comment_date")) else {
                problems.push(Problem {
                    item: format!("comment {cid}"),
                    reason: "no readable date".into(),
                });
                continue;
            };
            let author = c.get("wp:comment_author").cloned().unwrap_or_default();
            let key = c
                .get("wp:comment_author_email")
                .filter(|e| !e.trim().is_empty())
                .cloned()
                .unwrap_or_else(|| author.clone());
            comments.push(Comment {
                id: cid,
                parent: c
                    .get("wp:comment_parent")
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty() && p != "0"),
                author,
                author_key: key,
                html: c.get("wp:comment_content").cloned().unwrap_or_default(),
                at,
            });
        }
        let (mut tags, mut categories) = (Vec::new(), Vec::new());
        for (domain, value) in &i.categories {
            match domain.as_str() {
                "post_tag" => tags.push(value.clone()),
                "category" => categories.push(value.clone()),
                _ => {}
            }
        }
        posts.push(Post {
            id,
            kind,
            title: i.fields.get("title").cloned().unwrap_or_default(),
            html: i.fields.get("content:encoded").cloned().unwrap_or_default(),
            status,
            published_at,
            authors: i
                .fields
                .get("dc:creator")
                .map(|c| vec![c.trim().to_owned()])
                .unwrap_or_default(),
            tags,
            categories,
            feature_image,
            comments,
        });
    }
    Site {
        platform: Platform::WordPress,
        key: site_key(site_url),
        authors,
        posts,
        problems,
        notes: Vec::new(),
    }
}
