//! What an admin runs the site with: site settings (the name, the 备案
//! lines of the footer) and the 敏感词 list, kept in the database so that
//! every node has them, read again by each node's change-log follower; and
//! acts on users ([`hao_store::AdminAct`]).

use std::sync::Arc;

use hao_store::{AdminAct, AdminRefusal, StoreError};

use crate::App;
use crate::engage::words::{ListError, WordFilter};

/// The settings an admin edits on `/admin/settings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSettings {
    /// The site's name (page titles, the header, feeds' titles).
    pub name: String,
    /// ICP 备案号 (e.g. 京ICP备12345678号-1), linked to the MIIT site.
    pub icp: String,
    /// 公安机关备案号 (e.g. 京公网安备 11010502000001号).
    pub police: String,
    /// A line of the footer (contact, a notice).
    pub footer: String,
}

impl Default for SiteSettings {
    fn default() -> SiteSettings {
        SiteSettings {
            name: "号".to_owned(),
            icp: String::new(),
            police: String::new(),
            footer: String::new(),
        }
    }
}

/// The database key of the 敏感词 list an admin saved.
pub const WORDS_KEY: &str = "sensitive_words";
/// The most characters of the 敏感词 list.
pub const MAX_WORDS_CHARS: usize = 100_000;

/// A setting refused, with the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError {
    pub field: &'static str,
    pub message: String,
}

impl SiteSettings {
    fn from_pairs(pairs: &[(String, String)]) -> SiteSettings {
        let mut s = SiteSettings::default();
        for (k, v) in pairs {
            match k.as_str() {
                "site_name" => s.name = v.clone(),
                "icp" => s.icp = v.clone(),
                "police" => s.police = v.clone(),
                "footer" => s.footer = v.clone(),
                _ => {}
            }
        }
        s
    }

    /// Trimmed and checked: the name 1–20 characters, the others at most
    /// 100, no control characters or angle brackets anywhere.
    pub fn validated(self) -> Result<SiteSettings, Vec<SettingError>> {
        let mut errors = Vec::new();
        let mut check = |field: &'static str, v: String, min: usize, max: usize| {
            let v = v.trim().to_owned();
            let n = v.chars().count();
            if n < min || n > max {
                errors.push(SettingError {
                    field,
                    message: format!("须为 {min}–{max} 个字，现在 {n} 个字。"),
                });
            } else if v.chars().any(|c| {
                c.is_control() || c == '<' || c == '>' || hao_domain::comment::is_invisible(c)
            }) {
                errors.push(SettingError {
                    field,
                    message: "不能包含控制字符、不可见字符或尖括号。".to_owned(),
                });
            }
            v
        };
        let s = SiteSettings {
            name: check("name", self.name, 1, 20),
            icp: check("icp", self.icp, 0, 100),
            police: check("police", self.police, 0, 100),
            footer: check("footer", self.footer, 0, 100),
        };
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(errors)
        }
    }
}

impl App {
    /// The site settings this node uses.
    pub fn site_settings(&self) -> Arc<SiteSettings> {
        self.inner
            .settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Reads the settings and the saved 敏感词 list from the database (at
    /// start-up, and by the follower when the change log moved).
    pub async fn load_settings(&self) -> Result<(), StoreError> {
        let pairs = self.store().settings().await?;
        let words = pairs
            .iter()
            .find(|(k, _)| k == WORDS_KEY)
            .map(|(_, v)| v.as_str());
        self.words().use_saved(words);
        let settings = Arc::new(SiteSettings::from_pairs(&pairs));
        let mut current = self
            .inner
            .settings
            .write()
            .unwrap_or_else(|e| e.into_inner());
        if **current != *settings {
            *current = settings;
            drop(current);
            self.invalidate();
        }
        Ok(())
    }

    /// Saves checked settings as `actor`; every node uses them within a
    /// second.
    pub async fn save_settings(&self, actor: &str, s: &SiteSettings) -> Result<(), StoreError> {
        self.store()
            .save_settings(
                actor,
                &[
                    ("site_name", s.name.as_str()),
                    ("icp", &s.icp),
                    ("police", &s.police),
                    ("footer", &s.footer),
                ],
            )
            .await?;
        self.load_settings().await
    }

    /// Saves the 敏感词 list as `actor` when every line is valid (else its
    /// lines' problems); an empty text goes back to the node's file.
    pub async fn save_words(
        &self,
        actor: &str,
        text: &str,
    ) -> Result<Result<(), Vec<ListError>>, StoreError> {
        if text.chars().count() > MAX_WORDS_CHARS {
            return Ok(Err(vec![ListError {
                line: 0,
                message: format!("词表最多 {MAX_WORDS_CHARS} 个字。"),
            }]));
        }
        let errors = WordFilter::check(text);
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        self.store()
            .save_settings(actor, &[(WORDS_KEY, text.trim())])
            .await?;
        self.load_settings().await?;
        Ok(Ok(()))
    }

    /// An admin's act on a user (see [`AdminAct`]); the page cache is
    /// redrawn (a role or a suspension shows on pages).
    pub async fn admin_act(
        &self,
        actor: &str,
        user_id: i64,
        act: &AdminAct,
    ) -> Result<Result<(), AdminRefusal>, StoreError> {
        let done = self.store().admin_act(actor, user_id, act).await?;
        if done.is_ok() {
            self.invalidate();
        }
        Ok(done)
    }
}
