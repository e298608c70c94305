//! Where test databases come from: the server named by `DATABASE_URL` when it
//! is set, and otherwise a throwaway cluster this process starts once and a
//! watchdog removes when the process ends. Either way, the migrations run once
//! into a template database, and each test gets its own copy of it.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};
use triad::embedded_pg::{Durability, EmbeddedPostgres};

use super::test_config;

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
pub(super) async fn fresh_database() -> PgConnectOptions {
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

/// Called as a test's app goes. A throwaway cluster goes with its files; a
/// shared server keeps what we leave, so drop this test's database there.
pub(super) fn drop_when_shared(owner: &PgConnectOptions) {
    let server = server();
    if server.cluster.is_none() {
        // Only databases this harness made; never whatever else a test pointed at.
        let made_here = format!("triad_t_{}_", std::process::id());
        let ours = owner
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
