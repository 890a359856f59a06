//! Properties of the import's line parser: any bytes give an article or a
//! typed error (never a panic), and a well-formed article object keeps what
//! it said.

use hao_app::publish::import::{LineError, parse_line};
use proptest::prelude::*;

const NOW: i64 = 1_780_000_000;

fn field_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\\PC]{0,40}",
        "[一-龥，。！？]{1,40}",
        Just(String::new()),
        Just("\u{202e}\u{200b}\0".to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_give_an_article_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_line(&bytes, NOW);
    }

    #[test]
    fn any_object_gives_an_article_or_a_named_error(
        title in field_text(),
        body in field_text(),
        author in field_text(),
        channel in prop_oneof![Just("sports".to_owned()), Just("nope".to_owned()), "[a-z]{0,8}"],
        published_at in prop_oneof![
            Just("2024-05-01T08:00:00+08:00".to_owned()),
            Just("9999-12-31T23:59:59Z".to_owned()),
            Just("1800-01-01T00:00:00Z".to_owned()),
            "[0-9TZ:+-]{0,25}",
        ],
        tags in prop::collection::vec(field_text(), 0..12),
    ) {
        let line = serde_json::json!({
            "external_id": "p-1",
            "title": title,
            "body": body,
            "author": author,
            "channel": channel,
            "published_at": published_at,
            "tags": tags,
        })
        .to_string();
        match parse_line(line.as_bytes(), NOW) {
            Ok(p) => {
                // What it kept is what it said, trimmed, and sane.
                prop_assert_eq!(p.draft.title.as_str(), title.trim());
                prop_assert!(!p.draft.title.is_empty());
                prop_assert!(p.draft.published_at <= NOW + 3600, "{}", p.draft.published_at);
                prop_assert!(!p.author.is_empty());
            }
            Err(LineError::Invalid(e)) => prop_assert!(!e.to_string().is_empty()),
            Err(other) => prop_assert!(false, "a JSON object gave {other}"),
        }
    }
}
