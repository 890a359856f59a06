//! `hao gen-corpus --articles N --from FILE.jsonl… --out FILE.jsonl`: a
//! synthetic corpus of any size built from real text, for measuring at scale.
//! Each article keeps a real article's title and opening paragraph (so title
//! and body agree, and the channel classifier sees real news), followed by 2–7
//! real paragraphs of other articles; creators follow a skewed distribution
//! (a few prolific accounts, a long tail), dates spread over the last year
//! with more in the daytime, 80% declared 原创. Deterministic for a seed.
//! Written to `FILE.tmp` and renamed when complete: an interrupted run leaves
//! no half corpus.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::corpus::Rng;

#[derive(Debug, clap::Args)]
pub struct GenCorpusArgs {
    /// How many articles to write.
    #[arg(long)]
    pub articles: usize,
    /// Real articles to take titles and paragraphs from (JSON Lines with
    /// `title` and `body`), e.g. the inews corpus.
    #[arg(long, required = true, num_args = 1..)]
    pub from: Vec<PathBuf>,
    /// Where to write the corpus (JSON Lines, as `hao import` reads).
    #[arg(long)]
    pub out: PathBuf,
    /// How many creators write them (default: one per 40 articles, at least 50).
    #[arg(long)]
    pub creators: Option<usize>,
    /// Seed of the generator: the same seed and inputs give the same corpus.
    #[arg(long, default_value_t = 0x5EED)]
    pub seed: u64,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

const NAME_HEADS: [&str; 16] = [
    "江畔", "云端", "城南", "北岸", "山海", "晨光", "老街", "深蓝", "星河", "西窗", "东篱", "半岛",
    "青石", "长风", "小满", "远山",
];
const NAME_TAILS: [&str; 12] = [
    "观察",
    "评论",
    "笔记",
    "视界",
    "快报",
    "说事",
    "日报",
    "前线",
    "杂谈",
    "研究所",
    "频道",
    "读书会",
];
const SOURCES: [&str; 6] = [
    "新华社",
    "人民网",
    "央视新闻",
    "澎湃新闻",
    "中国新闻网",
    "经济日报",
];

/// A body's paragraphs: its lines (or runs separated by two spaces, as the
/// inews corpus writes them), each cut after a sentence's end once it holds
/// 80 characters, so that a long unbroken body gives several paragraphs.
fn paragraphs_of(body: &str) -> impl Iterator<Item = &str> {
    body.split('\n')
        .flat_map(|line| line.split("  "))
        .flat_map(|run| {
            let mut cuts = Vec::new();
            let (mut start, mut chars) = (0, 0);
            for (i, c) in run.char_indices() {
                chars += 1;
                if chars >= 80 && matches!(c, '。' | '！' | '？' | '；') {
                    let end = i + c.len_utf8();
                    cuts.push(&run[start..end]);
                    (start, chars) = (end, 0);
                }
            }
            cuts.push(&run[start..]);
            cuts
        })
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

fn creator_name(i: usize) -> String {
    let (h, t) = (NAME_HEADS.len(), NAME_TAILS.len());
    let base = format!("{}{}", NAME_HEADS[i % h], NAME_TAILS[(i / h) % t]);
    match i / (h * t) {
        0 => base,
        n => format!("{base}{n}"),
    }
}

pub fn run(args: GenCorpusArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.articles > 0, "--articles must be at least 1");
    let mut sources = Vec::new();
    for path in &args.from {
        sources.extend(crate::corpus::read_articles(path)?);
    }
    anyhow::ensure!(
        !sources.is_empty(),
        "no articles with a title and a body in --from"
    );
    let openings: Vec<&str> = sources
        .iter()
        .map(|s| paragraphs_of(&s.body).next().unwrap_or(""))
        .collect();
    let paragraphs: Vec<&str> = sources
        .iter()
        .flat_map(|s| paragraphs_of(&s.body).skip(1))
        .filter(|p| p.chars().count() >= 20)
        .collect();
    anyhow::ensure!(
        !paragraphs.is_empty(),
        "the --from articles have too few paragraphs"
    );
    let creators = args.creators.unwrap_or((args.articles / 40).max(50)).max(1);

    let stop = Arc::new(AtomicBool::new(false));
    {
        let flag = stop.clone();
        // A second Ctrl-C still ends the process the usual way.
        let _ = ctrlc_once(flag);
    }
    let tmp = args.out.with_extension("tmp");
    let mut out = BufWriter::with_capacity(
        1 << 20,
        File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?,
    );
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(args.articles as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} articles ({per_sec})",
            )
            .expect("valid template"),
        );
        bar
    };
    let mut rng = Rng(args.seed.max(1));
    // Dates run up to yesterday (UTC), counted from the start of today: a
    // seed gives the same corpus all day long, not only within one second.
    let now = chrono::Utc::now().timestamp() / 86_400 * 86_400;
    let year = 365 * 86_400;
    for n in 0..args.articles {
        if stop.load(Ordering::SeqCst) {
            bar.abandon();
            drop(out);
            let _ = std::fs::remove_file(&tmp);
            eprintln!("interrupted: nothing written");
            return Ok(ExitCode::from(130));
        }
        let s = rng.below(sources.len());
        let mut body = String::from(openings[s]);
        for _ in 0..2 + rng.below(6) {
            body.push('\n');
            body.push_str(paragraphs[rng.below(paragraphs.len())]);
        }
        // Skewed: creator k writes about in proportion to 1/(k+1).
        let creator = ((creators as f64).powf(rng.unit()) - 1.0) as usize % creators;
        let account_type = match rng.below(100) {
            0..=84 => "个人",
            85..=94 => "媒体",
            95..=98 => "企业",
            _ => "政务",
        };
        // Dates: uniform over the year, hours folded towards the daytime.
        let day = (rng.unit() * 365.0) as i64;
        let hour = (7.0 + 16.0 * rng.unit().sqrt()) as i64 % 24;
        let at = now - year + day * 86_400 + hour * 3_600 + rng.below(3_600) as i64;
        let published_at = chrono::DateTime::from_timestamp(at, 0)
            .unwrap_or_default()
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset"))
            .to_rfc3339();
        let mut article = serde_json::json!({
            "external_id": format!("gen-{}-{n}", args.seed),
            "title": sources[s].title.trim(),
            "body": body,
            "author": creator_name(creator),
            "author_type": account_type,
            "published_at": published_at,
        });
        if rng.below(5) == 0 {
            article["original"] = false.into();
            article["source"] = SOURCES[rng.below(SOURCES.len())].into();
        }
        serde_json::to_writer(&mut out, &article)?;
        out.write_all(b"\n")?;
        if n % 1024 == 0 {
            bar.set_position(n as u64);
        }
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, &args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    bar.finish_and_clear();
    println!(
        "{}: {} articles by {creators} creators, from {} real articles ({} paragraphs)",
        args.out.display(),
        args.articles,
        sources.len(),
        paragraphs.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Sets `flag` on the first Ctrl-C (a thread waiting on the signal).
fn ctrlc_once(flag: Arc<AtomicBool>) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    std::thread::spawn(move || {
        rt.block_on(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, Ordering::SeqCst);
            }
        })
    });
    Ok(())
}
