//! Watching over the embedded cluster while its owner runs. Should its server
//! die — killed, out of memory, crashed — it is started again, with a backoff
//! between tries; meanwhile [`ClusterWatch`] tells `/healthz` and the
//! connection pool what happened. When it cannot be started again the watch
//! says so, and the owner exits for whatever supervises Triad to restart it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::EmbeddedPostgres;

/// The embedded server, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterState {
    Running,
    /// It died at `since`; `attempts` tries to start it again have failed.
    Restarting {
        since: Instant,
        attempts: u32,
    },
    /// It died and could not be started again.
    Failed {
        reason: String,
    },
}

/// How closely to watch, and how long to keep trying.
#[derive(Clone, Debug)]
pub struct Settings {
    pub check_every: Duration,
    pub first_retry: Duration,
    pub longest_retry: Duration,
    /// Tries to start it again before giving up.
    pub attempts: u32,
}

impl Default for Settings {
    /// About a minute of tries: a server that has not started by then needs
    /// a person (a full disk, a broken configuration).
    fn default() -> Self {
        Settings {
            check_every: Duration::from_secs(1),
            first_retry: Duration::from_millis(500),
            longest_retry: Duration::from_secs(15),
            attempts: 8,
        }
    }
}

/// What the rest of the process sees of the owned cluster.
#[derive(Clone, Debug)]
pub struct ClusterWatch {
    state: watch::Receiver<ClusterState>,
    died_at: watch::Receiver<Option<Instant>>,
    cluster: Arc<EmbeddedPostgres>,
}

impl ClusterWatch {
    pub fn state(&self) -> ClusterState {
        self.state.borrow().clone()
    }

    /// When the server last died: connections opened before then are dead,
    /// whatever a pool holding them thinks.
    pub fn died_at(&self) -> watch::Receiver<Option<Instant>> {
        self.died_at.clone()
    }

    /// Completes, with the reason, once the server has died and could not be
    /// started again; never, while it runs or is being started again.
    pub async fn failed(&self) -> String {
        let mut state = self.state.clone();
        loop {
            if let ClusterState::Failed { reason } = &*state.borrow_and_update() {
                return reason.clone();
            }
            if state.changed().await.is_err() {
                // No supervisor any more: nothing will fail from now on.
                return std::future::pending().await;
            }
        }
    }

    /// Notes where the owner serves, for the message a second server prints.
    pub fn announce(&self, url: &str) -> anyhow::Result<()> {
        self.cluster.announce(url)
    }
}

/// The task watching over the cluster.
#[derive(Debug)]
pub struct Supervisor {
    stopping: watch::Sender<bool>,
    task: JoinHandle<()>,
    watch: ClusterWatch,
}

/// Starts watching over `cluster`, which must be running.
pub fn supervise(cluster: Arc<EmbeddedPostgres>, settings: Settings) -> Supervisor {
    let (state_tx, state) = watch::channel(ClusterState::Running);
    let (died_tx, died_at) = watch::channel(None);
    let (stopping, stopping_rx) = watch::channel(false);
    let task = tokio::spawn(watch_over(
        cluster.clone(),
        settings,
        state_tx,
        died_tx,
        stopping_rx,
    ));
    Supervisor {
        stopping,
        task,
        watch: ClusterWatch {
            state,
            died_at,
            cluster,
        },
    }
}

impl Supervisor {
    pub fn watch(&self) -> ClusterWatch {
        self.watch.clone()
    }

    /// Stops watching, before the cluster is stopped on purpose; a start
    /// already under way finishes first.
    pub async fn stop(self) {
        self.stopping.send_replace(true);
        let _ = self.task.await;
    }
}

async fn watch_over(
    cluster: Arc<EmbeddedPostgres>,
    settings: Settings,
    state: watch::Sender<ClusterState>,
    died_at: watch::Sender<Option<Instant>>,
    mut stopping: watch::Receiver<bool>,
) {
    let mut every = tokio::time::interval(settings.check_every);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        // Two small reads under /proc: no need for a blocking thread.
        if cluster.is_running() {
            continue;
        }
        let since = Instant::now();
        died_at.send_replace(Some(since));
        state.send_replace(ClusterState::Restarting { since, attempts: 0 });
        tracing::error!(
            pgdata = %cluster.pgdata.display(),
            "the embedded PostgreSQL server stopped unexpectedly; starting it again"
        );
        let mut delay = settings.first_retry;
        let attempts = settings.attempts.max(1);
        for attempt in 1..=attempts {
            let restarting = cluster.clone();
            let started = tokio::task::spawn_blocking(move || restarting.restart())
                .await
                .map_err(anyhow::Error::from)
                .and_then(|started| started);
            match started {
                Ok(()) => {
                    tracing::info!(
                        attempt,
                        down_for = ?since.elapsed(),
                        "the embedded PostgreSQL server is running again"
                    );
                    state.send_replace(ClusterState::Running);
                    break;
                }
                Err(err) if attempt == attempts => {
                    let reason = format!("{err:#}");
                    tracing::error!(
                        attempts = attempt,
                        error = %reason,
                        "the embedded PostgreSQL server could not be started again; giving up"
                    );
                    state.send_replace(ClusterState::Failed { reason });
                    return;
                }
                Err(err) => {
                    tracing::warn!(
                        attempt,
                        retry_in = ?delay,
                        error = %format!("{err:#}"),
                        "the embedded PostgreSQL server did not start again yet"
                    );
                    state.send_replace(ClusterState::Restarting {
                        since,
                        attempts: attempt,
                    });
                }
            }
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                _ = stopping.wait_for(|stop| *stop) => return,
            }
            delay = (delay * 2).min(settings.longest_retry);
        }
        every.reset();
    }
}
