//! The index's tokenizers over the analysis of [`crate::analysis`]: jieba
//! words, unit pairs (then the last unit alone), single units, symbols. The
//! pair, unit and symbol streams reuse their tokenizer's buffers: no string
//! and no token is allocated a token (one of each was 3 of the 116
//! CPU-seconds of a 100,000-article import; BENCHMARKS.md).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use hao_text::normal::{NormChar, for_each_char};

use crate::analysis::{push_symbols, push_units, word_tokens};

/// A token stream over tokens computed up front.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl VecTokenStream {
    fn new(tokens: Vec<Token>) -> VecTokenStream {
        VecTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

/// `hao_word`: jieba words.
#[derive(Clone, Default)]
pub struct WordTokenizer;

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(word_tokens(text))
    }
}

/// `hao_bi`: overlapping unit pairs, position = index of the first unit,
/// then the last unit alone.
#[derive(Clone, Default)]
pub struct BigramTokenizer {
    units: Vec<NormChar>,
    token: Token,
}

/// The pairs of a text's units, one after another, in the tokenizer's token.
pub struct BigramStream<'a> {
    units: &'a [NormChar],
    next: usize,
    token: &'a mut Token,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream<'a> {
        self.units.clear();
        push_units(text, &mut self.units);
        self.token.reset();
        BigramStream {
            units: &self.units,
            next: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for BigramStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(a) = self.units.get(self.next) else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push(a.c);
        self.token.offset_from = a.from;
        self.token.offset_to = a.to;
        // The last unit alone, after the last pair: every unit then begins
        // a term, which is how a one-unit query finds a body (no pair is
        // one unit, so no phrase of pairs meets it).
        if let Some(b) = self.units.get(self.next + 1) {
            self.token.text.push(b.c);
            self.token.offset_to = b.to;
        }
        self.token.position = self.next;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// One token per character, at the given positions, in the tokenizer's token.
pub struct CharStream<'a> {
    chars: std::slice::Iter<'a, (usize, NormChar)>,
    token: &'a mut Token,
}

impl TokenStream for CharStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&(position, n)) = self.chars.next() else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push(n.c);
        self.token.offset_from = n.from;
        self.token.offset_to = n.to;
        self.token.position = position;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// What a character tokenizer reuses text after text: the characters and
/// the token.
#[derive(Clone, Default)]
pub struct CharBuffers {
    chars: Vec<(usize, NormChar)>,
    token: Token,
}

impl CharBuffers {
    /// A stream over the (position, character) pairs `fill` pushes.
    fn stream(&mut self, fill: impl FnOnce(&mut Vec<(usize, NormChar)>)) -> CharStream<'_> {
        self.chars.clear();
        fill(&mut self.chars);
        self.token.reset();
        CharStream {
            chars: self.chars.iter(),
            token: &mut self.token,
        }
    }
}

/// `hao_uni`: single units.
#[derive(Clone, Default)]
pub struct UnigramTokenizer(CharBuffers);

impl Tokenizer for UnigramTokenizer {
    type TokenStream<'a> = CharStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> CharStream<'a> {
        self.0.stream(|out| {
            for_each_char(text, |n, unit| {
                if unit {
                    out.push((out.len(), n));
                }
            })
        })
    }
}

/// `hao_sym`: symbols, positioned among the characters that are not white space.
#[derive(Clone, Default)]
pub struct SymbolTokenizer(CharBuffers);

impl Tokenizer for SymbolTokenizer {
    type TokenStream<'a> = CharStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> CharStream<'a> {
        self.0.stream(|out| push_symbols(text, out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{bigrams, symbols, units};

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "ＡＢ中文";
        let mut t = BigramTokenizer::default();
        let mut s = t.token_stream(text);
        let mut seen = Vec::new();
        while s.advance() {
            let tok = s.token();
            seen.push((tok.text.clone(), &text[tok.offset_from..tok.offset_to]));
        }
        assert_eq!(
            seen,
            [
                ("ab".to_owned(), "ＡＢ"),
                ("b中".to_owned(), "Ｂ中"),
                ("中文".to_owned(), "中文"),
                ("文".to_owned(), "文")
            ]
        );
    }

    fn stream(mut s: impl TokenStream) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().text.clone(), s.token().position));
        }
        out
    }

    /// A tokenizer used again (as an indexing thread uses it, text after
    /// text) gives each text's tokens, nothing of the one before.
    #[test]
    fn a_tokenizer_reused_gives_each_text_its_own_tokens() {
        let mut bi = BigramTokenizer::default();
        let mut uni = UnigramTokenizer::default();
        let mut sym = SymbolTokenizer::default();
        for text in [
            "中华人民共和国，成立了！",
            "ａ？",
            "",
            "“好”……iPhone 15 發布",
        ] {
            let u = units(text);
            let mut pairs: Vec<(String, usize)> = bigrams(&u).into_iter().zip(0..).collect();
            pairs.extend(u.last().map(|last| (last.text.clone(), u.len() - 1)));
            assert_eq!(stream(bi.token_stream(text)), pairs, "{text}");
            let singles: Vec<(String, usize)> = u.into_iter().map(|u| u.text).zip(0..).collect();
            assert_eq!(stream(uni.token_stream(text)), singles, "{text}");
            assert_eq!(stream(sym.token_stream(text)), symbols(text), "{text}");
        }
        assert_eq!(
            symbols("“好”……a b"),
            [
                ("\u{201c}".to_owned(), 0),
                ("\u{201d}".to_owned(), 2),
                ("\u{2026}".to_owned(), 3),
                ("\u{2026}".to_owned(), 4),
            ]
        );
    }
}
