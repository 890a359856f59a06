//! Queries of one unit.

use super::*;

/// One unit finds every body holding it, wherever it stands (the last
/// unit of a body, the only unit of one, after punctuation, a letter), and
/// a title holding it ranks first.
#[test]
fn one_unit_anywhere_in_a_body() {
    let i = index();
    assert_eq!(ids(&i, "港"), [1]);
    assert_eq!(ids(&i, "场"), [1]); // only in the body
    assert_eq!(ids(&i, "公"), [3]);
    assert_eq!(ids(&i, "里"), [3]);
    assert_eq!(ids(&i, "家"), [4]);
    assert_eq!(ids(&i, "拉"), [4]);
    i.update(
        &[
            doc(5, "标题", "文末一个生僻字：鬯", "culture", 50),
            doc(6, "另一篇", "鬯", "culture", 60),
            doc(7, "鬯的读音", "见正文。", "culture", 70),
            doc(8, "字母", "版本号是 v", "tech", 80),
        ],
        &[],
    )
    .unwrap();
    let mut got = ids(&i, "鬯");
    assert_eq!(got[0], 7, "{got:?}");
    got.sort_unstable();
    assert_eq!(got, [5, 6, 7]);
    // In a title (SUV) first, then at the end of a body.
    assert_eq!(ids(&i, "V"), [3, 8]);
}
