//! The `hao` command line as a library: the subcommands and their one typed
//! configuration (clap derive, every flag also an environment variable).
//! `main.rs` only parses and calls [`run`]; the integration tests call the
//! same functions.

pub mod backup;
mod corpus;
pub mod eval;
pub mod gen_corpus;
pub mod import;
pub mod reindex;
pub mod serve;
pub mod transfer;
pub mod users;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hao_store::{Store, Workload};

/// Hao (号): a self-media news platform.
#[derive(Debug, Parser)]
#[command(name = "hao", version, about)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the reader site and the API.
    Serve(serve::ServeArgs),
    /// Import articles from a JSON Lines file (one article per line), or a
    /// whole site with `--from hao|wordpress|ghost`.
    Import(import::ImportArgs),
    /// Write the whole site (every article and revision, users with their
    /// password hashes, follows, 信用分, comments, images …) into a new
    /// directory, in Hao's documented format (docs/export-format.md).
    Export(transfer::ExportArgs),
    /// Rebuild this node's search index from the database.
    Reindex(reindex::ReindexArgs),
    /// Write a consistent copy of the database while the site serves.
    Backup(backup::BackupArgs),
    /// Restore a copy made by `hao backup` into an empty data dir, and
    /// rebuild the search index from it.
    Restore(backup::RestoreArgs),
    /// Segment stdin into words: each line's words separated by two spaces
    /// (with the data dir's user dictionary, when there is one).
    Segment(SegmentArgs),
    /// Evaluations (segmentation, …) with figures and optional bars.
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Users (e.g. the first admin).
    #[command(subcommand)]
    User(users::UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(users::TokenCommand),
    /// Write a synthetic corpus of N articles built from real text (for
    /// measuring at scale).
    GenCorpus(gen_corpus::GenCorpusArgs),
}

#[derive(Debug, clap::Args)]
pub struct SegmentArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

/// Where Hao keeps its data. Shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// Directory for the embedded database and other local files.
    #[arg(long, env = "HAO_DATA_DIR", default_value = "./hao-data")]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://FILE` or `postgres://…`. Default: `hao.db` in the data dir.
    #[arg(long, env = "HAO_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DataArgs {
    /// Opens the database (creating the data dir for SQLite) and makes sure
    /// the platform's own content (help pages) is there.
    pub async fn open(&self) -> anyhow::Result<Store> {
        self.open_for(Workload::Serving).await
    }

    /// [`DataArgs::open`] for an import or a rebuild (a larger SQLite cache).
    pub async fn open_for(&self, workload: Workload) -> anyhow::Result<Store> {
        self.load_user_dictionary()?;
        let url = match &self.database_url {
            Some(url) => url.clone(),
            None => {
                std::fs::create_dir_all(&self.data_dir).with_context(|| {
                    format!(
                        "cannot create the data directory {}",
                        self.data_dir.display()
                    )
                })?;
                Store::sqlite_url(&self.data_dir)
            }
        };
        let store = Store::connect_for(&url, workload)
            .await
            .with_context(|| format!("cannot open the database at {}", redact(&url)))?;
        hao_app::seed::ensure_help_pages(&store)
            .await
            .context("writing the help pages")?;
        Ok(store)
    }
}

impl DataArgs {
    /// Teaches the segmenter the names and terms in `DATA_DIR/userdict.txt`
    /// (jieba's format: `word [frequency] [tag]` a line), when the file exists.
    pub fn load_user_dictionary(&self) -> anyhow::Result<()> {
        let path = self.data_dir.join("userdict.txt");
        let Ok(file) = std::fs::File::open(&path) else {
            return Ok(());
        };
        let n = hao_text::load_user_dictionary(&mut std::io::BufReader::new(file))
            .with_context(|| format!("loading the user dictionary {}", path.display()))?;
        tracing::info!(entries = n, "user dictionary loaded");
        Ok(())
    }
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].find(':') {
            Some(colon) => format!("{}:***{}", &url[..s + 3 + colon], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    huge_pages(!matches!(args.command, Command::Serve(_)));
    match args.command {
        Command::Segment(a) => {
            a.data.load_user_dictionary()?;
            eval::segment_stdin()
        }
        Command::Eval(e) => eval::run(e),
        Command::GenCorpus(a) => gen_corpus::run(a),
        Command::Serve(a) => block_on(serve::run(a)),
        Command::Import(a) => block_on(import::run(a)),
        Command::Export(a) => block_on(transfer::export(a)),
        Command::Reindex(a) => block_on(reindex::run(a)),
        Command::Backup(a) => block_on(backup::backup(a)),
        Command::Restore(a) => block_on(backup::restore(a)),
        Command::User(c) => block_on(users::user(c)),
        Command::Token(c) => block_on(users::token(c)),
    }
}

/// Whether this process may use transparent huge pages (jemalloc asks them
/// for all its memory: `.cargo/config.toml`). A bulk command (import,
/// reindex, export, evaluations) wants them: its index writer and jieba's
/// dictionary are hundreds of MB read at random. A serving node does not:
/// its resident memory is what `scripts/demo-memory` holds to its target,
/// and a huge page counts whole however little of it is used. The flag is
/// inherited by children, so a node's `hao reindex` child sets it again.
/// Where the kernel has no such switch (it fails, or is not Linux),
/// nothing changes, and nothing else depends on it. (A node still holds one
/// huge page: jemalloc's first 2 MB, mapped before `main`.)
fn huge_pages(wanted: bool) {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(!wanted);
    #[cfg(not(target_os = "linux"))]
    let _ = wanted;
}

fn block_on(
    work: impl std::future::Future<Output = anyhow::Result<ExitCode>>,
) -> anyhow::Result<ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(work)
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
