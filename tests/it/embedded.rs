//! The default run, as a newcomer gets it: the `triad` binary with no
//! `DATABASE_URL` makes, uses, stops and reuses its own PostgreSQL cluster.

use std::process::Command;

use crate::support::binary::{Triad, data_dir, free_port, is_alive, postmaster_pid, status_of};

#[tokio::test]
async fn default_run_makes_stops_and_reuses_its_own_cluster() {
    let data_dir = data_dir();

    // First start: the cluster is made, the app serves, SIGTERM stops both.
    let first = Triad::start(data_dir.path()).await;
    let pid = postmaster_pid(data_dir.path()).expect("the cluster is running");
    assert!(is_alive(pid));
    let query_secret = "token=do-not-log-me-3f9a";
    assert_eq!(
        status_of(&format!("{}/?{query_secret}", first.base)).await,
        Some(200)
    );
    let log = first.terminate().await;
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
    assert!(!is_alive(pid), "no postgres process of ours is left behind");
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
    let second = Triad::start(data_dir.path()).await;
    let log = second.terminate().await;
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
