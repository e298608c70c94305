//! Email: the outbox, its delivery worker against a real SMTP server on
//! loopback, and the local mailbox of the embedded default.

use std::time::Duration;

use sqlx::Row;
use triad::db::{self, TenantId};
use triad::mail::worker::RetryPolicy;
use triad::mail::{self as mail, OutgoingEmail, Recipient};

use crate::support::{TestApp, eventually};

mod delivery;
mod outbox;

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        first_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(400),
        give_up_after: Duration::from_secs(3600),
    }
}

async fn app_sending_to(url: url::Url) -> TestApp {
    TestApp::spawn_with(|config| {
        config.smtp_url = Some(url);
        config.mail_retry = quick_retries();
    })
    .await
}

fn email(to: &str, subject: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: Recipient {
            email: to.into(),
            name: "Dana Manager".into(),
        },
        subject: subject.into(),
        text: format!("Plain words for {to}.\nOpen https://triad.example.com/guest/abc"),
        html: format!("<p>HTML words for {to}.</p>"),
        calendar: None,
        dedupe_key: None,
        caused_by: None,
        send_at: None,
        kind: triad::mail::MailKind::Other,
    }
}

/// Queues `email` in its own committed tenant transaction, as a feature would.
async fn queue(app: &TestApp, org: TenantId, email: OutgoingEmail) -> uuid::Uuid {
    let mut tx = db::begin_tenant(&app.pool, org).await.unwrap();
    let id = mail::enqueue(&mut tx, Some(org), "triad.test", email)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn status_of(app: &TestApp, id: uuid::Uuid) -> (String, i32, Option<String>) {
    let row = sqlx::query("select status, attempts, last_error from outbox_messages where id = $1")
        .bind(id)
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
    (
        row.get("status"),
        row.get("attempts"),
        row.get("last_error"),
    )
}

#[tokio::test]
async fn without_smtp_mail_lands_in_the_local_mailbox_with_clickable_links() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    queue(
        &app,
        org,
        email("dana@example.com", "Your alignment meeting <soon>"),
    )
    .await;

    let mailbox = app.data_dir.path().join("mail");
    eventually(10, "an .eml file", || async {
        let found = std::fs::read_dir(&mailbox)
            .ok()?
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().ends_with(".eml"));
        found.then_some(())
    })
    .await;

    let listing = app.get("/dev/mailbox").await;
    assert_eq!(listing.status(), 200);
    let listing = listing.text().await.unwrap();
    assert!(
        listing.contains("Your alignment meeting &#60;soon&#62;")
            || listing.contains("Your alignment meeting &lt;soon&gt;"),
        "{listing}"
    );
    let start = listing
        .find("/dev/mailbox/2")
        .expect("a link to the message");
    let link = &listing[start..start + listing[start..].find('"').unwrap()];

    let page = app.get(link).await.text().await.unwrap();
    assert!(
        page.contains(r#"<a href="https://triad.example.com/guest/abc">"#),
        "{page}"
    );
    assert!(page.contains("dana@example.com"));

    let html = app.get(&format!("{link}/html")).await;
    assert_eq!(html.status(), 200);
    let csp = html.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.starts_with("sandbox"), "{csp}");
    assert!(html.text().await.unwrap().contains("HTML words for"));

    assert_eq!(app.get("/dev/mailbox/..%2Fsecret_key").await.status(), 404);
}
