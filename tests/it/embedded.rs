//! The default run, as a newcomer gets it: the `triad` binary with no
//! `DATABASE_URL` makes, uses, stops and reuses its own PostgreSQL cluster.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Triad {
    child: Child,
    base: String,
    stderr: Arc<Mutex<String>>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Triad {
    /// Starts the real binary on an empty environment but for its data directory
    /// and port, and waits until it answers.
    fn start(data_dir: &Path) -> Triad {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_triad"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("TRIAD_DATA_DIR", data_dir)
            .env("TRIAD_BIND", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the triad binary");
        // What it prints and what it logs, in one transcript.
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipes: [Box<dyn std::io::Read + Send>; 2] = [
            Box::new(child.stdout.take().unwrap()),
            Box::new(child.stderr.take().unwrap()),
        ];
        for pipe in pipes {
            let sink = stderr.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut log = sink.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let triad = Triad {
            child,
            base: format!("http://127.0.0.1:{port}"),
            stderr,
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if status_of(&format!("{}/readyz", triad.base)) == Ok(200) {
                return triad;
            }
            assert!(
                Instant::now() < deadline,
                "triad did not become ready:\n{}",
                triad.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits for a clean exit.
    fn terminate(mut self) -> String {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        )
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(
                    status.success(),
                    "triad exited with {status}:\n{}",
                    self.log()
                );
                break;
            }
            assert!(
                Instant::now() < deadline,
                "triad did not stop:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // Let the reader thread drain the last lines.
        std::thread::sleep(Duration::from_millis(100));
        self.log()
    }
}

impl Drop for Triad {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// A blocking GET; returns the status.
fn status_of(url: &str) -> Result<u16, ()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|_| ())?;
    runtime.block_on(async {
        reqwest::get(url)
            .await
            .map(|r| r.status().as_u16())
            .map_err(|_| ())
    })
}

fn postmaster_pid(data_dir: &Path) -> Option<String> {
    std::fs::read_to_string(data_dir.join("postgres/pgdata/postmaster.pid"))
        .ok()
        .and_then(|text| text.lines().next().map(str::to_owned))
}

fn is_alive(pid: &str) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn default_run_makes_stops_and_reuses_its_own_cluster() {
    let data_dir = tempfile::tempdir().unwrap();
    // As root the cluster runs as `postgres`, who must be able to walk down to it.
    std::fs::set_permissions(
        data_dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();

    // First start: the cluster is made, the app serves, SIGTERM stops both.
    let first = Triad::start(data_dir.path());
    let pid = postmaster_pid(data_dir.path()).expect("the cluster is running");
    assert!(is_alive(&pid));
    let query_secret = "token=do-not-log-me-3f9a";
    assert_eq!(
        status_of(&format!("{}/?{query_secret}", first.base)),
        Ok(200)
    );
    let log = first.terminate();
    assert!(
        log.contains("creating the embedded PostgreSQL cluster"),
        "{log}"
    );
    assert!(
        log.contains("Triad is running at http://127.0.0.1:"),
        "{log}"
    );
    // The newcomer's demo, with the logins to use.
    assert!(
        log.contains("admin@northwind.example") && log.contains("coachee1@northwind.example"),
        "{log}"
    );
    assert!(log.contains("Demo logins (password: demo-"), "{log}");
    assert!(log.contains("embedded PostgreSQL stopped"), "{log}");
    assert!(
        !log.contains("do-not-log-me"),
        "query strings stay out of the log:\n{log}"
    );
    assert!(log.contains("path=/"), "requests are logged:\n{log}");
    assert!(
        !is_alive(&pid),
        "no postgres process of ours is left behind"
    );
    assert!(postmaster_pid(data_dir.path()).is_none());
    assert!(data_dir.path().join("secret_key").exists());
    let key = std::fs::read(data_dir.path().join("secret_key")).unwrap();

    // A crash leaves a postmaster.pid naming a process that is not postgres.
    std::fs::write(
        data_dir.path().join("postgres/pgdata/postmaster.pid"),
        format!("{}\n", std::process::id()),
    )
    .unwrap();

    // Second start: the same cluster and key are reused.
    let second = Triad::start(data_dir.path());
    let log = second.terminate();
    assert!(
        !log.contains("creating the embedded PostgreSQL cluster"),
        "{log}"
    );
    assert!(log.contains("stale postmaster.pid"), "{log}");
    assert_eq!(
        std::fs::read(data_dir.path().join("secret_key")).unwrap(),
        key
    );
}

#[test]
fn bad_configuration_stops_start_up_with_one_line_naming_the_variable() {
    let output = Command::new(env!("CARGO_BIN_EXE_triad"))
        .env_clear()
        .env("TRIAD_BIND", "not-an-address")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("TRIAD_BIND"), "{stderr}");
}

#[test]
fn with_database_url_nothing_is_made_under_the_data_directory() {
    // `triad migrate` against a server that is not there: it fails, and it does
    // not fall back to making a cluster of its own.
    let data_dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_triad"))
        .arg("migrate")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TRIAD_DATA_DIR", data_dir.path())
        .env(
            "DATABASE_URL",
            format!("postgres://nobody@127.0.0.1:{}/nothing", free_port()),
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(!data_dir.path().join("postgres").exists());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot connect to PostgreSQL"), "{stderr}");
}
