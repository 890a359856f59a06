//! Keywords: TF-IDF over jieba words with jieba's IDF table (words of two
//! characters or more, stop words removed). Used as suggested tags and, later,
//! by the recommendation engine.

use std::sync::LazyLock;

use jieba_rs::{KeywordExtract, TfIdf};

static TFIDF: LazyLock<TfIdf> = LazyLock::new(TfIdf::default);

/// The `k` most characteristic words of `text`, strongest first.
pub fn keywords(text: &str, k: usize) -> Vec<String> {
    TFIDF
        .extract_keywords(crate::jieba(), text, k, vec![])
        .into_iter()
        .map(|kw| kw.keyword)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_of_a_news_paragraph() {
        let text = "中国人民银行今天宣布，下调金融机构存款准备金率0.5个百分点。\
                    此次降准预计将向市场释放长期资金约一万亿元。分析人士认为，降准将降低银行资金成本。";
        let k = keywords(text, 5);
        assert_eq!(k.len(), 5);
        assert!(k.iter().any(|w| w == "准备金率"), "{k:?}");
        assert!(k.iter().any(|w| w == "中国人民银行"), "{k:?}");
        assert!(
            !k.iter().any(|w| w == "今天" || w == "认为"),
            "common words are not keywords: {k:?}"
        );
    }

    #[test]
    fn empty_text_has_no_keywords() {
        assert!(keywords("", 5).is_empty());
        assert!(keywords("，。！", 5).is_empty());
    }
}
