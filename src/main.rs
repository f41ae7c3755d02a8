//! A thin shim: logging, arguments, then the library does the work.

use anyhow::Context;
use billing_compat::cli::{Cli, Command, OperatorCommand, UserCommand};
use billing_compat::domain::clock::Clock;
use billing_compat::domain::clock::SystemClock;
use billing_compat::service::admin::operators;
use billing_compat::service::auth::digest_secret::set_digest_secret;
use billing_compat::service::import;
use billing_compat::{startup, storage, telemetry};
use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    // Arguments first: `--log-format` decides which subscriber to install. A parse error
    // is clap's own message on stderr; nothing is logged before.
    let cli = Cli::parse();
    let format = match &cli.command {
        Command::Serve(args) => args.log_format,
        Command::Migrate(_)
        | Command::Import { .. }
        | Command::User(_)
        | Command::Operator(_)
        | Command::Backup { .. } => telemetry::LogFormat::Text,
    };
    telemetry::init_stderr("info", format);
    match cli.command {
        Command::Serve(args) => {
            let app = startup::Application::build((*args).settings()).await?;
            app.run_until_stopped().await?;
        }
        Command::Migrate(db) => {
            storage::migrate(&db.url).await?;
            println!("migrated {}", startup::redact(&db.url));
        }
        Command::User(UserCommand::Digest {
            username,
            disable,
            database,
        }) => {
            // The password comes on stdin, never as an argument (it would show in `ps`).
            let password = match disable {
                true => None,
                false => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .context("cannot read the password from stdin")?;
                    Some(line.trim_end_matches(['\r', '\n']).to_owned())
                }
            };
            storage::migrate(&database.url).await?;
            let store = storage::connect(&database.url, storage::PoolSettings::single()).await?;
            let set = set_digest_secret(store.as_ref(), &username, password.as_deref()).await;
            store.close().await;
            match set {
                Ok(()) if disable => println!("WS-Security digest disabled for {username}"),
                Ok(()) => println!("WS-Security digest enabled for {username}"),
                Err(error) => {
                    eprintln!("{username}: {error}");
                    eprintln!("nothing was changed");
                    std::process::exit(2);
                }
            }
        }
        Command::Import { file, database } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            storage::migrate(&database.url).await?;
            let store = storage::connect(&database.url, storage::PoolSettings::single()).await?;
            let imported = import::import_yaml(store.as_ref(), &SystemClock, &text).await;
            store.close().await;
            match imported {
                Ok(report) => {
                    println!(
                        "imported {}: {} written, {} already present",
                        file.display(),
                        report.inserted,
                        report.already_present
                    )
                }
                Err(error) => {
                    eprintln!("{}: {error}", file.display());
                    eprintln!("nothing was written");
                    std::process::exit(2);
                }
            }
        }
        Command::Backup { file, database } => {
            let url = database.url.clone();
            let target = file.clone();
            // SQLite and file I/O block: off the async threads.
            let copied = tokio::task::spawn_blocking(move || storage::backup(&url, &target))
                .await
                .context("the backup task failed")?;
            match copied {
                Ok(report) => println!(
                    "backed up {} to {} ({} bytes)",
                    startup::redact(&database.url),
                    file.display(),
                    report.bytes
                ),
                Err(error) => {
                    eprintln!("{error}");
                    eprintln!("no backup was written");
                    std::process::exit(2);
                }
            }
        }
        Command::Operator(OperatorCommand::Add { name, database }) => {
            storage::migrate(&database.url).await?;
            let store = storage::connect(&database.url, storage::PoolSettings::single()).await?;
            let password = operators::generate_password();
            let added =
                operators::add_operator(store.as_ref(), SystemClock.now(), &name, &password).await;
            store.close().await;
            match added {
                // The only time the password is shown: only its argon2id hash is stored.
                Ok(_) => println!("operator {name} created; password: {password}"),
                Err(error) if error.is_conflict_on("uq_operators_name") => {
                    eprintln!("an operator named {name} already exists; nothing was written");
                    std::process::exit(2);
                }
                Err(error) => {
                    eprintln!("{error}; nothing was written");
                    std::process::exit(2);
                }
            }
        }
    }
    Ok(())
}
