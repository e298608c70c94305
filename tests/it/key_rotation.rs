//! A secret-key rotation across instances that share one database: while it
//! is under way, instances on the old key and on the new one all log in to
//! PostgreSQL as the application role, whose password derives from the key.

use std::path::Path;
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};
use triad::embedded_pg::{Durability, EmbeddedPostgres};

use crate::support::binary::{Triad, data_dir, run};

const KEY_A: &str = "rotation-key-a-0123456789abcdef0123456789abcdef";
const KEY_B: &str = "rotation-key-b-0123456789abcdef0123456789abcdef";
const DEMO_PASSWORD: &str = "rotation demo password 7f3a";

/// A cluster of its own, whose application role must give its password, as
/// on a real server (the embedded default trusts its own user's socket).
async fn password_protected_cluster() -> (EmbeddedPostgres, String) {
    let root = std::env::temp_dir().join(format!("triad-rotation-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let cluster = tokio::task::spawn_blocking(move || {
        EmbeddedPostgres::start(&root, "triad_rotation", Durability::Throwaway)
    })
    .await
    .unwrap()
    .expect("a cluster for the rotation");
    crate::support::remove_when_process_ends(&cluster);
    std::fs::write(
        cluster.root().join("pgdata/pg_hba.conf"),
        "local all triad_app scram-sha-256\nlocal all all trust\n",
    )
    .unwrap();
    let mut owner = PgConnection::connect_with(&cluster.connect_options("triad_rotation"))
        .await
        .unwrap();
    sqlx::query("select pg_reload_conf()")
        .execute(&mut owner)
        .await
        .unwrap();
    let url = format!(
        "postgres://triad@localhost/triad_rotation?host={}",
        cluster.socket_dir().display()
    );
    (cluster, url)
}

fn env<'a>(url: &'a str, key: &'a str, previous: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut env = vec![
        ("DATABASE_URL", url),
        ("TRIAD_SECRET_KEY", key),
        ("TRIAD_DEMO_PASSWORD", DEMO_PASSWORD),
    ];
    if let Some(previous) = previous {
        env.push(("TRIAD_PREVIOUS_SECRET_KEY", previous));
    }
    env
}

/// Ends every connection the instances hold as the application role, so
/// that each must log in again.
async fn end_app_connections(cluster: &EmbeddedPostgres) {
    let mut owner = PgConnection::connect_with(&cluster.connect_options("triad_rotation"))
        .await
        .unwrap();
    sqlx::query(
        "select pg_terminate_backend(pid) from pg_stat_activity where usename = 'triad_app'",
    )
    .execute(&mut owner)
    .await
    .unwrap();
    owner.close().await.unwrap();
}

/// Someone new signs in to `server` and sees their home page, within 30 s:
/// time for the pool to drop the connections that were ended under it.
async fn someone_signs_in(server: &Triad, who: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let visitor = server.visitor();
        let signed_in = visitor.get("/sign-in").await.status() == 200
            && visitor
                .sign_in("admin@northwind.example", DEMO_PASSWORD)
                .await
                .status()
                == 303
            && visitor.get("/home").await.status() == 200;
        if signed_in {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no one could sign in to the instance {who}:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_app_role_password_survives_a_key_rotation() {
    let (cluster, url) = password_protected_cluster().await;
    let dirs = [data_dir(), data_dir(), data_dir()];
    let dir = |i: usize| -> &Path { dirs[i].path() };
    let (status, log) = run(dir(0), &["seed-demo"], &env(&url, KEY_A, None)).await;
    assert!(status.success(), "{log}");

    // Before: everyone on key A.
    let old = Triad::start_with(dir(0), &env(&url, KEY_A, None)).await;
    someone_signs_in(&old, "on key A").await;

    // During: new instances on key B that still know key A, old ones on A.
    let rotating = Triad::start_with(dir(1), &env(&url, KEY_B, Some(KEY_A))).await;
    assert!(
        rotating
            .log()
            .contains("still has the previous secret key's password"),
        "{}",
        rotating.log()
    );
    end_app_connections(&cluster).await;
    someone_signs_in(&rotating, "on key B, with A as the previous key").await;
    someone_signs_in(&old, "still on key A").await;

    // After: an instance on key B alone moves the password to B's, and the
    // instance that knows both keys follows.
    let rotated = Triad::start_with(dir(2), &env(&url, KEY_B, None)).await;
    someone_signs_in(&rotated, "on key B alone").await;
    end_app_connections(&cluster).await;
    someone_signs_in(
        &rotating,
        "on key B, with A as the previous key, after A's retirement",
    )
    .await;
    assert!(
        rotating.log().contains("logging in with the current key's"),
        "{}",
        rotating.log()
    );

    for server in [old, rotating, rotated] {
        server.terminate().await;
    }
    let _ = tokio::task::spawn_blocking(move || cluster.stop()).await;
}
