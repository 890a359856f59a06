//! The platform's own content: the official account and its help pages
//! (how to apply, originality rules, care mode, accessibility), written as real
//! articles so that they are read, linked and shared like any other.

use hao_domain::{AccountType, ArticleDraft, ArticleStatus, Channel, Originality};
use hao_store::{NewCreator, Store};

/// The official account's display name.
pub const OFFICIAL: &str = "号官方";

/// (slug, title, Markdown). The page is `/help/{slug}`; the article's
/// external id is `hao-help-{slug}`.
const HELP: &[(&str, &str, &str)] = &[
    (
        "apply",
        "如何申请入驻号平台",
        include_str!("../help/apply.md"),
    ),
    (
        "originality",
        "原创声明与原创保护规则",
        include_str!("../help/originality.md"),
    ),
    ("care", "关怀版使用说明", include_str!("../help/care.md")),
    (
        "accessibility",
        "无障碍浏览说明",
        include_str!("../help/accessibility.md"),
    ),
];

/// 2026-01-01 00:00 Beijing time: help pages keep one date so that they never
/// crowd "latest" lists.
const HELP_PUBLISHED_AT: i64 = 1_767_196_800;

/// Creates or refreshes the help pages; writes nothing when they are current.
pub async fn ensure_help_pages(store: &Store) -> hao_store::Result<()> {
    let creator_id = store
        .ensure_creator(&NewCreator {
            display_name: OFFICIAL,
            account_type: AccountType::Enterprise,
            bio: "号平台官方账号：入驻指南、原创规则、关怀版与无障碍说明。",
            is_demo: false,
            is_official: true,
        })
        .await?;
    let mut drafts = Vec::new();
    for (slug, title, body) in HELP {
        let external_id = format!("hao-help-{slug}");
        let current = store.article_by_external_id(&external_id).await?;
        if current.is_some_and(|a| a.title == *title && a.body_markdown == *body) {
            continue;
        }
        let analysis = hao_text::analyze(title, body);
        drafts.push(ArticleDraft {
            external_id,
            creator_id,
            channel: Channel::OpenCourse,
            title: (*title).to_owned(),
            body_markdown: (*body).to_owned(),
            body_html: analysis.body_html,
            summary: analysis.summary,
            cover_url: None,
            tags: vec!["帮助".to_owned()],
            originality: Originality::Original,
            status: ArticleStatus::Published,
            published_at: HELP_PUBLISHED_AT,
            listed: false,
            keywords: analysis.keywords,
            fingerprint: analysis.fingerprint,
            bands: analysis
                .sketch
                .as_ref()
                .map(|s| s.band_keys())
                .unwrap_or_default(),
            sketch: analysis.sketch.as_ref().map(|s| s.encode()),
        });
    }
    if !drafts.is_empty() {
        store.upsert_articles(&drafts).await?;
    }
    Ok(())
}
