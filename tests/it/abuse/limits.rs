//! The limits on what a request may be and how long it may take, and on how
//! often one address may guess at a guest link.

use crate::support::TestApp;

/// Where the app listens, as `host:port`, for raw connections.
fn address(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_owned()
}

/// This process's resident memory, in KiB.
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn a_2_mib_form_body_is_refused_with_413_within_5_seconds() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    let token = visitor.csrf().await;
    let started = std::time::Instant::now();
    let big = format!("_csrf={token}&email={}", "a".repeat(2 * 1024 * 1024));
    let response = visitor
        .client
        .post(visitor.url("/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big)
        .send()
        .await;
    let status = response.map(|r| r.status().as_u16()).unwrap_or(413);
    assert!(status == 413, "a 2 MiB body got {status}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "refusing a big body took over 5 s"
    );
}

#[tokio::test]
async fn fifty_2_mib_bodies_at_once_are_refused_unread_and_memory_stays_flat() {
    let app = TestApp::spawn().await;
    let before = resident_kib();
    let mut big_ones = Vec::new();
    let addr = address(&app);
    for _ in 0..50 {
        let addr = addr.clone();
        // Written from one small buffer over a raw connection, so the test's
        // own memory stays out of the measurement.
        big_ones.push(tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let Ok(mut stream) = tokio::net::TcpStream::connect(&addr).await else {
                return 0;
            };
            let head = format!(
                "POST /sign-in HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
                2 * 1024 * 1024
            );
            if stream.write_all(head.as_bytes()).await.is_err() {
                return 0;
            }
            let chunk = [b'b'; 64 * 1024];
            for _ in 0..32 {
                if stream.write_all(&chunk).await.is_err() {
                    break;
                }
            }
            let mut answer = [0u8; 12];
            let _ = stream.read_exact(&mut answer).await;
            String::from_utf8_lossy(&answer[9..12]).parse::<u16>().unwrap_or(0)
        }));
    }
    let mut refused = 0;
    for big in big_ones {
        if big.await.unwrap() == 413 {
            refused += 1;
        }
    }
    let growth_mib = resident_kib().saturating_sub(before) / 1024;
    assert!(refused == 50, "{refused} of 50 big bodies refused");
    // The test process holds the app, its own 100 MiB of bodies and other
    // tests: "flat" is far less than the 100 MiB the app was sent.
    assert!(
        growth_mib < 64,
        "resident memory grew {growth_mib} MiB over 50 refused 2 MiB bodies"
    );
}

#[tokio::test]
async fn a_form_with_2000_fields_is_refused_with_413() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    let token = visitor.csrf().await;
    let mut many = format!("_csrf={token}");
    for i in 0..2000 {
        many.push_str(&format!("&f{i}=x"));
    }
    let response = visitor
        .client
        .post(visitor.url("/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(many)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert!(status == 413, "2,000 fields got {status}");
}

#[tokio::test]
async fn forty_slow_clients_holding_connections_keep_nobody_else_waiting() {
    let app = TestApp::spawn().await;
    // Slow clients hold connections open without a whole request; others are
    // still served at once.
    let addr = address(&app);
    let mut slow = Vec::new();
    for _ in 0..40 {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(&addr).await {
            use tokio::io::AsyncWriteExt;
            let _ = stream
                .write_all(b"POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nem")
                .await;
            slow.push(stream);
        }
    }
    let started = std::time::Instant::now();
    let response = app.visitor().get("/healthz").await;
    assert!(
        response.status() == 200 && started.elapsed() < std::time::Duration::from_secs(2),
        "with 40 slow clients, /healthz took {:?}",
        started.elapsed()
    );
    drop(slow);
}

#[tokio::test]
async fn a_stalled_request_body_is_cut_off_with_408() {
    let app = TestApp::spawn().await;
    // One that sends part of a body and stalls is answered within the body
    // timeout, not held on to.
    let stalled = {
        let addr = address(&app);
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let started = std::time::Instant::now();
            let mut stream = tokio::net::TcpStream::connect(&addr).await.ok()?;
            stream
                .write_all(b"POST /forgot-password HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=")
                .await
                .ok()?;
            let mut answer = [0u8; 12];
            tokio::time::timeout(
                std::time::Duration::from_secs(20),
                stream.read_exact(&mut answer),
            )
            .await
            .ok()?
            .ok()?;
            Some((
                String::from_utf8_lossy(&answer[9..12]).to_string(),
                started.elapsed(),
            ))
        })
    };
    let stalled = stalled.await.unwrap();
    assert!(
        stalled.as_ref().is_some_and(|(status, took)| {
            status == "408" && *took < std::time::Duration::from_secs(15)
        }),
        "a stalled body got {stalled:?}"
    );
}

#[tokio::test]
async fn guessing_guest_links_from_one_address_is_paused() {
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    let guesser = app.visitor();
    let mut last = 0;
    for i in 0..25 {
        let token = format!(
            "{}.{}.00.00",
            acme.0.simple(),
            uuid::Uuid::from_u128(i).simple()
        );
        last = guesser.get(&format!("/m/{token}")).await.status().as_u16();
    }
    assert!(last == 429, "the 25th wrong link got {last}");
}
