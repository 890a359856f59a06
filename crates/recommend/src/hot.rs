//! 热点: engagement decayed exponentially with time.
//!
//! An article's hotness at time `now` is `Σ wᵢ · 2^(−(now − tᵢ)/H)` over its
//! engagement events (weight `wᵢ` at time `tᵢ`), `H` the half-life. The
//! factor `2^(−now/H)` is common to every article, so articles can be ranked
//! by `Σ wᵢ · 2^((tᵢ − E)/H)` for any fixed epoch `E`: that stored sum never
//! needs recomputing, each event only *adds* to it — from any node, in any
//! order, exactly. (Hacker News' gravity `(P−1)/(T+2)^1.8` instead changes
//! every score at every instant and must be recomputed over all articles.)
//! The epoch is moved forward now and then ([`needs_rebase`]) so that the sum
//! stays far from `f64`'s range; moving it multiplies every score by the same
//! factor, which changes no ranking.
//!
//! The half-life is 12 hours: a story from this morning still counts by the
//! evening, yesterday's counts a quarter, last week's nothing. A publish is an
//! event too ([`PUBLISH`]), so that with equal engagement the newer article
//! ranks first and a quiet site's 热点 is its freshest news.

/// Half-life of engagement, seconds.
pub const HALF_LIFE: f64 = 12.0 * 3600.0;

/// Weights of the engagement events, in views.
pub const VIEW: f64 = 1.0;
pub const SHARE: f64 = 8.0;
/// A like (点赞): a reader's own signal, cheaper to give than a share.
pub const LIKE: f64 = 5.0;
/// A follow started from an article's author card.
pub const FOLLOW: f64 = 15.0;
/// The publish itself.
pub const PUBLISH: f64 = 10.0;

/// The stored-score units an event of `weight` at `at` adds, for `epoch`.
pub fn gain(weight: f64, at: i64, epoch: i64) -> f64 {
    weight * ((at - epoch) as f64 / HALF_LIFE).exp2()
}

/// The hotness at `now` of a stored score kept for `epoch` (the sum decayed to
/// `now`, in views): for showing and for tests; ranking uses the stored score.
pub fn decayed(score: f64, epoch: i64, now: i64) -> f64 {
    score * ((epoch - now) as f64 / HALF_LIFE).exp2()
}

/// Whether the epoch should move to `now`: after 60 half-lives (a month) the
/// newest events weigh 2⁶⁰ units, far from overflow (2¹⁰²³) and still far
/// from the point where old scores lose precision that matters.
pub fn needs_rebase(epoch: i64, now: i64) -> bool {
    (now - epoch) as f64 > 60.0 * HALF_LIFE
}

/// The factor every stored score is multiplied by when the epoch moves from
/// `old` to `new`.
pub fn rebase_factor(old: i64, new: i64) -> f64 {
    ((old - new) as f64 / HALF_LIFE).exp2()
}

/// An engagement event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    pub article: i64,
    pub weight: f64,
    pub at: i64,
}

/// Folds events into per-article stored scores (`scores[article]`, articles
/// numbered from 0) for `epoch`: what the store's incremental updates add up
/// to, and what a full recomputation from an event log would do.
pub fn accumulate(scores: &mut [f64], events: &[Event], epoch: i64) {
    for e in events {
        if let Some(s) = usize::try_from(e.article)
            .ok()
            .and_then(|i| scores.get_mut(i))
        {
            *s += gain(e.weight, e.at, epoch);
        }
    }
}

/// The `k` hottest articles of `scores`, best first (ties: lower id first).
pub fn top(scores: &[f64], k: usize) -> Vec<(i64, f64)> {
    let mut all: Vec<(i64, f64)> = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| **s > 0.0)
        .map(|(i, s)| (i as i64, *s))
        .collect();
    let by = |a: &(i64, f64), b: &(i64, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if all.len() > k {
        all.select_nth_unstable_by(k, by);
        all.truncate(k);
    }
    all.sort_by(by);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = HALF_LIFE as i64;
    const NOW: i64 = 1_800_000_000;

    fn rank(events: &[(i64, f64, i64)], n: usize, epoch: i64) -> Vec<i64> {
        let mut scores = vec![0.0; n];
        let events: Vec<Event> = events
            .iter()
            .map(|&(article, weight, at)| Event {
                article,
                weight,
                at,
            })
            .collect();
        accumulate(&mut scores, &events, epoch);
        top(&scores, n).into_iter().map(|(id, _)| id).collect()
    }

    #[test]
    fn more_recent_or_more_engaged_ranks_higher_all_else_equal() {
        // (events of article 0, events of article 1, expected order)
        type Case = (&'static [(f64, i64)], &'static [(f64, i64)], [i64; 2]);
        let cases: &[Case] = &[
            // the same views, article 1's more recent
            (&[(VIEW, NOW - 3 * H)], &[(VIEW, NOW - H)], [1, 0]),
            (&[(PUBLISH, NOW - 2 * H)], &[(PUBLISH, NOW - 60)], [1, 0]),
            // same time, more engagement
            (&[(VIEW, NOW)], &[(VIEW, NOW), (VIEW, NOW)], [1, 0]),
            (&[(VIEW, NOW)], &[(SHARE, NOW)], [1, 0]),
            (&[(SHARE, NOW)], &[(FOLLOW, NOW)], [1, 0]),
            // decay: 3 views a day ago < 1 view now (a day is two half-lives: 3/4 < 1)
            (&[(VIEW, NOW - 2 * H); 3], &[(VIEW, NOW)], [1, 0]),
            // ... but 5 views a day ago > 1 view now
            (&[(VIEW, NOW - 2 * H); 5], &[(VIEW, NOW)], [0, 1]),
            // a week-old burst is gone
            (&[(VIEW, NOW - 14 * H); 1000], &[(VIEW, NOW)], [1, 0]),
        ];
        for (i, (a, b, want)) in cases.iter().enumerate() {
            let mut events = Vec::new();
            events.extend(a.iter().map(|&(w, t)| (0, w, t)));
            events.extend(b.iter().map(|&(w, t)| (1, w, t)));
            for epoch in [NOW - 50 * H, NOW, NOW + 3 * H] {
                assert_eq!(
                    rank(&events, 2, epoch),
                    want.to_vec(),
                    "case {i}, epoch {epoch}"
                );
            }
        }
    }

    #[test]
    fn decay_halves_per_half_life_and_rebasing_changes_no_ranking() {
        let s = gain(VIEW, NOW, NOW - 10 * H);
        assert!((decayed(s, NOW - 10 * H, NOW) - 1.0).abs() < 1e-9);
        assert!((decayed(s, NOW - 10 * H, NOW + H) - 0.5).abs() < 1e-9);
        assert!((decayed(s, NOW - 10 * H, NOW + 2 * H) - 0.25).abs() < 1e-9);

        let events = [
            (0, 3.0, NOW - 5 * H),
            (1, 1.0, NOW - H),
            (2, 2.0, NOW - 2 * H),
        ];
        let old = NOW - 61 * H;
        assert!(needs_rebase(old, NOW));
        assert!(!needs_rebase(NOW - 59 * H, NOW));
        let mut scores = vec![0.0; 3];
        accumulate(
            &mut scores,
            &events.map(|(article, weight, at)| Event {
                article,
                weight,
                at,
            }),
            old,
        );
        let before = top(&scores, 3);
        let f = rebase_factor(old, NOW);
        let rebased: Vec<f64> = scores.iter().map(|s| s * f).collect();
        let after = top(&rebased, 3);
        assert_eq!(
            before.iter().map(|p| p.0).collect::<Vec<_>>(),
            after.iter().map(|p| p.0).collect::<Vec<_>>()
        );
        // A rebased score equals one accumulated for the new epoch.
        let mut fresh = vec![0.0; 3];
        accumulate(
            &mut fresh,
            &events.map(|(article, weight, at)| Event {
                article,
                weight,
                at,
            }),
            NOW,
        );
        for (a, b) in rebased.iter().zip(&fresh) {
            assert!((a - b).abs() <= 1e-9 * b.abs());
        }
        // The largest gain before a rebase is far from overflow.
        assert!(gain(FOLLOW * 1e9, NOW, NOW - 60 * H).is_finite());
    }

    #[test]
    fn top_is_ordered_bounded_and_skips_the_cold() {
        let scores = [0.0, 5.0, 1.0, 5.0, 0.0, 9.0];
        assert_eq!(top(&scores, 3), vec![(5, 9.0), (1, 5.0), (3, 5.0)]);
        assert_eq!(top(&scores, 10).len(), 4);
        assert!(top(&[], 3).is_empty());
    }
}
