//! Images of an imported site: found in the media directory given
//! (WordPress's `wp-content/uploads`, Ghost's `content/images`), checked and
//! re-encoded like an upload, and stored once each; otherwise kept as links
//! to the old site, or reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hao_store::{Store, StoreError};

/// The account that owns imported images (no one can sign in as it).
pub const IMPORT_USER: &str = "号导入";

/// Images met in bodies and covers: stored once each.
pub(super) struct Images {
    dir: Option<PathBuf>,
    seen: HashMap<String, Option<String>>,
    owner: Option<i64>,
    /// Images stored here.
    pub(super) stored: usize,
    /// Images kept as links to the old site.
    pub(super) linked: usize,
    /// (address, reason) of images neither stored nor linked.
    pub(super) missing: Vec<(String, String)>,
}

impl Images {
    pub(super) fn new(dir: Option<PathBuf>) -> Images {
        Images {
            dir,
            seen: HashMap::new(),
            owner: None,
            stored: 0,
            linked: 0,
            missing: Vec::new(),
        }
    }

    /// The address an image gets here: `/media/…` when found in the media
    /// dir, the old address when it is an http(s) link, `None` (reported)
    /// when neither.
    pub(super) async fn resolve(
        &mut self,
        store: &Store,
        url: &str,
    ) -> Result<Option<String>, StoreError> {
        if let Some(known) = self.seen.get(url) {
            return Ok(known.clone());
        }
        let local = self.dir.as_deref().and_then(|d| local_file(d, url));
        let result = match local {
            Some(path) => match std::fs::read(&path) {
                Ok(bytes) => {
                    match tokio::task::spawn_blocking(move || crate::images::reencode(&bytes))
                        .await
                        .expect("the encoder does not panic")
                    {
                        Ok(encoded) => {
                            let owner = match self.owner {
                                Some(o) => o,
                                None => {
                                    let o = store.ensure_passwordless_user(IMPORT_USER).await?;
                                    self.owner = Some(o);
                                    o
                                }
                            };
                            store
                                .put_media(
                                    &encoded.name,
                                    encoded.mime,
                                    &encoded.bytes,
                                    encoded.size,
                                    owner,
                                )
                                .await?;
                            self.stored += 1;
                            Some(format!("/media/{}", encoded.name))
                        }
                        Err(why) => self.fallback(url, &why),
                    }
                }
                Err(e) => self.fallback(url, &format!("{}: {e}", path.display())),
            },
            None => self.fallback(url, "not in --media-dir"),
        };
        self.seen.insert(url.to_owned(), result.clone());
        Ok(result)
    }

    /// An image not stored here: kept as a link when it is one.
    fn fallback(&mut self, url: &str, why: &str) -> Option<String> {
        if (url.starts_with("https://") || url.starts_with("http://"))
            && hao_domain::validate_url("image", url).is_ok()
        {
            self.linked += 1;
            return Some(url.to_owned());
        }
        let reason = if self.dir.is_some() {
            why.to_owned()
        } else {
            "not a link and no --media-dir given".to_owned()
        };
        self.missing.push((url.to_owned(), reason));
        None
    }
}

/// The file under `dir` an image address names: the part after
/// `wp-content/uploads/` or `content/images/` (or the whole of a relative
/// address), never outside `dir`.
fn local_file(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next()?;
    let rel = ["wp-content/uploads/", "content/images/"]
        .iter()
        .find_map(|m| path.find(m).map(|i| &path[i + m.len()..]))
        .or_else(|| (!path.contains("://")).then(|| path.trim_start_matches('/')))?;
    let rel = percent_decode(rel);
    let mut out = dir.to_owned();
    for part in rel.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
            return None;
        }
        out.push(part);
    }
    out.is_file().then_some(out)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) =
                u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or(""), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
