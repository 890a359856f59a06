//! A hit's stored fields, read straight from the document store's bytes.
//!
//! tantivy's own reading of a stored document (`Searcher::doc`) builds a
//! value per field and reads a bytes field one byte at a time (its `Vec<T>`
//! deserialiser): with the body stored as bytes, that loop and its copies
//! were 29 % of an uncached search (BENCHMARKS.md, thirteenth session).
//! Here the document's bytes (a slice of its decompressed store block) are
//! walked once and each field wanted is kept as a range of them; nothing is
//! copied. The format is tantivy's (`schema::document::se`), pinned by the
//! test below against tantivy's own reading.

use std::io;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use tantivy::store::StoreReader;
use tantivy::{DocAddress, Searcher};

use crate::schema::Fields;

/// Decompressed store blocks kept per segment: a page of hits lies in
/// different blocks anyway; tantivy's default of 100 held over 100 MB under
/// many different searches.
const CACHE_BLOCKS: usize = 4;

/// A stored document: its bytes and where each field wanted lies in them.
pub(crate) struct StoredDoc {
    bytes: tantivy::directory::OwnedBytes,
    id: i64,
    published_at: i64,
    external_id: Range<usize>,
    title: Range<usize>,
    body: Range<usize>,
    channel: Range<usize>,
}

impl StoredDoc {
    pub(crate) fn id(&self) -> i64 {
        self.id
    }
    pub(crate) fn published_at(&self) -> i64 {
        self.published_at
    }
    pub(crate) fn external_id(&self) -> &str {
        self.text(&self.external_id)
    }
    pub(crate) fn title(&self) -> &str {
        self.text(&self.title)
    }
    pub(crate) fn body(&self) -> &str {
        self.text(&self.body)
    }
    pub(crate) fn channel(&self) -> &str {
        self.text(&self.channel)
    }
    /// A field's text; empty when it is not valid UTF-8 (a damaged store).
    fn text(&self, range: &Range<usize>) -> &str {
        simdutf8::basic::from_utf8(&self.bytes.as_slice()[range.clone()]).unwrap_or("")
    }

    /// Walks a stored document's bytes (tantivy's format: a count of
    /// values, then each as field number, type code and value).
    fn parse(bytes: tantivy::directory::OwnedBytes, fields: &Fields) -> io::Result<StoredDoc> {
        const TEXT: u8 = 0;
        const U64: u8 = 1;
        const I64: u8 = 2;
        const BYTES: u8 = 4;
        const DATE: u8 = 5;
        const F64: u8 = 6;
        const BOOL: u8 = 9;
        let mut doc = StoredDoc {
            bytes,
            id: 0,
            published_at: 0,
            external_id: 0..0,
            title: 0..0,
            body: 0..0,
            channel: 0..0,
        };
        let b = doc.bytes.as_slice();
        let mut at = 0;
        let values = vint(b, &mut at)?;
        for _ in 0..values {
            let field = u32::from_le_bytes(take(b, &mut at, 4)?.try_into().map_err(bad)?);
            let code = take(b, &mut at, 1)?[0];
            match code {
                TEXT | BYTES => {
                    let len = usize::try_from(vint(b, &mut at)?).map_err(bad)?;
                    let start = at;
                    take(b, &mut at, len)?;
                    let range = start..at;
                    let f = tantivy::schema::Field::from_field_id(field);
                    if f == fields.external_id {
                        doc.external_id = range;
                    } else if f == fields.title_bi {
                        doc.title = range;
                    } else if f == fields.body_text {
                        doc.body = range;
                    } else if f == fields.channel {
                        doc.channel = range;
                    }
                }
                U64 | I64 | DATE | F64 => {
                    let v = i64::from_le_bytes(take(b, &mut at, 8)?.try_into().map_err(bad)?);
                    let f = tantivy::schema::Field::from_field_id(field);
                    if f == fields.id {
                        doc.id = v;
                    } else if f == fields.published_at {
                        doc.published_at = v;
                    }
                }
                BOOL => {
                    take(b, &mut at, 1)?;
                }
                other => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("stored value of type code {other} (not in Hao's schema)"),
                    ));
                }
            }
        }
        Ok(doc)
    }
}

fn bad<E>(_: E) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "truncated stored document")
}

/// The next `n` bytes of `b` from `at`.
fn take<'b>(b: &'b [u8], at: &mut usize, n: usize) -> io::Result<&'b [u8]> {
    let end = at
        .checked_add(n)
        .filter(|&e| e <= b.len())
        .ok_or_else(|| bad(()))?;
    let out = &b[*at..end];
    *at = end;
    Ok(out)
}

/// tantivy's variable-length integer: seven bits a byte, least significant
/// first, the last byte's high bit set.
fn vint(b: &[u8], at: &mut usize) -> io::Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = take(b, at, 1)?[0];
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 != 0 {
            return Ok(value);
        }
    }
    Err(bad(()))
}

/// Each segment's document store, opened once for a searcher generation.
pub(crate) struct Stores {
    generation: u64,
    readers: Vec<StoreReader>,
}

/// The stores of the searcher last asked for, shared by the searches using it.
#[derive(Default)]
pub(crate) struct StoreCache(Mutex<Option<Arc<Stores>>>);

impl StoreCache {
    /// The stores of `searcher`'s segments, opened when it is a newer one.
    pub(crate) fn get(&self, searcher: &Searcher) -> tantivy::Result<Arc<Stores>> {
        let generation = searcher.generation().generation_id();
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(stores) = &*slot
            && stores.generation == generation
        {
            return Ok(stores.clone());
        }
        let readers = searcher
            .segment_readers()
            .iter()
            .map(|s| s.get_store_reader(CACHE_BLOCKS))
            .collect::<io::Result<Vec<_>>>()?;
        let stores = Arc::new(Stores {
            generation,
            readers,
        });
        *slot = Some(stores.clone());
        Ok(stores)
    }
}

impl Stores {
    /// The stored document at `address`.
    pub(crate) fn doc(&self, address: DocAddress, fields: &Fields) -> tantivy::Result<StoredDoc> {
        let reader = self
            .readers
            .get(address.segment_ord as usize)
            .ok_or_else(|| {
                tantivy::TantivyError::InvalidArgument(format!(
                    "no segment {}",
                    address.segment_ord
                ))
            })?;
        let bytes = reader.get_document_bytes(address.doc_id)?;
        Ok(StoredDoc::parse(bytes, fields)?)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::Value;
    use tantivy::{TantivyDocument, doc};

    use super::*;

    /// The walk reads what tantivy's own reading reads, for every field of
    /// Hao's schema that is stored.
    #[test]
    fn reads_what_tantivy_reads() {
        let (schema, f) = crate::schema::schema();
        let index = tantivy::Index::create_in_ram(schema);
        crate::schema::register_tokenizers(&index);
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15 << 20).unwrap();
        let body = "俄乌和谈进入第二轮。".repeat(300);
        writer
            .add_document(doc!(
                f.id => 42i64,
                f.external_id => "inews-7",
                f.title_bi => "和谈“第二轮”",
                f.body_text => body.as_bytes(),
                f.author => "新华社",
                f.channel => "world",
                f.published_at => -1_700_000_000i64,
                f.body_hash => 9u64,
            ))
            .unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let address = DocAddress::new(0, 0);
        let ours = StoreCache::default()
            .get(&searcher)
            .unwrap()
            .doc(address, &f)
            .unwrap();
        let theirs: TantivyDocument = searcher.doc(address).unwrap();
        let text = |field| theirs.get_first(field).and_then(|v| v.as_str()).unwrap();
        assert_eq!(
            ours.id(),
            theirs.get_first(f.id).and_then(|v| v.as_i64()).unwrap()
        );
        assert_eq!(
            ours.published_at(),
            theirs
                .get_first(f.published_at)
                .and_then(|v| v.as_i64())
                .unwrap()
        );
        assert_eq!(ours.external_id(), text(f.external_id));
        assert_eq!(ours.title(), text(f.title_bi));
        assert_eq!(ours.channel(), text(f.channel));
        assert_eq!(
            ours.body().as_bytes(),
            theirs
                .get_first(f.body_text)
                .and_then(|v| v.as_bytes())
                .unwrap()
        );
        assert_eq!(ours.body(), body);
    }

    #[test]
    fn a_truncated_document_is_an_error_not_a_panic() {
        let (_, f) = crate::schema::schema();
        // One value: field 0, text of 10 bytes, but only 3 follow.
        let bytes = vec![0x81, 0, 0, 0, 0, 0, 0x8a, b'a', b'b', b'c'];
        assert!(StoredDoc::parse(tantivy::directory::OwnedBytes::new(bytes), &f).is_err());
        assert!(StoredDoc::parse(tantivy::directory::OwnedBytes::new(vec![]), &f).is_err());
    }
}
