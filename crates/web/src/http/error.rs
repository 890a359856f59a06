//! Errors as the client sees them: an HTML page in the site's style for pages,
//! `{"code", "message"}` for the API. Internal causes are logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use hao_app::publish::PublishError;
use hao_store::StoreError;

/// An error answered with an HTML page.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
    pub care: bool,
}

impl PageError {
    pub fn not_found(message: impl Into<String>) -> PageError {
        PageError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            care: false,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> PageError {
        PageError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            care: false,
        }
    }

    pub fn forbidden(message: impl Into<String>) -> PageError {
        PageError {
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
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "服务器出了点问题，请稍后再试。".into(),
            care: false,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let html = crate::ui::layout::error_page(self.status, &self.message, self.care);
        (self.status, Html(html.into_string())).into_response()
    }
}

/// The body of every API error (for the API document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// What kind of error: `bad_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `conflict`, `invalid`, `not_ready`, `internal`.
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
}

impl ApiError {
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            message: message.into(),
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message: message.into(),
        }
    }

    pub fn invalid(e: &hao_domain::ValidationError) -> ApiError {
        ApiError {
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
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "internal error; it has been logged".into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "code": self.code, "message": self.message })),
        )
            .into_response()
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
                status: StatusCode::CONFLICT,
                code: "conflict",
                message: e.to_string(),
            },
            PublishError::Store(e) => e.into(),
        }
    }
}
