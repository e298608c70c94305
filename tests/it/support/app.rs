//! The application under test, running on a random port against its own
//! database, and stopped the way a signal would stop it.

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::oneshot;
use triad::config::Config;
use triad::startup::Application;

use super::databases::{drop_when_shared, fresh_database};
use super::{queries, test_config};

/// The application, running on a random port against its own database.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// The application's own pool: connections work as the application role.
    pub pool: PgPool,
    /// The database as its owner, for setting up data behind the app's back.
    pub owner: PgConnectOptions,
    pub data_dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// Logs go through the test harness, so only a failing test shows them.
fn init_test_logs() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer};
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    let logs = tracing_subscriber::fmt::layer()
        .with_test_writer()
        .with_filter(filter);
    // The counter sees every statement (sqlx logs them at debug), whatever the
    // log filter shows.
    let counter = queries::QueryCounter.with_filter(EnvFilter::new("info,sqlx::query=debug"));
    let _ = tracing_subscriber::registry()
        .with(logs)
        .with(counter)
        .try_init();
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app on a fresh database, with `adjust` applied to its settings.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let owner = fresh_database().await;
        Self::start(owner, adjust).await
    }

    /// Starts the app against `database` as given, migrated or not reachable.
    pub async fn spawn_on(owner: PgConnectOptions) -> TestApp {
        Self::start(owner, |_| {}).await
    }

    /// Starts the app against `database` as given, with `adjust` applied.
    pub async fn spawn_on_with(
        owner: PgConnectOptions,
        adjust: impl FnOnce(&mut Config),
    ) -> TestApp {
        Self::start(owner, adjust).await
    }

    async fn start(owner: PgConnectOptions, adjust: impl FnOnce(&mut Config)) -> TestApp {
        init_test_logs();
        let data_dir = tempfile::tempdir().expect("a data directory");
        let mut config = test_config(data_dir.path());
        // Idle workers look often, so tests do not wait on them.
        config.mail_poll_interval = std::time::Duration::from_millis(50);
        adjust(&mut config);
        let app = Application::build(config, owner.clone())
            .await
            .expect("build the app");
        let base = format!("http://{}", app.local_addr());
        let pool = app.pool().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        TestApp {
            base,
            client,
            pool,
            owner,
            data_dir,
            stop: Some(stop),
            server: Some(server),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// A connection as the database owner (RLS does not restrict a superuser).
    pub async fn owner_connection(&self) -> PgConnection {
        PgConnection::connect_with(&self.owner)
            .await
            .expect("connect as owner")
    }

    /// Holds every engagement's progress row (kept by the database as facts
    /// change; see the `engagement_progress` migration) against the same
    /// figures worked out afresh from the facts, as the owner, across all
    /// organisations. Returns how many engagements were compared.
    pub async fn assert_progress_follows_facts(&self) -> i64 {
        let mut conn = self.owner_connection().await;
        let (engagements, differing): (i64, Vec<String>) = sqlx::query_as(
            "select (select count(*) from engagements),
                    coalesce((select array_agg(engagement_id::text || ' ' || side) from (
                        (select *, 'kept' as side from engagement_progress
                         except select *, 'kept' from engagement_progress_computed)
                        union all
                        (select *, 'computed' from engagement_progress_computed
                         except select *, 'computed' from engagement_progress)) d), '{}')",
        )
        .fetch_one(&mut conn)
        .await
        .expect("compare progress rows with the facts");
        assert!(
            differing.is_empty(),
            "progress rows that do not follow from the facts: {differing:?}"
        );
        engagements
    }

    /// Stops the app the way a signal would, and waits for it to finish.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        self.stop_serving().await
    }

    /// The same, keeping the database (and this handle) for a next app.
    pub async fn stop_serving(&mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.server.take() {
            Some(server) => server.await?,
            None => Ok(()),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        drop_when_shared(&self.owner);
    }
}
