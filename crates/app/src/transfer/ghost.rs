//! Ghost's JSON export (Settings → Advanced → Export, any version since
//! 1.0: `{"db": [{"meta", "data"}]}`) read into a [`Site`]: users, posts
//! and pages from `html` (or, when absent, `lexical` or `mobiledoc`, turned
//! into HTML here), tags through `posts_tags`, authors through
//! `posts_authors` (or the old `author_id`), statuses, `feature_image`,
//! `published_at`. Members-only posts are kept as drafts: what Ghost
//! did not show to everyone is not made public by an import.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::site::{Author, Kind, Platform, Post, Problem, Site, Status};

/// Why a file is not a Ghost export that can be read.
#[derive(Debug, thiserror::Error)]
pub enum GhostError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("not a Ghost export: {0}")]
    NotGhost(String),
    #[error("{item}: {reason}")]
    Item { item: String, reason: String },
}

#[derive(Deserialize)]
struct Data {
    #[serde(default)]
    posts: Vec<Value>,
    #[serde(default)]
    users: Vec<Value>,
    #[serde(default)]
    tags: Vec<Value>,
    #[serde(default)]
    posts_tags: Vec<Value>,
    #[serde(default)]
    posts_authors: Vec<Value>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn time(v: &Value, key: &str) -> Result<Option<i64>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| Some(d.timestamp()))
            .or_else(|_| {
                // Old exports: "2014-05-01 08:00:00" (UTC).
                chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                    .map(|d| Some(d.and_utc().timestamp()))
            })
            .map_err(|_| format!("{key} '{s}' is not a date")),
        // Ghost 0.x: milliseconds.
        Some(Value::Number(n)) => Ok(n.as_i64().map(|ms| ms / 1000)),
        Some(other) => Err(format!("{key} is {other}, not a date")),
    }
}

/// Reads a Ghost export.
pub fn parse(bytes: &[u8]) -> Result<Site, GhostError> {
    let root: Value = serde_json::from_slice(bytes).map_err(|e| GhostError::Json(e.to_string()))?;
    let data = root
        .get("db")
        .and_then(|db| db.get(0))
        .and_then(|db| db.get("data"))
        .or_else(|| root.get("data"))
        .ok_or_else(|| GhostError::NotGhost("no db[0].data (or data) object".into()))?;
    for list in ["posts", "users", "tags", "posts_tags", "posts_authors"] {
        if data
            .get(list)
            .is_some_and(|v| !v.is_array() && !v.is_null())
        {
            return Err(GhostError::NotGhost(format!("data.{list} is not a list")));
        }
    }
    let data: Data = serde_json::from_value(data.clone())
        .map_err(|e| GhostError::NotGhost(format!("data: {e}")))?;
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut authors = Vec::new();
    for (n, u) in data.users.iter().enumerate() {
        let Some(id) = text(u, "id") else {
            return Err(GhostError::Item {
                item: format!("users[{n}]"),
                reason: "no id".into(),
            });
        };
        authors.push(Author {
            name: text(u, "name").unwrap_or_else(|| id.clone()),
            bio: text(u, "bio").unwrap_or_default(),
            id,
        });
    }
    let tag_names: HashMap<String, (String, bool)> = data
        .tags
        .iter()
        .filter_map(|t| {
            let name = text(t, "name")?;
            let internal =
                name.starts_with('#') || text(t, "visibility").is_some_and(|v| v == "internal");
            Some((text(t, "id")?, (name, internal)))
        })
        .collect();
    let mut post_tags: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    for pt in &data.posts_tags {
        let (Some(post), Some(tag)) = (text(pt, "post_id"), text(pt, "tag_id")) else {
            continue;
        };
        match tag_names.get(&tag) {
            Some((_, true)) => {}
            Some((name, false)) => post_tags.entry(post).or_default().push((
                pt.get("sort_order").and_then(Value::as_i64).unwrap_or(0),
                name.clone(),
            )),
            None => problems.push(Problem {
                item: format!("post {post} tag {tag}"),
                reason: "no such tag in the export".into(),
            }),
        }
    }
    let mut post_authors: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    for pa in &data.posts_authors {
        if let (Some(post), Some(author)) = (text(pa, "post_id"), text(pa, "author_id")) {
            post_authors.entry(post).or_default().push((
                pa.get("sort_order").and_then(Value::as_i64).unwrap_or(0),
                author,
            ));
        }
    }
    let mut posts = Vec::new();
    for (n, p) in data.posts.iter().enumerate() {
        let Some(id) = text(p, "id") else {
            problems.push(Problem {
                item: format!("posts[{n}]"),
                reason: "no id".into(),
            });
            continue;
        };
        let kind = match text(p, "type").as_deref() {
            None | Some("post") => Kind::Post,
            Some("page") => Kind::Page,
            Some(other) => {
                problems.push(Problem {
                    item: format!("post {id}"),
                    reason: format!("type '{other}' is not imported"),
                });
                continue;
            }
        };
        // Ghost 0.x marked pages with `page: true`.
        let kind = if p.get("page").and_then(Value::as_bool) == Some(true) {
            Kind::Page
        } else {
            kind
        };
        let name = if kind == Kind::Post { "post" } else { "page" };
        let item = format!("{name} {id}");
        let mut status = match text(p, "status").as_deref() {
            Some("published") => Status::Published,
            Some("draft") | None => Status::Draft,
            Some("scheduled") => Status::Scheduled,
            // Sent by e-mail only, never on the site.
            Some("sent") => Status::Draft,
            Some(other) => {
                problems.push(Problem {
                    item,
                    reason: format!("unknown status '{other}'"),
                });
                continue;
            }
        };
        if let Some(v) = text(p, "visibility").filter(|v| v != "public")
            && status != Status::Draft
        {
            notes.push(Problem {
                item: item.clone(),
                reason: format!("visible to '{v}' on Ghost: imported as a draft, not published"),
            });
            status = Status::Draft;
        }
        let published_at = match time(p, "published_at") {
            Ok(t) => t.or(time(p, "created_at").ok().flatten()),
            Err(reason) => {
                problems.push(Problem { item, reason });
                continue;
            }
        };
        let html = match text(p, "html").filter(|h| !h.trim().is_empty()) {
            Some(h) => h,
            None => match body_from_documents(p) {
                Ok(h) => h,
                Err(reason) => {
                    problems.push(Problem { item, reason });
                    continue;
                }
            },
        };
        let mut authors: Vec<(i64, String)> = post_authors.remove(&id).unwrap_or_default();
        authors.sort();
        let mut authors: Vec<String> = authors.into_iter().map(|(_, a)| a).collect();
        if authors.is_empty()
            && let Some(a) = text(p, "author_id").or_else(|| text(p, "created_by"))
        {
            authors.push(a);
        }
        let mut tags = post_tags.remove(&id).unwrap_or_default();
        tags.sort();
        let tags: Vec<String> = tags.into_iter().map(|(_, t)| t).collect();
        posts.push(Post {
            id,
            kind,
            title: text(p, "title").unwrap_or_default(),
            html,
            status,
            published_at,
            authors,
            // A tag naming one of Hao's channels chooses it, and stays a tag.
            categories: tags.clone(),
            tags,
            feature_image: text(p, "feature_image").filter(|f| !f.is_empty()),
            comments: Vec::new(),
        });
    }
    Ok(Site {
        platform: Platform::Ghost,
        // Ghost's ids are global (ObjectIds).
        key: String::new(),
        authors,
        posts,
        problems,
        notes,
    })
}

/// HTML from a post's `lexical` or `mobiledoc` document (exports made
/// without rendered HTML).
fn body_from_documents(p: &Value) -> Result<String, String> {
    if let Some(l) = text(p, "lexical") {
        let doc: Value =
            serde_json::from_str(&l).map_err(|e| format!("lexical is not JSON: {e}"))?;
        let mut out = String::new();
        if let Some(children) = doc.pointer("/root/children").and_then(Value::as_array) {
            for c in children {
                lexical_node(c, &mut out);
            }
        }
        return Ok(out);
    }
    if let Some(m) = text(p, "mobiledoc") {
        let doc: Value =
            serde_json::from_str(&m).map_err(|e| format!("mobiledoc is not JSON: {e}"))?;
        return Ok(mobiledoc(&doc));
    }
    Err("no html, lexical or mobiledoc body".into())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn lexical_node(n: &Value, out: &mut String) {
    let kind = n.get("type").and_then(Value::as_str).unwrap_or("");
    let children = |out: &mut String| {
        for c in n
            .get("children")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            lexical_node(c, out);
        }
    };
    match kind {
        "text" | "extended-text" => {
            let t = esc(n.get("text").and_then(Value::as_str).unwrap_or(""));
            let format = n.get("format").and_then(Value::as_i64).unwrap_or(0);
            let t = if format & 1 != 0 {
                format!("<strong>{t}</strong>")
            } else {
                t
            };
            let t = if format & 2 != 0 {
                format!("<em>{t}</em>")
            } else {
                t
            };
            out.push_str(&t);
        }
        "linebreak" => out.push_str("<br>"),
        "paragraph" => {
            out.push_str("<p>");
            children(out);
            out.push_str("</p>");
        }
        "heading" | "extended-heading" => {
            let tag = n
                .get("tag")
                .and_then(Value::as_str)
                .filter(|t| matches!(*t, "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
                .unwrap_or("h2");
            out.push_str(&format!("<{tag}>"));
            children(out);
            out.push_str(&format!("</{tag}>"));
        }
        "quote" | "aside" => {
            out.push_str("<blockquote>");
            children(out);
            out.push_str("</blockquote>");
        }
        "list" => {
            let tag = if n.get("listType").and_then(Value::as_str) == Some("number") {
                "ol"
            } else {
                "ul"
            };
            out.push_str(&format!("<{tag}>"));
            children(out);
            out.push_str(&format!("</{tag}>"));
        }
        "listitem" => {
            out.push_str("<li>");
            children(out);
            out.push_str("</li>");
        }
        "link" | "autolink" => {
            let url = n.get("url").and_then(Value::as_str).unwrap_or("");
            out.push_str(&format!("<a href=\"{}\">", esc(url)));
            children(out);
            out.push_str("</a>");
        }
        "image" => {
            let src = n.get("src").and_then(Value::as_str).unwrap_or("");
            let alt = n.get("alt").and_then(Value::as_str).unwrap_or("");
            out.push_str(&format!(
                "<p><img src=\"{}\" alt=\"{}\"></p>",
                esc(src),
                esc(alt)
            ));
        }
        "html" => out.push_str(n.get("html").and_then(Value::as_str).unwrap_or("")),
        "markdown" => {
            // Ghost's Markdown card: kept as text in a paragraph of its own.
            let md = n.get("markdown").and_then(Value::as_str).unwrap_or("");
            out.push_str(&format!("<p>{}</p>", esc(md)));
        }
        "horizontalrule" => out.push_str("<hr>"),
        _ => children(out),
    }
}

/// Mobiledoc 0.3: markup sections, lists and the common cards.
fn mobiledoc(doc: &Value) -> String {
    let empty = Vec::new();
    let markups = doc
        .get("markups")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let cards = doc.get("cards").and_then(Value::as_array).unwrap_or(&empty);
    let markers = |list: &Value, out: &mut String| {
        let mut open: Vec<String> = Vec::new();
        for m in list.as_array().into_iter().flatten() {
            let opens = m
                .get(1)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for o in opens {
                let Some(mk) = o.as_u64().and_then(|i| markups.get(i as usize)) else {
                    continue;
                };
                let tag = mk
                    .get(0)
                    .and_then(Value::as_str)
                    .unwrap_or("span")
                    .to_lowercase();
                let tag = if matches!(
                    tag.as_str(),
                    "strong" | "b" | "em" | "i" | "a" | "code" | "s"
                ) {
                    tag
                } else {
                    "span".into()
                };
                if tag == "a" {
                    let attrs = mk
                        .get(1)
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    let href = attrs
                        .chunks(2)
                        .find(|kv| kv.first().and_then(Value::as_str) == Some("href"))
                        .and_then(|kv| kv.get(1).and_then(Value::as_str))
                        .unwrap_or("");
                    out.push_str(&format!("<a href=\"{}\">", esc(href)));
                } else {
                    out.push_str(&format!("<{tag}>"));
                }
                open.push(tag);
            }
            out.push_str(&esc(m.get(3).and_then(Value::as_str).unwrap_or("")));
            let closes = m.get(2).and_then(Value::as_u64).unwrap_or(0);
            for _ in 0..closes {
                if let Some(tag) = open.pop() {
                    out.push_str(&format!("</{tag}>"));
                }
            }
        }
        while let Some(tag) = open.pop() {
            out.push_str(&format!("</{tag}>"));
        }
    };
    let mut out = String::new();
    for s in doc
        .get("sections")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match s.get(0).and_then(Value::as_u64) {
            Some(1) => {
                let tag = s
                    .get(1)
                    .and_then(Value::as_str)
                    .unwrap_or("p")
                    .to_lowercase();
                let tag = if matches!(
                    tag.as_str(),
                    "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote"
                ) {
                    tag
                } else {
                    "p".into()
                };
                out.push_str(&format!("<{tag}>"));
                markers(s.get(2).unwrap_or(&Value::Null), &mut out);
                out.push_str(&format!("</{tag}>"));
            }
            Some(3) => {
                let tag = if s.get(1).and_then(Value::as_str) == Some("ol") {
                    "ol"
                } else {
                    "ul"
                };
                out.push_str(&format!("<{tag}>"));
                for item in s.get(2).and_then(Value::as_array).into_iter().flatten() {
                    out.push_str("<li>");
                    markers(item, &mut out);
                    out.push_str("</li>");
                }
                out.push_str(&format!("</{tag}>"));
            }
            Some(10) => {
                let Some(card) = s
                    .get(1)
                    .and_then(Value::as_u64)
                    .and_then(|i| cards.get(i as usize))
                else {
                    continue;
                };
                let payload = card.get(1).cloned().unwrap_or(Value::Null);
                match card.get(0).and_then(Value::as_str) {
                    Some("image") => {
                        let src = payload.get("src").and_then(Value::as_str).unwrap_or("");
                        out.push_str(&format!("<p><img src=\"{}\"></p>", esc(src)));
                    }
                    Some("html") => {
                        out.push_str(payload.get("html").and_then(Value::as_str).unwrap_or(""))
                    }
                    Some("markdown" | "card-markdown") => {
                        let md = payload
                            .get("markdown")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        out.push_str(&format!("<p>{}</p>", esc(md)));
                    }
                    Some("hr") => out.push_str("<hr>"),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    out
}
