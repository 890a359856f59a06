//! Hao's text engine: everything that reads or reshapes an article's words.
//! Word segmentation (jieba), rendering Markdown to sanitised HTML, summaries,
//! and guessing a channel from content. No I/O of its own: dictionaries come in
//! as readers.

mod classify;
pub mod fingerprint;
mod keywords;
mod markdown;
pub mod normal;
mod segment;

pub use classify::classify_channel;
pub use keywords::keywords;
pub use markdown::{plain_text, render_comment, render_markdown, summarize};
pub use segment::{DictionaryError, SpanScore, cut, jieba, load_user_dictionary};

/// Keywords an article shows (the API, related reasons): the first of its
/// stored ones.
pub const KEYWORDS_PER_ARTICLE: usize = 8;
/// Keywords stored per article, best first: enough for 相关推荐 to query
/// with, so that computing an article's related list segments nothing.
pub const KEYWORDS_STORED: usize = 20;

/// Everything the text engine derives from an article when it is saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub body_html: String,
    pub summary: String,
    pub keywords: Vec<String>,
    pub fingerprint: Option<u64>,
    /// MinHash sketch of the body, for near-duplicate lookups.
    pub sketch: Option<fingerprint::Sketch>,
}

/// Renders, summarises, extracts keywords (title counted twice: it is what
/// the article is about) and fingerprints one article.
pub fn analyze(title: &str, body_markdown: &str) -> Analysis {
    let plain = plain_text(body_markdown);
    let (fingerprint, sketch) = fingerprint::fingerprints(&plain);
    Analysis {
        body_html: render_markdown(body_markdown),
        summary: summarize(body_markdown, 120),
        keywords: keywords(&format!("{title}\n{title}\n{plain}"), KEYWORDS_STORED),
        fingerprint,
        sketch,
    }
}
