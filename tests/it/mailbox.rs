//! The local mailbox shows every email Triad wrote, reset and manager links
//! included, so it is served only in the embedded default on a loopback
//! address — never once anything says the site is published.

use crate::support::TestApp;
use crate::support::smtp::SmtpSink;

/// The status of `/dev/mailbox` for a client on this machine.
async fn mailbox_status(app: &TestApp) -> u16 {
    app.get("/dev/mailbox").await.status().as_u16()
}

#[tokio::test]
async fn the_embedded_default_on_loopback_serves_the_mailbox() {
    // The test app's settings are the default run's: no SMTP_URL, no
    // DATABASE_URL in its configuration, bound to 127.0.0.1.
    let app = TestApp::spawn().await;
    assert_eq!(mailbox_status(&app).await, 200);
}

#[tokio::test]
async fn an_https_public_url_has_no_mailbox() {
    let app = TestApp::spawn_with(|config| {
        config.public_url = url::Url::parse("https://coaching.example.com/").unwrap();
        config.public_url_from_bind = false;
    })
    .await;
    assert_eq!(mailbox_status(&app).await, 404);
}

#[tokio::test]
async fn behind_trusted_proxies_there_is_no_mailbox_even_for_loopback() {
    let app = TestApp::spawn_with(|config| {
        config.trusted_proxies = triad::config::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    // Straight from 127.0.0.1, with no forwarding header at all…
    assert_eq!(mailbox_status(&app).await, 404);
    // …and through the proxy for a client elsewhere.
    let outsider = app.visitor_from("198.51.100.7");
    assert_eq!(outsider.get("/dev/mailbox").await.status(), 404);
    assert_eq!(outsider.get("/dev/mailbox/1-x/raw").await.status(), 404);
}

#[tokio::test]
async fn with_smtp_configured_there_is_no_mailbox() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(|config| config.smtp_url = Some(sink.url())).await;
    assert_eq!(mailbox_status(&app).await, 404);
}

#[tokio::test]
async fn a_database_of_ones_own_means_a_real_deployment_and_no_mailbox() {
    // The test harness hands the app its database itself; the setting is
    // what `DATABASE_URL` makes of the configuration.
    let app = TestApp::spawn_with(|config| {
        config.database = triad::config::Database::External(
            url::Url::parse("postgres://triad@db.example.com/triad").unwrap(),
        );
    })
    .await;
    assert_eq!(mailbox_status(&app).await, 404);
}

#[tokio::test]
async fn listening_on_every_address_has_no_mailbox_even_for_loopback() {
    let app = TestApp::spawn_with(|config| {
        config.bind = "0.0.0.0:0".parse().unwrap();
    })
    .await;
    // Reached over loopback all the same: the peer is 127.0.0.1.
    let port = app.base.rsplit(':').next().unwrap().to_owned();
    let local = reqwest::get(format!("http://127.0.0.1:{port}/dev/mailbox"))
        .await
        .unwrap();
    assert_eq!(local.status(), 404);
    assert_eq!(
        reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
            .await
            .unwrap()
            .status(),
        200
    );
}
