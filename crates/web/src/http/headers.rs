//! The security headers of every answer, set in one layer: a Content
//! Security Policy with no inline script but the one head script (allowed
//! by its hash) and no framing by other sites, `nosniff`, a referrer
//! policy, a permissions policy, and HSTS when the site's origin is https.

use axum::http::{HeaderName, HeaderValue, header};
use sha2::Digest;

/// The headers, made once per node.
#[derive(Clone)]
pub struct SecurityHeaders {
    headers: std::sync::Arc<Vec<(HeaderName, HeaderValue)>>,
}

impl SecurityHeaders {
    pub fn new(base_url: &str) -> SecurityHeaders {
        use base64::Engine;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(
            crate::ui::assets::SETTINGS_SCRIPT.as_bytes(),
        ));
        // Covers may be on other sites (imported articles keep their image
        // addresses); nothing else is loaded from elsewhere.
        let csp = format!(
            "default-src 'self'; script-src 'self' 'sha256-{hash}'; style-src 'self'; \
             img-src 'self' https: http: data:; font-src 'self'; connect-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        let value = |v: &str| HeaderValue::from_str(v).expect("an ASCII header value");
        let mut headers = vec![
            (header::CONTENT_SECURITY_POLICY, value(&csp)),
            (header::X_FRAME_OPTIONS, value("DENY")),
            (header::X_CONTENT_TYPE_OPTIONS, value("nosniff")),
            (
                header::REFERRER_POLICY,
                value("strict-origin-when-cross-origin"),
            ),
            (
                HeaderName::from_static("permissions-policy"),
                value(
                    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
                ),
            ),
        ];
        if base_url.starts_with("https://") {
            headers.push((
                header::STRICT_TRANSPORT_SECURITY,
                value("max-age=31536000; includeSubDomains"),
            ));
        }
        SecurityHeaders {
            headers: std::sync::Arc::new(headers),
        }
    }
}

impl SecurityHeaders {
    /// Adds the headers an answer does not set itself.
    pub fn apply(&self, headers: &mut axum::http::HeaderMap) {
        for (name, value) in self.headers.iter() {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
    }
}
