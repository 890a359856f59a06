//! `hao eval near-dup`: edited copies of real articles against unrelated
//! pairs; precision, recall through the lookup, lookup time.

use std::process::ExitCode;
use std::time::Instant;

use crate::corpus::{EvalArticle, Rng, read_articles};

use super::NearDupArgs;

/// An edited copy as a copier makes one: every character replaced with
/// probability 5 % (by a character of the same text, so the copy still reads
/// as Chinese), one paragraph dropped (when there are several) or one added
/// (a paragraph of another article, at most a third of the body's length),
/// and full-width punctuation turned half-width.
fn edited_copy(body: &str, donor: &str, rng: &mut Rng) -> String {
    let pool: Vec<char> = body.chars().filter(|c| c.is_alphanumeric()).collect();
    let changed: String = body
        .chars()
        .map(|c| {
            if !c.is_whitespace() && rng.below(100) < 5 {
                pool[rng.below(pool.len())]
            } else {
                c
            }
        })
        .collect();
    let mut paragraphs: Vec<String> = changed
        .split('\n')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect();
    if paragraphs.len() > 1 && rng.below(2) == 0 {
        paragraphs.remove(rng.below(paragraphs.len()));
    } else {
        let donors: Vec<&str> = donor.split('\n').filter(|p| !p.trim().is_empty()).collect();
        let extra: String = donors[rng.below(donors.len())]
            .chars()
            .take((body.chars().count() / 3).max(10))
            .collect();
        paragraphs.insert(rng.below(paragraphs.len() + 1), extra);
    }
    paragraphs
        .join("\n")
        .chars()
        .map(hao_text::fingerprint::half_width)
        .collect()
}

pub(super) fn near_dup(args: NearDupArgs) -> anyhow::Result<ExitCode> {
    use hao_text::fingerprint::{Sketch, sketch};
    use std::collections::{HashMap, HashSet};

    let corpus = read_articles(&args.corpus)?;
    let mut others = Vec::new();
    for d in &args.distractors {
        others.extend(read_articles(d)?);
    }
    let mut rng = Rng(args.seed.max(1));
    let started = Instant::now();
    let all: Vec<&EvalArticle> = corpus.iter().chain(&others).collect();
    // The LSH band tables, as the database holds them: band key → articles.
    let mut bands: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut sketches: Vec<Option<Sketch>> = Vec::with_capacity(all.len());
    for (i, a) in all.iter().enumerate() {
        let s = sketch(&a.body);
        if let Some(s) = &s {
            for key in s.band_keys() {
                bands.entry(key).or_default().push(i);
            }
        }
        sketches.push(s);
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "near-dup: {} sketches of {} articles in {:.2} s ({:.0} articles/s)",
        sketches.iter().flatten().count(),
        all.len(),
        elapsed,
        all.len() as f64 / elapsed
    );
    let lookup = |s: &Sketch| -> (Vec<usize>, usize) {
        let mut candidates: Vec<usize> = s
            .band_keys()
            .iter()
            .filter_map(|k| bands.get(k))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let n = candidates.len();
        let hits = candidates
            .into_iter()
            .filter(|&c| sketches[c].as_ref().is_some_and(|o| o.is_near_duplicate(s)))
            .collect();
        (hits, n)
    };

    // Edited copies of every sketched corpus article, looked up as the
    // product does (band candidates, then the containment check).
    let (mut copies, mut flagged, mut found, mut wrong, mut candidates) = (0, 0, 0, 0, 0);
    let mut copy_sim = Vec::new();
    let mut micros = Vec::new();
    for (i, a) in corpus.iter().enumerate() {
        let Some(original) = &sketches[i] else {
            continue;
        };
        let donor = &corpus[(i + 1 + rng.below(corpus.len() - 1)) % corpus.len()].body;
        let copy = edited_copy(&a.body, donor, &mut rng);
        let Some(copy_sketch) = sketch(&copy) else {
            continue;
        };
        copies += 1;
        flagged += usize::from(original.is_near_duplicate(&copy_sketch));
        copy_sim.push(original.containment(&copy_sketch));
        let t = Instant::now();
        let (hits, n) = lookup(&copy_sketch);
        micros.push(t.elapsed().as_micros() as u64);
        candidates += n;
        found += usize::from(hits.contains(&i));
        wrong += hits
            .iter()
            .filter(|&&h| {
                let b = all[h];
                h != i && b.body.trim() != a.body.trim() && b.title.trim() != a.title.trim()
            })
            .count();
    }
    // Unrelated pairs: corpus articles with different titles and bodies.
    let eligible: Vec<usize> = (0..corpus.len())
        .filter(|&i| sketches[i].is_some())
        .collect();
    let (mut pairs, mut false_flags) = (0, 0);
    let mut unrelated_sim = Vec::new();
    let mut tried = HashSet::new();
    while pairs < copies && tried.len() < copies * 4 {
        let (x, y) = (
            eligible[rng.below(eligible.len())],
            eligible[rng.below(eligible.len())],
        );
        let (a, b) = (&corpus[x], &corpus[y]);
        if x == y
            || !tried.insert((x, y))
            || a.body.trim() == b.body.trim()
            || a.title.trim() == b.title.trim()
        {
            continue;
        }
        let (sx, sy) = (
            sketches[x].as_ref().expect("eligible"),
            sketches[y].as_ref().expect("eligible"),
        );
        pairs += 1;
        false_flags += usize::from(sx.is_near_duplicate(sy));
        unrelated_sim.push(sx.containment(sy));
    }
    // Precision over the pairs; recall through the lookup the product uses
    // (band candidates among every article, then the containment check),
    // which can only miss more than the pair check.
    let precision = flagged as f64 / (flagged + false_flags).max(1) as f64;
    let recall = found as f64 / copies.max(1) as f64;
    println!("pairs: {copies} edited copies, {pairs} unrelated");
    println!(
        "precision {precision:.4}  recall {recall:.4}  (pairs: copies flagged {flagged}, unrelated flagged {false_flags}; recall by lookup)"
    );
    micros.sort_unstable();
    let pct =
        |p: f64| micros[((micros.len() as f64 * p) as usize).min(micros.len().saturating_sub(1))];
    println!(
        "lookups among {} articles: original found {found}/{copies} ({:.4}), {:.1} band candidates per lookup, {wrong} other articles flagged, p50 {} µs, p99 {} µs",
        all.len(),
        found as f64 / copies.max(1) as f64,
        candidates as f64 / copies.max(1) as f64,
        pct(0.5),
        pct(0.99)
    );
    if args.histogram {
        for (name, sims) in [("copies", &copy_sim), ("unrelated", &unrelated_sim)] {
            let mut h = [0usize; 11];
            for &v in sims.iter() {
                h[((v * 10.0) as usize).min(10)] += 1;
            }
            let line: Vec<String> = h
                .iter()
                .enumerate()
                .map(|(d, n)| format!("{:.1}:{n}", d as f64 / 10.0))
                .collect();
            println!("containment {name:<10} {}", line.join(" "));
        }
    }
    let mut ok = true;
    if let Some(min) = args.min_precision
        && precision < min
    {
        println!("FAIL: precision {precision:.4} < {min}");
        ok = false;
    }
    if let Some(min) = args.min_recall
        && recall < min
    {
        println!("FAIL: recall {recall:.4} < {min}");
        ok = false;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
