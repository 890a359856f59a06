//! Hao's own export format (docs/export-format.md), version 1:
//!
//! ```text
//! OUT_DIR/manifest.json        format, version, schema, time, tables (columns, row counts)
//! OUT_DIR/tables/NAME.jsonl    one row a line: a JSON array in the columns' order
//! OUT_DIR/media/NAME           each uploaded image, as its bytes
//! ```
//!
//! Cells are JSON `null`, numbers (integers without a fraction, reals with
//! one), strings, `{"base64": "…"}` for bytes, and `{"file": "media/NAME"}`
//! for an image's bytes. The export is written under a temporary name and
//! renamed when complete; the import is one transaction.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine;
use hao_store::{Cell, RowSink, RowSource, Store, TransferError};
use serde::{Deserialize, Serialize};

/// The `format` of a manifest.
pub const FORMAT: &str = "hao-export";
/// The format's version this build writes and reads.
pub const VERSION: u32 = 1;

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// The newest database migration of the site exported.
    pub schema: i64,
    /// RFC 3339.
    pub exported_at: String,
    pub tables: Vec<TableEntry>,
    /// Image files under `media/`.
    pub media_files: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TableEntry {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: u64,
}

/// Told as an export or import goes.
pub trait Progress: Sync {
    fn table(&self, _name: &str) {}
    fn rows(&self, _done: u64) {}
}

/// Tells nothing.
pub struct Quiet;
impl Progress for Quiet {}

/// Why an export or an import failed.
#[derive(Debug, thiserror::Error)]
pub enum HaoFormatError {
    #[error("{0}")]
    Invalid(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Transfer(#[from] TransferError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> HaoFormatError + '_ {
    move |source| HaoFormatError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A name safe as one file name under `media/`.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
}

struct Writer<'a> {
    dir: PathBuf,
    manifest: Manifest,
    out: Option<BufWriter<File>>,
    /// (index of the media table's `name` column, of its `bytes` column).
    media: Option<(usize, usize)>,
    progress: &'a dyn Progress,
    stop: &'a AtomicBool,
    total: u64,
}

impl Writer<'_> {
    fn finish_table(&mut self) -> std::io::Result<()> {
        if let Some(mut out) = self.out.take() {
            out.flush()?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        Ok(())
    }
}

fn cell_json(cell: Cell) -> serde_json::Value {
    use serde_json::Value;
    match cell {
        Cell::Null => Value::Null,
        Cell::Int(v) => Value::from(v),
        Cell::Real(v) => serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        Cell::Text(v) => Value::String(v),
        Cell::Blob(v) => {
            serde_json::json!({ "base64": base64::engine::general_purpose::STANDARD.encode(v) })
        }
    }
}

impl RowSink for Writer<'_> {
    fn table(&mut self, table: &str, columns: &[String]) -> std::io::Result<()> {
        self.finish_table()?;
        self.progress.table(table);
        let path = self.dir.join("tables").join(format!("{table}.jsonl"));
        self.out = Some(BufWriter::with_capacity(1 << 20, File::create(path)?));
        self.media = (table == "media")
            .then(|| {
                let name = columns.iter().position(|c| c == "name")?;
                let bytes = columns.iter().position(|c| c == "bytes")?;
                Some((name, bytes))
            })
            .flatten();
        self.manifest.tables.push(TableEntry {
            name: table.to_owned(),
            columns: columns.to_vec(),
            rows: 0,
        });
        Ok(())
    }

    fn row(&mut self, cells: Vec<Cell>) -> std::io::Result<()> {
        if let Some((name, bytes)) = self.media
            && let (Cell::Text(n), Cell::Blob(b)) = (&cells[name], &cells[bytes])
            && safe_name(n)
        {
            let rel = format!("media/{n}");
            std::fs::write(self.dir.join(&rel), b)?;
            self.manifest.media_files += 1;
            let values: Vec<serde_json::Value> = cells
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == bytes {
                        serde_json::json!({ "file": rel })
                    } else {
                        cell_json(c)
                    }
                })
                .collect();
            return self.write_line(&values);
        }
        let values: Vec<serde_json::Value> = cells.into_iter().map(cell_json).collect();
        self.write_line(&values)
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

impl Writer<'_> {
    fn write_line(&mut self, values: &[serde_json::Value]) -> std::io::Result<()> {
        let out = self.out.as_mut().expect("a table was started");
        serde_json::to_writer(&mut *out, values)?;
        out.write_all(b"\n")?;
        if let Some(t) = self.manifest.tables.last_mut() {
            t.rows += 1;
        }
        self.total += 1;
        if self.total.is_multiple_of(1000) {
            self.progress.rows(self.total);
        }
        Ok(())
    }
}

/// Writes the whole site into `out` (which must not exist), as of one
/// instant. On any failure or an interrupt nothing is left at `out`.
pub async fn export(
    store: &Store,
    out: &Path,
    progress: &dyn Progress,
    stop: &AtomicBool,
) -> Result<Manifest, HaoFormatError> {
    if out.exists() {
        return Err(HaoFormatError::Invalid(format!(
            "{} exists: export into a new directory",
            out.display()
        )));
    }
    let mut temp = out.as_os_str().to_owned();
    temp.push(".partial");
    let temp = PathBuf::from(temp);
    let _ = std::fs::remove_dir_all(&temp);
    let result = export_into(store, &temp, progress, stop).await;
    match result {
        Ok(manifest) => {
            std::fs::rename(&temp, out).map_err(io(out))?;
            Ok(manifest)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&temp);
            Err(e)
        }
    }
}

async fn export_into(
    store: &Store,
    dir: &Path,
    progress: &dyn Progress,
    stop: &AtomicBool,
) -> Result<Manifest, HaoFormatError> {
    std::fs::create_dir_all(dir.join("tables")).map_err(io(dir))?;
    std::fs::create_dir_all(dir.join("media")).map_err(io(dir))?;
    let mut writer = Writer {
        dir: dir.to_owned(),
        manifest: Manifest {
            format: FORMAT.to_owned(),
            version: VERSION,
            schema: store.schema_version().await.map_err(TransferError::from)?,
            exported_at: chrono::DateTime::from_timestamp(store.now(), 0)
                .unwrap_or_default()
                .to_rfc3339(),
            tables: Vec::new(),
            media_files: 0,
        },
        out: None,
        media: None,
        progress,
        stop,
        total: 0,
    };
    store.export_rows(&mut writer).await?;
    writer.finish_table().map_err(io(dir))?;
    progress.rows(writer.total);
    let path = dir.join("manifest.json");
    let text = serde_json::to_vec_pretty(&writer.manifest).expect("a manifest serialises");
    std::fs::write(&path, text).map_err(io(&path))?;
    Ok(writer.manifest)
}

/// Reads an export's manifest and checks that this build can import it.
pub fn read_manifest(dir: &Path, schema_here: i64) -> Result<Manifest, HaoFormatError> {
    let path = dir.join("manifest.json");
    let text = std::fs::read(&path).map_err(io(&path))?;
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| {
        HaoFormatError::Invalid(format!(
            "{}: not a Hao export manifest: {e}",
            path.display()
        ))
    })?;
    if manifest.format != FORMAT {
        return Err(HaoFormatError::Invalid(format!(
            "{}: format is '{}', not '{FORMAT}'",
            path.display(),
            manifest.format
        )));
    }
    if manifest.version > VERSION {
        return Err(HaoFormatError::Invalid(format!(
            "{}: format version {} is newer than this hao reads ({VERSION})",
            path.display(),
            manifest.version
        )));
    }
    if manifest.schema > schema_here {
        return Err(HaoFormatError::Invalid(format!(
            "{}: exported from schema {}, newer than this hao's ({schema_here}): import it with a newer hao",
            path.display(),
            manifest.schema
        )));
    }
    Ok(manifest)
}

struct Reader<'a> {
    dir: PathBuf,
    tables: std::vec::IntoIter<TableEntry>,
    current: Option<(TableEntry, BufReader<File>, PathBuf, usize)>,
    progress: &'a dyn Progress,
    stop: &'a AtomicBool,
    total: u64,
}

impl Reader<'_> {
    fn cell(&self, value: serde_json::Value, at: &str) -> Result<Cell, String> {
        use serde_json::Value;
        Ok(match value {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Int(i64::from(b)),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Cell::Int(i),
                None => Cell::Real(
                    n.as_f64()
                        .ok_or_else(|| format!("{at}: number {n} out of range"))?,
                ),
            },
            Value::String(s) => Cell::Text(s),
            Value::Object(o) => {
                if let Some(Value::String(b)) = o.get("base64") {
                    Cell::Blob(
                        base64::engine::general_purpose::STANDARD
                            .decode(b)
                            .map_err(|e| format!("{at}: bad base64: {e}"))?,
                    )
                } else if let Some(Value::String(f)) = o.get("file") {
                    let name = f
                        .strip_prefix("media/")
                        .filter(|n| safe_name(n))
                        .ok_or_else(|| format!("{at}: '{f}' is not a file under media/"))?;
                    let path = self.dir.join("media").join(name);
                    Cell::Blob(
                        std::fs::read(&path)
                            .map_err(|e| format!("{at}: {}: {e}", path.display()))?,
                    )
                } else {
                    return Err(format!(
                        "{at}: an object cell is {{\"base64\"}} or {{\"file\"}}"
                    ));
                }
            }
            Value::Array(_) => return Err(format!("{at}: a cell cannot be an array")),
        })
    }
}

impl RowSource for Reader<'_> {
    fn next_table(&mut self) -> Result<Option<(String, Vec<String>)>, String> {
        let Some(entry) = self.tables.next() else {
            return Ok(None);
        };
        if !safe_name(&entry.name) {
            return Err(format!("manifest: '{}' is not a table name", entry.name));
        }
        self.progress.table(&entry.name);
        let path = self
            .dir
            .join("tables")
            .join(format!("{}.jsonl", entry.name));
        let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let out = (entry.name.clone(), entry.columns.clone());
        self.current = Some((entry, BufReader::with_capacity(1 << 20, file), path, 0));
        Ok(Some(out))
    }

    fn next_row(&mut self) -> Result<Option<Vec<Cell>>, String> {
        let Some((entry, reader, path, line_no)) = self.current.as_mut() else {
            return Ok(None);
        };
        let mut line = String::new();
        loop {
            line.clear();
            let n = reader
                .read_line(&mut line)
                .map_err(|e| format!("{}:{}: {e}", path.display(), *line_no + 1))?;
            if n == 0 {
                if (*line_no as u64) < entry.rows {
                    return Err(format!(
                        "{}: {} rows, the manifest says {}",
                        path.display(),
                        line_no,
                        entry.rows
                    ));
                }
                return Ok(None);
            }
            *line_no += 1;
            if !line.trim().is_empty() {
                break;
            }
        }
        let at = format!("{}:{}", path.display(), *line_no);
        let values: Vec<serde_json::Value> =
            serde_json::from_str(&line).map_err(|e| format!("{at}: invalid JSON: {e}"))?;
        let at_owned = at.clone();
        let cells = values
            .into_iter()
            .map(|v| self.cell(v, &at_owned))
            .collect::<Result<Vec<_>, _>>()?;
        self.total += 1;
        if self.total.is_multiple_of(1000) {
            self.progress.rows(self.total);
        }
        Ok(Some(cells))
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// Imports an export into a fresh database: every table in one
/// transaction (an error or an interrupt leaves the database as it was).
/// The search index is the caller's to rebuild.
pub async fn import(
    store: &Store,
    dir: &Path,
    progress: &dyn Progress,
    stop: &AtomicBool,
) -> Result<(Manifest, u64), HaoFormatError> {
    let manifest = read_manifest(
        dir,
        store.schema_version().await.map_err(TransferError::from)?,
    )?;
    let mut reader = Reader {
        dir: dir.to_owned(),
        tables: manifest.tables.clone().into_iter(),
        current: None,
        progress,
        stop,
        total: 0,
    };
    let rows = store.import_rows(&mut reader).await?;
    progress.rows(rows);
    Ok((manifest, rows))
}
