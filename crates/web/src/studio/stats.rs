//! `/studio/stats`: creators' analytics, as a chart with its table, or CSV.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::{creator_of, editable};
use crate::http::AppState;
use crate::http::auth::SignedIn;
use crate::http::error::PageError;
use crate::http::respond::is_care;
use crate::http::respond::private_page;
use crate::ui::layout::{Frame, layout};

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    article: Option<String>,
    format: Option<String>,
}

/// Days shown in the analytics.
pub(super) const STAT_DAYS: i64 = 30;

/// `/studio/stats[?article=ID][&format=csv]`: views, shares and followers
/// gained per day for the last 30 days, as an SVG chart with a table (the
/// accessible form of the same numbers), or as CSV.
pub(super) async fn stats(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<StatsQuery>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let creator = creator_of(&session)?;
    let article = match q.article.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(raw) => {
            let a = editable(&state, &session, raw).await?;
            if a.creator_id != creator {
                return Err(PageError::forbidden("只能查看自己文章的数据。"));
            }
            Some(a)
        }
    };
    let days = state
        .store()
        .daily_stats(
            creator,
            article.as_ref().map(|a| a.id),
            STAT_DAYS,
            state.now(),
        )
        .await?;
    let day_label = |d: i64| format!("{}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100);
    match q.format.as_deref() {
        None | Some("") | Some("html") => {}
        Some("csv") => {
            let mut csv = String::from("day,views,shares,followers_gained\n");
            for d in &days {
                csv.push_str(&format!(
                    "{},{},{},{}\n",
                    day_label(d.day),
                    d.views,
                    d.shares,
                    d.followers
                ));
            }
            let name = match &article {
                Some(a) => format!("hao-stats-article-{}.csv", a.id),
                None => "hao-stats.csv".to_owned(),
            };
            let mut r = csv.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                "text/csv; charset=utf-8".parse().expect("valid"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\"")
                    .parse()
                    .expect("ascii name"),
            );
            h.insert(header::CACHE_CONTROL, "no-store".parse().expect("valid"));
            return Ok(r);
        }
        Some(other) => {
            return Err(PageError::bad_request(format!(
                "格式“{other}”无效：应为 html 或 csv。"
            )));
        }
    }
    let total = |f: fn(&hao_store::DayStats) -> i64| days.iter().map(f).sum::<i64>();
    let title = match &article {
        Some(a) => format!("数据：{}", a.title),
        None => "数据：全部文章".to_owned(),
    };
    let frame =
        Frame::new(&title, "/studio", is_care(&headers)).describe("近 30 天的阅读、分享与新增关注");
    let csv_link = match &article {
        Some(a) => format!("/studio/stats?article={}&format=csv", a.id),
        None => "/studio/stats?format=csv".to_owned(),
    };
    Ok(private_page(
        StatusCode::OK,
        layout(
            &frame,
            html! {
                section class="editor stats" {
                    h1 { (title) }
                    p class="totals" {
                        "近 30 天：阅读 " strong { (total(|d| d.views)) }
                        "，分享 " strong { (total(|d| d.shares)) }
                        "，新增关注 " strong { (total(|d| d.followers)) }
                    }
                    (chart(&days))
                    p { a href=(csv_link) download { "下载 CSV" } " " a href="/studio" { "返回创作中心" } }
                    table {
                        caption { "每日数据" }
                        thead { tr { th scope="col" { "日期" } th scope="col" { "阅读" } th scope="col" { "分享" } th scope="col" { "新增关注" } } }
                        tbody {
                            @for d in days.iter().rev() {
                                tr { th scope="row" { (day_label(d.day)) } td { (d.views) } td { (d.shares) } td { (d.followers) } }
                            }
                        }
                    }
                }
            },
        ),
    ))
}

/// Daily views as bars, drawn by the server (no script): the table below
/// holds the same numbers for screen readers, so the picture is described
/// briefly and otherwise hidden from them.
pub(super) fn chart(days: &[hao_store::DayStats]) -> Markup {
    let (w, h, pad) = (600.0_f64, 160.0_f64, 20.0_f64);
    let max = days.iter().map(|d| d.views).max().unwrap_or(0).max(1) as f64;
    let bar = (w - 2.0 * pad) / days.len().max(1) as f64;
    let svg = html! {
        svg class="chart" viewBox={ "0 0 " (w) " " (h) } role="img" aria-label="近 30 天每日阅读柱状图，数据见下表" {
            line x1=(pad) y1=(h - pad) x2=(w - pad) y2=(h - pad) stroke="#595959" {}
            @for (i, d) in days.iter().enumerate() {
                @let height = (d.views as f64 / max) * (h - 2.0 * pad);
                rect x=(format!("{:.1}", pad + i as f64 * bar + 1.0)) y=(format!("{:.1}", h - pad - height))
                    width=(format!("{:.1}", (bar - 2.0).max(1.0))) height=(format!("{:.1}", height)) fill="#b3131b" {}
            }
            text x=(pad) y="14" font-size="12" fill="#1f1f1f" { "最高 " (max as i64) }
        }
    };
    svg
}
