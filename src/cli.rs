//! The command line: `triad [serve]`, `triad migrate`, and the operator's
//! commands (`create-org`, `seed-demo`, `seed-load`, `worker`, `send-test-email`).

use std::str::FromStr;

use anyhow::Context;
use clap::{Parser, Subcommand};
use sqlx::postgres::PgConnectOptions;

use crate::config::{Config, Database};
use crate::embedded_pg::join::Cluster;
use crate::embedded_pg::supervise::{self, ClusterWatch};
use crate::embedded_pg::{Durability, EmbeddedPostgres};
use crate::{db, mail, operator, startup};

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
    /// Create an organisation and its first admin; prints the admin's link to
    /// choose a password.
    CreateOrg {
        /// The organisation's name.
        #[arg(long)]
        name: String,
        /// The first admin's email address.
        #[arg(long)]
        admin_email: String,
        /// The first admin's name (defaults to the part before the @).
        #[arg(long)]
        admin_name: Option<String>,
    },
    /// Create the demo organisations and people, and print their logins.
    SeedDemo,
    /// Fill the database with a platform's worth of data for measuring Triad:
    /// 100 organisations, one large (10,000 coachees), about a million
    /// coaching sessions. Everyone's password is printed at the end.
    SeedLoad {
        /// Shrinks or grows everything (1 is the default platform, 0.1 a tenth).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
    /// Run only the mail delivery worker (when web processes run without it).
    Worker,
    /// Queue a test email, to check the mail settings. `triad serve` or
    /// `triad worker` delivers it.
    SendTestEmail {
        /// Who should receive it.
        to: String,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            with_database(&config, Use::Own, |options, cluster| {
                startup::serve(config.clone(), options, cluster)
            })
            .await
        }
        Command::Migrate => {
            with_database(&config, Use::Share, |options, _| async move {
                db::migrate(&options).await?;
                println!("Migrations applied.");
                Ok(())
            })
            .await
        }
        Command::CreateOrg {
            name,
            admin_email,
            admin_name,
        } => {
            let operator_config = config.clone();
            with_database(&config, Use::Share, |options, _| async move {
                db::migrate(&options).await?;
                let admin_name = admin_name
                    .unwrap_or_else(|| admin_email.split('@').next().unwrap_or("Admin").to_owned());
                let link = operator::create_org(&options, &operator_config, &name, &admin_email, &admin_name).await?;
                println!("Created {name}. Send {admin_email} this link to choose a password (valid 7 days):\n{link}");
                Ok(())
            })
            .await
        }
        Command::SeedDemo => {
            let operator_config = config.clone();
            with_database(&config, Use::Share, |options, _| async move {
                db::migrate(&options).await?;
                let logins = operator::seed_demo(&options, &operator_config).await?;
                print!("{logins}");
                Ok(())
            })
            .await
        }
        Command::SeedLoad { scale } => {
            with_database(&config, Use::Share, |options, _| async move {
                db::migrate(&options).await?;
                let started = std::time::Instant::now();
                let loaded = crate::load::seed_load(&options, scale).await?;
                println!(
                    "Loaded {} organisations, {} coachees, {} coaching sessions, {} goals and {} alignment meetings in {:.0} s.\n\
                     The large organisation is \"Load Large Corp\"; people sign in as coachee1@load-000.example,\n\
                     coach1@load-000.example or admin1@load-000.example with the password: {}",
                    loaded.organisations,
                    loaded.coachees,
                    loaded.sessions,
                    loaded.goals,
                    loaded.meetings,
                    started.elapsed().as_secs_f64(),
                    crate::load::LOAD_PASSWORD
                );
                Ok(())
            })
            .await
        }
        Command::Worker => {
            with_database(&config, Use::Share, |options, cluster| {
                startup::work(config.clone(), options, cluster)
            })
            .await
        }
        Command::SendTestEmail { to } => {
            let queue_config = config.clone();
            with_database(&config, Use::Share, |options, _| async move {
                db::migrate(&options).await?;
                let id = queue_test_email(&queue_config, &options, &to).await?;
                println!("Queued test email {id} to {to}; triad serve or triad worker sends it.");
                Ok(())
            })
            .await
        }
    }
}

/// How a command may use the embedded cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Use {
    /// It must start the cluster and own it: a server, which keeps the cluster
    /// running for as long as it serves.
    Own,
    /// It starts and owns the cluster if no other Triad process does, and
    /// otherwise uses that process's cluster, leaving it running.
    Share,
}

/// Runs `work` against the configured database: the server named by
/// `DATABASE_URL`, or the embedded cluster. A cluster this process starts, it
/// watches over while `work` runs (`work` gets the watch) and stops after; a
/// cluster another Triad process owns is left as it was found.
async fn with_database<F, Fut>(config: &Config, usage: Use, work: F) -> anyhow::Result<()>
where
    F: FnOnce(PgConnectOptions, Option<ClusterWatch>) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    match &config.database {
        Database::External(url) => {
            let options = PgConnectOptions::from_str(url.as_str())
                .context("DATABASE_URL: not a usable PostgreSQL address")?;
            work(options, None).await
        }
        Database::Embedded => {
            let root = config.data_dir.join("postgres");
            let cluster = tokio::task::spawn_blocking(move || match usage {
                Use::Own => {
                    EmbeddedPostgres::start(&root, "triad", Durability::Durable).map(Cluster::Owned)
                }
                Use::Share => EmbeddedPostgres::start_or_join(&root, "triad", Durability::Durable),
            })
            .await??;
            let cluster = match cluster {
                Cluster::Owned(cluster) => std::sync::Arc::new(cluster),
                Cluster::Joined { options, owner } => {
                    tracing::info!(
                        owner = owner.pid,
                        "using the embedded PostgreSQL cluster of a running Triad process; it stays running"
                    );
                    return work(*options, None).await;
                }
            };
            tracing::info!(dir = %cluster.root().display(), "embedded PostgreSQL is up");
            let supervisor = supervise::supervise(cluster.clone(), supervise::Settings::default());
            let result = work(cluster.connect_options("triad"), Some(supervisor.watch())).await;
            supervisor.stop().await;
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

async fn queue_test_email(
    config: &Config,
    owner: &PgConnectOptions,
    to: &str,
) -> anyhow::Result<uuid::Uuid> {
    let email = mail::templates::TestMessage {
        recipient_name: to,
        public_url: &config.public_url,
    }
    .email(mail::Recipient {
        email: to.to_owned(),
        name: String::new(),
    })?;
    let login = db::AppLogin::new(
        owner,
        &config.secret_key()?,
        config.previous_secret_key.as_ref(),
    );
    login.ensure(owner).await?;
    let pool = db::pool(login.pool_options().await, &db::PoolSettings::default());
    // Platform mail belongs to no organisation: it is queued in the delivery scope.
    let mut tx = db::begin_delivery(&pool).await?;
    let id = mail::enqueue(&mut tx, None, config.mail_domain(), email).await?;
    tx.commit().await?;
    pool.close().await;
    Ok(id)
}
