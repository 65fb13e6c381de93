//! The `banji` command line: `serve` (default), `migrate`, `admin create`, `openapi`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use shared::{NewUser, Role};

use crate::app::Application;
use crate::audit::Audit;
use crate::config::Config;
use crate::db::Db;

#[derive(Parser)]
#[command(
    name = "banji",
    version,
    about = "Banji: school notices, receipts and check-ins over a WeChat Official Account"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run migrations, then serve the API, the webhook and the console (the default).
    Serve,
    /// Run database migrations and exit.
    Migrate,
    /// Manage console accounts.
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
    /// Print the OpenAPI spec (as committed in openapi/openapi.json).
    Openapi,
    /// WeChat tags that mirror classes, groups and roles.
    Tags {
        #[command(subcommand)]
        action: TagsCommand,
    },
    /// Run the mock WeChat platform on its own, so several Banji replicas can share one.
    /// Its appid, secret, token and AES key come from WECHAT_* (or the development
    /// defaults); point the replicas at it with WECHAT_API_BASE and WECHAT_OAUTH_BASE.
    MockWechat {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9000")]
        listen: std::net::SocketAddr,
        /// Where to deliver messages and events, e.g. http://127.0.0.1:8080/wechat.
        #[arg(long)]
        webhook: String,
        /// How to wrap messages: plain, compatible or safe (default: WECHAT_MOCK_MODE, else
        /// WECHAT_MESSAGE_MODE, else safe — what replicas with the same variables accept).
        #[arg(long)]
        mode: Option<String>,
    },
}

#[derive(Subcommand)]
enum TagsCommand {
    /// Repair drift between Banji's classes, groups and roles and their WeChat tags.
    Resync,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin account.
    Create {
        username: String,
        /// Read the password from the first line of standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
        /// Name shown in the console (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        use std::io::Write;
        // A closed pipe (`banji openapi | head`) is not an error worth a panic.
        let _ = std::io::stdout().write_all(crate::routes::spec_json().as_bytes());
        return ExitCode::SUCCESS;
    }
    let result = Config::from_env().map_err(anyhow::Error::from).and_then(|config| {
        let _log_writer = crate::telemetry::init(config.log_json);
        let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
        runtime.block_on(run(command, config))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve | Command::Openapi => {
            let app = Application::build(config).await?;
            tracing::info!(port = app.port(), "Banji is listening");
            let accounts = crate::users::store::count(app.state().db.pool()).await?;
            if accounts == 0 {
                tracing::warn!("no accounts yet: create the first admin with `banji admin create <username>`");
            }
            app.run_until_stopped().await?;
        }
        Command::MockWechat { listen, webhook, mode } => {
            let mode = match mode {
                None => config.wechat.mock_mode,
                Some(mode) => crate::wechat::config::MessageMode::parse(&mode)
                    .ok_or_else(|| anyhow::anyhow!("--mode must be plain, compatible or safe"))?,
            };
            // Its simulator acts as any follower, without a login: like mock mode's.
            if !listen.ip().is_loopback() && !config.demo {
                bail!("--listen {listen}: {}", crate::wechat::config::MOCK_ON_PUBLIC_ADDRESS);
            }
            crate::wechat::mock::serve_alone(config.wechat, listen, webhook, mode).await?;
        }
        Command::Tags { action: TagsCommand::Resync } => {
            // A full app state (database, Kv, WeChat client), without serving.
            let bound = config.listen;
            let state = crate::state::AppState::init(config, bound, crate::conversation::router()).await?;
            let report = crate::people::resync::resync(&state).await?;
            println!(
                "tags: {} created, {} renamed, {} deleted; followers: {} tagged, {} untagged",
                report.tags_created, report.tags_renamed, report.tags_deleted, report.tagged, report.untagged
            );
            for error in &report.errors {
                eprintln!("error: {error}");
            }
            if !report.errors.is_empty() {
                bail!("{} problems left; see above", report.errors.len());
            }
        }
        Command::Migrate => {
            let db = Db::connect(&config.database_url, config.database_schema.as_deref(), config.db_wait).await?;
            db.migrate().await?;
            println!("migrations applied");
        }
        Command::Admin { action: AdminCommand::Create { username, password_stdin, display_name } } => {
            let password = read_password(password_stdin)?;
            if let Err(problem) = shared::validate::password(&password) {
                bail!("password {}", problem.message());
            }
            let db = Db::connect(&config.database_url, config.database_schema.as_deref(), config.db_wait).await?;
            db.migrate().await?;
            let new = NewUser {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                username,
                password,
                role: Role::Admin,
            };
            let audit = Audit::anonymous("cli", "user_created", None);
            let user = crate::users::create(&db, new, audit).await.map_err(describe_api_error)?;
            println!("admin '{}' created (id {})", user.username, user.id);
        }
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password (at least 8 characters): ")?;
    let again = rpassword::prompt_password("Repeat password: ")?;
    if first != again {
        bail!("the two passwords differ");
    }
    Ok(first)
}

fn describe_api_error(err: crate::error::ApiError) -> anyhow::Error {
    let body = err.body();
    anyhow::anyhow!("{} ({})", body.message, body.code)
}
