//! `hao serve`: the reader site and the API on one address.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use hao_app::App;
use hao_search::SearchIndex;
use hao_web::{AppState, SiteOptions};
use tracing_subscriber::EnvFilter;

use super::DataArgs;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on.
    #[arg(long, env = "HAO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Public origin for share links and QR codes (default: http://LISTEN).
    #[arg(long, env = "HAO_BASE_URL")]
    pub base_url: Option<String>,
    /// Seconds a rendered page is served before it is rendered again when
    /// nothing was written (lists move with views).
    #[arg(long, env = "HAO_PAGE_TTL", default_value_t = 60)]
    pub page_ttl: u64,
    /// Behind a reverse proxy: take client addresses from X-Forwarded-For.
    #[arg(long, env = "HAO_TRUST_FORWARDED")]
    pub trust_forwarded: bool,
    /// Turn off the rate limits on comments, likes and reports: for load
    /// tests on loopback only, never on a public node.
    #[arg(long, env = "HAO_NO_RATE_LIMITS")]
    pub no_rate_limits: bool,
    /// Let webhooks point at loopback and private addresses: for tests on
    /// one machine only (a public node would let anyone probe its network).
    #[arg(long, env = "HAO_WEBHOOKS_ALLOW_PRIVATE")]
    pub webhooks_allow_private: bool,
    /// Where e-mail goes out (address confirmation, 忘记密码):
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host:465`. Without it the site sends no e-mail
    /// and 忘记密码 says how an admin resets a password.
    #[arg(long, env = "HAO_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of the site's e-mail.
    #[arg(
        long,
        env = "HAO_MAIL_FROM",
        default_value = "号平台 <noreply@localhost>"
    )]
    pub mail_from: String,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("HAO_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .event_format(WithRequestId(tracing_subscriber::fmt::format()))
        .init();
    let store = args.data.open().await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let local = listener.local_addr()?;
    let base_url = args
        .base_url
        .unwrap_or_else(|| format!("http://{local}"))
        .trim_end_matches('/')
        .to_owned();
    let articles = store.count_listed().await?;
    tracing::info!(%local, %base_url, articles, "hao serving");
    println!("hao: serving {articles} articles on http://{local}/ (Ctrl-C to stop)");
    // Search: this node's own index, kept in step with the change log. A new,
    // damaged or incomplete index is filled in the background: the site serves
    // at once, search catches up.
    let (index, from_seq) =
        match super::reindex::open_index(&args.data, hao_store::Workload::Serving) {
            Ok((index, _)) => match index.applied_seq() {
                Some(seq) => (Some(index), seq),
                None => {
                    let seq = store.last_change().await?;
                    tokio::spawn(build_index(args.data.clone(), store.clone(), index.clone()));
                    (Some(index), seq)
                }
            },
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "serving without search");
                (None, store.last_change().await?)
            }
        };
    let words = sensitive_words(&args.data.data_dir)?;
    let mut app =
        App::new(store, index)
            .with_words(words)
            .with_webhooks(hao_app::webhooks::WebhookConfig {
                base_url: base_url.clone(),
                allow_private: args.webhooks_allow_private,
            });
    if let Some(url) = &args.smtp_url {
        let mailer = hao_app::mail::Mailer::new(url, &args.mail_from)?;
        app = app.with_mailer(mailer);
    }
    if args.no_rate_limits {
        tracing::warn!("rate limits on comments, likes and reports are off (--no-rate-limits)");
        app = app.with_rates(hao_app::engage::limits::Rates::unlimited());
    }
    app.load_settings()
        .await
        .context("reading the site settings")?;
    let state = AppState::new(
        app,
        SiteOptions {
            base_url,
            page_ttl: Duration::from_secs(args.page_ttl.max(1)),
            trust_forwarded: args.trust_forwarded,
        },
    );
    hao_web::serve(state, listener, from_seq)
        .await
        .context("serving")?;
    Ok(ExitCode::SUCCESS)
}

/// Fills this node's missing or incomplete index with a `hao reindex` of its
/// own, then takes up what it built: the memory an index build takes
/// (hundreds of megabytes at a million articles, which the allocator keeps
/// once used) is given back when that process ends, and a serving node
/// stays the size of what it serves. Where no child can be started (the
/// binary was replaced in place), or it fails, the build runs here.
async fn build_index(data: DataArgs, store: hao_store::Store, index: Arc<SearchIndex>) {
    let started = std::time::Instant::now();
    let child = match std::env::current_exe() {
        Ok(exe) => reindex_in_child(&exe, &data, &index).await,
        Err(e) => Err(anyhow::Error::new(e).context("finding this program")),
    };
    match child {
        Ok(()) => {
            tracing::info!(
                articles = index.doc_count(),
                seconds = started.elapsed().as_secs_f64(),
                "search index built (by a hao reindex of its own)"
            );
            return;
        }
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "building the search index in this process instead")
        }
    }
    match hao_app::sync::reindex_all(&store, &index, |_| {}, || false).await {
        Ok(n) => tracing::info!(
            articles = n,
            seconds = started.elapsed().as_secs_f64(),
            "search index built"
        ),
        Err(e) => tracing::error!(error = %e, "building the search index failed"),
    }
}

/// Runs `EXE reindex` on `data`'s index, `index` having given up its writer,
/// then reloads `index` from what it built.
pub async fn reindex_in_child(
    exe: &std::path::Path,
    data: &DataArgs,
    index: &SearchIndex,
) -> anyhow::Result<()> {
    index.release_writer();
    let mut command = tokio::process::Command::new(exe);
    command
        .arg("reindex")
        .arg("--data-dir")
        .arg(&data.data_dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        // Stopping the node stops the build (the next start finishes it).
        .kill_on_drop(true);
    // The URL (which may hold a password) by the environment, not the
    // command line `ps` shows.
    if let Some(url) = &data.database_url {
        command.env("HAO_DATABASE_URL", url);
    }
    let out = command
        .spawn()
        .with_context(|| format!("starting {} reindex", exe.display()))?
        .wait_with_output()
        .await?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        anyhow::bail!("hao reindex ended with {}: {}", out.status, said.trim());
    }
    index
        .reload()
        .context("reading the index hao reindex built")?;
    anyhow::ensure!(
        index.applied_seq().is_some(),
        "hao reindex ended without completing the index"
    );
    Ok(())
}

/// The data dir's 敏感词 list (`sensitive-words.txt`), written with the
/// default entries when there is none; read again whenever it changes.
fn sensitive_words(
    data_dir: &std::path::Path,
) -> anyhow::Result<hao_app::engage::words::WordFilter> {
    use hao_app::engage::words::{DEFAULT_LIST, WordFilter};
    let path = data_dir.join("sensitive-words.txt");
    if !path.exists() {
        std::fs::create_dir_all(data_dir)
            .and_then(|()| std::fs::write(&path, DEFAULT_LIST))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let (words, errors) = WordFilter::from_file(path.clone());
    for e in &errors {
        eprintln!("hao: {}:{}: {}", path.display(), e.line, e.message);
    }
    tracing::info!(words = words.len(), file = %path.display(), "敏感词表 loaded");
    Ok(words)
}

/// Log lines written while serving a request start with its id (the
/// answer's `X-Request-Id`): `req=ab12cd34-1f …`.
struct WithRequestId<F>(F);

impl<S, N, F> tracing_subscriber::fmt::FormatEvent<S, N> for WithRequestId<F>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
    F: tracing_subscriber::fmt::FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        if let Some(id) = hao_web::current_request_id() {
            write!(writer, "req={id} ")?;
        }
        self.0.format_event(ctx, writer, event)
    }
}
