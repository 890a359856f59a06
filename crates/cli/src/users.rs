//! `hao user create|suspend|reset-password` and `hao token create`:
//! bootstrapping the first admin and API tokens from the command line (later
//! ones are made on the site), and what an operator does without the site.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, bail};
use hao_app::secrets;
use hao_domain::{AccountType, Role, validate_password, validate_username};
use hao_store::NewCreator;

use super::DataArgs;

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from the first line of stdin (or
    /// HAO_PASSWORD), never from the command line.
    Create(CreateUserArgs),
    /// 封禁 a user until a number of days from now (their sessions end and
    /// tokens are refused at once, on every node); `--days 0` lifts it.
    Suspend(SuspendArgs),
    /// Set a new password (read like `create`'s) and end every session.
    ResetPassword(ResetArgs),
}

#[derive(Debug, clap::Args)]
pub struct SuspendArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long)]
    pub username: String,
    /// Days from now; 0 lifts a suspension.
    #[arg(long)]
    pub days: u32,
    /// Why (the user is told).
    #[arg(long, default_value = "")]
    pub reason: String,
}

#[derive(Debug, clap::Args)]
pub struct ResetArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long)]
    pub username: String,
}

#[derive(Debug, clap::Args)]
pub struct CreateUserArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long)]
    pub username: String,
    /// reader, creator, editor or admin.
    #[arg(long, default_value = "reader")]
    pub role: String,
    /// The creator account (display name) the user writes as; created if new.
    #[arg(long)]
    pub creator: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (shown only this once).
    Create(CreateTokenArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateTokenArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long)]
    pub username: String,
    /// What the token is for.
    #[arg(long, default_value = "cli")]
    pub name: String,
}

pub async fn user(command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Create(args) => create(args).await,
        UserCommand::Suspend(args) => suspend(args).await,
        UserCommand::ResetPassword(args) => reset_password(args).await,
    }
}

fn read_password() -> anyhow::Result<String> {
    let password = match std::env::var("HAO_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from stdin")?;
            line.trim_end_matches(['\n', '\r']).to_owned()
        }
    };
    validate_password(&password)?;
    Ok(password)
}

async fn suspend(args: SuspendArgs) -> anyhow::Result<ExitCode> {
    if args.days > 3660 {
        bail!("--days: at most 3660 (ten years)");
    }
    let store = args.data.open().await?;
    let Some((user, _)) = store.user_for_signin(args.username.trim()).await? else {
        bail!("no user named '{}'", args.username);
    };
    let act = if args.days == 0 {
        hao_store::AdminAct::Unsuspend
    } else {
        let reason = args.reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            bail!("--reason: 1–200 characters (the user is told)");
        }
        hao_store::AdminAct::Suspend {
            until: store.now() + i64::from(args.days) * 86_400,
            reason: reason.to_owned(),
        }
    };
    if let Err(refused) = store.admin_act("cli", user.id, &act).await? {
        bail!("refused: {refused:?}");
    }
    println!(
        "user '{}' {}",
        user.username,
        if args.days == 0 {
            "unsuspended".to_owned()
        } else {
            format!("suspended for {} days", args.days)
        }
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn reset_password(args: ResetArgs) -> anyhow::Result<ExitCode> {
    let password = read_password()?;
    let store = args.data.open().await?;
    let Some((user, _)) = store.user_for_signin(args.username.trim()).await? else {
        bail!("no user named '{}'", args.username);
    };
    store
        .set_password(user.id, &secrets::hash_password(&password))
        .await?;
    println!("password of '{}' set; every session ended", user.username);
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn create(args: CreateUserArgs) -> anyhow::Result<ExitCode> {
    let username = validate_username(&args.username)?;
    let role = Role::parse(&args.role).with_context(|| {
        format!(
            "unknown role '{}': expected reader, creator, editor or admin",
            args.role
        )
    })?;
    let password = read_password()?;
    let store = args.data.open().await?;
    let creator_id = match &args.creator {
        Some(name) => Some(
            store
                .ensure_creator(&NewCreator {
                    display_name: &hao_domain::validate_author(name)?,
                    account_type: AccountType::Personal,
                    bio: "",
                    is_demo: false,
                    is_official: false,
                })
                .await?,
        ),
        None => None,
    };
    let hash = secrets::hash_password(&password);
    let Some(id) = store
        .create_user(&username, &hash, role, creator_id)
        .await?
    else {
        bail!("the username '{username}' is taken");
    };
    println!("user {id} '{username}' created as {}", role.code());
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn token(command: TokenCommand) -> anyhow::Result<ExitCode> {
    let TokenCommand::Create(args) = command;
    let store = args.data.open().await?;
    let Some((user, _)) = store.user_for_signin(args.username.trim()).await? else {
        bail!("no user named '{}'", args.username);
    };
    let token = format!("hao_{}", secrets::random_secret());
    store
        .create_token(user.id, &args.name, &secrets::sha256_hex(&token))
        .await?;
    println!("{token}");
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
