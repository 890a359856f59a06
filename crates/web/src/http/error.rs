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

    /// An extractor's rejection (`status` is the rejection's, corrected to
    /// 413 where axum says 400 for a body over the limit), said as a page.
    pub fn rejection(status: StatusCode, detail: &str) -> PageError {
        let status = corrected(status, detail);
        PageError {
            retry_after: None,
            status,
            message: page_message(status).to_owned(),
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

/// Marks an error answer a handler meant as it is (`/readyz`'s plain text).
#[derive(Debug, Clone, Copy)]
pub struct Meant;

/// The API's `code` for a status that no handler chose itself.
pub fn api_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::CONFLICT => "conflict",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    }
}

/// What a page says for a status that no handler chose itself (a
/// rejection by an extractor or the router). `detail` is the rejection's
/// own text (English, from axum), kept for the API only.
fn page_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => "这个地址不接受这种请求方式。",
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容太大了：表单最大 2 MB，图片最大 5 MB。",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "提交的内容格式不对：请从本站的表单提交。",
        StatusCode::REQUEST_TIMEOUT => "请求超时，请重试。",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
            "请求无法读取：请检查地址或从本站的表单提交。"
        }
        StatusCode::NOT_FOUND => "页面不存在。",
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => "没有权限访问这个页面。",
        StatusCode::TOO_MANY_REQUESTS => "操作太频繁了，请稍后再试。",
        s if s.is_server_error() => "服务器出了点问题，请稍后再试。",
        _ => "请求无法完成。",
    }
}

/// The status a rejection should have had: axum answers some bodies over
/// the limit with 400 ("length limit exceeded") where 413 is meant.
fn corrected(status: StatusCode, detail: &str) -> StatusCode {
    if status == StatusCode::BAD_REQUEST && detail.contains("length limit") {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        status
    }
}

/// Puts every error answer in the site's format (called by the one layer
/// every answer passes, `http::frame`): whatever a handler did not
/// shape itself (the router's 405, an extractor's 400/413/415/422, a
/// layer's 408) becomes the site's error page, or `{"code","message"}`
/// under `/api/`. Headers that say how to go on (`Allow`, `Retry-After`,
/// `WWW-Authenticate`) are kept.
pub async fn shape(response: Response, api: bool, care: bool) -> Response {
    let status = response.status();
    // The site's own errors are pages or JSON (or plain text it meant, such
    // as `/readyz`'s); what axum answers by itself is plain text or nothing.
    let foreign = response.extensions().get::<Meant>().is_none()
        && response
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .is_none_or(|t| t.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !foreign {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let status = corrected(status, &detail);
    let mut shaped = if api {
        let message = if detail.is_empty() || detail.starts_with('<') {
            status.canonical_reason().unwrap_or("error").to_owned()
        } else {
            detail
        };
        ApiError {
            status,
            code: api_code(status),
            message,
            retry_after: None,
        }
        .into_response()
    } else {
        PageError {
            status,
            message: page_message(status).to_owned(),
            care,
            retry_after: None,
        }
        .into_response()
    };
    for name in [
        axum::http::header::ALLOW,
        axum::http::header::RETRY_AFTER,
        axum::http::header::WWW_AUTHENTICATE,
    ] {
        if let Some(v) = parts.headers.get(&name) {
            shaped.headers_mut().insert(name, v.clone());
        }
    }
    shaped
}

/// The body of every API error (for the API document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// What kind of error: `bad_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `method_not_allowed`, `timeout`, `conflict`, `too_large`,
    /// `unsupported_media_type`, `invalid`, `not_ready`, `rate_limited`,
    /// `muted`, `suspended`, `blocked_word`, `comments_closed`, `internal`.
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

    /// An extractor's rejection with its own status and text.
    pub fn rejection(status: StatusCode, detail: String) -> ApiError {
        let status = corrected(status, &detail);
        ApiError {
            retry_after: None,
            status,
            code: api_code(status),
            message: detail,
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
