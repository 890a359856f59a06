//! Images: uploaded from the studio, judged by content, re-encoded, served
//! from the database by every node.

use axum::http::StatusCode;
use hao_domain::Role;

use crate::studio::form;
use crate::support::*;

fn multipart(csrf: &str, file: &[u8], filename: &str) -> (String, Vec<u8>) {
    let boundary = "haoTestBoundary7MA4YWxk";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn png(w: u32, h: u32, alpha: bool) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let img = if alpha {
        image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            w,
            h,
            image::Rgba([200, 20, 30, 128]),
        ))
    } else {
        image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([200, 20, 30])))
    };
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn images_are_judged_by_content_reencoded_and_served_from_the_database() {
    let app = TestApp::with_articles().await;
    app.user("writer", Role::Creator, Some("科技写手")).await;
    app.user("reader", Role::Reader, None).await;
    let writer = app.sign_in("writer", PASSWORD).await.unwrap();
    let reader = app.sign_in("reader", PASSWORD).await.unwrap();
    let csrf = app.csrf_of(&writer).await;
    let upload = |session: String, csrf: String, file: Vec<u8>, name: &'static str| {
        let app = &app;
        async move {
            let (ctype, body) = multipart(&csrf, &file, name);
            app.request(
                axum::http::Request::post("/studio/upload")
                    .header("content-type", ctype)
                    .header("cookie", session)
                    .body(axum::body::Body::from(body))
                    .unwrap(),
            )
            .await
        }
    };
    // A photo without transparency becomes a JPEG; its Markdown is offered.
    let r = upload(
        writer.clone(),
        csrf.clone(),
        png(40, 30, false),
        "photo.png",
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let html = r.html();
    let src = attrs(&html, "section.upload img", "src")[0].clone();
    assert!(src.starts_with("/media/") && src.ends_with(".jpg"), "{src}");
    assert_eq!(attrs(&html, "#markdown", "value"), [format!("![]({src})")]);
    let served = app.get(&src).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.header("content-type").as_deref(), Some("image/jpeg"));
    assert!(
        served
            .header("cache-control")
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(&served.body[..3], &[0xFF, 0xD8, 0xFF]);
    // With transparency: PNG.
    let r = upload(writer.clone(), csrf.clone(), png(8, 8, true), "logo.jpg").await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(attrs(&r.html(), "section.upload img", "src")[0].ends_with(".png"));

    // Judged by content: text named .png, a truncated image, a huge one.
    for (file, needle) in [
        (b"<?php echo 'hi'; ?>".to_vec(), "只接受"),
        (png(40, 30, false)[..60].to_vec(), "损坏"),
        (png(9000, 1, false), "8000"),
        (Vec::new(), "请选择"),
    ] {
        let r = upload(writer.clone(), csrf.clone(), file, "x.png").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains(needle), "{needle}: {}", r.text());
    }
    // Too large a body is refused before it is read whole.
    let r = upload(writer.clone(), csrf.clone(), vec![0u8; 6 << 20], "big.png").await;
    assert!(r.status.is_client_error(), "{}", r.status);
    // Readers may not upload; a forged token is refused.
    let rcsrf = app.csrf_of(&reader).await;
    let r = upload(reader.clone(), rcsrf, png(4, 4, false), "a.png").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = upload(writer.clone(), "forged".into(), png(4, 4, false), "a.png").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/media/nope.jpg").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/media/..%2Fetc").await.status,
        StatusCode::NOT_FOUND
    );

    // Used in an article: the page shows it.
    let body = format!("新品发布会现场。\n![]({src})");
    let r = app
        .post_form_with(
            "/write",
            &writer,
            &form(&csrf, "发布会现场图", &body, "publish", ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.sync().await;
    let found = app
        .get("/api/v1/search?q=%E5%8F%91%E5%B8%83%E4%BC%9A%E7%8E%B0%E5%9C%BA")
        .await
        .json();
    let url = found["hits"][0]["url"].as_str().unwrap().to_owned();
    let page = app.get(&url).await.html();
    assert!(attrs(&page, "article .body img", "src").contains(&src));

    // As the cover: a bad address is refused next to the field with
    // everything typed kept; the uploaded image's address is accepted, shown
    // on the page and offered again when editing.
    let with_cover = |cover: String| {
        let body = form(
            &csrf,
            "封面测试",
            "有封面的文章。",
            "publish",
            &format!("&cover={}", enc(&cover)),
        );
        let (app, writer) = (&app, &writer);
        async move { app.post_form_with("/write", writer, &body).await }
    };
    let r = with_cover("ftp://example.com/a.jpg".into()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.html();
    assert!(text(&html, "#cover-error").contains("/media/"));
    assert_eq!(form_value(&html, "title"), "封面测试");
    assert_eq!(form_value(&html, "cover"), "ftp://example.com/a.jpg");
    let r = with_cover(src.clone()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    app.sync().await;
    let found = app
        .get(&format!("/api/v1/search?q={}", enc("封面测试")))
        .await
        .json();
    let url = found["hits"][0]["url"].as_str().unwrap().to_owned();
    let page = app.get(&url).await.html();
    assert_eq!(attrs(&page, "article img.cover", "src"), [src.as_str()]);
    let id = url
        .trim_start_matches("/article/")
        .trim_end_matches(".html");
    let edit = app
        .get_with(&format!("/write/{id}"), &[("cookie", &writer)])
        .await
        .html();
    assert_eq!(form_value(&edit, "cover"), src);
}
