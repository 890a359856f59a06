//! `hao user create` and `hao token create`: bootstrapping the first admin and
//! API tokens from the command line (later ones are made on the site).

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
    let UserCommand::Create(args) = command;
    let username = validate_username(&args.username)?;
    let role = Role::parse(&args.role).with_context(|| {
        format!(
            "unknown role '{}': expected reader, creator, editor or admin",
            args.role
        )
    })?;
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
