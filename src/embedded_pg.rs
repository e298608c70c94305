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
//! Layout of `$TRIAD_DATA_DIR/postgres/`: `pgdata/` (the cluster), `server.log`,
//! and the socket. As root, the cluster belongs to and runs as the `postgres`
//! system user, because `initdb` refuses to run as root.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use system_user::{SystemUser, postgres_system_user, reachable_by_others, set_private_owner};

mod binaries;
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

/// A running cluster that we started (or found still running from a crashed run).
#[derive(Debug)]
pub struct EmbeddedPostgres {
    root: PathBuf,
    pgdata: PathBuf,
    bin_dir: PathBuf,
    owner: Option<SystemUser>,
    socket_dir: PathBuf,
}

impl EmbeddedPostgres {
    /// Makes the cluster under `root` if it does not exist yet, starts it, and makes
    /// sure `database` exists. Blocking: run it before serving, or on a blocking thread.
    pub fn start(root: &Path, database: &str, durability: Durability) -> anyhow::Result<Self> {
        let bin_dir = find_server_binaries()?;
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create {}", root.display()))?;
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", root.display()))?;
        let owner = if nix::unistd::geteuid().is_root() {
            Some(postgres_system_user()?)
        } else {
            None
        };
        if owner.is_some() {
            reachable_by_others(&root)?;
        }
        set_private_owner(&root, owner.as_ref())?;

        let socket_dir = if root.join(".s.PGSQL.5432").as_os_str().len() <= MAX_SOCKET_PATH {
            root.clone()
        } else {
            let digest = Sha256::digest(root.as_os_str().as_encoded_bytes());
            let dir = std::env::temp_dir().join(format!("triad-pg-{}", hex::encode(&digest[..6])));
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            set_private_owner(&dir, owner.as_ref())?;
            dir
        };
        let cluster = EmbeddedPostgres {
            pgdata: root.join("pgdata"),
            root,
            bin_dir,
            owner,
            socket_dir,
        };

        if !cluster.pgdata.join("PG_VERSION").exists() {
            cluster.initdb()?;
        }
        cluster.write_settings(durability)?;
        if cluster.is_running() {
            // A previous run was killed before it could stop its cluster. The data
            // directory is ours, so this server is too: restart it so it runs with
            // this run's settings.
            tracing::warn!(pgdata = %cluster.pgdata.display(), "our cluster was left running by an earlier run; restarting it");
            cluster.stop()?;
        }
        cluster.remove_stale_pid_file()?;
        cluster.pg_ctl_start()?;
        cluster.create_database(database)?;
        Ok(cluster)
    }

    /// Connection options for `database` on this cluster.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .username(SUPERUSER)
            .database(database)
            .application_name("triad")
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
            let proc_dir = PathBuf::from(format!("/proc/{pid}"));
            for _ in 0..100 {
                if !proc_dir.exists() {
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

    /// Whether a postmaster is running on our data directory.
    pub fn is_running(&self) -> bool {
        self.command("pg_ctl")
            .args(["status", "-D"])
            .arg(&self.pgdata)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
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
        if let Some(owner) = &self.owner {
            use std::os::unix::process::CommandExt;
            command.uid(owner.uid.as_raw()).gid(owner.gid.as_raw());
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
        set_private_owner(&path, self.owner.as_ref())
    }

    /// A `postmaster.pid` left by a crash names a process id that may since have
    /// gone to some unrelated process; PostgreSQL would then refuse to start.
    fn remove_stale_pid_file(&self) -> anyhow::Result<()> {
        let pid_file = self.pgdata.join("postmaster.pid");
        let Ok(text) = std::fs::read_to_string(&pid_file) else {
            return Ok(());
        };
        let pid = text.lines().next().unwrap_or("").trim();
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() != "postgres" {
            tracing::warn!(pid, "removing a stale postmaster.pid left by a crash");
            std::fs::remove_file(&pid_file)
                .with_context(|| format!("cannot remove {}", pid_file.display()))?;
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

    fn create_database(&self, database: &str) -> anyhow::Result<()> {
        let options = self.connect_options("postgres");
        let database = database.to_owned();
        // We are called from sync code that may itself sit inside a runtime: use a
        // small runtime of our own on a plain thread.
        std::thread::spawn(move || -> anyhow::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut conn = connect_with_retry(&options).await?;
                let exists: bool = sqlx::query_scalar(
                    "select exists (select 1 from pg_database where datname = $1)",
                )
                .bind(&database)
                .fetch_one(&mut conn)
                .await?;
                if !exists {
                    let quoted = database.replace('"', "\"\"");
                    sqlx::query(&format!("create database \"{quoted}\""))
                        .execute(&mut conn)
                        .await?;
                }
                conn.close().await?;
                Ok(())
            })
        })
        .join()
        .map_err(|_| anyhow::anyhow!("creating the database panicked"))?
        .context("cannot create Triad's database in the embedded cluster")
    }
}

async fn connect_with_retry(options: &PgConnectOptions) -> anyhow::Result<PgConnection> {
    let mut last_error = None;
    for _ in 0..50 {
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
