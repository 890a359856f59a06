//! Hao's text engine: everything that reads or reshapes an article's words.
//! Word segmentation (jieba), rendering Markdown to sanitised HTML, summaries,
//! and guessing a channel from content. No I/O of its own: dictionaries come in
//! as readers.

mod classify;
mod keywords;
mod markdown;
mod segment;

pub use classify::classify_channel;
pub use keywords::keywords;
pub use markdown::{plain_text, render_markdown, summarize};
pub use segment::{DictionaryError, SpanScore, cut, jieba, load_user_dictionary};
