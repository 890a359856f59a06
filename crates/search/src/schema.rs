//! The index's fields: each text both as words and as character pairs
//! (and symbols), with the tokenizers that make them.

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::tokenizers;

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) external_id: Field,
    pub(crate) title_w: Field,
    pub(crate) title_bi: Field,
    pub(crate) title_uni: Field,
    pub(crate) body_w: Field,
    pub(crate) body_bi: Field,
    /// The body as stored (UTF-8 bytes, checked on reading with SIMD: std's
    /// check of a text whose every character is multi-byte took a tenth of
    /// an uncached search when the body was a stored text field).
    pub(crate) body_text: Field,
    pub(crate) author: Field,
    pub(crate) tags: Field,
    /// The article's stored keywords, one term each (相关推荐 queries them).
    pub(crate) keywords: Field,
    /// Symbols of the title and the body, for queries made only of symbols.
    pub(crate) symbols: Field,
    pub(crate) channel: Field,
    pub(crate) published_at: Field,
    /// A hash of the body (ends trimmed): equal for copies word for word.
    pub(crate) body_hash: Field,
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, positions: bool| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(if positions {
                    IndexRecordOption::WithFreqsAndPositions
                } else {
                    IndexRecordOption::WithFreqs
                }),
        )
    };
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        external_id: b.add_text_field("external_id", STRING | STORED),
        title_w: b.add_text_field("title_w", text("hao_word", false)),
        title_bi: b.add_text_field("title_bi", text("hao_bi", true) | STORED),
        title_uni: b.add_text_field("title_uni", text("hao_uni", false)),
        body_w: b.add_text_field("body_w", text("hao_word", false)),
        body_bi: b.add_text_field("body_bi", text("hao_bi", true)),
        body_text: b.add_bytes_field("body_text", STORED),
        author: b.add_text_field("author", text("hao_word", false) | STORED),
        tags: b.add_text_field("tags", text("hao_word", false)),
        keywords: b.add_text_field("keywords", text("raw", false)),
        symbols: b.add_text_field("symbols", text("hao_sym", true)),
        channel: b.add_text_field("channel", STRING | STORED),
        published_at: b.add_i64_field("published_at", INDEXED | STORED | FAST),
        body_hash: b.add_u64_field("body_hash", FAST),
    };
    (b.build(), fields)
}

pub(crate) fn register_tokenizers(index: &Index) {
    let t = index.tokenizers();
    t.register("hao_word", tokenizers::WordTokenizer);
    t.register("hao_bi", tokenizers::BigramTokenizer::default());
    t.register("hao_uni", tokenizers::UnigramTokenizer::default());
    t.register("hao_sym", tokenizers::SymbolTokenizer::default());
}
