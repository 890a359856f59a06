//! Reading real corpora (JSON Lines) and a small deterministic random
//! generator: shared by the evaluations and `gen-corpus`.

use std::fs::File;
use std::io::{BufRead, BufReader};

use anyhow::Context;

/// An article of a JSON Lines corpus, as the evaluations and `gen-corpus` read it.
#[derive(serde::Deserialize)]
pub(crate) struct EvalArticle {
    #[serde(default)]
    pub(crate) external_id: String,
    #[serde(default)]
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) body: String,
}

/// The articles of a JSON Lines file that have a title and a body; a bad
/// line is an error naming its number.
pub(crate) fn read_articles(path: &std::path::Path) -> anyhow::Result<Vec<EvalArticle>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}", path.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let a: EvalArticle = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: invalid JSON", path.display(), n + 1))?;
        // As the import does: an article needs a title and a body.
        if !a.title.trim().is_empty() && !a.body.trim().is_empty() {
            out.push(a);
        }
    }
    Ok(out)
}

/// xorshift64*: small, fast, deterministic (the evaluations use it too, so
/// that every run asks the same queries).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 33) as usize) % n.max(1)
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
