//! Moving sites: Hao's export imported into a fresh database gives the same
//! site, table by table; WordPress's WXR and Ghost's JSON exports (files
//! built from the formats' documentation, in `tests/fixtures`) come in with
//! their authors, statuses, tags, images and comments, and again without
//! duplicates; malformed files are refused naming the place.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use hao_app::engage::{Actor, Draft};
use hao_app::publish::{ArticleInput, Request, publish};
use hao_app::transfer::{ghost, hao, site, wordpress};
use hao_domain::{ArticleStatus, Role};

use crate::support::Harness;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn request(title: &str, body: &str) -> Request {
    Request {
        input: ArticleInput {
            title: Some(title.into()),
            body: Some(body.into()),
            tags: vec!["迁移".into()],
            ..ArticleInput::default()
        },
        publish: true,
        publish_at: None,
    }
}

/// Every file of an export but the manifest's time, for comparing two.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in ["tables", "media"] {
        let mut names: Vec<_> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for p in names {
            out.push((
                p.strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    let mut manifest: hao::Manifest =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    manifest.exported_at.clear();
    out.push(("manifest".into(), serde_json::to_vec(&manifest).unwrap()));
    out
}

#[tokio::test]
async fn an_export_imported_into_a_fresh_site_is_the_same_site() {
    let h = Harness::with_articles().await;
    let store = h.store();
    // A creator with a real password, an article with revisions and an
    // image, readers who follow, like, favourite and comment, a 信用分 entry.
    let writer = h.user("迁移作者", Role::Creator, true).await;
    let password = hao_app::secrets::hash_password("迁移前的密码-1");
    store.set_password(writer.id, &password).await.unwrap();
    let png = std::fs::read(fixtures().join("wordpress/uploads/2024/05/xihu-dawn.png")).unwrap();
    let image = hao_app::images::reencode(&png).unwrap();
    store
        .put_media(&image.name, image.mime, &image.bytes, image.size, writer.id)
        .await
        .unwrap();
    let body = format!(
        "第一版正文，写的是迁移。\n\n![图](/media/{})\n\n迁移要把每一张表都带走。",
        image.name
    );
    let first = publish(&h.app, &writer, request("迁移的一天", &body), None)
        .await
        .unwrap();
    let article = store.article(first.id).await.unwrap().unwrap();
    publish(
        &h.app,
        &writer,
        request("迁移的一天（修订）", &format!("{body}\n\n第二版补了一段。")),
        Some(article),
    )
    .await
    .unwrap();
    let reader = h.user("读者乙", Role::Reader, false).await;
    // Past the new-account hold on comments.
    h.app.advance_clock(30 * 86_400);
    let creator_id = writer.creator_id.unwrap();
    store
        .follow(reader.id, creator_id, Some(first.id))
        .await
        .unwrap();
    let fx = h.id_of("fx-001").await;
    store.like(reader.id, fx).await.unwrap();
    store.favorite(reader.id, fx).await.unwrap();
    let actor = Actor {
        user: &reader,
        addr: "192.0.2.9",
    };
    let root = h
        .app
        .post_comment(
            actor,
            Draft {
                article_id: fx,
                reply_to: None,
                body: "迁移之后跟帖还在吗",
            },
        )
        .await
        .unwrap();
    h.app
        .post_comment(
            Actor {
                user: &writer,
                addr: "192.0.2.10",
            },
            Draft {
                article_id: fx,
                reply_to: Some(root.id),
                body: "在的，连楼层都在",
            },
        )
        .await
        .unwrap();
    let own = store
        .article_by_external_id(&first.external_id)
        .await
        .unwrap()
        .unwrap();
    store.take_down(own.id, "测试下架").await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let stop = AtomicBool::new(false);
    let manifest = hao::export(store, &out, &hao::Quiet, &stop).await.unwrap();
    assert_eq!(manifest.format, "hao-export");
    assert_eq!(manifest.media_files, 1);
    let rows = |t: &str| manifest.tables.iter().find(|e| e.name == t).unwrap().rows;
    assert!(rows("article_revisions") >= 1);
    assert_eq!(rows("follows"), 1);
    assert_eq!(rows("comments"), 2);
    assert!(rows("standing_ledger") >= 1);
    // Exporting again into the same place is refused; nothing is half-written.
    assert!(hao::export(store, &out, &hao::Quiet, &stop).await.is_err());

    let fresh = Harness::empty().await;
    let (_, imported) = hao::import(fresh.store(), &out, &hao::Quiet, &stop)
        .await
        .unwrap();
    assert_eq!(
        imported,
        manifest.tables.iter().map(|t| t.rows).sum::<u64>()
    );
    // The same site: exported again, every table and image is byte for byte the same.
    let again = dir.path().join("again");
    hao::export(fresh.store(), &again, &hao::Quiet, &stop)
        .await
        .unwrap();
    let (a, b) = (contents(&out), contents(&again));
    assert_eq!(a.len(), b.len());
    for ((name_a, bytes_a), (name_b, bytes_b)) in a.iter().zip(&b) {
        assert_eq!(name_a, name_b);
        if bytes_a != bytes_b {
            let (ta, tb) = (
                String::from_utf8_lossy(bytes_a),
                String::from_utf8_lossy(bytes_b),
            );
            let (la, lb) = ta
                .lines()
                .zip(tb.lines())
                .find(|(x, y)| x != y)
                .unwrap_or_default();
            let at = la
                .bytes()
                .zip(lb.bytes())
                .take_while(|(x, y)| x == y)
                .count();
            let from = at.saturating_sub(60);
            panic!(
                "{name_a} differs after the round trip:\n{}\n{}",
                String::from_utf8_lossy(&la.as_bytes()[from..(at + 60).min(la.len())]),
                String::from_utf8_lossy(&lb.as_bytes()[from..(at + 60).min(lb.len())])
            );
        }
    }
    // Accounts keep working: the same password signs in.
    let (user, hash) = fresh
        .store()
        .user_for_signin("迁移作者")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.id, writer.id);
    assert!(hao_app::secrets::verify_password("迁移前的密码-1", &hash));
    // A site with content of its own is not overwritten.
    let refused = hao::import(fresh.store(), &out, &hao::Quiet, &stop).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("not fresh")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_damaged_export_is_refused_and_imports_nothing() {
    let h = Harness::with_articles().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let stop = AtomicBool::new(false);
    hao::export(h.store(), &out, &hao::Quiet, &stop)
        .await
        .unwrap();
    let path = out.join("tables/articles.jsonl");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("[1, \"not enough values\"]\n");
    std::fs::write(&path, text).unwrap();
    let fresh = Harness::empty().await;
    let before = fresh.store().count_published().await.unwrap();
    let err = hao::import(fresh.store(), &out, &hao::Quiet, &stop)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("articles"), "{err}");
    assert_eq!(fresh.store().count_published().await.unwrap(), before);
}

async fn article(h: &Harness, prefix: &str, id: &str) -> hao_domain::Article {
    h.store()
        .article_by_external_id(&format!("{prefix}{id}"))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{prefix}{id} not imported"))
}

async fn import_site(h: &Harness, site: site::Site, media: &str) -> site::Summary {
    let stop = AtomicBool::new(false);
    let opts = site::Options {
        media_dir: Some(fixtures().join(media)),
        channel: None,
        progress: &|_| {},
        stop: &stop,
    };
    site::import(h.store(), site, &opts).await.unwrap()
}

#[tokio::test]
async fn a_wordpress_site_comes_in_whole_and_once() {
    let h = Harness::empty().await;
    let bytes = std::fs::read(fixtures().join("wordpress/site.wxr.xml")).unwrap();
    let parsed = wordpress::parse(&bytes).unwrap();
    let s = import_site(&h, parsed.clone(), "wordpress/uploads").await;
    assert_eq!((s.posts, s.pages, s.created), (6, 1, 7), "{s}");
    assert_eq!(
        (s.published, s.drafts, s.scheduled, s.in_review),
        (3, 2, 1, 1),
        "{s}"
    );
    assert_eq!((s.creators, s.images_stored, s.comments), (3, 2, 2), "{s}");
    let reasons: Vec<String> = s.problems.iter().map(|p| p.item.clone()).collect();
    assert_eq!(
        reasons,
        ["comment 9", "comment 10", "post 27", "item 30"],
        "{:?}",
        s.problems
    );
    assert!(s.notes.iter().any(|n| n.item == "post 25"), "{:?}", s.notes);

    let key = site::site_key("https://jiangnan.example.cn");
    let prefix = format!("wordpress-{key}-");
    let main = article(&h, &prefix, "post-21").await;
    assert_eq!(main.status, ArticleStatus::Published);
    assert_eq!(main.channel.slug(), "tech");
    assert_eq!(main.tags, ["杭州", "算力"]);
    assert!(
        main.cover_url
            .as_deref()
            .is_some_and(|c| c.starts_with("/media/"))
    );
    assert!(
        main.body_markdown.contains("## 三条主线"),
        "{}",
        main.body_markdown
    );
    assert!(main.body_markdown.contains("> 算力就像当年的电力"));
    assert!(
        main.body_markdown
            .contains("[国家统计局](https://www.stats.gov.cn/)")
    );
    assert!(!main.body_markdown.contains("wp:paragraph"));
    assert!(
        !main
            .body_markdown
            .contains("jiangnan.example.cn/wp-content")
    );
    assert_eq!(main.comments, 2);
    let author = h.store().creator(main.creator_id).await.unwrap().unwrap();
    assert_eq!(author.display_name, "林晓");
    assert_eq!(author.imported_label(), Some("导入自 WordPress"));
    assert_eq!(
        h.store().imported_from(main.creator_id).await.unwrap(),
        "wordpress"
    );
    // Classic text: paragraphs from blank lines, the caption's image kept.
    let classic = article(&h, &prefix, "post-22").await;
    assert_eq!(classic.channel.slug(), "finance");
    assert_eq!(classic.tags, ["新能源", "城市随笔"]);
    assert!(classic.body_markdown.contains("/media/"));
    assert!(!classic.body_markdown.contains("[caption"));
    assert!(classic.body_markdown.contains("价格战&产能出清"));
    assert_eq!(
        article(&h, &prefix, "post-23").await.status,
        ArticleStatus::Draft
    );
    let scheduled = article(&h, &prefix, "post-24").await;
    assert_eq!(scheduled.status, ArticleStatus::Scheduled);
    assert_eq!(scheduled.published_at, 1_811_851_200);
    assert_eq!(
        article(&h, &prefix, "post-25").await.status,
        ArticleStatus::Draft
    );
    assert_eq!(
        article(&h, &prefix, "post-26").await.status,
        ArticleStatus::InReview
    );
    let page = article(&h, &prefix, "page-2").await;
    assert!(!page.listed);
    let editor = h.store().creator(page.creator_id).await.unwrap().unwrap();
    assert_eq!(editor.display_name, "王建国");

    // Again: everything updated in place, no second comment or creator.
    let again = import_site(&h, parsed, "wordpress/uploads").await;
    assert_eq!((again.created, again.updated, again.comments), (0, 7, 2));
    assert_eq!(article(&h, &prefix, "post-21").await.comments, 2);
    assert_eq!(article(&h, &prefix, "post-21").await.id, main.id);
}

#[test]
fn malformed_wordpress_files_are_refused_naming_the_place() {
    let bytes = std::fs::read(fixtures().join("wordpress/site.wxr.xml")).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let broken = text.replacen(
        "</wp:post_type>\n\t\t<category domain=\"category\" nicename=\"money\">",
        "</wp:post_typo>\n\t\t<category domain=\"category\" nicename=\"money\">",
        1,
    );
    assert_ne!(broken, text);
    let err = wordpress::parse(broken.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("line ") && err.contains("post 22"), "{err}");
    // A file cut short is refused, not read as a site with fewer posts.
    let cut = &text.as_bytes()[..text.find("<wp:post_id>22</wp:post_id>").unwrap()];
    let err = wordpress::parse(cut).unwrap_err().to_string();
    assert!(err.contains("cut short"), "{err}");
    let err = wordpress::parse(b"<html><body>not an export</body></html>")
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a WordPress export"), "{err}");
    let err = wordpress::parse(b"<rss><channel><title>x</title></channel></rss>")
        .unwrap_err()
        .to_string();
    assert!(err.contains("wxr_version"), "{err}");
}

#[tokio::test]
async fn a_ghost_site_comes_in_from_html_lexical_and_mobiledoc() {
    let h = Harness::empty().await;
    let bytes = std::fs::read(fixtures().join("ghost/site.ghost.json")).unwrap();
    let s = import_site(&h, ghost::parse(&bytes).unwrap(), "ghost/images").await;
    assert_eq!((s.posts, s.pages, s.created), (6, 1, 7), "{s}");
    assert_eq!((s.published, s.drafts, s.scheduled), (4, 2, 1), "{s}");
    assert_eq!(
        (s.creators, s.images_stored, s.images_linked),
        (2, 2, 1),
        "{s}"
    );
    assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
    assert!(s.problems[0].reason.contains("昨天下午"));
    let prefix = "ghost-".to_owned();
    let ports = article(&h, &prefix, "post-65a1f0c2e4b0a1b2c3d4e501").await;
    assert_eq!(ports.channel.slug(), "finance");
    assert_eq!(ports.tags, ["财经", "长江"]);
    assert!(
        ports
            .cover_url
            .as_deref()
            .is_some_and(|c| c.starts_with("/media/"))
    );
    assert!(ports.body_markdown.contains("## 铁水联运"));
    assert!(!ports.body_markdown.contains("__GHOST_URL__"));
    // Two authors: the first (by sort order) writes it.
    let night = article(&h, &prefix, "post-65a1f0c2e4b0a1b2c3d4e502").await;
    let author = h.store().creator(night.creator_id).await.unwrap().unwrap();
    assert_eq!(author.display_name, "何渝");
    assert!(
        night.body_markdown.contains("1.  **玉林路的甜水面**"),
        "{}",
        night.body_markdown
    );
    assert!(
        night
            .body_markdown
            .contains("[这里](https://map.example.cn/chengdu)")
    );
    let hotpot = article(&h, &prefix, "post-65a1f0c2e4b0a1b2c3d4e503").await;
    assert!(
        hotpot.body_markdown.contains("**不只在锅底**"),
        "{}",
        hotpot.body_markdown
    );
    assert!(hotpot.body_markdown.contains("### 怎么点菜"));
    assert_eq!(hotpot.tags, ["美食"], "internal tags (#…) stay out");
    // Members-only on Ghost stays unpublished here.
    assert_eq!(
        article(&h, &prefix, "post-65a1f0c2e4b0a1b2c3d4e504")
            .await
            .status,
        ArticleStatus::Draft
    );
    assert_eq!(
        article(&h, &prefix, "post-65a1f0c2e4b0a1b2c3d4e506")
            .await
            .status,
        ArticleStatus::Scheduled
    );
    assert!(
        !article(&h, &prefix, "page-65a1f0c2e4b0a1b2c3d4e507")
            .await
            .listed
    );

    let err = ghost::parse(b"{\"db\": [{\"data\": {\"posts\": 5}}]}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("posts"), "{err}");
    let err = ghost::parse(b"{\"posts\": [").unwrap_err().to_string();
    assert!(err.contains("not JSON"), "{err}");
}
