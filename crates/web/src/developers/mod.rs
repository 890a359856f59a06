//! For developers: the API document (OpenAPI 3.1, generated from the
//! handlers' annotations by utoipa) at `/api/openapi.json`, and `/developers`,
//! a page that shows it: every operation with its parameters, body and
//! answers.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use utoipa::openapi::path::{HttpMethod, Operation, ParameterIn};
use utoipa::openapi::{OpenApi, RefOr, Required};

use crate::http::AppState;
use crate::http::respond::is_care;
use crate::ui::layout::{Frame, layout};

/// The document, serialised once.
struct Doc {
    value: OpenApi,
    json: String,
}

pub fn router(doc: OpenApi) -> Router<AppState> {
    let json = doc.to_pretty_json().expect("the API document serialises");
    let doc = Arc::new(Doc { value: doc, json });
    let page = doc.clone();
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move {
                    let mut r = doc.json.clone().into_response();
                    r.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    );
                    r
                }
            }),
        )
        .route(
            "/developers",
            get(move |headers: HeaderMap| {
                let doc = page.clone();
                async move { developers(&headers, &doc.value) }
            }),
        )
}

const METHODS: [(HttpMethod, &str); 4] = [
    (HttpMethod::Get, "GET"),
    (HttpMethod::Post, "POST"),
    (HttpMethod::Put, "PUT"),
    (HttpMethod::Delete, "DELETE"),
];

fn operation(path: &str, method: &str, op: &Operation) -> Markup {
    let id = format!("{method}-{path}")
        .replace(['/', '{', '}'], "-")
        .to_lowercase();
    html! {
        section class="operation" aria-labelledby=(id) {
            h3 id=(id) { code { (method) " " (path) } }
            @if let Some(summary) = &op.summary { p { (summary) } }
            @if let Some(d) = op.description.as_deref().filter(|d| Some(*d) != op.summary.as_deref()) { p { (d) } }
            @if op.security.is_some() { p class="auth" { "需要 " code { "Authorization: Bearer TOKEN" } "（在“我的”页面生成）。" } }
            @if let Some(params) = op.parameters.as_ref().filter(|p| !p.is_empty()) {
                table {
                    caption { "参数" }
                    thead { tr { th scope="col" { "名称" } th scope="col" { "位置" } th scope="col" { "必填" } th scope="col" { "说明" } } }
                    tbody {
                        @for p in params {
                            tr {
                                td { code { (p.name) } }
                                td { (match p.parameter_in { ParameterIn::Path => "路径", ParameterIn::Query => "查询", ParameterIn::Header => "请求头", ParameterIn::Cookie => "Cookie" }) }
                                td { @if matches!(p.required, Required::True) { "是" } @else { "否" } }
                                td { (p.description.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
            @if let Some(body) = &op.request_body {
                p { "请求体：" @for (mime, content) in &body.content { code { (mime) } " " (schema_name(&content.schema)) } }
            }
            table {
                caption { "响应" }
                thead { tr { th scope="col" { "状态" } th scope="col" { "内容" } } }
                tbody {
                    @for (status, response) in &op.responses.responses {
                        tr {
                            td { (status) }
                            td {
                                @match response {
                                    RefOr::T(r) => {
                                        (r.description)
                                        @for (mime, content) in &r.content { " " code { (mime) } " " (schema_name(&content.schema)) }
                                    }
                                    RefOr::Ref(r) => { (r.ref_location) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn schema_name(schema: &Option<RefOr<utoipa::openapi::schema::Schema>>) -> String {
    match schema {
        Some(RefOr::Ref(r)) => r
            .ref_location
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned(),
        Some(RefOr::T(_)) => "(见文档)".to_owned(),
        None => String::new(),
    }
}

fn developers(headers: &HeaderMap, doc: &OpenApi) -> Response {
    let frame = Frame::new("开发者", "/developers", is_care(headers))
        .describe("号的开放接口：读取文章、列表、搜索与发布。");
    let content = html! {
        section class="developers" {
            h1 { "开发者：号的开放接口" }
            p { "接口说明由代码生成（OpenAPI 3.1）："
                a href="/api/openapi.json" { "/api/openapi.json" }
                "。每个错误都是 " code { "{\"code\", \"message\"}" } "；列表用 " code { "next_cursor" } " 翻页。订阅文章请用 "
                a href="/rss.xml" { "RSS" } " 或 " a href="/atom.xml" { "Atom" } "。" }
            @for (path, item) in &doc.paths.paths {
                @for (method, name) in METHODS {
                    @let op = match method {
                        HttpMethod::Get => item.get.as_ref(),
                        HttpMethod::Post => item.post.as_ref(),
                        HttpMethod::Put => item.put.as_ref(),
                        HttpMethod::Delete => item.delete.as_ref(),
                        _ => None,
                    };
                    @if let Some(op) = op { (operation(path, name, op)) }
                }
            }
        }
    };
    crate::http::respond::private_page(axum::http::StatusCode::OK, layout(&frame, content))
}
