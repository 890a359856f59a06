//! Turning rows into domain values. Column lists live next to their decoders
//! so that a query and its decoder cannot drift apart.

use hao_domain::{
    AccountType, Article, ArticleStatus, ArticleSummary, Channel, Creator, Originality,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

pub(crate) const SUMMARY_COLUMNS: &str = "a.id, a.external_id, a.title, a.summary, a.channel, \
     a.creator_id, c.display_name, a.published_at, a.views, a.cover_url, a.comments";
/// How many columns `SUMMARY_COLUMNS` selects (the index of a column after them).
pub(crate) const SUMMARY_COLUMN_COUNT: usize = 11;

pub(crate) fn summary(row: &AnyRow) -> Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: row.try_get(0)?,
        external_id: row.try_get(1)?,
        title: row.try_get(2)?,
        summary: row.try_get(3)?,
        channel: channel(row.try_get(4)?)?,
        creator_id: row.try_get(5)?,
        creator_name: row.try_get(6)?,
        published_at: row.try_get(7)?,
        views: row.try_get(8)?,
        cover_url: row.try_get(9)?,
        comments: row.try_get(10)?,
    })
}

pub(crate) const ARTICLE_COLUMNS: &str = "id, external_id, creator_id, channel, title, \
     body_markdown, body_html, summary, cover_url, tags, original, source_name, source_url, \
     status, published_at, updated_at, views, shares, listed, keywords, likes, comments, \
     comments_closed";

pub(crate) fn article(row: &AnyRow) -> Result<Article> {
    let tags: String = row.try_get(9)?;
    let original: i64 = row.try_get(10)?;
    let originality = if original != 0 {
        Originality::Original
    } else {
        Originality::Reprint {
            source_name: row.try_get::<Option<String>, _>(11)?.unwrap_or_default(),
            source_url: row.try_get(12)?,
        }
    };
    let status: String = row.try_get(13)?;
    Ok(Article {
        id: row.try_get(0)?,
        external_id: row.try_get(1)?,
        creator_id: row.try_get(2)?,
        channel: channel(row.try_get(3)?)?,
        title: row.try_get(4)?,
        body_markdown: row.try_get(5)?,
        body_html: row.try_get(6)?,
        summary: row.try_get(7)?,
        cover_url: row.try_get(8)?,
        tags: split_tags(&tags),
        originality,
        status: ArticleStatus::parse(&status).ok_or_else(|| StoreError::Corrupt {
            table: "articles",
            reason: format!("unknown status '{status}'"),
        })?,
        published_at: row.try_get(14)?,
        updated_at: row.try_get(15)?,
        views: row.try_get(16)?,
        shares: row.try_get(17)?,
        likes: row.try_get(20)?,
        comments: row.try_get(21)?,
        comments_closed: row.try_get::<i64, _>(22)? != 0,
        listed: row.try_get::<i64, _>(18)? != 0,
        keywords: split_tags(&row.try_get::<String, _>(19)?),
    })
}

pub(crate) const CREATOR_COLUMNS: &str = "c.id, c.display_name, c.avatar_url, c.bio, \
     c.account_type, c.follower_count, c.is_demo, c.is_official, c.created_at, \
     (SELECT COUNT(*) FROM articles a WHERE a.creator_id = c.id AND a.status = 'published'), \
     c.imported_from";

pub(crate) fn creator(row: &AnyRow) -> Result<Creator> {
    let account_type: String = row.try_get(4)?;
    Ok(Creator {
        id: row.try_get(0)?,
        display_name: row.try_get(1)?,
        avatar_url: row.try_get(2)?,
        bio: row.try_get(3)?,
        account_type: AccountType::parse(&account_type).ok_or_else(|| StoreError::Corrupt {
            table: "creators",
            reason: format!("unknown account type '{account_type}'"),
        })?,
        follower_count: row.try_get(5)?,
        is_demo: row.try_get::<i64, _>(6)? != 0,
        is_official: row.try_get::<i64, _>(7)? != 0,
        created_at: row.try_get(8)?,
        article_count: row.try_get(9)?,
        imported_from: row.try_get(10)?,
    })
}

pub(crate) fn channel(slug: String) -> Result<Channel> {
    Channel::parse(&slug).map_err(|_| StoreError::Corrupt {
        table: "articles",
        reason: format!("unknown channel '{slug}'"),
    })
}

/// Deletes the rows of `articles` (by `article_id`) from each of `tables`,
/// 500 ids a statement.
pub(crate) async fn delete_of_articles(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tables: &[&str],
    articles: &[i64],
) -> Result<()> {
    for chunk in articles.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        for table in tables {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE article_id IN ({})",
                list.join(", ")
            ))
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// The pairs of integers of a string of them joined by spaces (a query's
/// matches joined into one row, see `Store::joined`); none for `None`.
pub(crate) fn int_pairs(joined: Option<&str>) -> impl Iterator<Item = (i64, i64)> + '_ {
    let mut numbers = joined
        .unwrap_or_default()
        .split(' ')
        .filter_map(|n| n.parse::<i64>().ok());
    std::iter::from_fn(move || Some((numbers.next()?, numbers.next()?)))
}

/// Integers as one JSON array, the text bound to [`int_list`]'s parameter.
pub(crate) fn json_ints(ints: impl IntoIterator<Item = i64>) -> String {
    use std::fmt::Write;
    let mut out = String::from("[");
    for (i, n) in ints.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{n}");
    }
    out.push(']');
    out
}

/// Pairs of integers as one JSON array of two-element arrays.
pub(crate) fn json_int_pairs(pairs: &[(i64, i64)]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(pairs.len() * 24 + 2);
    out.push('[');
    for (i, (a, b)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{a},{b}]");
    }
    out.push(']');
    out
}

/// A subquery of the integers bound to `$param` as a JSON array (see
/// [`json_ints`]), for `IN (…)`: one statement text whatever the list, so
/// the statement is prepared once. Integers written into the statement
/// made a new statement each time, and preparing them (each literal coded
/// into the list) was a twentieth of an import's database thread; bound
/// one a parameter, SQLite finds each parameter's name by a scan of the
/// statement's names (see `upsert_articles`).
pub(crate) fn int_list(backend: crate::Backend, param: usize) -> String {
    match backend {
        crate::Backend::Sqlite => format!("SELECT value FROM json_each(${param})"),
        crate::Backend::Postgres => {
            format!("SELECT value::bigint FROM json_array_elements_text(${param}::json) AS value")
        }
    }
}

/// `$first, $first+1, …`: `count` numbered parameters for an `IN (…)` list.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Tags are stored one per line: a tag never contains a line break.
pub(crate) fn join_tags(tags: &[String]) -> String {
    tags.join("\n")
}

pub(crate) fn split_tags(s: &str) -> Vec<String> {
    s.lines()
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}
