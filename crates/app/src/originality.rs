//! Originality protection glue: finding the near-duplicates of an article
//! just written. Candidates come from the database's LSH band table (every
//! node and every import sees the same table, nothing to keep in step); each
//! is verified on its sketch and the pair is oriented from the later article
//! to the earlier one.

use hao_store::{NearDuplicate, SketchRow, Store};
use hao_text::fingerprint::Sketch;

/// The article just written: what its check needs, owned (an import checks
/// one batch while it stores the next).
#[derive(Debug, Clone)]
pub struct Written {
    pub id: i64,
    pub creator_id: i64,
    pub published_at: i64,
    pub sketch: Sketch,
    pub bands: Vec<i64>,
}

/// The near-duplicate pairs `article` forms with articles of *other*
/// creators (a creator re-using their own text is not copying), each from the
/// later article (by publishing time, then id) to the earlier one.
pub async fn near_duplicates(
    store: &Store,
    article: &Written,
) -> hao_store::Result<Vec<NearDuplicate>> {
    let candidates = store.near_candidates(&article.bands, article.id).await?;
    Ok(verified(article, candidates))
}

/// [`near_duplicates`] for a batch of articles just written (an import):
/// one lookup for the whole batch.
pub async fn near_duplicates_many(
    store: &Store,
    articles: &[Written],
) -> hao_store::Result<Vec<NearDuplicate>> {
    let keys: Vec<(i64, &[i64])> = articles.iter().map(|a| (a.id, &a.bands[..])).collect();
    let found = store.near_candidates_many(&keys).await?;
    Ok(articles
        .iter()
        .zip(found)
        .flat_map(|(a, candidates)| verified(a, candidates))
        .collect())
}

fn verified(article: &Written, candidates: Vec<SketchRow>) -> Vec<NearDuplicate> {
    candidates
        .into_iter()
        .filter(|c| c.creator_id != article.creator_id)
        .filter_map(|c| {
            let other = Sketch::decode(&c.sketch)?;
            if !other.is_near_duplicate(&article.sketch) {
                return None;
            }
            let similarity = (other.containment(&article.sketch) * 100.0).round() as u32;
            let (article_id, duplicate_of) =
                if (c.published_at, c.id) < (article.published_at, article.id) {
                    (article.id, c.id)
                } else {
                    (c.id, article.id)
                };
            Some(NearDuplicate {
                article_id,
                duplicate_of,
                similarity,
            })
        })
        .collect()
}
