//! The outbox itself: what is queued and what never goes out, headers a name
//! or subject cannot add, and messages shared between workers.

use std::time::Duration;

use triad::db;
use triad::mail;

use crate::support::smtp::SmtpSink;
use crate::support::{TestApp, eventually};

use super::{app_sending_to, email, queue, status_of};

#[tokio::test]
async fn two_workers_draining_a_thousand_messages_send_each_once() {
    let sink = SmtpSink::start();
    // The app's own worker is one; a second runs beside it on its own pool.
    let app = app_sending_to(sink.url()).await;
    let org = app.create_org("Acme").await;
    let mut tx = db::begin_tenant(&app.pool, org).await.unwrap();
    for n in 0..1000 {
        mail::enqueue(
            &mut tx,
            Some(org),
            "triad.test",
            email(&format!("p{n}@example.com"), &format!("Bulk {n}")),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let second_pool = db::pool(
        db::app_connect_options(
            &app.owner,
            &crate::support::test_config(app.data_dir.path())
                .secret_key()
                .unwrap(),
        ),
        &db::PoolSettings::default(),
    );
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut settings =
        triad::mail::worker::WorkerSettings::new("Triad <no-reply@localhost>".parse().unwrap());
    settings.poll_interval = Duration::from_millis(50);
    let second = tokio::spawn(triad::mail::worker::run(
        second_pool.clone(),
        triad::mail::transport::Transport::new(
            Some(&sink.url()),
            app.data_dir.path().join("unused"),
            Duration::from_secs(30),
        )
        .unwrap(),
        settings,
        stopping,
    ));

    eventually(120, "1000 messages to arrive", || async {
        (sink.count() >= 1000).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.send_replace(true);
    second.await.unwrap();

    let received = sink.received();
    assert_eq!(received.len(), 1000);
    let mut ids: Vec<String> = received
        .iter()
        .map(|m| m.parsed().message_id().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1000, "no message was sent twice");
    let both_worked: i64 =
        sqlx::query_scalar("select count(*) from outbox_messages where status = 'sent'")
            .fetch_one(&mut app.owner_connection().await)
            .await
            .unwrap();
    assert_eq!(both_worked, 1000);
}

#[tokio::test]
async fn a_rolled_back_change_sends_nothing() {
    let sink = SmtpSink::start();
    let app = app_sending_to(sink.url()).await;
    let org = app.create_org("Acme").await;

    let mut tx = db::begin_tenant(&app.pool, org).await.unwrap();
    mail::enqueue(
        &mut tx,
        Some(org),
        "triad.test",
        email("ghost@example.com", "Never sent"),
    )
    .await
    .unwrap();
    drop(tx); // rolled back

    queue(&app, org, email("real@example.com", "Sent")).await;
    eventually(10, "the committed message", || async {
        (sink.count() == 1).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, vec!["real@example.com".to_string()]);
}

#[tokio::test]
async fn a_superseded_invitation_is_dropped_not_sent() {
    let sink = SmtpSink::start();
    let app = app_sending_to(sink.url()).await;
    let org = app.create_org("Acme").await;

    let mut tx = db::begin_tenant(&app.pool, org).await.unwrap();
    let mut first = email("dana@example.com", "Invitation, first time");
    first.dedupe_key = Some("meeting-7-invite-dana".into());
    let first = mail::enqueue(&mut tx, Some(org), "triad.test", first)
        .await
        .unwrap();
    let mut second = email("dana@example.com", "Invitation, rescheduled");
    second.dedupe_key = Some("meeting-7-invite-dana".into());
    mail::enqueue(&mut tx, Some(org), "triad.test", second)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    eventually(10, "the newer invitation", || async {
        (sink.count() == 1).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].parsed().subject(),
        Some("Invitation, rescheduled")
    );
    assert_eq!(status_of(&app, first).await.0, "superseded");
}

#[tokio::test]
async fn line_breaks_in_names_and_subjects_cannot_add_headers() {
    let sink = SmtpSink::start();
    let app = app_sending_to(sink.url()).await;
    let org = app.create_org("Acme").await;
    let mut hostile = email("dana@example.com", "Hello\r\nBcc: everyone@example.com");
    hostile.to.name = "Dana\r\nX-Injected: yes".into();
    queue(&app, org, hostile).await;

    eventually(10, "the message", || async {
        (sink.count() == 1).then_some(())
    })
    .await;
    let received = &sink.received()[0];
    assert_eq!(received.to, vec!["dana@example.com".to_string()]);
    let raw = String::from_utf8_lossy(&received.data);
    assert!(!raw.contains("\nBcc:"), "{raw}");
    assert!(!raw.contains("\nX-Injected:"), "{raw}");
    let parsed = received.parsed();
    assert_eq!(parsed.subject(), Some("Hello Bcc: everyone@example.com"));
}

#[tokio::test]
async fn an_unusable_address_is_refused_when_queued() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let mut tx = db::begin_tenant(&app.pool, org).await.unwrap();
    let err = mail::enqueue(
        &mut tx,
        Some(org),
        "triad.test",
        email("not an address", "x"),
    )
    .await
    .expect_err("a bad address");
    assert!(err.to_string().contains("not an email address"), "{err}");
}

#[tokio::test]
async fn claimed_messages_are_released_for_others_and_an_expired_lease_frees_them() {
    // No worker sends here: SMTP points nowhere and the test claims by hand.
    let app = TestApp::spawn_with(|config| config.run_mail_worker = false).await;
    let org = app.create_org("Acme").await;
    for n in 0..3 {
        queue(&app, org, email(&format!("p{n}@example.com"), "x")).await;
    }
    let lease = Duration::from_secs(300);
    let claimed = triad::mail::outbox::claim(&app.pool, 10, lease)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 3);
    // Held: a second worker finds nothing to do.
    assert!(
        triad::mail::outbox::claim(&app.pool, 10, lease)
            .await
            .unwrap()
            .is_empty()
    );
    // A stopping worker hands two back; they are due again at once, their
    // unused attempt not counted.
    triad::mail::outbox::release(&app.pool, &claimed[1..])
        .await
        .unwrap();
    let again = triad::mail::outbox::claim(&app.pool, 10, lease)
        .await
        .unwrap();
    assert_eq!(again.len(), 2);
    assert!(again.iter().all(|m| m.attempts == 1));
    // A worker that died holds its claim only until the lease runs out.
    sqlx::query(
        "update outbox_messages set lease_until = now() - interval '1 second' where id = $1",
    )
    .bind(claimed[0].id)
    .execute(&mut app.owner_connection().await)
    .await
    .unwrap();
    let orphan = triad::mail::outbox::claim(&app.pool, 10, lease)
        .await
        .unwrap();
    assert_eq!(orphan.len(), 1);
    assert_eq!(orphan[0].id, claimed[0].id);
}
