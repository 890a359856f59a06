//! The creator's studio and the web editor: write, preview, publish, draft,
//! schedule, edit; every refusal keeps what was typed.

use axum::http::StatusCode;
use hao_domain::Role;

use crate::support::*;

pub fn form(csrf: &str, title: &str, body: &str, action: &str, extra: &str) -> String {
    format!(
        "csrf={csrf}&title={}&body={}&channel=tech&tags={}&original=1&action={action}{extra}",
        enc(title),
        enc(body),
        enc("芯片，科研")
    )
}

#[tokio::test]
async fn creators_write_preview_publish_and_edit_in_the_studio() {
    let app = TestApp::with_articles().await;
    app.user("writer", Role::Creator, Some("科技写手")).await;
    app.user("other", Role::Creator, Some("别的作者")).await;
    app.user("reader", Role::Reader, None).await;
    let writer = app.sign_in("writer", PASSWORD).await.unwrap();
    let other = app.sign_in("other", PASSWORD).await.unwrap();
    let reader = app.sign_in("reader", PASSWORD).await.unwrap();
    let csrf = app.csrf_of(&writer).await;
    assert_eq!(
        app.get_with("/write", &[("cookie", &reader)]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get("/studio").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with("/write", &[("cookie", &writer)]).await.status,
        StatusCode::OK
    );

    let body = "国内团队发布新一代量子芯片。\n**比特数**翻了一番。";
    // Refused: the reason next to the field, everything typed kept.
    let r = app
        .post_form_with("/write", &writer, &form(&csrf, "  ", body, "publish", ""))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.html();
    assert_eq!(text(&html, "#title-error"), "请填写标题。");
    let kept: String = html.select(&sel("#body")).next().unwrap().text().collect();
    assert_eq!(kept, body);
    assert_eq!(form_value(&html, "tags"), "芯片，科研");
    let r = app
        .post_form_with(
            "/write",
            &writer,
            &format!(
                "csrf={csrf}&title={}&body={}&original=0&source=&action=publish",
                enc("转载稿"),
                enc(body)
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.html(), "#source-error").contains("转载请填写来源"));
    let r = app
        .post_form_with(
            "/write",
            &writer,
            &form(
                &csrf,
                "定时稿",
                body,
                "schedule",
                "&publish_at=2020-01-01T08:00",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.html(), "#publish_at-error").contains("将来"));
    let forged = app
        .post_form_with(
            "/write",
            &writer,
            &form("forged", "标题", body, "publish", ""),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Preview: the server renders the Markdown, nothing is saved.
    let r = app
        .post_form_with(
            "/write",
            &writer,
            &form(&csrf, "量子芯片新进展", body, "preview", ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.html();
    assert_eq!(text(&html, ".preview strong"), "比特数");
    assert_eq!(form_value(&html, "title"), "量子芯片新进展");

    // Publish: listed in the studio as published, live on the site.
    let r = app
        .post_form_with(
            "/write",
            &writer,
            &form(&csrf, "量子芯片新进展", body, "publish", ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header("location").as_deref(), Some("/studio"));
    let draft = app
        .post_form_with(
            "/write",
            &writer,
            &form(&csrf, "未完成的草稿", body, "draft", ""),
        )
        .await;
    assert_eq!(draft.status, StatusCode::SEE_OTHER);
    let studio = app.get_with("/studio", &[("cookie", &writer)]).await.html();
    let rows = texts(&studio, "tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains("未完成的草稿") && rows[0].contains("草稿"));
    assert!(rows[1].contains("量子芯片新进展") && rows[1].contains("已发布"));
    let edit = attrs(&studio, "tbody tr td:first-child > a:first-child", "href");
    let published = &edit[1];
    let id: i64 = published.rsplit('/').next().unwrap().parse().unwrap();
    app.sync().await;
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(text(&page.html(), "article h1"), "量子芯片新进展");

    // Edit: the form comes back filled; another creator may not touch it.
    let form_page = app.get_with(published, &[("cookie", &writer)]).await.html();
    assert_eq!(form_value(&form_page, "title"), "量子芯片新进展");
    assert_eq!(
        app.get_with(published, &[("cookie", &other)]).await.status,
        StatusCode::FORBIDDEN
    );
    let ocsrf = app.csrf_of(&other).await;
    let r = app
        .post_form_with(
            published,
            &other,
            &form(&ocsrf, "改标题", body, "publish", ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form_with(
            published,
            &writer,
            &form(&csrf, "量子芯片新进展（更新）", body, "publish", ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.sync().await;
    let page = app.get(&format!("/article/{id}")).await.html();
    assert_eq!(text(&page, "article h1"), "量子芯片新进展（更新）");
    assert_eq!(
        app.get_with("/write/abc", &[("cookie", &writer)])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn revisions_are_kept_diffed_and_restored_and_deletes_are_recoverable() {
    let app = TestApp::with_articles().await;
    app.user("writer", Role::Creator, Some("科技写手")).await;
    app.user("editor", Role::Editor, None).await;
    let writer = app.sign_in("writer", PASSWORD).await.unwrap();
    let editor = app.sign_in("editor", PASSWORD).await.unwrap();
    let (csrf, ecsrf) = (app.csrf_of(&writer).await, app.csrf_of(&editor).await);
    let save = |path: String, title: &'static str, body: &'static str| {
        let app = &app;
        let writer = writer.clone();
        let csrf = csrf.clone();
        async move {
            let r = app
                .post_form_with(&path, &writer, &form(&csrf, title, body, "publish", ""))
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        }
    };
    save("/write".into(), "初稿标题", "第一版正文。").await;
    let studio = app.get_with("/studio", &[("cookie", &writer)]).await.html();
    let edit = attrs(&studio, "tbody tr td:first-child > a:first-child", "href")[0].clone();
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    save(edit.clone(), "二稿标题", "第二版正文，改了一句。").await;
    save(edit.clone(), "二稿标题", "第二版正文，改了一句。").await; // unchanged: no new version
    let history = app
        .get_with(&format!("{edit}/history"), &[("cookie", &writer)])
        .await;
    assert_eq!(history.status, StatusCode::OK);
    let html = history.html();
    assert_eq!(texts(&html, ".revision").len(), 1);
    assert!(
        text(&html, ".revision del").contains("一"),
        "{}",
        text(&html, ".revision")
    );
    // Restore the first version: it becomes current, the second goes to history.
    let restore = attrs(&html, ".revision form", "action")[0].clone();
    let r = app
        .post_form_with(&restore, &writer, &format!("csrf={csrf}"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let a = app.store().article(id).await.unwrap().unwrap();
    assert_eq!(
        (a.title.as_str(), a.body_markdown.as_str()),
        ("初稿标题", "第一版正文。")
    );
    assert_eq!(app.store().revisions(id).await.unwrap().len(), 2);

    // Unpublish: a draft again, gone from the site; delete: gone from the
    // studio; an editor restores it as a draft.
    let r = app
        .post_form_with(
            &format!("{edit}/unpublish"),
            &writer,
            &format!("csrf={csrf}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.sync().await;
    assert_eq!(
        app.get(&format!("/article/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post_form_with(
            &format!("{edit}/unpublish"),
            &writer,
            &format!("csrf={csrf}"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a draft cannot be unpublished"
    );
    let r = app
        .post_form_with(&format!("{edit}/delete"), &writer, &format!("csrf={csrf}"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let studio = app.get_with("/studio", &[("cookie", &writer)]).await.html();
    assert!(texts(&studio, "tbody tr").is_empty());
    assert_eq!(
        app.get_with(&edit, &[("cookie", &writer)]).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post_form_with(
            "/editor/restore",
            &editor,
            &format!("csrf={ecsrf}&article={id}&reason={}", enc("作者误删")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let studio = app.get_with("/studio", &[("cookie", &writer)]).await.html();
    assert!(text(&studio, "tbody").contains("草稿"));
    let r = app
        .post_form_with(
            "/editor/restore",
            &writer,
            &format!("csrf={csrf}&article={id}&reason=x"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn analytics_count_views_shares_and_follows_per_day_as_chart_table_and_csv() {
    let app = TestApp::with_articles().await;
    app.user("jiang", Role::Creator, Some("江畔球评")).await;
    app.user("fan", Role::Reader, None).await;
    let creator = app.sign_in("jiang", PASSWORD).await.unwrap();
    let fan = app.sign_in("fan", PASSWORD).await.unwrap();
    let id = app.id_of("fx-001").await;
    let other = app.id_of("fx-003").await;
    for reader in ["a", "b", "c", "a"] {
        app.get_with(&format!("/article/{id}"), &[("user-agent", reader)])
            .await;
    }
    app.get_with(
        &format!("/article/{}", app.id_of("fx-002").await),
        &[("user-agent", "a")],
    )
    .await;
    app.app().flush_views().await.unwrap();
    app.share(id, "weibo", "a").await;
    let author = app.store().article(id).await.unwrap().unwrap().creator_id;
    app.request(
        axum::http::Request::post(format!("/author/{author}/follow"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &fan)
            .header("sec-fetch-site", "same-origin")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;

    let page = app.get_with("/studio/stats", &[("cookie", &creator)]).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert_eq!(texts(&html, ".totals strong"), ["4", "1", "1"]);
    assert_eq!(texts(&html, "tbody tr").len(), 30);
    let today = texts(&html, "tbody tr")[0].clone();
    assert!(today.contains('4') && today.contains('1'), "{today}");
    assert_eq!(html.select(&sel("svg.chart rect")).count(), 30);
    assert!(attrs(&html, "svg.chart", "aria-label")[0].contains("见下表"));

    let one = app
        .get_with(
            &format!("/studio/stats?article={id}"),
            &[("cookie", &creator)],
        )
        .await
        .html();
    assert_eq!(texts(&one, ".totals strong"), ["3", "1", "1"]);
    let csv = app
        .get_with(
            &format!("/studio/stats?article={id}&format=csv"),
            &[("cookie", &creator)],
        )
        .await;
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains(&format!("article-{id}.csv"))
    );
    let text = csv.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "day,views,shares,followers_gained");
    assert_eq!(lines.len(), 31);
    assert!(lines[30].ends_with(",3,1,1"), "{}", lines[30]);

    assert_eq!(
        app.get_with(
            &format!("/studio/stats?article={other}"),
            &[("cookie", &creator)]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_with("/studio/stats?format=xml", &[("cookie", &creator)])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get_with("/studio/stats", &[("cookie", &fan)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
