//! The real `triad` binary, as an operator runs it: an empty environment but
//! for its data directory (and what a test adds), its output collected in one
//! transcript, and helpers to look at the embedded cluster it runs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Visitor;

/// A `triad` process started by a test; killed if the test ends early.
pub struct Triad {
    child: Child,
    pub base: String,
    transcript: Arc<Mutex<String>>,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A data directory the `postgres` system user can walk down to, as it must
/// when the tests run as root.
pub fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    dir
}

/// `triad <args>` on `data_dir`, with nothing else from the test's environment.
pub fn command(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_triad"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TRIAD_DATA_DIR", data_dir)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

impl Triad {
    /// `triad` (serve) on a free port, once it answers `/readyz`.
    pub async fn start(data_dir: &Path) -> Triad {
        Self::start_with(data_dir, &[]).await
    }

    pub async fn start_with(data_dir: &Path, env: &[(&str, &str)]) -> Triad {
        let mut triad = Self::spawn_with(data_dir, env);
        triad.wait_until_ready().await;
        triad
    }

    /// `triad` (serve) on a port of its choosing (port 0: no other test can
    /// take it between choosing and binding), without waiting for it; its
    /// address is known once it says where it runs.
    pub fn spawn_with(data_dir: &Path, env: &[(&str, &str)]) -> Triad {
        let mut env = env.to_vec();
        env.push(("TRIAD_BIND", "127.0.0.1:0"));
        Self::spawn(command(data_dir, &[], &env), String::new())
    }

    /// Runs `command`, collecting what it prints and logs.
    pub fn spawn(mut command: Command, base: String) -> Triad {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the triad binary");
        let transcript = Arc::new(Mutex::new(String::new()));
        let pipes: [Box<dyn std::io::Read + Send>; 2] = [
            Box::new(child.stdout.take().unwrap()),
            Box::new(child.stderr.take().unwrap()),
        ];
        for pipe in pipes {
            let sink = transcript.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut log = sink.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        Triad {
            child,
            base,
            transcript,
        }
    }

    /// Waits until the server says where it runs (when its address is not
    /// known yet) and answers `/readyz` there.
    pub async fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while self.base.is_empty() {
            const SAID: &str = "Triad is running at ";
            let log = self.log();
            if let Some(line) = log.lines().find_map(|line| line.strip_prefix(SAID)) {
                let url = line.split_whitespace().next().unwrap_or_default();
                self.base = url.trim_end_matches('/').to_owned();
                break;
            }
            assert!(
                Instant::now() < deadline,
                "triad did not say where it runs:\n{log}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        loop {
            if status_of(&format!("{}/readyz", self.base)).await == Some(200) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "triad did not become ready:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
        self.transcript.lock().unwrap().clone()
    }

    /// A person with their own cookies, visiting this server.
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

    /// Waits for the process to end by itself; fails the test after `within`.
    pub async fn exit(mut self, within: Duration) -> (ExitStatus, String) {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader threads drain the last lines.
                tokio::time::sleep(Duration::from_millis(100)).await;
                return (status, self.log());
            }
            assert!(
                Instant::now() < deadline,
                "triad did not exit within {within:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends SIGTERM and waits for a clean exit; returns the transcript.
    pub async fn terminate(self) -> String {
        signal(self.pid(), nix::sys::signal::Signal::SIGTERM);
        let (status, log) = self.exit(Duration::from_secs(60)).await;
        assert!(status.success(), "triad exited with {status}:\n{log}");
        log
    }

    /// Kills the process outright, as a crash would, leaving its cluster behind.
    pub async fn crash(self) -> String {
        signal(self.pid(), nix::sys::signal::Signal::SIGKILL);
        self.exit(Duration::from_secs(10)).await.1
    }
}

impl Drop for Triad {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `triad <args>` to its end (within a minute) and returns its status
/// and transcript.
pub async fn run(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (ExitStatus, String) {
    Triad::spawn(command(data_dir, args, env), String::new())
        .exit(Duration::from_secs(60))
        .await
}

pub fn signal(pid: u32, signal: nix::sys::signal::Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal).unwrap();
}

/// A GET's status, or None when nothing answers.
pub async fn status_of(url: &str) -> Option<u16> {
    reqwest::get(url).await.ok().map(|r| r.status().as_u16())
}

pub fn pgdata(data_dir: &Path) -> PathBuf {
    data_dir.join("postgres/pgdata")
}

/// The postmaster's pid, from the cluster's `postmaster.pid`.
pub fn postmaster_pid(data_dir: &Path) -> Option<u32> {
    std::fs::read_to_string(pgdata(data_dir).join("postmaster.pid"))
        .ok()
        .and_then(|text| text.lines().next()?.trim().parse().ok())
}

/// Whether `pid` is a running process (not a zombie waiting to be reaped).
pub fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let state = stat.rsplit_once(')')?.1.trim_start().chars().next()?;
            Some(state != 'Z' && state != 'X')
        })
        .unwrap_or(false)
}

/// The processes whose parent is `pid`.
pub fn children_of(pid: u32) -> Vec<u32> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        let parent = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
        if parent == Some(pid) {
            children.push(child);
        }
    }
    children
}

/// The demo password the default run generated and kept.
pub fn demo_password(data_dir: &Path) -> String {
    std::fs::read_to_string(data_dir.join("demo_password"))
        .expect("the default run keeps its demo password")
        .trim()
        .to_owned()
}
