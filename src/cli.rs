//! The command line: `triad [serve]`, `triad migrate`.

use std::str::FromStr;

use anyhow::Context;
use clap::{Parser, Subcommand};
use sqlx::postgres::PgConnectOptions;

use crate::config::{Config, Database};
use crate::embedded_pg::{Durability, EmbeddedPostgres};
use crate::{db, startup};

#[derive(Debug, Parser)]
#[command(
    name = "triad",
    version,
    about = "The platform workplace coaching programmes run on."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web application and its background workers (the default).
    Serve,
    /// Apply the database migrations, then exit.
    Migrate,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            with_database(&config, |options| startup::serve(config.clone(), options)).await
        }
        Command::Migrate => {
            with_database(&config, |options| async move {
                db::migrate(&options).await?;
                println!("Migrations applied.");
                Ok(())
            })
            .await
        }
    }
}

/// Runs `work` against the configured database: the server named by
/// `DATABASE_URL`, or the embedded cluster, started first and stopped after.
async fn with_database<F, Fut>(config: &Config, work: F) -> anyhow::Result<()>
where
    F: FnOnce(PgConnectOptions) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    match &config.database {
        Database::External(url) => {
            let options = PgConnectOptions::from_str(url.as_str())
                .context("DATABASE_URL: not a usable PostgreSQL address")?;
            work(options).await
        }
        Database::Embedded => {
            let root = config.data_dir.join("postgres");
            let cluster = tokio::task::spawn_blocking(move || {
                EmbeddedPostgres::start(&root, "triad", Durability::Durable)
            })
            .await??;
            tracing::info!(dir = %cluster.root().display(), "embedded PostgreSQL is up");
            let result = work(cluster.connect_options("triad")).await;
            let stopped = tokio::task::spawn_blocking(move || cluster.stop()).await?;
            match (result, stopped) {
                (Err(err), _) => Err(err),
                (Ok(()), Err(err)) => Err(err),
                (Ok(()), Ok(())) => {
                    tracing::info!("embedded PostgreSQL stopped");
                    Ok(())
                }
            }
        }
    }
}
