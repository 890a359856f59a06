//! 跟帖 and 举报: what a comment and a report are, and the checks of what a
//! reader types.

use crate::ValidationError;

/// Longest comment, in characters (NetEase allows 1,000).
pub const COMMENT_CHARS: usize = 1000;
/// Most lines of one comment.
pub const COMMENT_LINES: usize = 30;
/// Longest free text of a report, in characters.
pub const REPORT_TEXT_CHARS: usize = 500;

/// Where a comment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentStatus {
    /// On the article's pages.
    Published,
    /// Waiting for an editor (a new account, a 敏感词 to check, a flood).
    Held,
    /// Taken off the pages by the article's creator or an editor; its
    /// author still sees it, with the reason.
    Hidden,
}

impl CommentStatus {
    pub fn code(self) -> &'static str {
        match self {
            CommentStatus::Published => "published",
            CommentStatus::Held => "held",
            CommentStatus::Hidden => "hidden",
        }
    }

    pub fn parse(code: &str) -> Option<CommentStatus> {
        [
            CommentStatus::Published,
            CommentStatus::Held,
            CommentStatus::Hidden,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            CommentStatus::Published => "已发布",
            CommentStatus::Held => "审核中",
            CommentStatus::Hidden => "已隐藏",
        }
    }
}

/// One comment as pages and the API show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: i64,
    pub article_id: i64,
    pub user_id: i64,
    /// The commenter's username.
    pub author: String,
    /// The comment answered, if any.
    pub parent_id: Option<i64>,
    /// The thread's first comment (its own id for a first comment).
    pub root_id: i64,
    /// 1 for a thread's first comment, 2 for its replies, …
    pub depth: i64,
    /// Plain text (rendered with links only).
    pub body: String,
    pub status: CommentStatus,
    pub status_reason: String,
    pub likes: i64,
    /// Published direct replies.
    pub replies: i64,
    pub created_at: i64,
}

/// What is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportTarget {
    Article,
    Comment,
}

impl ReportTarget {
    pub fn code(self) -> &'static str {
        match self {
            ReportTarget::Article => "article",
            ReportTarget::Comment => "comment",
        }
    }

    pub fn parse(code: &str) -> Option<ReportTarget> {
        match code {
            "article" => Some(ReportTarget::Article),
            "comment" => Some(ReportTarget::Comment),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportTarget::Article => "文章",
            ReportTarget::Comment => "跟帖",
        }
    }
}

/// Why something is reported: the list readers choose from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportReason {
    Rumor,
    Vulgar,
    Illegal,
    Infringement,
    Abuse,
    Spam,
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 7] = [
        ReportReason::Rumor,
        ReportReason::Vulgar,
        ReportReason::Illegal,
        ReportReason::Infringement,
        ReportReason::Abuse,
        ReportReason::Spam,
        ReportReason::Other,
    ];

    /// Stable code, stored and used by the API.
    pub fn code(self) -> &'static str {
        match self {
            ReportReason::Rumor => "rumor",
            ReportReason::Vulgar => "vulgar",
            ReportReason::Illegal => "illegal",
            ReportReason::Infringement => "infringement",
            ReportReason::Abuse => "abuse",
            ReportReason::Spam => "spam",
            ReportReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportReason::Rumor => "谣言",
            ReportReason::Vulgar => "色情低俗",
            ReportReason::Illegal => "违法违规",
            ReportReason::Infringement => "侵权/抄袭",
            ReportReason::Abuse => "人身攻击",
            ReportReason::Spam => "垃圾广告",
            ReportReason::Other => "其他",
        }
    }

    /// By code or by label (a form may send either).
    pub fn parse(s: &str) -> Option<ReportReason> {
        ReportReason::ALL
            .into_iter()
            .find(|r| r.code() == s || r.label() == s)
    }
}

/// What an editor did about a reported target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportAction {
    /// Nothing wrong found.
    Dismiss,
    /// The comment is hidden.
    HideComment,
    /// The article is taken down (信用分 charged).
    TakeDown,
    /// The commenter may not comment for a while (the comment is hidden too).
    Mute,
}

impl ReportAction {
    pub fn code(self) -> &'static str {
        match self {
            ReportAction::Dismiss => "dismiss",
            ReportAction::HideComment => "hide",
            ReportAction::TakeDown => "take-down",
            ReportAction::Mute => "mute",
        }
    }

    pub fn parse(code: &str) -> Option<ReportAction> {
        [
            ReportAction::Dismiss,
            ReportAction::HideComment,
            ReportAction::TakeDown,
            ReportAction::Mute,
        ]
        .into_iter()
        .find(|a| a.code() == code)
    }

    /// The outcome as the reporter reads it in 消息.
    pub fn outcome(self) -> &'static str {
        match self {
            ReportAction::Dismiss => "经核实未发现违规，未作处理",
            ReportAction::HideComment => "该跟帖已被隐藏",
            ReportAction::TakeDown => "该文章已被下架",
            ReportAction::Mute => "该跟帖已被隐藏，发布者已被禁言",
        }
    }
}

/// A comment as typed: line endings made `\n`, control and invisible
/// formatting characters dropped, trailing space of lines and blank lines
/// beyond one trimmed. Refused when empty or too long.
pub fn validate_comment(raw: &str) -> Result<String, ValidationError> {
    let mut lines: Vec<String> = Vec::new();
    let mut blank = false;
    for line in raw.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let clean: String = line
            .chars()
            .filter(|c| !c.is_control() && !is_invisible(*c))
            .collect();
        let clean = clean.trim_end().to_owned();
        if clean.trim().is_empty() {
            if !lines.is_empty() && !blank {
                lines.push(String::new());
            }
            blank = true;
            continue;
        }
        blank = false;
        lines.push(clean);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let body = lines.join("\n").trim_start().to_owned();
    if body.is_empty() {
        return Err(ValidationError::Missing("body"));
    }
    let chars = body.chars().count();
    if chars > COMMENT_CHARS {
        return Err(ValidationError::TooLong {
            field: "body",
            actual: chars,
            max: COMMENT_CHARS,
            unit: "characters",
        });
    }
    if lines.len() > COMMENT_LINES {
        return Err(ValidationError::Invalid {
            field: "body",
            reason: format!("at most {COMMENT_LINES} lines"),
        });
    }
    Ok(body)
}

/// The free text of a report: one paragraph, bounded.
pub fn validate_report_text(raw: &str) -> Result<String, ValidationError> {
    let text: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| !is_invisible(*c))
        .collect();
    let text = text.trim().to_owned();
    let chars = text.chars().count();
    if chars > REPORT_TEXT_CHARS {
        return Err(ValidationError::TooLong {
            field: "text",
            actual: chars,
            max: REPORT_TEXT_CHARS,
            unit: "characters",
        });
    }
    Ok(text)
}

/// Zero-width and bidirectional formatting characters: invisible, and used
/// to dodge word filters, hide a link's target or reverse how text reads.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_cleaned_and_bounded() {
        assert_eq!(
            validate_comment("  好文\r\n\r\n\r\n支持\u{200B}！  \n\n").unwrap(),
            "好文\n\n支持！"
        );
        assert!(matches!(
            validate_comment(" \n\u{200B}\t"),
            Err(ValidationError::Missing("body"))
        ));
        assert!(validate_comment(&"字".repeat(COMMENT_CHARS)).is_ok());
        assert!(matches!(
            validate_comment(&"字".repeat(COMMENT_CHARS + 1)),
            Err(ValidationError::TooLong { .. })
        ));
        assert!(validate_comment(&"行\n".repeat(COMMENT_LINES + 1)).is_err());
        assert_eq!(validate_comment("a\u{202E}b\u{0007}c").unwrap(), "abc");
    }

    #[test]
    fn reasons_parse_by_code_and_label() {
        for r in ReportReason::ALL {
            assert_eq!(ReportReason::parse(r.code()), Some(r));
            assert_eq!(ReportReason::parse(r.label()), Some(r));
        }
        assert_eq!(ReportReason::parse("nonsense"), None);
        assert_eq!(
            ReportAction::parse("take-down"),
            Some(ReportAction::TakeDown)
        );
    }
}
