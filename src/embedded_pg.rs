//! The private PostgreSQL cluster of the default run.
//!
//! With no `DATABASE_URL`, Triad keeps its data in a cluster of its own under
//! `$TRIAD_DATA_DIR/postgres`, made and run with the PostgreSQL server binaries
//! installed on the machine. The cluster listens only on a unix socket inside
//! that directory (or, where that path is too long for a socket, in a private
//! directory under the system's temporary directory), never on TCP: it can
//! neither collide with nor touch any other cluster, and only its own user can
//! reach it.
//!
//! One process owns the cluster: the one that started it, holding `owner.lock`
//! (see [`lock`]) for as long as it runs, and watching over the server (see
//! [`supervise`]). A Triad command that finds the cluster owned uses it as it
//! is and leaves it running; a second server refuses to start.
//!
//! Layout of `$TRIAD_DATA_DIR/postgres/`: `pgdata/` (the cluster), `server.log`,
//! `owner.lock` and the socket. As root, the cluster belongs to and runs as the
//! `postgres` system user, because `initdb` refuses to run as root.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use lock::OwnerLock;
use system_user::{SystemUser, postgres_system_user, reachable_by_others, set_private_owner};

mod binaries;
pub mod join;
pub mod lock;
pub mod supervise;
mod system_user;

pub use binaries::find_server_binaries;

/// The database role that owns Triad's database in the embedded cluster.
const SUPERUSER: &str = "triad";
/// Unix socket paths longer than this do not fit in `sockaddr_un` (108 bytes).
const MAX_SOCKET_PATH: usize = 100;

/// How the cluster should trade durability for speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// The real thing: every commit reaches the disk.
    Durable,
    /// For throwaway test clusters: no fsync, nothing survives a power cut.
    Throwaway,
}

/// A running cluster that we started (or found still running from a crashed
/// run), and own until this value is dropped.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    root: PathBuf,
    pgdata: PathBuf,
    bin_dir: PathBuf,
    /// The system user the server runs as, when that is not us (we are root).
    run_as: Option<SystemUser>,
    socket_dir: PathBuf,
    lock: std::sync::Mutex<OwnerLock>,
}

impl EmbeddedPostgres {
    /// Makes the cluster under `root` if it does not exist yet, starts it, and makes
    /// sure `database` exists. Blocking: run it before serving, or on a blocking thread.
    ///
    /// Fails with [`AlreadyOwned`] when another live process owns the cluster.
    pub fn start(root: &Path, database: &str, durability: Durability) -> anyhow::Result<Self> {
        let bin_dir = find_server_binaries()?;
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create {}", root.display()))?;
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", root.display()))?;
        // Before anything is touched: two processes must never both make,
        // start or stop the cluster.
        let lock = OwnerLock::acquire(&root)??;
        let run_as = if nix::unistd::geteuid().is_root() {
            Some(postgres_system_user()?)
        } else {
            None
        };
        if run_as.is_some() {
            reachable_by_others(&root)?;
        }
        set_private_owner(&root, run_as.as_ref())?;

        let socket_dir = socket_dir(&root);
        if socket_dir != root {
            std::fs::create_dir_all(&socket_dir)
                .with_context(|| format!("cannot create {}", socket_dir.display()))?;
            set_private_owner(&socket_dir, run_as.as_ref())?;
        }
        let cluster = EmbeddedPostgres {
            pgdata: root.join("pgdata"),
            root,
            bin_dir,
            run_as,
            socket_dir,
            lock: std::sync::Mutex::new(lock),
        };

        if !cluster.pgdata.join("PG_VERSION").exists() {
            cluster.initdb()?;
        }
        cluster.write_settings(durability)?;
        if cluster.is_running() {
            // Its owner was killed before it could stop its cluster (the lock
            // died with it). The data directory is ours, so this server is too:
            // restart it so it runs with this run's settings.
            tracing::warn!(pgdata = %cluster.pgdata.display(), "our cluster was left running by an earlier run; restarting it");
            cluster.stop()?;
        }
        cluster.remove_stale_files()?;
        cluster.pg_ctl_start()?;
        create_database(cluster.connect_options("postgres"), database)?;
        Ok(cluster)
    }

    /// Connection options for `database` on this cluster.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        connect_options(&self.socket_dir, database)
    }

    /// Notes where this process serves, for the message a second server prints.
    pub fn announce(&self, url: &str) -> anyhow::Result<()> {
        self.lock
            .lock()
            .map_err(|_| anyhow::anyhow!("the owner lock is poisoned"))?
            .announce(url)
    }

    /// The directory holding the server's unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// The directory holding the cluster's files.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of the server binaries in use (`pg_ctl`, `postgres`, …).
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// Stops the server, letting it finish what it is doing first ("fast" mode:
    /// open transactions roll back, committed data is safe). Blocking.
    pub fn stop(&self) -> anyhow::Result<()> {
        if !self.is_running() {
            return Ok(());
        }
        let postmaster = self.postmaster_pid();
        let output = self
            .command("pg_ctl")
            .args([
                "stop",
                "--silent",
                "--wait",
                "--timeout=60",
                "--mode=fast",
                "-D",
            ])
            .arg(&self.pgdata)
            .output()
            .context("cannot run pg_ctl stop")?;
        if !output.status.success() && self.is_running() {
            bail!(
                "pg_ctl could not stop the embedded cluster: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        // pg_ctl returns once the pid file is gone, a moment before the process
        // itself; wait for it, so nothing of ours outlives us.
        if let Some(pid) = postmaster {
            for _ in 0..100 {
                if !is_live_postgres(pid) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(())
    }

    fn postmaster_pid(&self) -> Option<u32> {
        let text = std::fs::read_to_string(self.pgdata.join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    /// Whether a postmaster is running on our data directory: the one named
    /// in `postmaster.pid` is alive. Cheap enough to ask every second, and
    /// unlike `pg_ctl status`, not fooled by a dead server not yet reaped.
    pub fn is_running(&self) -> bool {
        self.postmaster_pid().is_some_and(is_live_postgres)
    }

    /// Starts the server again after it died under us. Blocking.
    pub fn restart(&self) -> anyhow::Result<()> {
        self.remove_stale_files()?;
        self.pg_ctl_start()
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin_dir.join(program));
        // Never let the caller's environment point us at another cluster.
        for variable in [
            "PGDATA",
            "PGHOST",
            "PGPORT",
            "PGUSER",
            "PGDATABASE",
            "PGPASSWORD",
        ] {
            command.env_remove(variable);
        }
        command.current_dir(&self.root).stdin(Stdio::null());
        if let Some(user) = &self.run_as {
            use std::os::unix::process::CommandExt;
            command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
        command
    }

    fn initdb(&self) -> anyhow::Result<()> {
        tracing::info!(pgdata = %self.pgdata.display(), "creating the embedded PostgreSQL cluster");
        // Only our own user (and root) can enter the socket directory, so trusting
        // local connections lets exactly us in.
        let output = self
            .command("initdb")
            .args([
                "--username",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "-D",
            ])
            .arg(&self.pgdata)
            .output()
            .context("cannot run initdb")?;
        if !output.status.success() {
            bail!(
                "initdb failed for {}: {}",
                self.pgdata.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let conf = self.pgdata.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf)
            .with_context(|| format!("cannot read {}", conf.display()))?;
        text.push_str("\n# Written by Triad on every start.\ninclude_if_exists = 'triad.conf'\n");
        std::fs::write(&conf, text).with_context(|| format!("cannot write {}", conf.display()))
    }

    /// Rewritten on every start, so a moved data directory still finds its socket.
    fn write_settings(&self, durability: Durability) -> anyhow::Result<()> {
        let mut settings = format!(
            "listen_addresses = ''\nport = 5432\nunix_socket_directories = '{}'\n",
            conf_quote(&self.socket_dir)
        );
        settings.push_str("max_connections = 200\n");
        if durability == Durability::Throwaway {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let path = self.pgdata.join("triad.conf");
        std::fs::write(&path, settings)
            .with_context(|| format!("cannot write {}", path.display()))?;
        set_private_owner(&path, self.run_as.as_ref())
    }

    /// What a dead server leaves behind. Its `postmaster.pid` and the
    /// socket's lock file name a process id that may since have gone to some
    /// unrelated process, or to the dead server not yet reaped (a zombie):
    /// PostgreSQL would refuse to start. And while its socket is there,
    /// connections wait to be refused instead of failing at once.
    fn remove_stale_files(&self) -> anyhow::Result<()> {
        let socket_lock = self.socket_dir.join(".s.PGSQL.5432.lock");
        for path in [self.pgdata.join("postmaster.pid"), socket_lock.clone()] {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let pid = text.lines().next().unwrap_or("").trim();
            if !pid.parse().is_ok_and(is_live_postgres) {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                tracing::warn!(pid, "removing a stale {name} left by a crash");
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
        }
        let socket = self.socket_dir.join(".s.PGSQL.5432");
        if !socket_lock.exists() && socket.exists() {
            std::fs::remove_file(&socket)
                .with_context(|| format!("cannot remove {}", socket.display()))?;
        }
        Ok(())
    }

    fn pg_ctl_start(&self) -> anyhow::Result<()> {
        let log = self.root.join("server.log");
        let output = self
            .command("pg_ctl")
            .args(["start", "--silent", "--wait", "--timeout=120", "-D"])
            .arg(&self.pgdata)
            .arg("-l")
            .arg(&log)
            // pg_ctl's child keeps stdout open; don't wait on a pipe for it.
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .context("cannot run pg_ctl start")?;
        if !output.status.success() {
            bail!(
                "the embedded PostgreSQL cluster in {} did not start: {} {}",
                self.pgdata.display(),
                String::from_utf8_lossy(&output.stderr).trim(),
                log_tail(&log)
            );
        }
        Ok(())
    }
}

/// Whether `pid` is a PostgreSQL server process, and alive: a zombie is dead,
/// only not yet reaped by its parent.
fn is_live_postgres(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "pid (comm) state …", where comm may itself hold spaces and parentheses.
    let Some((head, rest)) = stat.rsplit_once(')') else {
        return false;
    };
    let comm = head.split_once('(').map_or("", |(_, comm)| comm);
    let state = rest.trim_start().chars().next();
    comm == "postgres" && !matches!(state, Some('Z' | 'X'))
}

/// Where the cluster in `root` keeps its socket: in `root`, unless that path
/// is too long for a socket.
fn socket_dir(root: &Path) -> PathBuf {
    if root.join(".s.PGSQL.5432").as_os_str().len() <= MAX_SOCKET_PATH {
        root.to_owned()
    } else {
        let digest = Sha256::digest(root.as_os_str().as_encoded_bytes());
        std::env::temp_dir().join(format!("triad-pg-{}", hex::encode(&digest[..6])))
    }
}

fn connect_options(socket_dir: &Path, database: &str) -> PgConnectOptions {
    PgConnectOptions::new()
        .socket(socket_dir)
        .username(SUPERUSER)
        .database(database)
        .application_name("triad")
}

/// Makes sure `database` exists, waiting up to five seconds for the server.
fn create_database(maintenance: PgConnectOptions, database: &str) -> anyhow::Result<()> {
    create_database_within(maintenance, database, 5)
}

fn create_database_within(
    maintenance: PgConnectOptions,
    database: &str,
    seconds: u64,
) -> anyhow::Result<()> {
    let database = database.to_owned();
    // We are called from sync code that may itself sit inside a runtime: use a
    // small runtime of our own on a plain thread.
    std::thread::spawn(move || -> anyhow::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let mut conn = connect_with_retry(&maintenance, seconds * 10).await?;
            let exists: bool = sqlx::query_scalar!(
                r#"select exists (select 1 from pg_database where datname = $1) as "exists!""#,
                database,
            )
            .fetch_one(&mut conn)
            .await?;
            if !exists {
                let quoted = database.replace('"', "\"\"");
                // Dynamic SQL: DDL, whose database name cannot be a bound parameter.
                let created = sqlx::query(&format!("create database \"{quoted}\""))
                    .execute(&mut conn)
                    .await;
                match created {
                    Ok(_) => {}
                    // Another process made it a moment ago.
                    Err(sqlx::Error::Database(err))
                        if matches!(err.code().as_deref(), Some("42P04" | "23505")) => {}
                    Err(err) => return Err(err.into()),
                }
            }
            conn.close().await?;
            Ok(())
        })
    })
    .join()
    .map_err(|_| anyhow::anyhow!("creating the database panicked"))?
    .context("cannot create Triad's database in the embedded cluster")
}

async fn connect_with_retry(
    options: &PgConnectOptions,
    attempts: u64,
) -> anyhow::Result<PgConnection> {
    let mut last_error = None;
    for _ in 0..attempts {
        match PgConnection::connect_with(options).await {
            Ok(conn) => return Ok(conn),
            Err(err) => last_error = Some(err),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(last_error.expect("tried at least once").into())
}

fn conf_quote(path: &Path) -> String {
    path.display().to_string().replace('\'', "''")
}

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().rev().take(5).collect();
    if lines.is_empty() {
        return String::new();
    }
    let tail: Vec<&str> = lines.into_iter().rev().collect();
    format!("(server log {}: {})", log.display(), tail.join(" | "))
}
