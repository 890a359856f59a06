//! Where an editor's queue items stand: applications (申请入驻) and
//! originality reviews. Stored as their codes.

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 3] = [
        ApplicationStatus::Pending,
        ApplicationStatus::Approved,
        ApplicationStatus::Rejected,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "pending",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<ApplicationStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// As the applicant reads it.
    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "审核中",
            ApplicationStatus::Approved => "已通过",
            ApplicationStatus::Rejected => "未通过",
        }
    }
}

/// Where an originality review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewStatus {
    /// Waiting for an editor.
    Pending,
    /// The claim was a copy: the article lost its 原创 label.
    Confirmed,
    /// The article is original after all.
    Dismissed,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 3] = [
        ReviewStatus::Pending,
        ReviewStatus::Confirmed,
        ReviewStatus::Dismissed,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "pending",
            ReviewStatus::Confirmed => "confirmed",
            ReviewStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(code: &str) -> Option<ReviewStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// As editors read it.
    pub fn label(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "待审核",
            ReviewStatus::Confirmed => "确认抄袭",
            ReviewStatus::Dismissed => "确属原创",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.code()), Some(s));
        }
        for s in ReviewStatus::ALL {
            assert_eq!(ReviewStatus::parse(s.code()), Some(s));
        }
        assert_eq!(ApplicationStatus::parse("maybe"), None);
    }
}
