//! Hao's ranking: pure functions over plain data. They decide which articles a
//! list shows and why; the store only supplies candidates.
//!
//! Architecture Invariant: nothing here does I/O or reads the clock; time comes
//! in as an argument, so every ranking is reproducible in a test.

use std::collections::HashSet;

use hao_domain::ArticleSummary;

/// An article chosen for a list, with the short reason shown beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub article: ArticleSummary,
    pub reason: &'static str,
}

/// Merges candidate lists in priority order into at most `limit` picks:
/// never the same article twice, never two articles with the same title (the
/// same story reposted), never `exclude`, and at most `per_creator` articles
/// by one creator. Each list carries the reason given to its picks.
pub fn merge(
    lists: &[(&[ArticleSummary], &'static str)],
    exclude: Option<i64>,
    per_creator: usize,
    limit: usize,
) -> Vec<Pick> {
    let mut ids = HashSet::new();
    let mut titles = HashSet::new();
    let mut creators: std::collections::HashMap<i64, usize> = Default::default();
    let mut out = Vec::with_capacity(limit);
    for (list, reason) in lists {
        for a in *list {
            if out.len() == limit {
                return out;
            }
            if Some(a.id) == exclude || ids.contains(&a.id) || titles.contains(a.title.as_str()) {
                continue;
            }
            let n = creators.entry(a.creator_id).or_default();
            if *n >= per_creator {
                continue;
            }
            *n += 1;
            ids.insert(a.id);
            titles.insert(a.title.as_str());
            out.push(Pick {
                article: a.clone(),
                reason,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hao_domain::Channel;

    fn a(id: i64, creator: i64, title: &str) -> ArticleSummary {
        ArticleSummary {
            id,
            external_id: format!("x{id}"),
            title: title.to_owned(),
            summary: String::new(),
            channel: Channel::Local,
            creator_id: creator,
            creator_name: format!("c{creator}"),
            published_at: 0,
            views: 0,
            cover_url: None,
        }
    }

    fn check(
        lists: &[(&[ArticleSummary], &'static str)],
        exclude: Option<i64>,
        per: usize,
        limit: usize,
        expected: &[(i64, &str)],
    ) {
        let got: Vec<(i64, &str)> = merge(lists, exclude, per, limit)
            .iter()
            .map(|p| (p.article.id, p.reason))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn merging() {
        let hot = [a(1, 1, "甲"), a(2, 1, "乙"), a(3, 1, "丙"), a(4, 2, "丁")];
        let fresh = [a(4, 2, "丁"), a(5, 3, "戊"), a(6, 3, "甲")];
        // Priority order, de-duplicated by id, title and creator quota.
        check(
            &[(&hot, "热"), (&fresh, "新")],
            None,
            2,
            10,
            &[(1, "热"), (2, "热"), (4, "热"), (5, "新")],
        );
        // The article itself is never recommended.
        check(
            &[(&hot, "热")],
            Some(1),
            2,
            10,
            &[(2, "热"), (3, "热"), (4, "热")],
        );
        // The limit holds.
        check(
            &[(&hot, "热"), (&fresh, "新")],
            None,
            5,
            2,
            &[(1, "热"), (2, "热")],
        );
        // Empty input, empty output.
        check(&[], None, 2, 5, &[]);
        check(&[(&hot, "热")], None, 2, 0, &[]);
    }
}
