//! Properties of the search query builder, over any query text: an answer
//! or a reader's error (never an internal one, never a panic), at most the
//! page asked for, and highlights that are escaped text with `<b>` only.

use std::sync::LazyLock;

use hao_search::{Mode, SearchDoc, SearchError, SearchIndex, SearchQuery};
use proptest::prelude::*;

static INDEX: LazyLock<SearchIndex> = LazyLock::new(|| {
    let index = SearchIndex::in_memory().unwrap();
    let doc = |id: i64, title: &str, body: &str, channel: &str| SearchDoc {
        id,
        external_id: format!("p{id}"),
        title: title.to_owned(),
        body: body.to_owned(),
        author: "江畔球评".to_owned(),
        tags: vec!["中超".to_owned(), "<b>标签</b>".to_owned()],
        keywords: vec![],
        channel: channel.to_owned(),
        published_at: 1_700_000_000 + id,
    };
    index
        .update(
            &[
                doc(
                    1,
                    "申花主场2比1逆转海港",
                    "昨晚的上海德比吸引了超过五万名球迷到场观战。<script>x</script>",
                    "sports",
                ),
                doc(
                    2,
                    "央行宣布下调存款准备金率",
                    "中国人民银行今天宣布，下调金融机构存款准备金率0.5个百分点。",
                    "finance",
                ),
                doc(
                    3,
                    "新款纯电SUV上市",
                    "新车采用全新电池技术，综合工况续航里程突破700公里 & more.",
                    "auto",
                ),
                doc(
                    4,
                    "AI 芯片 \"新品\" 发布",
                    "一款面向 AI 推理的芯片今天发布，性能提升 <3 倍>。",
                    "tech",
                ),
            ],
            &[],
        )
        .unwrap();
    index
});

/// Only `<b>` and `</b>` as tags; everything else escaped.
fn only_bold(html: &str) -> bool {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let after = &rest[i..];
        if !(after.starts_with("<b>") || after.starts_with("</b>")) {
            return false;
        }
        rest = &rest[i + 1..];
    }
    true
}

fn query_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,30}",
        "[一-龥]{1,12}",
        "[申花海港央行芯片 AI\"*?~^:()\\[\\]{}!+-]{0,20}",
        Just("\"\"".to_owned()),
        Just("title:申花 OR body:*".to_owned()),
        Just("<b>申花</b>".to_owned()),
        "\\PC{250,260}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_query_gives_a_page_or_a_readers_error(
        text in query_text(),
        limit in 1usize..20,
        offset in 0usize..5,
        mode in prop_oneof![Just(Mode::Hao), Just(Mode::BigramBaseline), Just(Mode::WordBaseline)],
        channel in prop_oneof![Just(None), Just(Some("sports")), Just(Some("<x>"))],
    ) {
        let q = SearchQuery { text: &text, channel, limit, offset, mode, snippets: true, ..Default::default() };
        match INDEX.search(&q) {
            Ok(r) => {
                prop_assert!(r.hits.len() <= limit);
                prop_assert!(r.total >= r.hits.len());
                for h in &r.hits {
                    prop_assert!(only_bold(&h.snippet), "snippet {}", h.snippet);
                    prop_assert!(only_bold(&h.title_html), "title {}", h.title_html);
                }
            }
            Err(SearchError::EmptyQuery | SearchError::QueryTooLong(_)) => {}
            Err(e) => prop_assert!(false, "{text:?}: {e}"),
        }
    }
}
