use super::*;

mod units;

fn doc(id: i64, title: &str, body: &str, channel: &str, at: i64) -> SearchDoc {
    SearchDoc {
        id,
        external_id: format!("x{id}"),
        title: title.to_owned(),
        body: body.to_owned(),
        author: "江畔球评".to_owned(),
        tags: vec![],
        keywords: vec![],
        channel: channel.to_owned(),
        published_at: at,
    }
}

fn index() -> SearchIndex {
    let i = SearchIndex::in_memory().unwrap();
    i.update(
        &[
            doc(
                1,
                "申花主场2比1逆转海港",
                "昨晚的上海德比吸引了超过五万名球迷到场观战。",
                "sports",
                10,
            ),
            doc(
                2,
                "央行宣布下调存款准备金率",
                "中国人民银行今天宣布，下调金融机构存款准备金率0.5个百分点。",
                "finance",
                20,
            ),
            doc(
                3,
                "新款纯电SUV上市",
                "新车采用全新电池技术，综合工况续航里程突破700公里。",
                "auto",
                30,
            ),
            doc(
                4,
                "孩子写作业拖拉怎么办",
                "很多家长都有这样的烦恼：孩子放学回家，一写作业就拖拖拉拉。",
                "parenting",
                40,
            ),
        ],
        &[],
    )
    .unwrap();
    i
}

fn ids(i: &SearchIndex, text: &str) -> Vec<i64> {
    let q = SearchQuery {
        text,
        limit: 10,
        ..Default::default()
    };
    i.search(&q).unwrap().hits.iter().map(|h| h.id).collect()
}

fn check(text: &str, first: i64) {
    let got = ids(&index(), text);
    assert_eq!(got.first(), Some(&first), "{text}: {got:?}");
}

#[test]
fn known_item_fragments() {
    check("逆转海港", 1);
    check("下调金融机构存款", 2); // crosses jieba word boundaries
    check("续航里程突破700", 3);
    check("孩子放学回家一写作业", 4); // punctuation removed from the fragment
}

#[test]
fn short_queries() {
    check("港", 1); // one character
    check("央行", 2); // two characters
    check("suv", 3); // case
}

#[test]
fn width_and_script_variants_find_the_same_article() {
    check("ＳＵＶ", 3);
    check("銀行", 2);
    check("寫作業", 4);
}

#[test]
fn filters_sorting_and_snippets() {
    let i = index();
    let q = SearchQuery {
        text: "孩子",
        channel: Some("sports"),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(i.search(&q).unwrap().total, 0);
    let q = SearchQuery {
        text: "宣布",
        sort: Sort::Newest,
        limit: 10,
        snippets: true,
        ..Default::default()
    };
    let r = i.search(&q).unwrap();
    assert_eq!(r.hits[0].id, 2);
    assert!(r.hits[0].snippet.contains("<b>"), "{}", r.hits[0].snippet);
    let q = SearchQuery {
        text: "的",
        limit: 1,
        offset: 1,
        ..Default::default()
    };
    assert_eq!(i.search(&q).unwrap().hits.len(), 1);
}

#[test]
fn bad_queries_say_why() {
    let i = index();
    // White space alone (ideographic, no-break, a line break) is nothing to
    // search for.
    let q = SearchQuery {
        text: " \u{3000}\u{a0}\n ",
        limit: 10,
        ..Default::default()
    };
    assert!(matches!(i.search(&q), Err(SearchError::EmptyQuery)));
    assert!(!searchable(" \u{3000}\u{a0}\n "));
    let long = "字".repeat(MAX_QUERY_CHARS + 1);
    let q = SearchQuery {
        text: &long,
        limit: 10,
        ..Default::default()
    };
    assert!(matches!(i.search(&q), Err(SearchError::QueryTooLong(101))));
}

#[test]
fn updates_and_deletes() {
    let i = index();
    i.update(&[doc(1, "申花夺冠", "新的正文", "sports", 50)], &[2])
        .unwrap();
    assert_eq!(i.doc_count(), 3);
    assert!(ids(&i, "逆转海港").is_empty());
    assert_eq!(ids(&i, "申花夺冠"), [1]);
    assert!(ids(&i, "存款准备金").is_empty());
}

#[test]
fn a_damaged_index_is_rebuilt_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let (i, opened) = SearchIndex::open(&path).unwrap();
    assert_eq!(opened, Opened::Created);
    i.update(&[doc(1, "标题", "正文", "local", 1)], &[])
        .unwrap();
    assert_eq!(i.applied_seq(), None);
    i.set_applied_seq(7).unwrap();
    drop(i);
    let (i, opened) = SearchIndex::open(&path).unwrap();
    assert_eq!((opened, i.doc_count()), (Opened::Existing, 1));
    assert_eq!(
        i.applied_seq(),
        Some(7),
        "the applied position survives a restart"
    );
    drop(i);
    // Scribble over every file of the index.
    for e in std::fs::read_dir(&path).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "hao-schema-version" {
            std::fs::write(&p, b"garbage").unwrap();
        }
    }
    let (i, opened) = SearchIndex::open(&path).unwrap();
    assert_eq!((opened, i.doc_count()), (Opened::Rebuilt, 0));
    assert_eq!(
        i.applied_seq(),
        None,
        "a rebuilt index must be filled again"
    );
}

#[test]
fn an_index_another_writer_holds_is_refused_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let (node, _) = SearchIndex::open(&path).unwrap();
    node.update(&[doc(1, "标题", "正文", "local", 1)], &[])
        .unwrap();
    // A second writer (an import while the node serves) is told, and the
    // node's index is left as it is.
    for second in [
        SearchIndex::open(&path),
        SearchIndex::open_for_rebuild(&path),
    ] {
        assert!(matches!(second, Err(SearchError::InUse)));
    }
    node.update(&[doc(2, "标题", "正文", "local", 1)], &[])
        .unwrap();
    drop(node);
    let (i, opened) = SearchIndex::open(&path).unwrap();
    assert_eq!((opened, i.doc_count()), (Opened::Existing, 2));
}

#[test]
fn a_punctuated_query_prefers_the_verbatim_text() {
    let i = SearchIndex::in_memory().unwrap();
    // The repost (1) is shorter, so plain relevance favours it; only its
    // punctuation differs from what the reader pasted.
    i.update(
        &[
            doc(1, "票据案更新", "这只是票据转贴现合同的流转顺序,与前手无关。", "finance", 1),
            doc(
                2,
                "苏州银行票据案更新",
                "法院认为，这只是票据转贴现合同的流转顺序，与前手无关。此案仍在审理，双方均表示将继续上诉。",
                "finance",
                2,
            ),
        ],
        &[],
    )
    .unwrap();
    assert_eq!(ids(&i, "流转顺序，与前手"), vec![2, 1]);
    assert_eq!(ids(&i, "流转顺序,与前手"), vec![1, 2]);
    // Without punctuation there is nothing verbatim to prefer: relevance.
    assert_eq!(ids(&i, "流转顺序与前手")[0], 1);
}

#[test]
fn snippets_of_long_bodies_show_the_match() {
    let i = SearchIndex::in_memory().unwrap();
    let long = format!(
        "{}西湖边新开了一家书店。{}",
        "无关的句子。".repeat(600),
        "结尾的句子。".repeat(300)
    );
    i.update(&[doc(1, "城市新闻", &long, "local", 1)], &[])
        .unwrap();
    let r = i
        .search(&SearchQuery {
            text: "西湖书店",
            limit: 1,
            snippets: true,
            ..Default::default()
        })
        .unwrap();
    let snippet = &r.hits[0].snippet;
    assert!(snippet.contains("<b>西湖</b>"), "{snippet}");
    assert!(snippet.chars().count() < 400, "{snippet}");
}

#[test]
fn a_query_of_symbols_finds_the_text_holding_them() {
    let i = SearchIndex::in_memory().unwrap();
    i.update(
        &[
            doc(
                1,
                "编码出错的转帖",
                "原文的表情变成了? ? ? ?，没人修。",
                "tech",
                1,
            ),
            doc(2, "问号很多的帖子", "真的吗?是的?好吧?", "tech", 2),
            doc(
                3,
                "施瓦辛格访华",
                "阿诺德・施瓦辛格今天抵达北京。※本文转载",
                "ent",
                3,
            ),
        ],
        &[],
    )
    .unwrap();
    // In that order, white space between them aside; full-width typed forms
    // find half-width text. Question marks apart from each other do not match.
    assert_eq!(ids(&i, "？？？？"), [1]);
    assert_eq!(ids(&i, "? ??"), [1]);
    assert_eq!(ids(&i, "・"), [3]);
    assert_eq!(ids(&i, "※"), [3]);
    assert!(ids(&i, "，。").is_empty());
    let r = i
        .search(&SearchQuery {
            text: "※",
            limit: 1,
            snippets: true,
            ..Default::default()
        })
        .unwrap();
    assert!(
        r.hits[0].snippet.contains("<b>※</b>"),
        "{}",
        r.hits[0].snippet
    );
    // The baselines have no symbol index.
    let q = SearchQuery {
        text: "※",
        limit: 1,
        mode: Mode::BigramBaseline,
        ..Default::default()
    };
    assert!(matches!(i.search(&q), Err(SearchError::EmptyQuery)));
}

#[test]
fn copies_word_for_word_take_one_place() {
    let i = SearchIndex::in_memory().unwrap();
    let story = "  市民在江边拍到一群江豚逐浪嬉戏，专家说这是长江生态向好的信号。";
    let mut docs = vec![
        // The same body reposted three times under other headlines (its
        // ends' white space aside): one hit, two copies.
        doc(1, "江豚回来了", story, "local", 1),
        doc(2, "江豚又回来了", story.trim(), "local", 2),
        doc(3, "长江里的江豚", &format!("{story}\n"), "local", 3),
        // A different text about the same thing stays a hit of its own.
        doc(4, "江豚逐浪", "江豚逐浪嬉戏的画面再次出现。", "local", 4),
        // Articles without text (photos only) are not copies of each other.
        doc(5, "江豚组图", "", "local", 5),
        doc(6, "江豚组图（二）", " \n", "local", 6),
    ];
    for n in 0..12 {
        docs.push(doc(
            10 + n,
            &format!("江豚保护第{n}期"),
            &format!("第{n}期：江豚的数量在增加。"),
            "local",
            10,
        ));
    }
    i.update(&docs, &[]).unwrap();
    let page = |offset: usize| {
        i.search(&SearchQuery {
            text: "江豚",
            limit: 5,
            offset,
            ..Default::default()
        })
        .unwrap()
    };
    let first = page(0);
    assert_eq!(first.total, 16, "18 matches, 2 of them folded copies");
    let story_hits: Vec<&Hit> = first
        .hits
        .iter()
        .filter(|h| [1, 2, 3].contains(&h.id))
        .collect();
    let all: Vec<i64> = (0..4)
        .flat_map(|p| page(p * 5).hits)
        .map(|h| h.id)
        .collect();
    let story_ids: Vec<&i64> = all.iter().filter(|id| [1, 2, 3].contains(id)).collect();
    assert_eq!(story_ids.len(), 1, "the story is listed once: {all:?}");
    assert!(story_hits.is_empty() || story_hits[0].copies == 2);
    // Pages do not overlap and together list every article once.
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), all.len(), "no article on two pages: {all:?}");
    assert_eq!(all.len(), 16, "{all:?}");
    assert!(all.contains(&5) && all.contains(&6), "{all:?}");
    // A query only the copies answer: one hit, with its copies counted.
    let r = i
        .search(&SearchQuery {
            text: "长江生态向好",
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.hits.len(), 1);
    assert_eq!(r.hits[0].copies, 2);
    // The baselines are plain BM25: nothing is folded.
    let r = i
        .search(&SearchQuery {
            text: "长江生态向好",
            limit: 10,
            mode: Mode::BigramBaseline,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.hits.len(), 3);
}

/// The ranking in parts (`rank::top`) orders what the whole query orders,
/// within a channel too, and counts what it matches.
#[test]
fn ranking_in_parts_is_the_whole_query_ranking() {
    let i = SearchIndex::in_memory().unwrap();
    let mut docs = Vec::new();
    let phrases = ["江豚逐浪", "长江生态", "江豚保护", "生态向好", "逐浪而行"];
    for n in 0..120i64 {
        let a = phrases[n as usize % phrases.len()];
        let b = phrases[(n as usize * 3 + 1) % phrases.len()];
        docs.push(doc(
            n,
            &format!("{a}第{n}期"),
            &format!("{}{b}，江水{n}。", "长江的江豚。".repeat(n as usize % 4)),
            if n % 2 == 0 { "local" } else { "world" },
            n,
        ));
    }
    i.update(&docs, &[]).unwrap();
    let searcher = i.reader.searcher();
    let ids_of = |top: &[(f32, tantivy::DocAddress)]| -> Vec<i64> {
        top.iter()
            .map(|&(_, a)| {
                searcher
                    .segment_reader(a.segment_ord)
                    .fast_fields()
                    .i64("id")
                    .unwrap()
                    .first(a.doc_id)
                    .unwrap()
            })
            .collect()
    };
    for text in [
        "江豚逐浪",
        "江豚",
        "长江生态向好",
        "江",
        "逐浪江豚",
        "第7期",
    ] {
        for channel in [None, Some("local")] {
            let units = analysis::units(text);
            let mut whole = i.build_query(&searcher, text, &units, Mode::Hao);
            let filter = channel.map(|c| {
                Box::new(tantivy::query::TermQuery::new(
                    Term::from_field_text(i.fields.channel, c),
                    tantivy::schema::IndexRecordOption::Basic,
                )) as Box<dyn tantivy::query::Query>
            });
            if let Some(f) = &filter {
                whole = Box::new(tantivy::query::BooleanQuery::new(vec![
                    (tantivy::query::Occur::Must, whole),
                    (tantivy::query::Occur::Must, f.box_clone()),
                ]));
            }
            let (expected, count) = searcher
                .search(
                    &whole,
                    &(
                        tantivy::collector::TopDocs::with_limit(40).order_by_score(),
                        tantivy::collector::Count,
                    ),
                )
                .unwrap();
            let (top, total, more) =
                rank::in_parts(&searcher, i.hao_query(&searcher, text, &units), filter, 40)
                    .unwrap();
            assert_eq!(ids_of(&top), ids_of(&expected), "{text} in {channel:?}");
            assert_eq!((total, more), (count, false), "{text} in {channel:?}");
        }
    }
}

/// Past [`TOTAL_CAP`] matches the count stops and says so, in one pass
/// and in parts.
#[test]
fn the_count_stops_at_the_cap() {
    let i = SearchIndex::in_memory().unwrap();
    let docs: Vec<SearchDoc> = (0..TOTAL_CAP as i64 + 5)
        .map(|n| {
            doc(
                n,
                &format!("江豚第{n}期"),
                &format!("江豚出水{n}。"),
                "local",
                n,
            )
        })
        .collect();
    i.update(&docs, &[]).unwrap();
    let r = i
        .search(&SearchQuery {
            text: "江豚第7期",
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((r.total, r.more), (TOTAL_CAP, true));
    assert_eq!(r.hits[0].title, "江豚第7期");
    let units = analysis::units("江豚第1004期");
    let searcher = i.reader.searcher();
    let (top, total, more) = rank::top(
        &searcher,
        i.hao_query(&searcher, "江豚第1004期", &units),
        None,
        10,
    )
    .unwrap();
    assert_eq!((top.len(), total, more), (10, TOTAL_CAP, true));
}

/// A query's words come from the index's own words (titles' words and
/// bodies' keywords): the route through the words it holds, the words inside
/// a longer one too, and single units where the index holds no word.
#[test]
fn query_words_are_the_indexs_words() {
    let i = index();
    let mut d = doc(
        9,
        "中国人民银行宣布下调存款准备金率",
        "央行今天宣布，下调金融机构存款准备金率0.5个百分点。",
        "finance",
        1,
    );
    d.keywords = vec!["金融机构".to_owned()];
    i.update(&[d], &[]).unwrap();
    let searcher = i.reader.searcher();
    let f = i.fields;
    let words = |text: &str| lexicon::words(&searcher, &[f.title_w, f.keywords], text);
    let indexed = analysis::words("中国人民银行宣布下调存款准备金率");
    let got = words("人民银行宣布下调存款准备金率");
    for w in ["人民", "银行", "宣布", "下调", "存款", "准备金率"] {
        assert!(got.iter().any(|g| g == w), "{w} in {got:?}");
    }
    for g in &got {
        assert!(
            indexed.contains(g) || g.chars().count() == 1,
            "{g} is not a word of the index: {got:?}"
        );
    }
    // A body's keyword is a word too; a body's other words are not.
    assert!(words("金融机构").contains(&"金融机构".to_owned()));
    assert_eq!(words("今天"), ["今", "天"]);
    // Words the index does not hold: units; letters and digits stay whole.
    assert_eq!(words("量子，Ｐython3"), ["量", "子", "python3"]);
}

/// A node's index does not hold the body's words (pairs answer for them);
/// the evaluation's index does, for the word baseline.
#[test]
fn body_words_only_for_the_baseline() {
    let d = doc(1, "标题", "下调金融机构存款准备金率", "finance", 1);
    let q = SearchQuery {
        text: "金融机构",
        mode: Mode::WordBaseline,
        limit: 10,
        ..Default::default()
    };
    let node = SearchIndex::in_memory().unwrap();
    node.update(std::slice::from_ref(&d), &[]).unwrap();
    assert_eq!(node.search(&q).unwrap().total, 0);
    let eval = SearchIndex::in_memory_with_baselines().unwrap();
    eval.update(&[d], &[]).unwrap();
    assert_eq!(eval.search(&q).unwrap().total, 1);
    // The product's query finds it in either.
    let q = SearchQuery {
        mode: Mode::Hao,
        ..q
    };
    assert_eq!(node.search(&q).unwrap().total, 1);
}
