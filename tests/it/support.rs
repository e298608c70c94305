//! The test harness.
//!
//! Databases come from the server named by `DATABASE_URL` when it is set, and
//! otherwise from a throwaway cluster this process starts once and a watchdog
//! removes when the process ends. Either way, the migrations run once into a
//! template database, and each test gets its own copy of it.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio::sync::oneshot;
use triad::config::Config;
use triad::embedded_pg::{Durability, EmbeddedPostgres};
use triad::startup::Application;

pub mod binary;
pub mod browser;
pub mod queries;
pub mod smtp;

/// Where test databases are made.
struct DatabaseServer {
    /// Options for the maintenance database, as a superuser.
    admin: PgConnectOptions,
    template: String,
    /// The throwaway cluster, if we made one; kept alive for the life of the process.
    cluster: Option<EmbeddedPostgres>,
}

static SERVER: OnceLock<DatabaseServer> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

fn server() -> &'static DatabaseServer {
    SERVER.get_or_init(|| {
        // OnceLock runs this on whichever test thread comes first, perhaps inside a
        // runtime; do the async work on a plain thread with a runtime of its own.
        std::thread::spawn(start_server)
            .join()
            .expect("starting the test database server panicked")
    })
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(future)
}

fn start_server() -> DatabaseServer {
    let pid = std::process::id();
    let template = format!("triad_t_{pid}_template");
    let (admin, cluster) = match std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
    {
        Some(url) => {
            let admin = PgConnectOptions::from_str(&url)
                .expect("DATABASE_URL is a PostgreSQL URL")
                .database("postgres");
            block_on(drop_leftovers(&admin));
            (admin, None)
        }
        None => {
            let root = test_cluster_dir();
            let cluster = EmbeddedPostgres::start(&root, "postgres", Durability::Throwaway)
                .expect("start a throwaway PostgreSQL cluster for the tests");
            remove_when_process_ends(&cluster);
            (cluster.connect_options("postgres"), Some(cluster))
        }
    };
    block_on(async {
        let mut conn = PgConnection::connect_with(&admin)
            .await
            .expect("connect to the test server");
        conn.execute(format!("create database {template}").as_str())
            .await
            .expect("create the template database");
        conn.close().await.ok();
        let template_options = admin.clone().database(&template);
        triad::db::migrate(&template_options)
            .await
            .expect("migrate the template database");
        // The role is the server's, not the database's: once per run is enough.
        let secret = test_config(std::path::Path::new("/nonexistent"))
            .secret_key()
            .unwrap();
        triad::db::ensure_app_login(&template_options, &secret)
            .await
            .expect("give the application role its login");
    });
    DatabaseServer {
        admin,
        template,
        cluster,
    }
}

fn test_cluster_dir() -> PathBuf {
    // Short, so the unix socket path fits.
    let dir = std::env::temp_dir().join(format!("triad-test-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A shell that outlives this process by a moment: it waits for the process to
/// exit (however it exits), then stops the cluster and deletes its files.
pub fn remove_when_process_ends(cluster: &EmbeddedPostgres) {
    // The inner shell runs in the background, so the outer one exits at once.
    // SIGQUIT is PostgreSQL's immediate shutdown; fine for data we throw away.
    let script = r#"(while kill -0 "$1" 2>/dev/null; do sleep 0.2; done
pid=$(head -n 1 "$2/pgdata/postmaster.pid")
kill -QUIT "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
rm -rf "$2") >/dev/null 2>&1 &"#;
    Command::new("sh")
        .args(["-c", script, "triad-test-watchdog"])
        .arg(std::process::id().to_string())
        .arg(cluster.root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start the cleanup watchdog");
}

/// On a shared server, databases of earlier runs that died before cleaning up.
async fn drop_leftovers(admin: &PgConnectOptions) {
    let mut conn = PgConnection::connect_with(admin)
        .await
        .expect("connect to DATABASE_URL");
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where datname like 'triad\\_t\\_%'")
            .fetch_all(&mut conn)
            .await
            .expect("list test databases");
    for name in names {
        let pid = name.split('_').nth(2).unwrap_or("");
        if !PathBuf::from(format!("/proc/{pid}")).exists() {
            let _ = conn
                .execute(format!("drop database if exists {name} with (force)").as_str())
                .await;
        }
    }
    conn.close().await.ok();
}

/// A fresh database, migrated, and connection options for it as its owner.
pub async fn fresh_database() -> PgConnectOptions {
    let server = server();
    let name = format!(
        "triad_t_{}_{}",
        std::process::id(),
        NEXT_DATABASE.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = PgConnection::connect_with(&server.admin)
        .await
        .expect("connect to the test server");
    let mut attempts = 0;
    loop {
        let created = conn
            .execute(format!("create database {name} template {}", server.template).as_str())
            .await;
        match created {
            Ok(_) => break,
            // Two copies of the template at the same instant can collide; wait a beat.
            Err(_) if attempts < 20 => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50 * attempts)).await;
            }
            Err(err) => panic!("create a test database: {err}"),
        }
    }
    conn.close().await.ok();
    server.admin.clone().database(&name)
}

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

pub fn test_config(data_dir: &std::path::Path) -> Config {
    let vars = [
        ("TRIAD_BIND", "127.0.0.1:0".to_string()),
        ("TRIAD_DATA_DIR", data_dir.display().to_string()),
        (
            "TRIAD_SECRET_KEY",
            "test-secret-key-that-is-long-enough-0123456789".to_string(),
        ),
    ];
    Config::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("a valid test configuration")
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

    /// A new organisation, made behind the app's back; returns its tenant id.
    pub async fn create_org(&self, name: &str) -> triad::db::TenantId {
        let id = uuid::Uuid::new_v4();
        let slug = format!(
            "{}-{}",
            name.to_lowercase().replace(' ', "-"),
            &id.simple().to_string()[..6]
        );
        sqlx::query("insert into organizations (id, name, slug) values ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(slug)
            .execute(&mut self.owner_connection().await)
            .await
            .expect("create an organisation");
        triad::db::TenantId(id)
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
        // A throwaway cluster goes with its files; a shared server keeps what we
        // leave, so drop this test's database there.
        let server = server();
        if server.cluster.is_none() {
            // Only databases this harness made; never whatever else a test pointed at.
            let made_here = format!("triad_t_{}_", std::process::id());
            let ours = self
                .owner
                .get_database()
                .filter(|name| name.starts_with(&made_here));
            if let Some(name) = ours.map(str::to_owned) {
                let admin = server.admin.clone();
                let _ = std::thread::spawn(move || {
                    block_on(async {
                        if let Ok(mut conn) = PgConnection::connect_with(&admin).await {
                            let _ = conn
                                .execute(
                                    format!("drop database if exists {name} with (force)").as_str(),
                                )
                                .await;
                        }
                    })
                })
                .join();
            }
        }
    }
}

/// Polls `check` until it yields a value, or fails the test after `seconds`.
pub async fn eventually<T, F, Fut>(seconds: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The value of the first hidden `_csrf` field in a page.
pub fn csrf_in(html: &str) -> String {
    let marker = r#"name="_csrf" value=""#;
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("a page with a form");
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// A browser-less person with their own cookies.
#[derive(Clone)]
pub struct Visitor {
    pub base: String,
    pub client: reqwest::Client,
}

impl Visitor {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// This visitor's CSRF token (made on first use).
    pub async fn csrf(&self) -> String {
        csrf_in(&self.text("/sign-in").await)
    }

    /// Sends a form the way a browser on this site would, token included.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post("/sign-in", &[("email", email), ("password", password)])
            .await
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The password every seeded test person has.
pub const PASSWORD: &str = "violet tractor inside the moon";

impl TestApp {
    pub fn visitor(&self) -> Visitor {
        Visitor {
            base: self.base.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    /// A browser whose requests arrive through a proxy that says they come
    /// from `client` (believed only when the app trusts this machine's proxy).
    pub fn visitor_from(&self, client: &str) -> Visitor {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", client.parse().unwrap());
        Visitor {
            base: self.base.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .build()
                .unwrap(),
        }
    }

    /// A person with a password and `roles` in `org`; returns their user id.
    pub async fn seed_member(
        &self,
        org: triad::db::TenantId,
        email: &str,
        name: &str,
        roles: triad::db::people::Roles,
    ) -> uuid::Uuid {
        let hash = triad::auth::password::hash(PASSWORD.into()).await.unwrap();
        let mut conn = self.owner_connection().await;
        let user = triad::db::people::find_or_create_user(&mut conn, email, name)
            .await
            .unwrap();
        triad::db::people::set_password(&mut conn, user.id, &hash, false)
            .await
            .unwrap();
        sqlx::query("select set_config('app.org_id', $1, false)")
            .bind(org.0.to_string())
            .execute(&mut conn)
            .await
            .unwrap();
        triad::db::people::add_member(&mut conn, org, user.id, roles, None)
            .await
            .unwrap();
        user.id
    }

    /// A visitor already signed in as a new member with `roles` in `org`.
    pub async fn signed_in(
        &self,
        org: triad::db::TenantId,
        email: &str,
        roles: triad::db::people::Roles,
    ) -> (Visitor, uuid::Uuid) {
        let user = self
            .seed_member(org, email, email.split('@').next().unwrap(), roles)
            .await;
        let visitor = self.visitor();
        let response = visitor.sign_in(email, PASSWORD).await;
        assert_eq!(response.status(), 303, "sign-in of {email}");
        (visitor, user)
    }
}

pub fn roles(admin: bool, coach: bool, coachee: bool) -> triad::db::people::Roles {
    triad::db::people::Roles {
        is_admin: admin,
        is_coach: coach,
        is_coachee: coachee,
    }
}

pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("triad_session="))
        .map(|v| {
            v["triad_session=".len()..]
                .split(';')
                .next()
                .unwrap()
                .to_owned()
        })
}

/// The link in the newest email to `to`, as written in its plain-text body.
/// (Some emails are queued just after the page that asked for them is
/// answered, so this waits a little for one to arrive.)
pub async fn link_in_mail(app: &TestApp, to: &str, path: &str) -> String {
    let body: String = eventually(10, "an email to them", || async {
        sqlx::query_scalar(
            "select body_text from outbox_messages where recipient_email = $1 order by created_at desc limit 1",
        )
        .bind(to)
        .fetch_optional(&mut app.owner_connection().await)
        .await
        .unwrap()
    })
    .await;
    let start = body.find(path).expect("a link in the email");
    body[start..].split_whitespace().next().unwrap().to_owned()
}

/// A programme for 2026 and an engagement in it, written in `tx`; names and the
/// manager's details start with `label`, so a test can look for them.
pub async fn programme_and_engagement(
    tx: &mut triad::db::TenantTx,
    org: triad::db::TenantId,
    label: &str,
    coachee_id: uuid::Uuid,
    coach_id: uuid::Uuid,
) -> (uuid::Uuid, uuid::Uuid) {
    use triad::db::{engagements, programs};
    let year = |month, day| chrono::NaiveDate::from_ymd_opt(2026, month, day).unwrap();
    let programme = programs::create_program(
        tx,
        org,
        &programs::ProgramFields {
            name: format!("{label} programme"),
            description: String::new(),
            starts_on: year(1, 1),
            ends_on: year(12, 31),
            cadence: programs::Cadence::Monthly,
            sessions_included: 6,
            reporting_threshold: 5,
        },
    )
    .await
    .unwrap();
    let engagement = engagements::create(
        tx,
        org,
        programme,
        &engagements::EngagementFields {
            coachee_id,
            coach_id,
            starts_on: year(1, 1),
            ends_on: year(12, 31),
            status: engagements::Status::Active,
            manager_name: format!("{label} Manager"),
            manager_email: format!("{}.manager@example.com", label.to_lowercase()),
            department: format!("{label} department"),
        },
    )
    .await
    .unwrap();
    (programme, engagement)
}

/// The guest-link keys the test app signs with.
pub fn guest_keys() -> triad::alignment::link::GuestKeys {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path());
    triad::alignment::link::GuestKeys::new(&config.secret_key().unwrap(), None)
}

/// Switches alignment meetings on for `programme` and makes, behind the app's
/// back, a meeting waiting for the manager (one time offered, a week ahead)
/// with its invite, and a pending request for one more meeting. Returns the
/// meeting, the request, and the manager's link token.
pub async fn alignment_meeting(
    app: &TestApp,
    org: triad::db::TenantId,
    programme: uuid::Uuid,
    engagement: uuid::Uuid,
    coachee: uuid::Uuid,
) -> (uuid::Uuid, uuid::Uuid) {
    let (meeting, request, _) =
        alignment_meeting_with_link(app, org, programme, engagement, coachee).await;
    (meeting, request)
}

pub async fn alignment_meeting_with_link(
    app: &TestApp,
    org: triad::db::TenantId,
    programme: uuid::Uuid,
    engagement: uuid::Uuid,
    coachee: uuid::Uuid,
) -> (uuid::Uuid, uuid::Uuid, String) {
    use triad::db::alignment as meetings;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    triad::db::programs::set_alignment_rules(
        &mut tx,
        org,
        programme,
        &triad::db::programs::AlignmentRules {
            enabled: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (meeting, _) = meetings::create(
        &mut tx,
        org,
        &meetings::NewMeeting {
            engagement_id: engagement,
            kind: triad::alignment::Kind::Initial,
            duration_minutes: 30,
            place: "Secret room".into(),
            agenda: String::new(),
            request_key: uuid::Uuid::new_v4(),
            created_by: coachee,
        },
    )
    .await
    .unwrap();
    let at = chrono::Utc::now() + chrono::Duration::days(7);
    meetings::add_candidate(&mut tx, org, meeting, at, "coachee", "")
        .await
        .unwrap();
    let invite = uuid::Uuid::now_v7();
    let link = guest_keys().issue(org.0, invite);
    meetings::create_invite(
        &mut tx,
        org,
        invite,
        meeting,
        "Secret Manager",
        "secret.manager@example.com",
        &link,
        "Europe/London",
        at + chrono::Duration::days(8),
    )
    .await
    .unwrap();
    meetings::request_extra(&mut tx, org, engagement, "Secret reason", coachee)
        .await
        .unwrap();
    let request: uuid::Uuid = sqlx::query_scalar(
        "select id from alignment_requests where org_id = $1 and engagement_id = $2",
    )
    .bind(org.0)
    .bind(engagement)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (meeting, request, link.token)
}

/// Casey Coach (casey@acme.test) coaching Robin Rivera (robin@acme.test) in
/// `org`, both able to sign in with [`PASSWORD`].
pub struct CoachingPair {
    pub coach: uuid::Uuid,
    pub engagement: uuid::Uuid,
}

pub async fn casey_coaches_robin(app: &TestApp, org: triad::db::TenantId) -> CoachingPair {
    let coach = app
        .seed_member(
            org,
            "casey@acme.test",
            "Casey Coach",
            roles(false, true, false),
        )
        .await;
    let coachee = app
        .seed_member(
            org,
            "robin@acme.test",
            "Robin Rivera",
            roles(false, false, true),
        )
        .await;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let (_, engagement) =
        programme_and_engagement(&mut tx, org, "Leading Teams", coachee, coach).await;
    tx.commit().await.unwrap();
    CoachingPair { coach, engagement }
}
