//! How an index is written: a serving node's small writer, a rebuild's or
//! an import's large one, and the memory each may take.

use tantivy::{Index, IndexWriter};

use crate::Result;

/// A serving node indexes with one thread and a small buffer: its writes are
/// a trickle from the change log, and memory is better spent on pages.
pub(crate) const NODE_WRITER_BYTES: usize = 20 << 20;
/// The writer's memory budget for `open_for_rebuild`, at most: 400 MB a
/// thread, which holds 50,000 articles, so that an import of 100,000 ends
/// with a segment a thread and nothing to merge (with 200 MB a thread each
/// flushed twice, and the merge at the end rewrote every segment: 6.6 of
/// the import's 80 CPU-seconds). Fewer segments also leave less to merge
/// (100,000 articles: 66 s with 100 MB, 59 s with 400 MB; BENCHMARKS.md).
const BULK_WRITER_BYTES: usize = 800 << 20;
/// ... and at least: tantivy asks 15 MB a thread.
const BULK_WRITER_BYTES_MIN: usize = 100 << 20;

/// The bulk writer's budget on this machine: [`BULK_WRITER_BYTES`], or a
/// quarter of the memory available when that is less (a small server
/// importing an archive must not run out of memory to make fewer segments).
pub(crate) fn bulk_writer_bytes() -> usize {
    let available = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("MemAvailable:"))
                .and_then(|kb| {
                    kb.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<usize>()
                        .ok()
                })
                .map(|kb| kb << 10)
        });
    match available {
        Some(bytes) => (bytes / 4).clamp(BULK_WRITER_BYTES_MIN, BULK_WRITER_BYTES),
        None => BULK_WRITER_BYTES / 2,
    }
}

/// How an index is written: indexing threads, their memory budget, and
/// whether tantivy merges segments as they are made.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Writing {
    pub(crate) threads: usize,
    pub(crate) bytes: usize,
    /// A whole rebuild: no merges while documents are added (each would be
    /// merged again by the next, larger one); [`SearchIndex::merge_all`]
    /// merges every segment once at the end.
    pub(crate) rebuild: bool,
    /// The body's jieba words are indexed (`body_w`): only for the word
    /// baseline of `hao eval search`. The product's query does not ask them
    /// (pairs already hold a body's two-character words), and segmenting
    /// every body was a third of a rebuild's time (BENCHMARKS.md).
    pub(crate) body_words: bool,
}

impl Writing {
    pub(crate) fn writer(&self, index: &Index) -> Result<IndexWriter> {
        let writer = index.writer_with_num_threads(self.threads, self.bytes)?;
        if self.rebuild {
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        }
        Ok(writer)
    }
}
