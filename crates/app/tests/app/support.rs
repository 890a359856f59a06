//! `Harness`: a fresh database with the help pages, an in-memory search
//! index, and the application over them — no HTTP.

use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use hao_app::App;
use hao_app::publish::import::{Options, Silent, Summary, import_reader};
use hao_domain::{Role, User};
use hao_store::{NewCreator, Store};

pub const ARTICLES: &[u8] = include_bytes!("../../../../tests/fixtures/articles.jsonl");
pub const BAD_LINES: &[u8] = include_bytes!("../../../../tests/fixtures/bad-lines.jsonl");

pub struct Harness {
    pub app: App,
    _dir: tempfile::TempDir,
}

impl Harness {
    pub async fn empty() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&Store::sqlite_url(dir.path()))
            .await
            .unwrap();
        hao_app::seed::ensure_help_pages(&store).await.unwrap();
        let index = Arc::new(hao_search::SearchIndex::in_memory().unwrap());
        Harness {
            app: App::new(store, Some(index)),
            _dir: dir,
        }
    }

    pub async fn with_articles() -> Harness {
        let h = Harness::empty().await;
        let s = h.import(ARTICLES).await;
        assert_eq!(s.skipped, 0, "{:?}", s.errors);
        h
    }

    pub fn store(&self) -> &Store {
        self.app.store()
    }

    /// Imports JSON Lines (batches of 4), then runs the follower once.
    pub async fn import(&self, data: &[u8]) -> Summary {
        let opts = Options {
            batch: 4,
            report: &Silent,
            stop: &AtomicBool::new(false),
            index: None,
        };
        let s = import_reader(self.store(), Cursor::new(data.to_vec()), &opts)
            .await
            .unwrap();
        self.sync().await;
        s
    }

    /// The change-log follower, one step, from where the index is.
    pub async fn sync(&self) -> i64 {
        let from = self.app.search().unwrap().applied_seq().unwrap_or(0);
        self.app.follow_changes(from).await.unwrap()
    }

    pub async fn id_of(&self, external_id: &str) -> i64 {
        self.store()
            .article_by_external_id(external_id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{external_id} not stored"))
            .id
    }

    /// A user, with a creator account of that name when `creator`.
    pub async fn user(&self, username: &str, role: Role, creator: bool) -> User {
        let creator_id = if creator {
            Some(
                self.store()
                    .ensure_creator(&NewCreator {
                        display_name: username,
                        account_type: hao_domain::AccountType::Personal,
                        bio: "",
                        is_demo: false,
                        is_official: false,
                    })
                    .await
                    .unwrap(),
            )
        } else {
            None
        };
        let id = self
            .store()
            .create_user(username, "not-a-hash", role, creator_id)
            .await
            .unwrap()
            .unwrap();
        self.store().user(id).await.unwrap().unwrap()
    }

    /// The ids of the articles a search finds, best first.
    pub fn search(&self, text: &str) -> Vec<i64> {
        let q = hao_search::SearchQuery {
            text,
            channel: None,
            sort: hao_search::Sort::Relevance,
            limit: 10,
            offset: 0,
            mode: hao_search::Mode::Hao,
            snippets: false,
        };
        let r = self.app.search().unwrap().search(&q).unwrap();
        r.hits.iter().map(|h| h.id).collect()
    }
}
