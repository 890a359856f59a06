//! Form bodies shared by several features: a CSRF token alone, and an
//! editor's two-way decision with its reason.

use serde::Deserialize;

use axum::extract::rejection::FormRejection;

use crate::http::error::PageError;

/// A body that is not the page's form: the site's 400 page, not axum's text.
pub fn bad_form(e: FormRejection) -> PageError {
    let status = e.status();
    if status == axum::http::StatusCode::BAD_REQUEST || status.as_u16() == 422 {
        PageError::bad_request(format!("表单无效：{}", e.body_text()))
    } else {
        PageError::rejection(status, &e.body_text())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}

/// An editor's decision on a queue item (originality reviews, applications).
#[derive(Debug, Default, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) verdict: String,
    #[serde(default)]
    pub(crate) reason: String,
}

impl DecideForm {
    /// The verdict (`yes` → true, `no` → false) and the trimmed reason, at
    /// most 500 characters; `reason_always` requires one for both verdicts,
    /// otherwise only for `no`. `choose` and `missing` say what is wrong.
    pub(crate) fn decision(
        &self,
        (yes, no): (&str, &str),
        choose: &str,
        reason_always: bool,
        missing: &str,
    ) -> Result<(bool, &str), PageError> {
        let verdict = match self.verdict.as_str() {
            v if v == yes => true,
            v if v == no => false,
            _ => return Err(PageError::bad_request(choose)),
        };
        let reason = self.reason.trim();
        if reason.chars().count() > 500 {
            return Err(PageError::bad_request("意见最多 500 字。"));
        }
        if reason.is_empty() && (reason_always || !verdict) {
            return Err(PageError::bad_request(missing));
        }
        Ok((verdict, reason))
    }
}
