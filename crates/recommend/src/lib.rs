//! Hao's ranking: pure functions over plain data. They decide which articles a
//! list shows and why; the store only supplies candidates.
//!
//! Architecture Invariant: nothing here does I/O or reads the clock; time comes
//! in as an argument, so every ranking is reproducible in a test.

pub mod feed;
pub mod hot;

use std::collections::HashSet;

use hao_domain::ArticleSummary;

/// An article chosen for a list, with the short reason shown beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub article: ArticleSummary,
    pub reason: String,
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
                reason: (*reason).to_owned(),
            });
        }
    }
    out
}

/// A candidate for 相关推荐: an article, its text-similarity score (BM25 of
/// the source's keywords) and its own keywords.
#[derive(Debug, Clone)]
pub struct RelatedCandidate {
    pub article: ArticleSummary,
    pub score: f32,
    pub keywords: Vec<String>,
}

/// The article 相关推荐 is computed for.
#[derive(Debug, Clone, Copy)]
pub struct RelatedSource<'a> {
    pub id: i64,
    pub channel: hao_domain::Channel,
    pub keywords: &'a [String],
}

/// Same-channel candidates weigh this much more.
const SAME_CHANNEL: f32 = 1.25;
/// Recency: an article loses up to a fifth of its weight, half of that per
/// 30 days of age.
const RECENCY_SHARE: f32 = 0.2;
const RECENCY_HALF_LIFE_DAYS: f32 = 30.0;

/// 相关推荐: candidates re-ranked by similarity × same channel × recency, never
/// the source itself or an id in `exclude` (its near-duplicates), never two
/// with the same title, at most two per creator; each with its reason — the
/// keywords it shares with the source (「俄乌 · 和谈」), or 同频道相关.
pub fn related(
    source: RelatedSource<'_>,
    candidates: &[RelatedCandidate],
    exclude: &HashSet<i64>,
    now: i64,
    limit: usize,
) -> Vec<Pick> {
    let mut scored: Vec<(f32, &RelatedCandidate)> = candidates
        .iter()
        .filter(|c| c.article.id != source.id && !exclude.contains(&c.article.id))
        .map(|c| {
            let channel = if c.article.channel == source.channel {
                SAME_CHANNEL
            } else {
                1.0
            };
            let age_days = (now - c.article.published_at).max(0) as f32 / 86_400.0;
            let recency = 1.0 - RECENCY_SHARE
                + RECENCY_SHARE * 0.5f32.powf(age_days / RECENCY_HALF_LIFE_DAYS);
            (c.score * channel * recency, c)
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.article.published_at.cmp(&a.1.article.published_at))
            .then(a.1.article.id.cmp(&b.1.article.id))
    });
    let mut titles = HashSet::new();
    let mut creators: std::collections::HashMap<i64, usize> = Default::default();
    let mut out = Vec::with_capacity(limit);
    for (_, c) in scored {
        if out.len() == limit {
            break;
        }
        if !titles.insert(c.article.title.as_str()) {
            continue;
        }
        let n = creators.entry(c.article.creator_id).or_default();
        if *n >= 2 {
            continue;
        }
        *n += 1;
        let shared: Vec<&str> = source
            .keywords
            .iter()
            .filter(|k| c.keywords.contains(k))
            .map(String::as_str)
            .take(2)
            .collect();
        let reason = if !shared.is_empty() {
            format!("「{}」", shared.join(" · "))
        } else if c.article.channel == source.channel {
            "同频道相关".to_owned()
        } else {
            "内容相关".to_owned()
        };
        out.push(Pick {
            article: c.article.clone(),
            reason,
        });
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
            comments: 0,
        }
    }

    fn check(
        lists: &[(&[ArticleSummary], &'static str)],
        exclude: Option<i64>,
        per: usize,
        limit: usize,
        expected: &[(i64, &str)],
    ) {
        let got: Vec<(i64, String)> = merge(lists, exclude, per, limit)
            .into_iter()
            .map(|p| (p.article.id, p.reason))
            .collect();
        let expected: Vec<(i64, String)> = expected
            .iter()
            .map(|(id, r)| (*id, (*r).to_owned()))
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

    fn cand(
        id: i64,
        creator: i64,
        channel: Channel,
        days_old: i64,
        score: f32,
        kw: &[&str],
    ) -> RelatedCandidate {
        let mut article = a(id, creator, &format!("标题{id}"));
        article.channel = channel;
        article.published_at = NOW - days_old * 86_400;
        RelatedCandidate {
            article,
            score,
            keywords: kw.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    const NOW: i64 = 1_800_000_000;

    fn ids(picks: &[Pick]) -> Vec<i64> {
        picks.iter().map(|p| p.article.id).collect()
    }

    #[test]
    fn related_ranking_cases() {
        let kw: Vec<String> = ["俄乌", "和谈", "停火"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let src = RelatedSource {
            id: 1,
            channel: Channel::Military,
            keywords: &kw,
        };
        let none = HashSet::new();
        // (name, candidates, exclude, limit, expected ids)
        // (name, candidates, exclude, limit, expected ids)
        type Case = (
            &'static str,
            Vec<RelatedCandidate>,
            Vec<i64>,
            usize,
            Vec<i64>,
        );
        let cases: Vec<Case> = vec![
            (
                "higher similarity first",
                vec![
                    cand(2, 2, Channel::Military, 1, 5.0, &[]),
                    cand(3, 3, Channel::Military, 1, 9.0, &[]),
                ],
                vec![],
                5,
                vec![3, 2],
            ),
            (
                "never the article itself",
                vec![
                    cand(1, 1, Channel::Military, 0, 99.0, &[]),
                    cand(2, 2, Channel::Military, 1, 1.0, &[]),
                ],
                vec![],
                5,
                vec![2],
            ),
            (
                "never an excluded near-duplicate",
                vec![
                    cand(2, 2, Channel::Military, 1, 9.0, &[]),
                    cand(3, 3, Channel::Military, 1, 1.0, &[]),
                ],
                vec![2],
                5,
                vec![3],
            ),
            (
                "same channel outweighs a slightly better score elsewhere",
                vec![
                    cand(2, 2, Channel::Finance, 1, 10.0, &[]),
                    cand(3, 3, Channel::Military, 1, 9.0, &[]),
                ],
                vec![],
                5,
                vec![3, 2],
            ),
            (
                "but not a much better one",
                vec![
                    cand(2, 2, Channel::Finance, 1, 20.0, &[]),
                    cand(3, 3, Channel::Military, 1, 9.0, &[]),
                ],
                vec![],
                5,
                vec![2, 3],
            ),
            (
                "equal similarity: the newer first",
                vec![
                    cand(2, 2, Channel::Military, 60, 9.0, &[]),
                    cand(3, 3, Channel::Military, 1, 9.0, &[]),
                ],
                vec![],
                5,
                vec![3, 2],
            ),
            (
                "recency never beats a clearly closer text",
                vec![
                    cand(2, 2, Channel::Military, 365, 12.0, &[]),
                    cand(3, 3, Channel::Military, 0, 9.0, &[]),
                ],
                vec![],
                5,
                vec![2, 3],
            ),
            (
                "at most two per creator",
                vec![
                    cand(2, 7, Channel::Military, 1, 9.0, &[]),
                    cand(3, 7, Channel::Military, 1, 8.0, &[]),
                    cand(4, 7, Channel::Military, 1, 7.0, &[]),
                    cand(5, 8, Channel::Military, 1, 1.0, &[]),
                ],
                vec![],
                5,
                vec![2, 3, 5],
            ),
            (
                "the limit holds",
                vec![
                    cand(2, 2, Channel::Military, 1, 3.0, &[]),
                    cand(3, 3, Channel::Military, 1, 2.0, &[]),
                    cand(4, 4, Channel::Military, 1, 1.0, &[]),
                ],
                vec![],
                2,
                vec![2, 3],
            ),
            ("nothing to recommend", vec![], vec![], 5, vec![]),
        ];
        for (name, candidates, exclude, limit, expected) in cases {
            let exclude: HashSet<i64> = exclude.into_iter().collect();
            let got = related(src, &candidates, &exclude, NOW, limit);
            assert_eq!(ids(&got), expected, "{name}");
        }
        // Reasons: shared keywords in the source's order, else the channel.
        let got = related(
            src,
            &[
                cand(2, 2, Channel::Military, 1, 9.0, &["停火", "和谈", "俄乌"]),
                cand(3, 3, Channel::Military, 1, 8.0, &["无关"]),
                cand(4, 4, Channel::Finance, 1, 1.0, &[]),
            ],
            &none,
            NOW,
            5,
        );
        let reasons: Vec<&str> = got.iter().map(|p| p.reason.as_str()).collect();
        assert_eq!(reasons, vec!["「俄乌 · 和谈」", "同频道相关", "内容相关"]);
    }
}
