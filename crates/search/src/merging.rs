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

/// The segments cut into `n` groups to merge side by side, each of about
/// the same number of documents (the largest segment first, each to the
/// group holding the fewest).
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
