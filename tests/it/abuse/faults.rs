//! PostgreSQL, the pool and Triad itself failing in the middle of traffic.

use crate::support::{TestApp, eventually, remove_when_process_ends, roles, test_config};

/// PostgreSQL stopped in the middle of traffic and started again.
#[tokio::test]
async fn a_database_stopped_mid_traffic_gives_503_pages_and_triad_recovers_without_a_restart() {
    use triad::embedded_pg::{Durability, EmbeddedPostgres};
    let root = std::env::temp_dir().join(format!("triad-fault-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let start = {
        let root = root.clone();
        move || EmbeddedPostgres::start(&root, "triad_faults", Durability::Throwaway)
    };
    let cluster = tokio::task::spawn_blocking(start.clone())
        .await
        .unwrap()
        .expect("a cluster of our own to restart");
    remove_when_process_ends(&cluster);
    let owner = cluster.connect_options("triad_faults");
    let data = tempfile::tempdir().unwrap();
    let config = test_config(data.path());
    triad::db::migrate(&owner).await.unwrap();
    triad::db::ensure_app_login(&owner, &config.secret_key().unwrap())
        .await
        .unwrap();
    let app = TestApp::spawn_on(owner.clone()).await;
    let org = app.create_org("Faulty").await;
    let (admin, _) = app
        .signed_in(org, "admin@faulty.test", roles(true, false, false))
        .await;
    assert!(
        admin.get("/home").await.status() == 200,
        "home before the fault"
    );
    let token = admin.csrf().await;

    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .unwrap();
    // While it is down: the 503 page with its request id, /readyz says so,
    // and a form sent now leaves nothing behind.
    let response = admin.get("/home").await;
    let status = response.status().as_u16();
    let id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.text().await.unwrap_or_default();
    assert!(
        status == 503 && !id.is_empty() && body.contains(&id),
        "with the database down, /home gave {status}"
    );
    let ready = app.get("/readyz").await.status().as_u16();
    assert!(ready == 503, "/readyz said {ready} with the database down");
    let response = admin
        .client
        .post(admin.url("/admin/programmes/new"))
        .form(&[
            ("_csrf", token.as_str()),
            ("name", "Written during the outage"),
            ("starts_on", "2026-01-01"),
            ("ends_on", "2026-12-31"),
            ("cadence", "monthly"),
            ("sessions_included", "6"),
            ("reporting_threshold", "5"),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert!(status == 503, "a form during the outage got {status}");

    let cluster = tokio::task::spawn_blocking(start).await.unwrap().unwrap();
    // Back without restarting Triad.
    let mut recovered = false;
    for _ in 0..100 {
        if app.get("/readyz").await.status() == 200 && admin.get("/home").await.status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        recovered,
        "Triad did not recover after the database came back"
    );
    let written: i64 = sqlx::query_scalar("select count(*) from programs")
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap_or(-1);
    assert!(written == 0, "{written} programmes from the outage");
    drop(app);
    let _ = tokio::task::spawn_blocking(move || cluster.stop()).await;
}

/// Every connection held by queries stuck behind a lock: others wait a bounded
/// time and get the 503 page; when the lock goes, everything finishes.
#[tokio::test]
async fn with_every_pool_connection_stuck_others_get_a_503_in_bounded_time_and_then_all_finish() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Busy").await;
    let (admin, _) = app
        .signed_in(org, "admin@busy.test", roles(true, false, false))
        .await;
    let mut holder = app.owner_connection().await;
    sqlx::query("begin").execute(&mut holder).await.unwrap();
    sqlx::query("lock table memberships in access exclusive mode")
        .execute(&mut holder)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut requests = Vec::new();
    for _ in 0..40 {
        let client = admin.client.clone();
        let url = admin.url("/home");
        requests.push(tokio::spawn(async move {
            let response = client.get(url).send().await;
            (
                response.map(|r| r.status().as_u16()).unwrap_or(0),
                std::time::Instant::now(),
            )
        }));
    }
    // Past the pool's wait, the ones without a connection have had their answer.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    sqlx::query("rollback").execute(&mut holder).await.unwrap();
    let mut statuses = Vec::new();
    let mut slowest_refusal = std::time::Duration::ZERO;
    for request in requests {
        let (status, at) = request.await.unwrap();
        if status == 503 {
            slowest_refusal = slowest_refusal.max(at - started);
        }
        statuses.push(status);
    }
    let refused = statuses.iter().filter(|s| **s == 503).count();
    let served = statuses.iter().filter(|s| **s == 200).count();
    assert!(
        refused > 0 && served > 0 && refused + served == 40,
        "with the pool held: {statuses:?}"
    );
    assert!(
        slowest_refusal < std::time::Duration::from_secs(7),
        "a request waited {slowest_refusal:?} for its 503"
    );
    let after = admin.get("/home").await.status().as_u16();
    assert!(after == 200, "after the lock, /home gave {after}");
}

/// Stopped (as by SIGTERM) while emails are being asked for: every request
/// that got in is answered, and every email is sent once — by this process or
/// the next.
#[tokio::test]
async fn a_server_stopped_under_load_answers_what_it_took_and_sends_each_email_once() {
    use crate::support::smtp::SmtpSink;
    let sink = SmtpSink::start();
    let smtp = sink.url();
    // Behind a proxy, so that thirty people ask from thirty addresses (from
    // one, the reset limit would stop most of them).
    let mut app = TestApp::spawn_with({
        let smtp = smtp.clone();
        move |config| {
            config.smtp_url = Some(smtp);
            config.trusted_proxies = triad::config::TrustedProxies::parse("127.0.0.1").unwrap();
        }
    })
    .await;
    let org = app.create_org("Stopping").await;
    for i in 0..30 {
        app.seed_member(
            org,
            &format!("p{i}@stopping.test"),
            "P",
            roles(false, false, true),
        )
        .await;
    }
    let mut requests = Vec::new();
    for i in 0..30 {
        let visitor = app.visitor_from(&format!("198.51.100.{i}"));
        requests.push(tokio::spawn(async move {
            let email = format!("p{i}@stopping.test");
            let response = visitor
                .post("/forgot-password", &[("email", email.as_str())])
                .await;
            response.status().as_u16()
        }));
        if i == 15 {
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        }
    }
    // Stop once the server holds at least one of them (its reset was counted),
    // however slow the machine: a fixed pause could stop it before any.
    eventually(30, "a reset request in the server's hands", || async {
        let counted: i64 = sqlx::query_scalar(
            "select count(*) from attempt_limits where key like 'reset:address:%'",
        )
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
        (counted > 0).then_some(())
    })
    .await;
    let _ = app.stop_serving().await;
    let mut answered = 0;
    for request in requests {
        // A request the stopped listener never took fails to connect; one it
        // took is answered in full.
        if let Ok(status) = request.await {
            assert!(status == 200, "a request in flight got {status}");
            answered += 1;
        }
    }
    let owner = app.owner.clone();
    let next = TestApp::spawn_on_with(owner, move |config| config.smtp_url = Some(smtp)).await;
    let queued: i64 = sqlx::query_scalar("select count(*) from outbox_messages")
        .fetch_one(&mut next.owner_connection().await)
        .await
        .unwrap();
    eventually(30, "the outbox to drain", || async {
        let pending: i64 = sqlx::query_scalar(
            "select count(*) from outbox_messages where status in ('queued', 'sending')",
        )
        .fetch_one(&mut next.owner_connection().await)
        .await
        .unwrap();
        (pending == 0).then_some(())
    })
    .await;
    let received = sink.received();
    let mut ids: Vec<String> = received
        .iter()
        .filter_map(|m| m.parsed().message_id().map(str::to_owned))
        .collect();
    let all = ids.len();
    ids.sort();
    ids.dedup();
    assert!(
        answered > 0 && queued as usize == ids.len() && all == ids.len(),
        "{answered} answered, {queued} emails queued, {all} received, {} distinct",
        ids.len()
    );
    drop(next);
    drop(app);
}
