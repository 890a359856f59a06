//! How the segments of a finished rebuild are merged: one per
//! [`MERGED_SEGMENT_DOCS`] documents, at most one per core, side by side.

/// How many documents a merged segment holds before [`crate::SearchIndex::merge_all`]
/// makes two. Small enough that an import of 100,000 ends with two merges side
/// by side (one took five seconds on one core, the other idle), large enough
/// that a site of a few thousand articles is one segment.
pub const MERGED_SEGMENT_DOCS: u64 = 50_000;

/// How many segments [`crate::SearchIndex::merge_all`] makes of `docs` documents:
/// one per [`MERGED_SEGMENT_DOCS`], no more than `cores`.
pub(crate) fn merged_segments(docs: u64, cores: usize) -> usize {
    (docs.div_ceil(MERGED_SEGMENT_DOCS) as usize).clamp(1, cores.max(1))
}

/// How much smaller than a group's largest segment the rest of the group
/// must be for the largest to be left as it is: a merge rewrites every
/// segment it takes, and folding the platform's few help pages (the
/// segment a new data dir's first rebuild makes) into a segment of 50,000
/// articles rewrote those 50,000 (an import of 100,000: 2.5 CPU-seconds).
const CRUMBS: u64 = 50;

/// The merges that make `n` segments of about the same number of documents
/// (the largest segment first, each to the group holding the fewest), side
/// by side. A group whose largest segment holds more than [`CRUMBS`] times
/// the rest keeps it: only the rest are merged, when there are two or more.
pub(crate) fn merges(
    metas: Vec<tantivy::index::SegmentMeta>,
    n: usize,
) -> Vec<Vec<tantivy::index::SegmentId>> {
    let docs: std::collections::HashMap<_, u64> = metas
        .iter()
        .map(|m| (m.id(), u64::from(m.num_docs())))
        .collect();
    merge_groups(metas, n)
        .into_iter()
        .map(|mut group| {
            // The largest is first (see `merge_groups`).
            if let [largest, rest @ ..] = group.as_slice()
                && docs[largest] > CRUMBS * rest.iter().map(|id| docs[id]).sum::<u64>()
            {
                group.remove(0);
            }
            group
        })
        .filter(|group| group.len() > 1)
        .collect()
}

/// The segments cut into `n` groups, each of about the same number of
/// documents (the largest segment first, each to the group holding the
/// fewest); within a group, the largest first.
pub(crate) fn merge_groups(
    mut metas: Vec<tantivy::index::SegmentMeta>,
    n: usize,
) -> Vec<Vec<tantivy::index::SegmentId>> {
    metas.sort_by_key(|m| std::cmp::Reverse(m.num_docs()));
    let mut groups: Vec<(u64, Vec<tantivy::index::SegmentId>)> = vec![(0, Vec::new()); n.max(1)];
    for meta in metas {
        let lightest = groups
            .iter_mut()
            .min_by_key(|(docs, _)| *docs)
            .expect("at least one group");
        lightest.0 += u64::from(meta.num_docs());
        lightest.1.push(meta.id());
    }
    groups.into_iter().map(|(_, ids)| ids).collect()
}

#[cfg(test)]
mod tests {
    use tantivy::Index;

    use super::*;
    use crate::schema::schema;

    #[test]
    fn a_large_index_is_merged_into_one_segment_per_core_of_even_size() {
        assert_eq!(merged_segments(0, 2), 1);
        assert_eq!(merged_segments(MERGED_SEGMENT_DOCS, 2), 1);
        assert_eq!(merged_segments(MERGED_SEGMENT_DOCS + 1, 2), 2);
        assert_eq!(merged_segments(10 * MERGED_SEGMENT_DOCS, 2), 2);
        assert_eq!(merged_segments(10 * MERGED_SEGMENT_DOCS, 1), 1);
        assert_eq!(merged_segments(3 * MERGED_SEGMENT_DOCS, 8), 3);

        let index = Index::create_in_ram(schema().0);
        let metas: Vec<_> = [3u32, 9, 1, 5, 4, 2]
            .iter()
            .map(|&n| index.new_segment_meta(tantivy::index::SegmentId::generate_random(), n))
            .collect();
        let docs = |group: &[tantivy::index::SegmentId]| -> u32 {
            group
                .iter()
                .map(|id| metas.iter().find(|m| m.id() == *id).unwrap().num_docs())
                .sum()
        };
        let two = merge_groups(metas.clone(), 2);
        assert_eq!(two.len(), 2);
        assert_eq!((docs(&two[0]), docs(&two[1])), (12, 12), "9+3 and 5+4+2+1");
        assert_eq!(
            two.iter().map(Vec::len).sum::<usize>(),
            6,
            "every segment once"
        );
        let one = merge_groups(metas.clone(), 1);
        assert_eq!(one.len(), 1);
        assert_eq!(docs(&one[0]), 24);
        assert_eq!(
            merges(metas.clone(), 2),
            two,
            "no crumbs: every group merged"
        );
    }

    #[test]
    fn a_large_segment_is_not_rewritten_to_take_in_crumbs() {
        let index = Index::create_in_ram(schema().0);
        let meta = |n| index.new_segment_meta(tantivy::index::SegmentId::generate_random(), n);
        // A new data dir's help pages, then an import's two segments.
        let (help, a, b) = (meta(12), meta(50_000), meta(49_000));
        let ids =
            |ms: &[&tantivy::index::SegmentMeta]| ms.iter().map(|m| m.id()).collect::<Vec<_>>();
        let metas = vec![help.clone(), a.clone(), b.clone()];
        assert!(
            merges(metas.clone(), 2).is_empty(),
            "each big one alone, the crumb too"
        );
        assert_eq!(merges(metas.clone(), 1), vec![ids(&[&a, &b, &help])]);
        // Crumbs are merged among themselves.
        let (c1, c2) = (meta(30), meta(40));
        let metas = vec![help.clone(), a.clone(), b.clone(), c1.clone(), c2.clone()];
        let mut got = merges(metas, 2);
        assert_eq!(got.len(), 1);
        got[0].sort();
        let mut want = ids(&[&help, &c1, &c2]);
        want.sort();
        assert_eq!(got[0], want);
        // A segment a fiftieth of the largest or more is merged with it.
        let c = meta(1_000);
        assert_eq!(merges(vec![a.clone(), c.clone()], 1), vec![ids(&[&a, &c])]);
    }
}
