//! `hao backup FILE` and `hao restore FILE`.
//!
//! A backup is taken while `hao serve` runs: on SQLite, `VACUUM INTO` copies
//! the database as of one instant into `FILE.partial` (progress: the bytes
//! written so far against the database's size), the copy is checked
//! (`PRAGMA integrity_check`), then renamed to `FILE`; Ctrl-C leaves no
//! `FILE`. On PostgreSQL it runs `pg_dump --format=custom`, or says exactly
//! what to run when `pg_dump` is not installed.
//!
//! A restore goes into a data dir without a database, refusing to
//! overwrite one; the copy is checked first (integrity, a schema this hao
//! knows), copied in under a temporary name and renamed, brought up to date
//! by the migrations, and the search index is rebuilt from it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use hao_store::{Backend, Workload};
use indicatif::{ProgressBar, ProgressStyle};

use super::DataArgs;

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Where to write the copy (must not exist).
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// A copy made by `hao backup`.
    pub file: PathBuf,
}

fn partial(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    if args.file.exists() {
        bail!("{} exists: choose a new file name", args.file.display());
    }
    let store = args.data.open().await?;
    if store.backend() == Backend::Postgres {
        let url = args.data.database_url.clone().unwrap_or_default();
        let command = format!(
            "pg_dump --format=custom --file '{}' '{url}'",
            args.file.display()
        );
        let Ok(status) = std::process::Command::new("pg_dump")
            .args(["--format=custom", "--file"])
            .arg(&args.file)
            .arg(&url)
            .status()
        else {
            eprintln!("pg_dump is not installed here; on a machine that has it, run:\n  {command}");
            return Ok(ExitCode::from(2));
        };
        if !status.success() {
            bail!("pg_dump failed ({status}); the command was: {command}");
        }
        println!(
            "backup written to {} (pg_dump, custom format)",
            args.file.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let total = store.database_bytes().await?;
    let temp = partial(&args.file);
    let _ = std::fs::remove_file(&temp);
    let bar = ProgressBar::new(total.max(1));
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes}",
        )
        .expect("valid template"),
    );
    let watched = temp.clone();
    let progress = {
        let bar = bar.clone();
        tokio::spawn(async move {
            loop {
                if let Ok(m) = std::fs::metadata(&watched) {
                    bar.set_position(m.len());
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let started = std::time::Instant::now();
    let copied = tokio::select! {
        r = store.backup_into(&temp) => Some(r),
        _ = tokio::signal::ctrl_c() => None,
    };
    progress.abort();
    bar.finish_and_clear();
    match copied {
        None => {
            let _ = std::fs::remove_file(&temp);
            eprintln!("backup interrupted: nothing written");
            return Ok(ExitCode::from(130));
        }
        Some(Err(e)) => {
            let _ = std::fs::remove_file(&temp);
            return Err(e).context("copying the database");
        }
        Some(Ok(())) => {}
    }
    let check = match hao_store::check_copy(&temp).await {
        Ok(c) => c,
        Err(why) => {
            let _ = std::fs::remove_file(&temp);
            bail!("the copy failed its check: {why}");
        }
    };
    std::fs::rename(&temp, &args.file)
        .with_context(|| format!("renaming the copy to {}", args.file.display()))?;
    store.close().await;
    println!(
        "backup written to {}: {} articles, {} users, schema {}, {:.1} MB in {:.1} s",
        args.file.display(),
        check.articles,
        check.users,
        check.schema,
        std::fs::metadata(&args.file)?.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    if let Some(url) = &args.data.database_url
        && !url.starts_with("sqlite:")
    {
        eprintln!(
            "restoring into PostgreSQL is pg_restore's: pg_restore --clean --if-exists --dbname '{url}' '{}'\nthen run `hao reindex` on each node",
            args.file.display()
        );
        return Ok(ExitCode::from(2));
    }
    let db = args.data.data_dir.join("hao.db");
    if db.exists() {
        bail!(
            "{} already has a database ({}): restore into an empty data dir",
            args.data.data_dir.display(),
            db.display()
        );
    }
    let check = hao_store::check_copy(&args.file)
        .await
        .map_err(|why| anyhow::anyhow!("{} cannot be restored: {why}", args.file.display()))?;
    std::fs::create_dir_all(&args.data.data_dir)
        .with_context(|| format!("creating {}", args.data.data_dir.display()))?;
    let temp = partial(&db);
    std::fs::copy(&args.file, &temp)
        .with_context(|| format!("copying {} into the data dir", args.file.display()))?;
    std::fs::rename(&temp, &db).context("moving the copy into place")?;
    println!(
        "restored {}: {} articles, {} users, schema {} (this hao: {})",
        args.file.display(),
        check.articles,
        check.users,
        check.schema,
        hao_store::sqlite_schema_version()
    );
    // The migrations bring an older copy up to date; then the index.
    let store = args.data.open_for(Workload::Bulk).await?;
    store.close().await;
    super::reindex::run(super::reindex::ReindexArgs { data: args.data }).await
}
