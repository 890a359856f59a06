//! Errors as the client sees them: an HTML page in the site's style for pages,
//! `{"code", "message"}` for the API. Internal causes are logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use hao_app::engage::EngageError;
use hao_app::publish::PublishError;
use hao_store::StoreError;

/// An error answered with an HTML page.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
    pub care: bool,
    /// Seconds for `Retry-After` (a 429).
    pub retry_after: Option<u64>,
}

impl PageError {
    pub fn not_found(message: impl Into<String>) -> PageError {
        PageError {
            retry_after: None,
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            care: false,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> PageError {
        PageError {
            retry_after: None,
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            care: false,
        }
    }

    pub fn forbidden(message: impl Into<String>) -> PageError {
        PageError {
            retry_after: None,
            status: StatusCode::FORBIDDEN,
            message: message.into(),
            care: false,
        }
    }

    pub fn with_care(mut self, care: bool) -> PageError {
        self.care = care;
        self
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        tracing::error!(error = %e, "store error while rendering a page");
        PageError {
            retry_after: None,
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "服务器出了点问题，请稍后再试。".into(),
            care: false,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let html = crate::ui::layout::error_page(self.status, &self.message, self.care);
        let mut r = (self.status, Html(html.into_string())).into_response();
        retry_after(&mut r, self.retry_after);
        r
    }
}

/// The body of every API error (for the API document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// What kind of error: `bad_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `conflict`, `invalid`, `not_ready`, `rate_limited`, `muted`,
    /// `blocked_word`, `comments_closed`, `internal`.
    code: String,
    /// What is wrong, for a person.
    message: String,
}

/// An error answered with `{"code": …, "message": …}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds for `Retry-After` (a 429).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: None,
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: None,
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            message: message.into(),
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: None,
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: None,
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message: message.into(),
        }
    }

    pub fn invalid(e: &hao_domain::ValidationError) -> ApiError {
        ApiError {
            retry_after: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            message: e.to_string(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        tracing::error!(error = %e, "store error in the API");
        ApiError {
            retry_after: None,
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "internal error; it has been logged".into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (
            self.status,
            Json(serde_json::json!({ "code": self.code, "message": self.message })),
        )
            .into_response();
        retry_after(&mut r, self.retry_after);
        r
    }
}

impl From<PublishError> for ApiError {
    fn from(e: PublishError) -> ApiError {
        match e {
            PublishError::Invalid(e) => ApiError::invalid(&e),
            PublishError::NotACreator | PublishError::NotTheirs => {
                ApiError::forbidden(e.to_string())
            }
            PublishError::Conflict { .. } => ApiError {
                retry_after: None,
                status: StatusCode::CONFLICT,
                code: "conflict",
                message: e.to_string(),
            },
            PublishError::Store(e) => e.into(),
        }
    }
}

fn retry_after(r: &mut Response, seconds: Option<u64>) {
    if let Some(s) = seconds {
        r.headers_mut()
            .insert(axum::http::header::RETRY_AFTER, s.into());
    }
}

/// 跟帖, likes and reports refused, as a page.
impl From<EngageError> for PageError {
    fn from(e: EngageError) -> PageError {
        let (status, message) = match &e {
            EngageError::Invalid(v) => (StatusCode::BAD_REQUEST, engage_invalid(v)),
            EngageError::Muted { until, reason } => (
                StatusCode::FORBIDDEN,
                format!(
                    "你已被禁言至 {}（原因：{reason}），禁言期间不能发表跟帖。",
                    crate::ui::parts::datetime(*until)
                ),
            ),
            EngageError::RateLimited(r) => (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "{}太频繁了，请 {} 秒后再试。",
                    r.action.label(),
                    r.retry_after_secs()
                ),
            ),
            EngageError::Blocked { word } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("跟帖含有不允许发布的词语“{word}”，请修改后再发。"),
            ),
            EngageError::NoArticle => (
                StatusCode::NOT_FOUND,
                "这篇文章不存在，或已被作者删除、下架。".to_owned(),
            ),
            EngageError::NoComment => (
                StatusCode::NOT_FOUND,
                "这条跟帖不存在或已被隐藏。".to_owned(),
            ),
            EngageError::Closed => (StatusCode::FORBIDDEN, "这篇文章已关闭跟帖。".to_owned()),
            EngageError::Forbidden(_) => (
                StatusCode::FORBIDDEN,
                "只有文章作者或编辑可以这样做。".to_owned(),
            ),
            EngageError::Store(_) => {
                tracing::error!(error = %e, "store error in 跟帖");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "服务器出了点问题，请稍后再试。".to_owned(),
                )
            }
        };
        PageError {
            status,
            message,
            care: false,
            retry_after: match &e {
                EngageError::RateLimited(r) => Some(r.retry_after_secs()),
                _ => None,
            },
        }
    }
}

fn engage_invalid(v: &hao_domain::ValidationError) -> String {
    use hao_domain::ValidationError as V;
    match v {
        V::Missing("body") => "跟帖内容不能为空。".to_owned(),
        V::TooLong { max, actual, .. } => format!("内容太长：{actual} 字，最多 {max} 字。"),
        V::Invalid { reason, .. } => format!("内容无效：{reason}。"),
        V::Missing(field) => format!("缺少 {field}。"),
    }
}

/// 跟帖, likes and reports refused, in the API's shape.
impl From<EngageError> for ApiError {
    fn from(e: EngageError) -> ApiError {
        let (status, code) = match &e {
            EngageError::Invalid(v) => return ApiError::invalid(v),
            EngageError::Muted { .. } => (StatusCode::FORBIDDEN, "muted"),
            EngageError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            EngageError::Blocked { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "blocked_word"),
            EngageError::NoArticle | EngageError::NoComment => (StatusCode::NOT_FOUND, "not_found"),
            EngageError::Closed => (StatusCode::FORBIDDEN, "comments_closed"),
            EngageError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            EngageError::Store(_) => {
                tracing::error!(error = %e, "store error in the API");
                return ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: "internal",
                    message: "internal error; it has been logged".into(),
                    retry_after: None,
                };
            }
        };
        ApiError {
            status,
            code,
            message: e.to_string(),
            retry_after: match &e {
                EngageError::RateLimited(r) => Some(r.retry_after_secs()),
                _ => None,
            },
        }
    }
}
