//! The personal feed (推荐): followed creators' new articles, articles like
//! the ones a reader read (their history, decaying), hot and fresh ones,
//! interleaved and de-duplicated, each with the reason it is there.

use std::collections::{HashMap, HashSet};

use hao_domain::ArticleSummary;

use crate::Pick;

/// A reading older by this many seconds weighs half as much.
pub const HISTORY_HALF_LIFE: f64 = 3.0 * 24.0 * 3600.0;
/// At most this many items of one creator in a feed.
pub const PER_CREATOR: usize = 3;

/// Candidates of a feed, each list best first.
#[derive(Debug, Default, Clone, Copy)]
pub struct FeedInput<'a> {
    /// New articles of the creators the reader follows.
    pub followed: &'a [ArticleSummary],
    /// Articles related to the reader's reads, with the title of the read
    /// article each is related to.
    pub similar: &'a [(ArticleSummary, String)],
    pub hot: &'a [ArticleSummary],
    pub fresh: &'a [ArticleSummary],
    /// Articles the reader has read: never offered again.
    pub read: &'a [i64],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Followed,
    Similar,
    Hot,
    Fresh,
}

/// The order sources take turns in: what the reader chose (follows) and what
/// they showed interest in (history) lead, hot and fresh keep it open.
const PATTERN: [Source; 8] = [
    Source::Followed,
    Source::Similar,
    Source::Hot,
    Source::Similar,
    Source::Followed,
    Source::Fresh,
    Source::Hot,
    Source::Similar,
];

/// Interleaves the candidates into at most `limit` picks: sources take turns
/// (a source with nothing left gives its turn to the next), never an article
/// twice or one already read, never two of the same title, at most
/// [`PER_CREATOR`] per creator.
pub fn feed(input: &FeedInput<'_>, limit: usize) -> Vec<Pick> {
    let read: HashSet<i64> = input.read.iter().copied().collect();
    let mut ids = HashSet::new();
    let mut titles: HashSet<&str> = HashSet::new();
    let mut creators: HashMap<i64, usize> = HashMap::new();
    let mut next = [0usize; 4];
    let mut out = Vec::with_capacity(limit);
    let len = |s: Source| match s {
        Source::Followed => input.followed.len(),
        Source::Similar => input.similar.len(),
        Source::Hot => input.hot.len(),
        Source::Fresh => input.fresh.len(),
    };
    let mut turn = 0usize;
    while out.len() < limit {
        // This turn's source, or the next one that still has candidates.
        let Some(source) = (0..PATTERN.len())
            .map(|k| PATTERN[(turn + k) % PATTERN.len()])
            .find(|s| next[*s as usize] < len(*s))
        else {
            break;
        };
        turn += 1;
        // Its next acceptable candidate.
        while next[source as usize] < len(source) {
            let i = next[source as usize];
            next[source as usize] += 1;
            let (article, reason) = match source {
                Source::Followed => {
                    let a = &input.followed[i];
                    (a, format!("因为你关注了{}", a.creator_name))
                }
                Source::Similar => {
                    let (a, because) = &input.similar[i];
                    (a, format!("与你读过的《{because}》相关"))
                }
                Source::Hot => (&input.hot[i], "热点".to_owned()),
                Source::Fresh => (&input.fresh[i], "最新".to_owned()),
            };
            if read.contains(&article.id)
                || ids.contains(&article.id)
                || titles.contains(article.title.as_str())
                || creators.get(&article.creator_id).copied().unwrap_or(0) >= PER_CREATOR
            {
                continue;
            }
            ids.insert(article.id);
            titles.insert(article.title.as_str());
            *creators.entry(article.creator_id).or_default() += 1;
            out.push(Pick {
                article: article.clone(),
                reason,
            });
            break;
        }
    }
    out
}

/// Articles related to a reader's history, best first: each read article
/// (id, title, read at) lends its related list (best first) a weight that
/// halves every [`HISTORY_HALF_LIFE`] and falls with the rank in the list.
/// Returns (candidate id, title of the read article it owes most to).
pub fn similar_to_history(
    history: &[(i64, String, i64)],
    related: impl Fn(i64) -> Vec<i64>,
    now: i64,
) -> Vec<(i64, String)> {
    let read: HashSet<i64> = history.iter().map(|h| h.0).collect();
    // candidate → (score, best contribution, index of its read article)
    let mut scores: HashMap<i64, (f64, f64, usize)> = HashMap::new();
    for (k, (id, _, at)) in history.iter().enumerate() {
        let age = (now - at).max(0) as f64;
        let weight = (-age / HISTORY_HALF_LIFE).exp2();
        for (rank, candidate) in related(*id).into_iter().enumerate() {
            if read.contains(&candidate) {
                continue;
            }
            let c = weight / (rank as f64 + 1.0);
            let e = scores.entry(candidate).or_insert((0.0, 0.0, k));
            e.0 += c;
            if c > e.1 {
                e.1 = c;
                e.2 = k;
            }
        }
    }
    let mut out: Vec<(i64, f64, usize)> = scores
        .into_iter()
        .map(|(id, (score, _, k))| (id, score, k))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out.into_iter()
        .map(|(id, _, k)| (id, history[k].1.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hao_domain::Channel;

    fn a(id: i64, creator: i64) -> ArticleSummary {
        ArticleSummary {
            id,
            external_id: format!("x{id}"),
            title: format!("标题{id}"),
            summary: String::new(),
            channel: Channel::Tech,
            creator_id: creator,
            creator_name: format!("作者{creator}"),
            published_at: 0,
            views: 0,
            cover_url: None,
            comments: 0,
        }
    }

    fn ids(picks: &[Pick]) -> Vec<i64> {
        picks.iter().map(|p| p.article.id).collect()
    }

    #[test]
    fn sources_take_turns_and_every_item_says_why() {
        let followed = [a(1, 10), a(2, 10)];
        let similar = [
            (a(11, 20), "读过的文章".to_owned()),
            (a(12, 21), "读过的文章".to_owned()),
        ];
        let hot = [a(21, 30), a(22, 31)];
        let fresh = [a(31, 40)];
        let input = FeedInput {
            followed: &followed,
            similar: &similar,
            hot: &hot,
            fresh: &fresh,
            read: &[],
        };
        let picks = feed(&input, 10);
        assert_eq!(ids(&picks), [1, 11, 21, 12, 2, 31, 22]);
        assert_eq!(picks[0].reason, "因为你关注了作者10");
        assert_eq!(picks[1].reason, "与你读过的《读过的文章》相关");
        assert_eq!(picks[2].reason, "热点");
        assert_eq!(picks[5].reason, "最新");
        assert_eq!(ids(&feed(&input, 3)), [1, 11, 21]);
    }

    #[test]
    fn duplicates_reads_and_one_creator_are_kept_in_check() {
        // (case, followed, similar, hot, fresh, read, expected)
        type Case = (
            &'static str,
            Vec<ArticleSummary>,
            Vec<ArticleSummary>,
            Vec<ArticleSummary>,
            Vec<ArticleSummary>,
            Vec<i64>,
            Vec<i64>,
        );
        let cases: Vec<Case> = vec![
            (
                "an article in two sources appears once",
                vec![a(1, 1)],
                vec![a(1, 1)],
                vec![a(1, 1), a(2, 2)],
                vec![],
                vec![],
                vec![1, 2],
            ),
            (
                "read articles are never offered",
                vec![a(1, 1)],
                vec![],
                vec![a(2, 2), a(3, 3)],
                vec![],
                vec![1, 2],
                vec![3],
            ),
            (
                "at most three per creator",
                (1..=6).map(|i| a(i, 9)).collect(),
                vec![],
                vec![a(7, 9), a(8, 8)],
                vec![],
                vec![],
                vec![1, 7, 8, 2],
            ),
            (
                "anonymous: hot and fresh only",
                vec![],
                vec![],
                vec![a(1, 1), a(2, 2)],
                vec![a(3, 3), a(1, 1)],
                vec![],
                vec![1, 2, 3],
            ),
            (
                "nothing at all",
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
            ),
        ];
        for (name, followed, similar, hot, fresh, read, want) in cases {
            let similar: Vec<(ArticleSummary, String)> =
                similar.into_iter().map(|s| (s, "x".to_owned())).collect();
            let input = FeedInput {
                followed: &followed,
                similar: &similar,
                hot: &hot,
                fresh: &fresh,
                read: &read,
            };
            assert_eq!(ids(&feed(&input, 20)), want, "{name}");
        }
        // The same title (a repost) only once.
        let mut repost = a(5, 5);
        repost.title = "标题1".into();
        let hot = [a(1, 1), repost];
        let input = FeedInput {
            hot: &hot,
            ..Default::default()
        };
        assert_eq!(ids(&feed(&input, 20)), [1]);
    }

    #[test]
    fn history_weighs_recent_reads_and_top_related_more() {
        const DAY: i64 = 24 * 3600;
        let now = 100 * DAY;
        let related = |id: i64| match id {
            1 => vec![10, 11, 2],
            2 => vec![20, 10],
            _ => vec![],
        };
        // Read 1 today, 2 a week ago.
        let history = vec![
            (1, "今天读的".to_owned(), now),
            (2, "上周读的".to_owned(), now - 7 * DAY),
        ];
        let out = similar_to_history(&history, related, now);
        let order: Vec<i64> = out.iter().map(|o| o.0).collect();
        // 10: 1 + 0.2·0.5 ; 11: 0.5 ; 20: 0.2 ; 2 was read: never.
        assert_eq!(order, [10, 11, 20]);
        assert_eq!(out[0].1, "今天读的");
        assert_eq!(out[2].1, "上周读的");
        // Reads swapped in time: the week-old read's list falls behind.
        let history = vec![
            (1, "上周读的".to_owned(), now - 7 * DAY),
            (2, "今天读的".to_owned(), now),
        ];
        let order: Vec<i64> = similar_to_history(&history, related, now)
            .iter()
            .map(|o| o.0)
            .collect();
        assert_eq!(order, [20, 10, 11]);
        assert!(similar_to_history(&[], related, now).is_empty());
    }
}
