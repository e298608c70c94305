//! The database: connection pool, migrations, and the tenant-scoped transaction;
//! how the application logs in is in [`app_login`].
//!
//! Two layers keep organisations apart. The code passes a [`TenantId`] to every
//! tenant query, and PostgreSQL's row-level security compares each row's `org_id`
//! with the transaction-local `app.org_id` that [`begin_tenant`] sets, so a query
//! that forgot its filter still sees only the current organisation — and a query
//! run outside a tenant transaction sees nothing at all.
//!
//! Queries are checked at build time (`sqlx::query!` and friends). The session
//! store turns on sqlx's `time` feature, and with it the macros read dates and
//! timestamps as `time` types; we use chrono, so those columns and parameters
//! carry an override (`as "at: DateTime<Utc>"`, `at as DateTime<Utc>`).

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

pub use app_login::{AppLogin, app_connect_options, ensure_app_login};

pub use app_login::APP_ROLE;

pub mod app_login;

pub mod alignment;
pub mod coach_choice;
pub mod coaching;
pub mod dashboards;
pub mod engagements;
pub mod goals;
pub mod invitations;
pub mod people;
pub mod programs;
pub mod reporting;
pub mod submission;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// An organisation's id, as the tenant of a query. It is only ever taken from the
/// login session or a guest invite, never from a URL.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type, serde::Serialize, serde::Deserialize,
)]
#[sqlx(transparent)]
pub struct TenantId(pub Uuid);

impl std::fmt::Display for TenantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Applies the migrations embedded in the binary, as the database owner.
pub async fn migrate(owner: &PgConnectOptions) -> anyhow::Result<()> {
    use anyhow::Context;
    let mut conn = PgConnection::connect_with(owner)
        .await
        .context("cannot connect to PostgreSQL to migrate")?;
    MIGRATOR
        .run(&mut conn)
        .await
        .context("cannot apply the database migrations")?;
    conn.close().await.ok();
    Ok(())
}

/// Pool settings; the defaults suit one app process on a small machine.
#[derive(Clone, Debug)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// How long a request waits for a connection before it gets the 503 page.
    pub acquire_timeout: Duration,
    /// When the server last died, if someone watches it (the embedded
    /// cluster's owner does): a pooled connection opened before then is
    /// dropped on checkout rather than failing the request that took it.
    pub server_died_at: Option<tokio::sync::watch::Receiver<Option<std::time::Instant>>>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            server_died_at: None,
        }
    }
}

/// The application's pool, logged in as [`APP_ROLE`] (see [`app_connect_options`]).
///
/// Connections are not pinged on checkout: a request's transaction is its one
/// checkout, and a broken connection surfaces as an error there anyway.
pub fn pool(options: PgConnectOptions, settings: &PoolSettings) -> PgPool {
    let mut pool = PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout)
        .test_before_acquire(false);
    if let Some(died_at) = settings.server_died_at.clone() {
        // A look at a watched value, no round trip.
        pool = pool.before_acquire(move |_conn, meta| {
            let alive = match *died_at.borrow() {
                Some(died_at) => meta.age < died_at.elapsed(),
                None => true,
            };
            Box::pin(async move { Ok(alive) })
        });
    }
    pool.connect_lazy_with(options)
}

/// A transaction scoped to one organisation: row-level security shows it that
/// organisation's rows and no others. Commit it, or drop it to roll back.
#[derive(Debug)]
pub struct TenantTx {
    tenant: TenantId,
    tx: Transaction<'static, Postgres>,
}

/// Opens the tenant-scoped transaction that every tenant query goes through.
pub async fn begin_tenant(pool: &PgPool, tenant: TenantId) -> sqlx::Result<TenantTx> {
    let tx = pool
        .begin_with(scoped_begin("app.org_id", tenant.0))
        .await?;
    Ok(TenantTx { tenant, tx })
}

/// `BEGIN` and the scope setting in one round trip. The setting is local
/// (`true`), so a pooled connection never carries one organisation's scope into
/// the next request; the value is a UUID, whose text needs no quoting.
// Dynamic SQL: `begin_with` takes the statement text itself, and a bound
// parameter would cost a second round trip.
fn scoped_begin(setting: &str, id: Uuid) -> String {
    format!("begin; select set_config('{setting}', '{id}', true)")
}

/// Opens a transaction about one person across organisations: it may read that
/// user's own memberships and the names of their organisations, nothing else.
pub async fn begin_user(pool: &PgPool, user: Uuid) -> sqlx::Result<Transaction<'static, Postgres>> {
    pool.begin_with(scoped_begin("app.user_id", user)).await
}

/// Opens a transaction for the mail delivery worker, which works across
/// organisations: the outbox tables let it see every row, and no other table does.
pub async fn begin_delivery(pool: &PgPool) -> sqlx::Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query!("select set_config('app.scope', 'delivery', true)")
        .fetch_one(&mut *tx)
        .await?;
    Ok(tx)
}

impl TenantTx {
    pub fn tenant(&self) -> TenantId {
        self.tenant
    }

    /// Commits, first marking the one-time key of the form being handled (if
    /// any) used in this same transaction: see [`submission`].
    pub async fn commit(mut self) -> sqlx::Result<()> {
        submission::mark_used(&mut self.tx).await?;
        self.tx.commit().await
    }
}

impl std::ops::Deref for TenantTx {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for TenantTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}

/// Whether the database answers, for `/readyz`.
pub async fn is_ready(pool: &PgPool) -> bool {
    let ping = sqlx::query_scalar!(r#"select 1 as "one!""#).fetch_one(pool);
    matches!(
        tokio::time::timeout(Duration::from_secs(2), ping).await,
        Ok(Ok(1))
    )
}
