//! Hao's text engine: everything that reads or reshapes an article's words.
//! Rendering Markdown to sanitised HTML, summaries, and guessing a channel from
//! content. Pure functions; no I/O.

mod classify;
mod markdown;

pub use classify::classify_channel;
pub use markdown::{plain_text, render_markdown, summarize};
