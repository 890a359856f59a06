//! Creators (号主): the accounts that publish.

use crate::UnixTime;

/// The four account types a creator applies as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountType {
    Personal,
    Media,
    Enterprise,
    Government,
}

impl AccountType {
    pub const ALL: [AccountType; 4] = [
        AccountType::Personal,
        AccountType::Media,
        AccountType::Enterprise,
        AccountType::Government,
    ];

    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            AccountType::Personal => "personal",
            AccountType::Media => "media",
            AccountType::Enterprise => "enterprise",
            AccountType::Government => "government",
        }
    }

    /// The Chinese label shown to readers.
    pub fn label(self) -> &'static str {
        match self {
            AccountType::Personal => "个人",
            AccountType::Media => "媒体",
            AccountType::Enterprise => "企业",
            AccountType::Government => "政务",
        }
    }

    /// Parses a code or a Chinese label.
    pub fn parse(value: &str) -> Option<AccountType> {
        let v = value.trim();
        AccountType::ALL
            .into_iter()
            .find(|t| t.code() == v.to_ascii_lowercase() || t.label() == v)
    }
}

/// A creator as shown on the author card.
#[derive(Debug, Clone, PartialEq)]
pub struct Creator {
    pub id: i64,
    pub display_name: String,
    /// Absolute or site-relative URL of an uploaded avatar; `None` draws an
    /// avatar from the name's first character.
    pub avatar_url: Option<String>,
    pub bio: String,
    pub account_type: AccountType,
    /// Published articles.
    pub article_count: i64,
    pub follower_count: i64,
    /// A demo account, created by the demo import rather than by a person.
    pub is_demo: bool,
    /// The platform's own account (help pages, announcements).
    pub is_official: bool,
    pub created_at: UnixTime,
    /// The platform an import brought the creator from (`wordpress`,
    /// `ghost`); empty for creators who joined here.
    pub imported_from: String,
}

impl Creator {
    /// 导入自 WordPress / Ghost, for an imported creator.
    pub fn imported_label(&self) -> Option<&'static str> {
        match self.imported_from.as_str() {
            "wordpress" => Some("导入自 WordPress"),
            "ghost" => Some("导入自 Ghost"),
            "" => None,
            _ => Some("导入的账号"),
        }
    }
}
