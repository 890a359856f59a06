//! The 敏感词 list: words a comment may not carry as they are. Each entry
//! says what happens to a comment that has it: `block` (refused, the reader
//! told which word), `mask` (the word shown as ＊), or `hold` (published only
//! after an editor looked). The list is a text file in the data dir, read
//! again when it changes (checked at most once a second), and matched with
//! one Aho–Corasick automaton over the comment's letters, digits and
//! ideographs, so spaces, punctuation, full-width letters and case between
//! the characters of a word do not hide it.
//!
//! The file: one entry per line, `词语` or `词语 block|mask|hold` (the
//! action defaults to `block`); `#` starts a comment.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use aho_corasick::{AhoCorasick, MatchKind};

/// What happens to a comment carrying an entry's word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordAction {
    Block,
    Mask,
    Hold,
}

/// What the list says about one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No listed word (or only masked ones): the text to publish.
    Publish(String),
    /// A `hold` word (the text to hold, masked where it had `mask` words).
    Hold { text: String, word: String },
    /// A `block` word.
    Block { word: String },
}

/// The words as parsed, with their automaton.
#[derive(Debug, Default)]
struct Compiled {
    words: Vec<(String, WordAction)>,
    automaton: Option<AhoCorasick>,
}

/// One line's problem in the list file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError {
    pub line: usize,
    pub message: String,
}

/// The normalised form words and texts are matched in: letters, digits and
/// ideographs only, half-width, lower case, Simplified.
fn units(text: &str) -> Vec<char> {
    hao_text::fingerprint::match_units(text)
}

fn compile(text: &str) -> (Compiled, Vec<ListError>) {
    let mut words = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let word = parts.next().unwrap_or("");
        let action = match parts.next() {
            None | Some("block") => WordAction::Block,
            Some("mask") => WordAction::Mask,
            Some("hold") => WordAction::Hold,
            Some(other) => {
                errors.push(ListError {
                    line: i + 1,
                    message: format!("未知的处理方式“{other}”：应为 block、mask 或 hold"),
                });
                continue;
            }
        };
        let norm: String = units(word).into_iter().collect();
        if norm.is_empty() {
            errors.push(ListError {
                line: i + 1,
                message: format!("“{word}”没有文字、字母或数字，无法匹配"),
            });
            continue;
        }
        words.push((norm, action));
    }
    let automaton = if words.is_empty() {
        None
    } else {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(words.iter().map(|(w, _)| w.as_str()))
            .ok()
    };
    (Compiled { words, automaton }, errors)
}

impl Compiled {
    fn judge(&self, text: &str) -> Verdict {
        let Some(ac) = &self.automaton else {
            return Verdict::Publish(text.to_owned());
        };
        // The text's units, each with the index of the character it came
        // from, so that a match maps back onto the text as written.
        let chars: Vec<char> = text.chars().collect();
        let mut norm = String::new();
        let mut origin: Vec<usize> = Vec::new(); // byte offset in `norm` → char index
        let mut byte_to_unit: Vec<usize> = Vec::new();
        for (ci, c) in chars.iter().enumerate() {
            for u in units(&c.to_string()) {
                byte_to_unit.extend(std::iter::repeat_n(origin.len(), u.len_utf8()));
                origin.push(ci);
                norm.push(u);
            }
        }
        byte_to_unit.push(origin.len());
        let mut masked = chars.clone();
        let mut hold: Option<String> = None;
        for m in ac.find_iter(&norm) {
            let (word, action) = &self.words[m.pattern().as_usize()];
            match action {
                WordAction::Block => return Verdict::Block { word: word.clone() },
                WordAction::Hold => {
                    hold.get_or_insert_with(|| word.clone());
                }
                WordAction::Mask => {
                    let first = origin[byte_to_unit[m.start()]];
                    let last = origin[byte_to_unit[m.end()] - 1];
                    for c in &mut masked[first..=last] {
                        *c = '＊';
                    }
                }
            }
        }
        let text: String = masked.into_iter().collect();
        match hold {
            Some(word) => Verdict::Hold { text, word },
            None => Verdict::Publish(text),
        }
    }
}

/// The list of one node, read from its file again when the file changes.
#[derive(Clone, Default)]
pub struct WordFilter {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    path: Option<PathBuf>,
    /// The list an admin saved in `/admin/words` (kept in the database, so
    /// every node has it); while set, the file is not read.
    saved: RwLock<Option<String>>,
    compiled: RwLock<Compiled>,
    /// (when the file was last looked at, its modification time then)
    seen: Mutex<Option<(Instant, Option<SystemTime>)>>,
}

/// What a new data dir's list holds: the spam of Chinese comment sections
/// (contact handles and paid services), held or blocked, as a start the
/// operator edits.
pub const DEFAULT_LIST: &str = "\
# 敏感词表：每行一个词，可在词后写处理方式（block 拒绝发布，mask 以＊显示，hold 送编辑审核；默认 block）。
# 匹配时忽略空格、标点、全半角和大小写。保存后一秒内生效，无需重启。
加微信 hold
加薇 hold
代开发票 block
办证刻章 block
刷单 hold
兼职日结 hold
网赚 hold
裸聊 block
约炮 block
傻逼 mask
";

impl WordFilter {
    /// A list read from `path` (none while the file does not exist), and
    /// read again when it changes. Returns the problems of the file's lines
    /// (those lines are skipped).
    pub fn from_file(path: PathBuf) -> (WordFilter, Vec<ListError>) {
        let filter = WordFilter {
            inner: Arc::new(Inner {
                path: Some(path),
                ..Inner::default()
            }),
        };
        let errors = filter.reload();
        (filter, errors)
    }

    /// A fixed list (tests, and nodes without a data dir).
    pub fn from_text(text: &str) -> WordFilter {
        let (compiled, _) = compile(text);
        WordFilter {
            inner: Arc::new(Inner {
                path: None,
                saved: RwLock::new(None),
                compiled: RwLock::new(compiled),
                seen: Mutex::new(None),
            }),
        }
    }

    /// Reads the file again now; returns its lines' problems.
    pub fn reload(&self) -> Vec<ListError> {
        let Some(path) = &self.inner.path else {
            return Vec::new();
        };
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let (compiled, errors) = compile(&text);
        for e in &errors {
            tracing::warn!(file = %path.display(), line = e.line, "敏感词表: {}", e.message);
        }
        *self
            .inner
            .compiled
            .write()
            .unwrap_or_else(|e| e.into_inner()) = compiled;
        *self.inner.seen.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), modified));
        errors
    }

    /// Uses `text` (the list an admin saved) instead of the file, or the
    /// file again with `None`. Returns the problems of its lines.
    pub fn use_saved(&self, text: Option<&str>) -> Vec<ListError> {
        let mut saved = self.inner.saved.write().unwrap_or_else(|e| e.into_inner());
        if saved.as_deref() == text {
            return Vec::new();
        }
        *saved = text.map(str::to_owned);
        drop(saved);
        match text {
            Some(t) => {
                let (compiled, errors) = compile(t);
                *self
                    .inner
                    .compiled
                    .write()
                    .unwrap_or_else(|e| e.into_inner()) = compiled;
                errors
            }
            None => self.reload(),
        }
    }

    /// The list's text as it is used: the saved one, else the file's, else
    /// the starting list.
    pub fn text(&self) -> String {
        if let Some(t) = &*self.inner.saved.read().unwrap_or_else(|e| e.into_inner()) {
            return t.clone();
        }
        self.inner
            .path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_else(|| DEFAULT_LIST.to_owned())
    }

    /// Checks a list's text: the problems of its lines.
    pub fn check(text: &str) -> Vec<ListError> {
        compile(text).1
    }

    /// Reads the file again when it changed since it was last read (looked
    /// at at most once a second).
    fn refresh(&self) {
        let Some(path) = &self.inner.path else {
            return;
        };
        if self
            .inner
            .saved
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
        {
            return;
        }
        {
            let mut seen = self.inner.seen.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((at, modified)) = *seen {
                if at.elapsed() < Duration::from_secs(1) {
                    return;
                }
                let now = std::fs::metadata(path).and_then(|m| m.modified()).ok();
                if now == modified {
                    *seen = Some((Instant::now(), modified));
                    return;
                }
            }
        }
        self.reload();
    }

    /// What the list says about `text`.
    pub fn judge(&self, text: &str) -> Verdict {
        self.refresh();
        self.inner
            .compiled
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .judge(text)
    }

    /// How many words the list holds.
    pub fn len(&self) -> usize {
        self.refresh();
        self.inner
            .compiled
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .words
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> WordFilter {
        WordFilter::from_text("代开发票\n加微信 hold\n傻逼 mask\nbadword mask # ascii\nfoo wrong\n")
    }

    #[test]
    fn blocks_holds_and_masks_through_disguise() {
        let f = list();
        assert_eq!(f.judge("说得好"), Verdict::Publish("说得好".into()));
        assert_eq!(
            f.judge("需要 代·开 发票 请联系"),
            Verdict::Block {
                word: "代开发票".into()
            }
        );
        assert!(matches!(f.judge("详情加 微 信 abc"), Verdict::Hold { .. }));
        assert_eq!(
            f.judge("你是傻 逼吗"),
            Verdict::Publish("你是＊＊＊吗".into())
        );
        assert_eq!(
            f.judge("ＢＡＤ-word!"),
            Verdict::Publish("＊＊＊＊＊＊＊＊!".into())
        );
    }

    #[test]
    fn a_bad_line_is_reported_and_skipped() {
        let (_, errors) = compile("好\nfoo wrong\n!!!\n");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].line, 2);
        assert_eq!(errors[1].line, 3);
    }

    #[test]
    fn the_file_is_read_again_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("words.txt");
        std::fs::write(&path, "甲乙\n").unwrap();
        let (f, errors) = WordFilter::from_file(path.clone());
        assert!(errors.is_empty());
        assert!(matches!(f.judge("甲乙丙"), Verdict::Block { .. }));
        std::fs::write(&path, "丙丁 hold\n").unwrap();
        f.reload();
        assert!(matches!(f.judge("甲乙丙"), Verdict::Publish(_)));
        assert!(matches!(f.judge("丙丁"), Verdict::Hold { .. }));
        assert!(!WordFilter::from_text(DEFAULT_LIST).is_empty());
    }
}
