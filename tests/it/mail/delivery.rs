//! Delivery to a real SMTP server on loopback: what arrives, outages,
//! deferrals and rejections, a server that hangs mid-message, and the admin's
//! page for mail that could not be delivered.

use std::time::Duration;

use mail_parser::MimeHeaders;
use triad::mail::CalendarPart;
use triad::mail::calendar::{self, Attendee, Invitation, Method, Person};

use crate::support::smtp::{SmtpSink, free_port, smtp_url};
use crate::support::{TestApp, eventually};

use super::{app_sending_to, email, queue, quick_retries, status_of};

#[tokio::test]
async fn message_arrives_over_smtp_with_headers_both_bodies_and_its_calendar() {
    let sink = SmtpSink::start();
    let app = app_sending_to(sink.url()).await;
    let org = app.create_org("Acme").await;

    let invitation = Invitation {
        uid: "meeting-1@triad.test".into(),
        sequence: 0,
        method: Method::Request,
        starts: chrono::Utc::now() + chrono::Duration::days(3),
        ends: chrono::Utc::now() + chrono::Duration::days(3) + chrono::Duration::minutes(30),
        summary: "Alignment meeting".into(),
        description: "Goals and support".into(),
        location: Some("Video call".into()),
        url: None,
        organizer: Person {
            name: "Triad".into(),
            email: "no-reply@triad.test".into(),
        },
        attendees: vec![Attendee::needs_action("Dana Manager", "dana@example.com")],
    };
    let mut message = email("dana@example.com", "You are invited: alignment meeting");
    message.calendar = Some(CalendarPart {
        method: Method::Request,
        ics: calendar::ics(&invitation, chrono::Utc::now()),
    });
    let id = queue(&app, org, message).await;

    eventually(10, "the message to arrive", || async {
        (sink.count() == 1).then_some(())
    })
    .await;
    let received = &sink.received()[0];
    assert_eq!(received.to, vec!["dana@example.com".to_string()]);
    assert_eq!(received.from, "no-reply@localhost");
    let parsed = received.parsed();
    assert_eq!(parsed.subject(), Some("You are invited: alignment meeting"));
    assert_eq!(
        parsed.to().unwrap().first().unwrap().name(),
        Some("Dana Manager")
    );
    assert_eq!(
        parsed.from().unwrap().first().unwrap().address(),
        Some("no-reply@localhost")
    );
    let message_id = parsed.message_id().expect("a Message-ID").to_owned();
    assert_eq!(message_id, format!("{}@triad.test", id.simple()));
    assert!(
        parsed
            .body_text(0)
            .unwrap()
            .contains("Plain words for dana@example.com.")
    );
    assert!(
        parsed
            .body_html(0)
            .unwrap()
            .contains("<p>HTML words for dana@example.com.</p>")
    );
    let attachment = parsed
        .attachments()
        .find(|part| part.attachment_name() == Some("invite.ics"));
    let attachment = attachment.expect("an invite.ics attachment");
    let content_type = attachment.content_type().unwrap();
    assert_eq!(content_type.ctype(), "text");
    assert_eq!(content_type.subtype(), Some("calendar"));
    assert_eq!(content_type.attribute("method"), Some("REQUEST"));
    let ics = String::from_utf8_lossy(attachment.contents()).into_owned();
    assert!(ics.contains("UID:meeting-1@triad.test"), "{ics}");

    let status = eventually(5, "the row to say sent", || async {
        let status = status_of(&app, id).await;
        (status.0 == "sent").then_some(status)
    })
    .await;
    assert_eq!(status.1, 1);
}

#[tokio::test]
async fn an_smtp_outage_delays_mail_and_never_drops_or_doubles_it() {
    // Nothing listens on this port yet: the server is "down".
    let port = free_port();
    let app = app_sending_to(smtp_url(port)).await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(
            org,
            "admin@acme.test",
            crate::support::roles(true, false, false),
        )
        .await;
    // Fifty invitations, each its own request: every one succeeds for the
    // admin although no email can leave.
    for n in 0..50 {
        let email = format!("person{n}@example.com");
        let name = format!("Person {n}");
        let response = admin
            .post(
                "/admin/people/invite",
                &[
                    ("name", name.as_str()),
                    ("email", email.as_str()),
                    ("is_coachee", "on"),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "invitation {n}");
    }
    // Attempts fail and are rescheduled; nothing is lost meanwhile.
    eventually(20, "every message to have failed at least once", || async {
        let retried: i64 = sqlx::query_scalar(
            "select count(*) from outbox_messages where status = 'queued' and attempts >= 1",
        )
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
        (retried == 50).then_some(())
    })
    .await;
    assert!(admin.text("/admin/mail").await.contains("Retrying"));

    let sink = SmtpSink::start_on(port);
    eventually(30, "all 50 messages to arrive", || async {
        (sink.count() >= 50).then_some(())
    })
    .await;
    // Give a doubled send the chance to show itself.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = sink.received();
    assert_eq!(received.len(), 50);
    let mut recipients: Vec<String> = received.iter().flat_map(|m| m.to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 50, "each message exactly once");
    let sent: i64 =
        sqlx::query_scalar("select count(*) from outbox_messages where status = 'sent'")
            .fetch_one(&mut app.owner_connection().await)
            .await
            .unwrap();
    assert_eq!(sent, 50);
}

#[tokio::test]
async fn a_deferral_is_retried_and_a_rejection_fails_at_once_with_the_reason() {
    let sink = SmtpSink::start();
    sink.defer_next(1);
    sink.reject("nobody@example.com");
    let app = app_sending_to(sink.url()).await;
    let org = app.create_org("Acme").await;

    let deferred = queue(&app, org, email("dana@example.com", "Deferred once")).await;
    let deferred_status = eventually(10, "the deferred message to go", || async {
        let status = status_of(&app, deferred).await;
        (status.0 == "sent").then_some(status)
    })
    .await;
    assert_eq!(deferred_status.1, 2, "sent on the second attempt");

    let rejected = queue(&app, org, email("nobody@example.com", "Rejected")).await;
    let (_, attempts, error) = eventually(10, "the rejected message to fail", || async {
        let status = status_of(&app, rejected).await;
        (status.0 == "failed").then_some(status)
    })
    .await;
    assert_eq!(attempts, 1, "a permanent rejection is not retried");
    let error = error.expect("the reason is kept");
    assert!(error.contains("550"), "{error}");

    // Every attempt is on record, with its error.
    let attempts: Vec<(String, Option<String>)> = sqlx::query_as(
        "select outcome, error from outbox_attempts where message_id = $1 order by attempted_at",
    )
    .bind(deferred)
    .fetch_all(&mut app.owner_connection().await)
    .await
    .unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].0, "retry");
    assert!(
        attempts[0].1.as_deref().unwrap_or_default().contains("451"),
        "{attempts:?}"
    );
    assert_eq!(attempts[1].0, "sent");
}

#[tokio::test]
async fn admins_see_undelivered_mail_and_send_it_again_and_the_causer_is_told() {
    let sink = SmtpSink::start();
    sink.reject("nobody@acme.test");
    let app = app_sending_to(sink.url()).await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(
            org,
            "admin@acme.test",
            crate::support::roles(true, false, false),
        )
        .await;
    let invited = admin
        .post(
            "/admin/people/invite",
            &[
                ("name", "No Body"),
                ("email", "nobody@acme.test"),
                ("is_coach", "on"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 303);
    let id: uuid::Uuid = sqlx::query_scalar(
        "select id from outbox_messages where recipient_email = 'nobody@acme.test'",
    )
    .fetch_one(&mut app.owner_connection().await)
    .await
    .unwrap();
    eventually(10, "the refusal", || async {
        (status_of(&app, id).await.0 == "failed").then_some(())
    })
    .await;

    let page = admin.text("/admin/mail").await;
    assert!(
        page.contains("nobody@acme.test") && page.contains("Failed") && page.contains("550"),
        "{page}"
    );
    assert!(
        !page.contains("Choose your password"),
        "the body is not shown"
    );
    let home = admin.text("/home").await;
    assert!(
        home.contains("could not be delivered") && home.contains("nobody@acme.test"),
        "{home}"
    );

    // The address is fixed at the other end; the admin sends it again.
    sink.unreject("nobody@acme.test");
    let retried = admin.post(&format!("/admin/mail/{id}/retry"), &[]).await;
    assert_eq!(retried.status(), 303);
    eventually(10, "the second try", || async {
        (sink.count() == 1).then_some(())
    })
    .await;
    assert_eq!(status_of(&app, id).await.0, "sent");

    // Another organisation's admin cannot see or touch it.
    let other = app.create_org("Globex").await;
    let (stranger, _) = app
        .signed_in(
            other,
            "admin@globex.test",
            crate::support::roles(true, false, false),
        )
        .await;
    assert!(
        !stranger
            .text("/admin/mail")
            .await
            .contains("nobody@acme.test")
    );
    assert_eq!(
        stranger
            .post(&format!("/admin/mail/{id}/retry"), &[])
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_server_that_hangs_mid_message_is_given_up_on_and_the_email_sent_once_later() {
    let sink = SmtpSink::start();
    sink.hang_next(1, Duration::from_secs(6));
    let url = sink.url();
    let app = TestApp::spawn_with(move |config| {
        config.smtp_url = Some(url);
        config.mail_retry = quick_retries();
        config.smtp_timeout = Duration::from_secs(1);
    })
    .await;
    let org = app.create_org("Acme").await;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let id = triad::mail::enqueue(
        &mut tx,
        Some(org),
        "triad.test",
        email("dana@example.com", "Sent despite a hanging server"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let started = std::time::Instant::now();
    let (status, attempts): (String, i32) = eventually(30, "the email to be sent", || async {
        let row: (String, i32) =
            sqlx::query_as("select status, attempts from outbox_messages where id = $1")
                .bind(id)
                .fetch_one(&mut app.owner_connection().await)
                .await
                .unwrap();
        (row.0 == "sent").then_some(row)
    })
    .await;
    assert_eq!(status, "sent");
    assert!(attempts >= 2, "the hung attempt counted: {attempts}");
    // Not stuck for the server's six seconds: the one-second timeout let go.
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    let errors: Vec<Option<String>> = sqlx::query_scalar(
        "select error from outbox_attempts where message_id = $1 order by attempted_at",
    )
    .bind(id)
    .fetch_all(&mut app.owner_connection().await)
    .await
    .unwrap();
    assert!(errors[0].is_some(), "the first attempt failed: {errors:?}");
    // Once the hung connection is over too, still exactly one copy.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let copies = sink
        .received()
        .iter()
        .filter(|m| String::from_utf8_lossy(&m.data).contains("Sent despite a hanging server"))
        .count();
    assert_eq!(copies, 1);
}
