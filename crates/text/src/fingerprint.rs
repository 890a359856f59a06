//! Originality protection: fingerprints of an article body.
//!
//! Both work on the body's *units* (letters, digits and CJK characters after
//! full-width → half-width, lower-casing and Traditional → Simplified), so
//! punctuation, spacing, paragraph breaks and script variants change nothing.
//!
//! - [`simhash`]: a 64-bit SimHash over 3-unit shingles, stored with every
//!   article (equal or nearly equal fingerprints: the same text).
//! - [`sketch`]: a MinHash sketch (32 minimums) of the same shingle set, with
//!   16 LSH band keys. The database holds the band keys in a table, so a
//!   lookup reads the articles sharing a band (a few rows) instead of every
//!   sketch, and each candidate is verified by its estimated *containment*:
//!   how much of the smaller text appears in the larger. SimHash distances
//!   measure whole-text similarity, which a copier's added paragraph or 5 %
//!   changed characters push past any threshold a 64-bit lookup can afford
//!   (measured: copies 4–28 bits away, unrelated articles from 20), while
//!   containment keeps copies above 0.5 and unrelated articles below 0.3.
//!
//! [`fingerprints`] computes both from one pass over the shingles (what
//! `analyze` does); [`simhash`] and [`sketch`] are that pass, one half kept.

/// Units per shingle.
pub const SHINGLE: usize = 3;

/// Bodies with fewer units than this get no fingerprint: a few words are not
/// evidence of copying.
pub const MIN_UNITS: usize = 40;

pub use crate::normal::half_width;

/// The normalised letters, digits and ideographs of `text` (see
/// [`crate::normal`]).
pub fn match_units(text: &str) -> Vec<char> {
    let mut units = Vec::with_capacity(text.len() / 3);
    crate::normal::for_each_char(text, |n, unit| {
        if unit {
            units.push(n.c);
        }
    });
    units
}

/// SplitMix64's finaliser: a fixed, well-mixed 64-bit hash. Fingerprints are
/// stored in the database, so the hash must never depend on the build.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The SimHash fingerprint of a body, or `None` when it is too short to say.
pub fn simhash(text: &str) -> Option<u64> {
    fingerprints(text).0
}

/// The SimHash fingerprint and the MinHash sketch of a body (`None` when it
/// is too short to say): one pass over its units and shingles for both.
pub fn fingerprints(text: &str) -> (Option<u64>, Option<Sketch>) {
    let units = match_units(text);
    if units.len() < MIN_UNITS {
        return (None, None);
    }
    let hashes = shingle_hashes(&units);
    (Some(simhash_of(&hashes)), Some(sketch_of(&hashes)))
}

// Both fingerprints share one shingle set.
const _: () = assert!(SHINGLE == SKETCH_SHINGLE);

/// The hashes of the distinct shingles of `units`. A shingle's key is exact
/// (three characters of 21 bits each fit in 64) and [`mix`] is a bijection,
/// so distinct hashes are distinct shingles.
fn shingle_hashes(units: &[char]) -> Vec<u64> {
    let mut hashes: Vec<u64> = units
        .windows(SHINGLE)
        .map(|w| {
            mix(w.iter().fold(0u64, |acc, &c| {
                acc.wrapping_mul(0x0011_0000).wrapping_add(c as u64)
            }))
        })
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// SimHash over the distinct shingles' hashes: bit `b` is set when more
/// than half of them have it.
fn simhash_of(hashes: &[u64]) -> u64 {
    let mut ones = [0u32; 64];
    for &h in hashes {
        for (bit, n) in ones.iter_mut().enumerate() {
            *n += (h >> bit & 1) as u32;
        }
    }
    let n = hashes.len() as u32;
    ones.iter()
        .enumerate()
        .filter(|&(_, &ones)| 2 * ones > n)
        .fold(0u64, |fp, (bit, _)| fp | 1 << bit)
}

/// The number of differing bits.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Units per shingle of the MinHash sketch.
pub const SKETCH_SHINGLE: usize = 3;
/// LSH bands, and hash functions per band: two sketches become candidates
/// when they agree on both rows of at least one of the 16 bands. Chosen on
/// `hao eval near-dup` over the train and dev splits: with 2 rows a copy with
/// a third of its text new is still found (Jaccard 0.45 → 96 %), and an
/// unrelated article rarely collides (Jaccard 0.01 → 0.16 %).
pub const BANDS: usize = 16;
pub const ROWS: usize = 2;
/// Containment at or above which two bodies are near-duplicates.
pub const THRESHOLD: f64 = 0.5;

/// A MinHash sketch of a body's shingle set: the minimum of each of
/// `HASHES` hash functions over the shingles, and the set's size (to turn a
/// Jaccard estimate into containment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sketch {
    pub mins: Vec<u32>,
    pub shingles: u32,
}

/// Multipliers of the hash family h_i(x) = (a_i · x + b_i) >> 32.
fn family(i: usize) -> (u64, u64) {
    (mix(i as u64 * 2 + 1) | 1, mix(i as u64 * 2 + 2))
}

pub fn sketch(text: &str) -> Option<Sketch> {
    fingerprints(text).1
}

/// MinHash over the distinct shingles' hashes.
fn sketch_of(hashes: &[u64]) -> Sketch {
    let n = BANDS * ROWS;
    let coeffs: Vec<(u64, u64)> = (0..n).map(family).collect();
    let mut mins = vec![u32::MAX; n];
    for &h in hashes {
        for (m, &(a, b)) in mins.iter_mut().zip(&coeffs) {
            let v = (a.wrapping_mul(h).wrapping_add(b) >> 32) as u32;
            if v < *m {
                *m = v;
            }
        }
    }
    Sketch {
        mins,
        shingles: hashes.len() as u32,
    }
}

impl Sketch {
    /// One key per LSH band: two sketches share a key when they agree on
    /// every row of that band.
    pub fn band_keys(&self) -> Vec<i64> {
        self.mins
            .chunks(ROWS)
            .enumerate()
            .map(|(band, rows)| {
                rows.iter()
                    .fold(mix(band as u64 + 0x5EED), |acc, &v| mix(acc ^ v as u64))
                    as i64
            })
            .collect()
    }

    /// Estimated Jaccard similarity of the two shingle sets.
    pub fn jaccard(&self, other: &Sketch) -> f64 {
        let same = self
            .mins
            .iter()
            .zip(&other.mins)
            .filter(|(a, b)| a == b)
            .count();
        same as f64 / self.mins.len().max(1) as f64
    }

    /// How much of the smaller text the larger one contains (estimated from
    /// the Jaccard similarity and the set sizes): robust to a paragraph added
    /// to or dropped from a copy.
    pub fn containment(&self, other: &Sketch) -> f64 {
        let j = self.jaccard(other);
        let (a, b) = (self.shingles as f64, other.shingles as f64);
        (j * (a + b) / ((1.0 + j) * a.min(b).max(1.0))).min(1.0)
    }

    pub fn is_near_duplicate(&self, other: &Sketch) -> bool {
        self.containment(other) >= THRESHOLD
    }

    /// The stored form: the minimums as hex, then `:` and the set size.
    pub fn encode(&self) -> String {
        use std::fmt::Write;
        let mut s = String::with_capacity(self.mins.len() * 8 + 12);
        for m in &self.mins {
            let _ = write!(s, "{m:08x}");
        }
        let _ = write!(s, ":{}", self.shingles);
        s
    }

    /// Reads [`Sketch::encode`]'s form; `None` for anything else (a sketch of
    /// another shape, written by another version, is recomputed, not trusted).
    pub fn decode(s: &str) -> Option<Sketch> {
        let (hex, size) = s.split_once(':')?;
        if hex.len() != BANDS * ROWS * 8 {
            return None;
        }
        let mins = (0..hex.len())
            .step_by(8)
            .map(|i| u32::from_str_radix(hex.get(i..i + 8)?, 16).ok())
            .collect::<Option<Vec<u32>>>()?;
        Some(Sketch {
            mins,
            shingles: size.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "国家统计局今天发布数据，十月份全国居民消费价格同比上涨百分之二点一，\
        其中城市上涨二点零，农村上涨二点三；食品价格上涨百分之四，非食品价格上涨百分之一点六。\
        分析人士认为，猪肉价格回落带动食品价格涨幅收窄，预计年底前物价将保持平稳。";

    /// Fingerprints are stored: the units must stay what they were when
    /// this module folded each character itself (ASCII lower-cased, the
    /// common ideographs kept, anything else half-width then lower-cased)
    /// and converted the whole folded text with `fast2s`.
    #[test]
    fn units_are_what_stored_fingerprints_were_made_of() {
        let fold = |c: char| {
            if c.is_ascii() {
                c.to_ascii_lowercase()
            } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                c
            } else {
                half_width(c).to_lowercase().next().unwrap_or(c)
            }
        };
        let is_unit = |c: char| {
            if c.is_ascii() {
                c.is_ascii_alphanumeric()
            } else {
                ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric()
            }
        };
        let before = |t: &str| -> Vec<char> {
            let folded: String = t.chars().map(fold).collect();
            fast2s::convert(&folded)
                .chars()
                .filter(|&c| is_unit(c))
                .collect()
        };
        let mut every = String::new();
        for (i, c) in (0..0x11_0000u32).filter_map(char::from_u32).enumerate() {
            every.push(c);
            if i % 5 == 0 {
                every.push_str("乾隆的乾兒子看著企畫，藉口ＡＢ１");
            }
        }
        for t in [
            BODY,
            every.as_str(),
            "從來沒有人｜ＩＰＨＯＮＥ　１５",
            "慰藉、憑藉、藉口",
        ] {
            assert_eq!(match_units(t), before(t));
        }
    }

    #[test]
    fn punctuation_width_and_script_change_nothing() {
        let a = simhash(BODY).unwrap();
        let b = simhash(
            &BODY
                .replace('，', ",")
                .replace('。', ". ")
                .replace('；', "\n"),
        )
        .unwrap();
        assert_eq!(a, b);
        let traditional = BODY.replace("国家", "國家").replace("数据", "數據");
        assert_eq!(a, simhash(&traditional).unwrap());
    }

    #[test]
    fn copies_are_contained_and_other_text_is_not() {
        let a = sketch(BODY).unwrap();
        let edited = format!(
            "{}\n另据报道，本月新能源汽车销量继续增长。",
            BODY.replace("猪肉", "牛肉").replace("平稳", "稳定")
        );
        let b = sketch(&edited).unwrap();
        assert!(a.is_near_duplicate(&b), "containment {}", a.containment(&b));
        assert!(!a.band_keys().iter().all(|k| !b.band_keys().contains(k)));
        let other = sketch(
            "中国女排在今晚进行的世界杯比赛中以三比零战胜对手，取得六连胜，\
            主教练赛后表示球队在发球和拦网环节表现出色，下一场将迎战实力强劲的巴西队。",
        )
        .unwrap();
        assert!(a.containment(&other) < 0.2, "{}", a.containment(&other));
        assert!(!a.is_near_duplicate(&other));
        // A SimHash of a small edit stays close.
        let d = hamming(
            simhash(BODY).unwrap(),
            simhash(&BODY.replace("猪肉", "牛肉")).unwrap(),
        );
        assert!(d <= 12, "{d} bits");
    }

    #[test]
    fn sketches_round_trip_through_their_stored_form() {
        let a = sketch(BODY).unwrap();
        assert_eq!(a.mins.len(), BANDS * ROWS);
        assert_eq!(a.band_keys().len(), BANDS);
        assert_eq!(Sketch::decode(&a.encode()), Some(a.clone()));
        assert_eq!(Sketch::decode("zz:1"), None);
        assert_eq!(Sketch::decode(&a.encode().replace(':', "")), None);
    }

    /// Fingerprints are stored: a faster computation must give the same
    /// values as the first one did (pinned from it), on plain and on mixed
    /// text (full-width, case, Traditional characters converted by their
    /// neighbours, letters outside ASCII).
    #[test]
    fn stored_values_never_change() {
        assert_eq!(simhash(BODY), Some(15050860582400748738));
        assert_eq!(
            sketch(BODY).unwrap().encode(),
            "024adc8c0009725c003b295c000134ad01d674f3000779740086573006ce920f04748e95007ff04c\
             01d89aa0002c8370054da33d028d2c500055f651017e4de0016034b90186e9bc03d9f7c700528caa\
             005bbf23030c3b530017d0180545fb5b00eddb93028893590173ebd303817af4003cc4e30220550c\
             00dd4cfa020bf15a:89"
        );
        let mixed = "ＡＢＣ全角ＸＹＺ，İstanbul 乾隆年間 慰藉 看著 計畫書 ÄÖÜ ß 123 \
            東京大學的學生們在討論問題，這是一個測試文本用來檢查繁體轉換是否正確處理了所有字符，包括標點符號。";
        assert_eq!(
            match_units(mixed).iter().collect::<String>(),
            "abc全角xyzistanbul乾隆年间慰藉看着计划书äöüß123东京大学的学生们在讨论问题\
             这是一个测试文本用来检查繁体转换是否正确处理了所有字符包括标点符号"
        );
        assert_eq!(simhash(mixed), Some(14985653995135899021));
        assert_eq!(
            sketch(mixed).unwrap().encode(),
            "014a952c03d98ddc04bfb46c00655d4a0590786e04fcb5730184caee0480b42402ef1b2b0dbb2fa4\
             02ac08fc01744e0f01b7051c02a523d80243fc4b053b87fe0201273900eef50e01209ba30057f2ff\
             01800edf03d3841808028b3a05dbe27f004b8bfd01518e6405431acd003e653501df142707de3405\
             051d436802acaccb:78"
        );
    }

    #[test]
    fn the_ideograph_fast_path_agrees_with_the_tables() {
        for c in '\u{4E00}'..='\u{9FFF}' {
            assert!(c.is_alphanumeric(), "{c}");
            assert_eq!(c.to_lowercase().collect::<String>(), c.to_string(), "{c}");
        }
    }

    #[test]
    fn short_bodies_get_no_fingerprint() {
        assert_eq!(simhash("太短了"), None);
    }
}
