//! One owner per embedded cluster: the `triad` process that starts it keeps
//! it, commands beside it use it as it is, a second server refuses to start,
//! a crashed owner's cluster is recovered, and a server whose cluster dies
//! starts it again — saying so on `/healthz`, and answering the 503 page
//! meanwhile.

use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use crate::support::Visitor;
use crate::support::binary::{
    Triad, children_of, command, data_dir, demo_password, is_alive, pgdata, postmaster_pid, run,
    signal, status_of,
};

const DEMO_ADMIN: &str = "admin@northwind.example";

/// The postmaster of the cluster in `data_dir`, which must be running.
fn running_postmaster(data_dir: &Path) -> u32 {
    postmaster_pid(data_dir)
        .filter(|pid| is_alive(*pid))
        .expect("the embedded cluster is running")
}

async fn signed_in_admin(server: &Triad, data_dir: &Path) -> Visitor {
    let admin = server.visitor();
    let response = admin.sign_in(DEMO_ADMIN, &demo_password(data_dir)).await;
    assert_eq!(response.status(), 303, "sign-in:\n{}", server.log());
    assert_eq!(admin.get("/home").await.status(), 200);
    admin
}

/// Polls `check` every 50 ms until it holds; fails the test after `seconds`.
async fn until(seconds: u64, what: &str, server: &Triad, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !check().await {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A stopped child of a dead server, holding its shared memory; killed when
/// dropped, so a failing test leaves nothing stopped behind.
struct Held(u32);

impl Drop for Held {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.0 as i32), Signal::SIGKILL);
    }
}

/// Kills `postmaster` as a crash would, while one of its children, stopped,
/// keeps holding the cluster's shared memory: until [`release`] no new server
/// can start on the data directory, however often it is tried.
async fn kill_postmaster_and_hold(postmaster: u32) -> Held {
    let children = children_of(postmaster);
    let checkpointer = *children
        .iter()
        .find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmdline| cmdline.contains("checkpointer"))
        })
        .expect("the postmaster has a checkpointer");
    signal(checkpointer, Signal::SIGSTOP);
    let held = Held(checkpointer);
    signal(postmaster, Signal::SIGKILL);
    // Every other process of the old server notices and exits.
    let deadline = Instant::now() + Duration::from_secs(30);
    while children
        .iter()
        .chain([&postmaster])
        .any(|pid| *pid != checkpointer && is_alive(*pid))
    {
        assert!(Instant::now() < deadline, "the old server did not exit");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    held
}

fn release(held: Held) {
    drop(held);
}

#[tokio::test]
async fn a_command_beside_a_running_server_leaves_its_cluster_running() {
    let data_dir = data_dir();
    let dir = data_dir.path();
    let server = Triad::start(dir).await;
    let admin = signed_in_admin(&server, dir).await;
    let postmaster = running_postmaster(dir);

    let commands: [&[&str]; 4] = [
        &["migrate"],
        &[
            "create-org",
            "--name",
            "Beside Ltd",
            "--admin-email",
            "ada@beside.test",
        ],
        &["send-test-email", "someone@beside.test"],
        &["seed-demo"],
    ];
    for args in commands {
        let (status, log) = run(dir, args, &[]).await;
        assert!(status.success(), "triad {args:?} failed:\n{log}");
        assert_eq!(
            postmaster_pid(dir),
            Some(postmaster),
            "triad {args:?} restarted the server's cluster:\n{log}"
        );
        assert!(is_alive(postmaster), "triad {args:?} stopped the cluster");
        // The server never noticed: no retry, no 503.
        assert_eq!(admin.get("/home").await.status(), 200, "after {args:?}");
        if args[0] == "create-org" {
            assert!(log.contains("Created Beside Ltd"), "{log}");
        }
    }

    // A worker beside the server, stopped again, leaves it running too.
    let worker = Triad::spawn(command(dir, &["worker"], &[]), String::new());
    until(60, "the worker to start", &worker, async || {
        worker.log().contains("mail worker is running")
    })
    .await;
    let log = worker.terminate().await;
    assert!(log.contains("it stays running"), "{log}");
    assert_eq!(postmaster_pid(dir), Some(postmaster));
    assert_eq!(admin.get("/home").await.status(), 200);

    let log = server.terminate().await;
    assert!(!log.contains("left running by an earlier run"), "{log}");
    assert!(!is_alive(postmaster), "its owner stops the cluster");
}

#[tokio::test]
async fn a_second_serve_on_one_data_directory_says_one_is_running() {
    let data_dir = data_dir();
    let dir = data_dir.path();
    let first = Triad::start(dir).await;
    let postmaster = running_postmaster(dir);

    let second = Triad::spawn_with(dir, &[]);
    let second_base = second.base.clone();
    let (status, log) = second.exit(Duration::from_secs(60)).await;
    assert!(!status.success(), "{log}");
    let last = log.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("triad: Triad is already running on this data directory")
            && last.contains(&format!("process {}", first.pid()))
            && last.contains(&first.base)
            && last.contains("TRIAD_DATA_DIR"),
        "one plain line naming the running server:\n{log}"
    );
    assert_eq!(status_of(&format!("{second_base}/healthz")).await, None);

    assert_eq!(postmaster_pid(dir), Some(postmaster), "{log}");
    assert_eq!(
        status_of(&format!("{}/readyz", first.base)).await,
        Some(200)
    );
    first.terminate().await;
}

#[tokio::test]
async fn a_crashed_owners_cluster_is_recovered() {
    let data_dir = data_dir();
    let dir = data_dir.path();

    // The owner dies; its cluster runs on, owned by no one.
    let first = Triad::start(dir).await;
    let postmaster = running_postmaster(dir);
    first.crash().await;
    assert!(is_alive(postmaster));
    // The next command owns it, restarts it with its own settings, stops it.
    let (status, log) = run(dir, &["migrate"], &[]).await;
    assert!(status.success(), "{log}");
    assert!(log.contains("left running by an earlier run"), "{log}");
    assert!(!is_alive(postmaster), "{log}");

    // Owner and server both die: a stale postmaster.pid is left behind.
    let second = Triad::start(dir).await;
    let postmaster = running_postmaster(dir);
    let children = children_of(postmaster);
    second.crash().await;
    signal(postmaster, Signal::SIGKILL);
    let deadline = Instant::now() + Duration::from_secs(30);
    while children
        .iter()
        .chain([&postmaster])
        .any(|pid| is_alive(*pid))
    {
        assert!(Instant::now() < deadline, "the old server did not exit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(pgdata(dir).join("postmaster.pid").exists());

    let third = Triad::start(dir).await;
    signed_in_admin(&third, dir).await;
    third.terminate().await;
}

#[tokio::test]
async fn when_the_cluster_dies_under_serve_it_is_started_again_and_healthz_says_so() {
    let data_dir = data_dir();
    let dir = data_dir.path();
    let server = Triad::start(dir).await;
    let admin = signed_in_admin(&server, dir).await;
    let healthz = format!("{}/healthz", server.base);
    let old_postmaster = running_postmaster(dir);

    let held = kill_postmaster_and_hold(running_postmaster(dir)).await;
    let mut reason = String::new();
    until(30, "/healthz to report the outage", &server, async || {
        let response = reqwest::get(&healthz).await.unwrap();
        let status = response.status();
        reason = response.text().await.unwrap();
        status == 503
    })
    .await;
    assert!(
        reason.contains("PostgreSQL") && reason.contains("starting it again"),
        "{reason}"
    );
    assert_eq!(
        status_of(&format!("{}/readyz", server.base)).await,
        Some(503)
    );

    release(held);
    until(60, "/healthz to recover", &server, async || {
        status_of(&healthz).await == Some(200)
    })
    .await;
    let new_postmaster = running_postmaster(dir);
    assert_ne!(new_postmaster, old_postmaster);
    let log = server.log();
    assert!(log.contains("stopped unexpectedly"), "{log}");
    assert!(log.contains("running again"), "{log}");

    // At once, not after a few failures on connections to the dead server.
    assert_eq!(admin.get("/home").await.status(), 200, "{}", server.log());
    signed_in_admin(&server, dir).await;

    server.terminate().await;
    assert!(
        !is_alive(new_postmaster),
        "its owner stops the new server too"
    );
}

#[tokio::test]
async fn when_the_cluster_cannot_be_started_again_its_owner_is_told() {
    use triad::embedded_pg::supervise::{self, ClusterState, Settings};
    use triad::embedded_pg::{Durability, EmbeddedPostgres};

    let root = std::env::temp_dir().join(format!("triad-give-up-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let cluster = tokio::task::spawn_blocking(move || {
        EmbeddedPostgres::start(&root, "postgres", Durability::Throwaway)
    })
    .await
    .unwrap()
    .expect("a cluster to lose");
    crate::support::remove_when_process_ends(&cluster);
    let postmaster_pid = cluster.root().join("pgdata/postmaster.pid");
    let cluster = std::sync::Arc::new(cluster);
    // Quick tries, few of them: `serve` tries for about a minute.
    let supervisor = supervise::supervise(
        cluster.clone(),
        Settings {
            check_every: Duration::from_millis(50),
            first_retry: Duration::from_millis(50),
            longest_retry: Duration::from_millis(200),
            attempts: 3,
        },
    );
    let watch = supervisor.watch();
    let postmaster = std::fs::read_to_string(&postmaster_pid).unwrap();
    let postmaster = postmaster.lines().next().unwrap().parse().unwrap();

    let held = kill_postmaster_and_hold(postmaster).await;
    let reason = tokio::time::timeout(Duration::from_secs(60), watch.failed())
        .await
        .expect("the supervisor gives up");
    assert!(reason.contains("did not start"), "{reason}");
    assert!(matches!(watch.state(), ClusterState::Failed { .. }));
    assert!(!cluster.is_running(), "no further tries");

    release(held);
    supervisor.stop().await;
    // Started once more and stopped, the server clears the dead one's
    // shared memory, which nothing else would.
    tokio::task::spawn_blocking(move || {
        cluster.restart()?;
        cluster.stop()
    })
    .await
    .unwrap()
    .unwrap();
}

#[tokio::test]
async fn pages_answer_503_not_500_while_the_database_is_away() {
    let data_dir = data_dir();
    let dir = data_dir.path();
    let server = Triad::start(dir).await;
    let admin = signed_in_admin(&server, dir).await;
    let token = admin.csrf().await;
    // Someone who has not been here before: their first page makes a session.
    let newcomer = server.visitor();

    let held = kill_postmaster_and_hold(running_postmaster(dir)).await;
    // At once, on the connections the pool still holds to the dead server...
    every_page_says_unavailable(&server, &admin, &newcomer, &token, dir).await;
    // ...and once Triad knows, on new connections the server refuses.
    until(30, "/healthz to report the outage", &server, async || {
        status_of(&format!("{}/healthz", server.base)).await == Some(503)
    })
    .await;
    every_page_says_unavailable(&server, &admin, &newcomer, &token, dir).await;

    release(held);
    until(60, "the database to come back", &server, async || {
        status_of(&format!("{}/readyz", server.base)).await == Some(200)
    })
    .await;
    assert_eq!(admin.get("/home").await.status(), 200);
    assert_eq!(newcomer.get("/sign-in").await.status(), 200);
    server.terminate().await;
}

/// Pages that need the database answer the 503 page; one that can do
/// without (the flash messages it would show) may still answer. None
/// answers 500. The requests go at once: each may wait for a connection.
async fn every_page_says_unavailable(
    server: &Triad,
    admin: &Visitor,
    newcomer: &Visitor,
    token: &str,
    dir: &Path,
) {
    let mut requests = tokio::task::JoinSet::new();
    for (who, path, needs_database) in [
        (newcomer, "/sign-in", true),
        (admin, "/home", true),
        (admin, "/organisations", true),
        (admin, "/home", true),
        (admin, "/sign-in", false),
        (admin, "/", false),
    ] {
        let request = who.client.get(who.url(path));
        requests.spawn(async move { (path, needs_database, request.send().await) });
    }
    let sign_in = admin.client.post(admin.url("/sign-in")).form(&[
        ("_csrf", token),
        ("email", DEMO_ADMIN),
        ("password", &demo_password(dir)),
    ]);
    requests.spawn(async move { ("POST /sign-in", true, sign_in.send().await) });
    while let Some(answer) = requests.join_next().await {
        let (path, needs_database, response) = answer.unwrap();
        let response = response.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        let unavailable = status == 503 && body.contains("Triad is briefly unavailable");
        assert!(
            unavailable || (!needs_database && status == 200),
            "{path} answered {status}:\n{body}\n{}",
            server.log()
        );
    }
}
