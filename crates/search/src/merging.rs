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
