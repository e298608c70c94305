//! Builds the application and runs it until it is told to stop.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::alignment::link::GuestKeys;
use crate::auth::stamp::StampKey;
use crate::config::Config;
use crate::db::{self, PoolSettings};
use crate::embedded_pg::supervise::ClusterWatch;
use crate::mail::transport::Transport;
use crate::mail::worker::{self, WorkerSettings};
use crate::state::AppState;
use crate::web;
use tower_sessions::session_store::ExpiredDeletion;

/// A built application: listening, but not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    login: db::AppLogin,
}

impl Application {
    /// Binds the listener and sets up the pool. Expects a migrated database
    /// whose application role can log in (see [`db::AppLogin::ensure`]); `owner`
    /// names the server and database, as their owner.
    pub async fn build(config: Config, owner: PgConnectOptions) -> anyhow::Result<Self> {
        Self::build_with(config, owner, None).await
    }

    /// As [`build`](Self::build), for the owner of the embedded cluster: its
    /// state shows in `/healthz`, and pooled connections that outlived its
    /// server are dropped instead of used.
    pub async fn build_with(
        mut config: Config,
        owner: PgConnectOptions,
        cluster: Option<ClusterWatch>,
    ) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("TRIAD_BIND: cannot listen on {}", config.bind))?;
        if config.public_url_from_bind {
            config.public_url = crate::config::default_public_url(listener.local_addr()?);
        }
        let secret = config.secret_key()?;
        let login = db::AppLogin::new(&owner, &secret, config.previous_secret_key.as_ref());
        let pool = db::pool(
            login.pool_options().await,
            &PoolSettings {
                server_died_at: cluster.as_ref().map(ClusterWatch::died_at),
                ..PoolSettings::default()
            },
        );
        Ok(Application {
            login,
            listener,
            state: AppState {
                pool,
                guest_keys: Arc::new(GuestKeys::new(&secret, config.previous_secret_key.as_ref())),
                stamp_key: Arc::new(StampKey::new(&secret)),
                device_key: Arc::new(crate::auth::device::DeviceKey::new(&secret)),
                after_answer: Arc::default(),
                config: Arc::new(config),
                link_guesses: Arc::default(),
                reports: Arc::default(),
                cluster,
            },
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn pool(&self) -> &PgPool {
        &self.state.pool
    }

    /// Serves until `stop` completes, then shuts down in order: stop accepting,
    /// give in-flight requests a bounded time to finish, stop background tasks,
    /// close the pool.
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Application {
            listener,
            state,
            login,
        } = self;
        let grace = state.config.shutdown_grace;
        let (stopping_tx, stopping) = watch::channel(false);

        let mut background = spawn_background_tasks(&state, stopping.clone())?;
        background.push(tokio::spawn(
            login.follow(state.pool.clone(), stopping.clone()),
        ));
        let router = web::router(state.clone())?;
        let mut server_stopping = stopping.clone();
        let mut server = tokio::spawn(
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = server_stopping.wait_for(|stop| *stop).await;
            })
            .into_future(),
        );

        tokio::select! {
            () = stop => {}
            result = &mut server => {
                // The server only ends on its own when something broke.
                stopping_tx.send_replace(true);
                result.context("the web server task failed")?.context("the web server failed")?;
                return Ok(());
            }
        }

        tracing::info!("shutting down: finishing requests in flight");
        stopping_tx.send_replace(true);
        match tokio::time::timeout(grace, &mut server).await {
            Ok(result) => result
                .context("the web server task failed")?
                .context("the web server failed")?,
            Err(_) => {
                tracing::warn!(
                    ?grace,
                    "requests still in flight after the grace period; closing them"
                );
                server.abort();
            }
        }
        state.after_answer.finish(grace).await;
        for task in background {
            let _ = task.await;
        }
        state.pool.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Work that runs beside the web server. Each task ends when `stopping` turns true.
fn spawn_background_tasks(
    state: &AppState,
    mut stopping: watch::Receiver<bool>,
) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let mut tasks = Vec::new();
    if state.config.run_mail_worker {
        tasks.push(spawn_mail_worker(
            &state.pool,
            &state.config,
            stopping.clone(),
        )?);
    }
    if state.config.run_mail_worker {
        tasks.push(spawn_automatic_nudges(state.clone(), stopping.clone()));
    }
    let sessions = web::session_store(&state.pool);
    let pool = state.pool.clone();
    let sweeper = tokio::spawn(async move {
        // Expired login sessions are refused on read, and old form keys have
        // done their work; this only reclaims the space.
        let interval = std::time::Duration::from_secs(600);
        let forms = async {
            let mut every = tokio::time::interval(interval);
            loop {
                every.tick().await;
                if let Err(err) = crate::web::forms::once::sweep(&pool).await {
                    tracing::warn!(error = %err, "cannot sweep old form keys");
                }
                if let Err(err) = crate::auth::throttle::sweep(&pool).await {
                    tracing::warn!(error = %err, "cannot sweep old attempt counts");
                }
            }
        };
        tokio::select! {
            _ = sessions.continuously_delete_expired(interval) => {}
            _ = forms => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
    });
    tasks.push(sweeper);
    Ok(tasks)
}

/// Every hour, nudges the coaches of quiet engagements in programmes that
/// asked for it. Each engagement is nudged at most weekly, however many
/// processes run this: the nudge locks the engagement and checks the last one.
fn spawn_automatic_nudges(state: AppState, mut stopping: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = every.tick() => {}
                _ = stopping.wait_for(|stop| *stop) => return,
            }
            match crate::reporting::nudges::automatically(&state.pool, &state.config).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "nudged coaches of quiet engagements"),
                Err(err) => tracing::warn!(error = %format!("{err:#}"), "automatic nudges failed"),
            }
        }
    })
}

/// The outbox's delivery worker, sending through `SMTP_URL` or to the mailbox.
pub fn spawn_mail_worker(
    pool: &PgPool,
    config: &Config,
    stopping: watch::Receiver<bool>,
) -> anyhow::Result<JoinHandle<()>> {
    let transport = Transport::new(
        config.smtp_url.as_ref(),
        config.mailbox_dir(),
        config.smtp_timeout,
    )?;
    let mut settings = WorkerSettings::new(config.mail_from.clone());
    settings.poll_interval = config.mail_poll_interval;
    settings.retry = config.mail_retry.clone();
    // A claim must outlast a whole batch sent one by one at the slowest, or
    // another worker could take (and send) the same messages.
    settings.lease = settings
        .lease
        .max(config.smtp_timeout * (settings.batch as u32 + 2));
    Ok(tokio::spawn(worker::run(
        pool.clone(),
        transport,
        settings,
        stopping,
    )))
}

/// `triad serve`: migrate, build, announce the address, run until Ctrl-C or
/// SIGTERM — or until the embedded cluster it owns dies for good, which is an
/// error, for whatever supervises Triad to act on.
pub async fn serve(
    config: Config,
    database: PgConnectOptions,
    cluster: Option<ClusterWatch>,
) -> anyhow::Result<()> {
    db::migrate(&database).await?;
    db::AppLogin::new(
        &database,
        &config.secret_key()?,
        config.previous_secret_key.as_ref(),
    )
    .ensure(&database)
    .await?;
    // The embedded default is for trying Triad out: it comes with the demo.
    let demo = if matches!(config.database, crate::config::Database::Embedded) {
        Some(crate::operator::seed_demo(&database, &config).await?)
    } else {
        None
    };
    let app = Application::build_with(config, database, cluster.clone()).await?;
    let public_url = app.state.config.public_url.clone();
    tracing::info!(address = %app.local_addr(), "listening");
    if let Some(cluster) = &cluster {
        cluster.announce(public_url.as_str())?;
    }
    println!("Triad is running at {public_url}  (Ctrl-C stops it)");
    if let Some(demo) = demo {
        println!("Sign in at {public_url}sign-in\n{demo}");
    }
    let (gave_up_tx, gave_up) = tokio::sync::oneshot::channel();
    app.run_until(async move {
        tokio::select! {
            () = shutdown_signal() => {}
            reason = cluster_failed(cluster.as_ref()) => {
                let _ = gave_up_tx.send(reason);
            }
        }
    })
    .await?;
    match gave_up.await {
        Ok(reason) => Err(anyhow::anyhow!(
            "the embedded PostgreSQL server died and could not be started again: {reason}"
        )),
        Err(_) => Ok(()),
    }
}

/// Completes when the embedded cluster dies for good; never without one.
async fn cluster_failed(cluster: Option<&ClusterWatch>) -> String {
    match cluster {
        Some(cluster) => cluster.failed().await,
        None => std::future::pending().await,
    }
}

/// `triad worker`: only the mail delivery worker, for deployments that run it
/// apart from the web processes.
pub async fn work(
    config: Config,
    database: PgConnectOptions,
    cluster: Option<ClusterWatch>,
) -> anyhow::Result<()> {
    db::migrate(&database).await?;
    let login = db::AppLogin::new(
        &database,
        &config.secret_key()?,
        config.previous_secret_key.as_ref(),
    );
    login.ensure(&database).await?;
    let pool = db::pool(
        login.pool_options().await,
        &PoolSettings {
            server_died_at: cluster.as_ref().map(ClusterWatch::died_at),
            ..PoolSettings::default()
        },
    );
    let (stopping_tx, stopping) = watch::channel(false);
    let following = tokio::spawn(login.follow(pool.clone(), stopping.clone()));
    let worker = spawn_mail_worker(&pool, &config, stopping)?;
    println!("Triad's mail worker is running  (Ctrl-C stops it)");
    let gave_up = tokio::select! {
        () = shutdown_signal() => None,
        reason = cluster_failed(cluster.as_ref()) => Some(reason),
    };
    stopping_tx.send_replace(true);
    worker.await.context("the mail worker failed")?;
    let _ = following.await;
    pool.close().await;
    match gave_up {
        Some(reason) => Err(anyhow::anyhow!(
            "the embedded PostgreSQL server died and could not be started again: {reason}"
        )),
        None => Ok(()),
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
