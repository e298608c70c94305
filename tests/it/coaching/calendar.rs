//! A coaching session's calendar mail, as it arrives over SMTP: an invite for
//! the coach and the coachee, a reminder a day ahead, and a cancellation that
//! replaces the invite and takes the reminders back.

use mail_parser::MimeHeaders;

use crate::support::smtp::SmtpSink;
use crate::support::{TestApp, eventually};

use super::{pair_on, session_link};

/// Each message's recipient, calendar method (from the MIME part) and file.
fn calendars(sink: &SmtpSink) -> Vec<(String, String, String)> {
    sink.received()
        .iter()
        .filter_map(|received| {
            let parsed = received.parsed();
            let part = parsed
                .attachments()
                .find(|part| part.attachment_name() == Some("invite.ics"))?;
            let method = part.content_type()?.attribute("method")?.to_owned();
            let ics = String::from_utf8_lossy(part.contents()).into_owned();
            Some((received.to[0].clone(), method, ics))
        })
        .collect()
}

fn property(ics: &str, name: &str) -> String {
    let calendar = ical::IcalParser::new(ics.as_bytes())
        .next()
        .expect("a calendar")
        .expect("it parses");
    let properties = if name == "METHOD" {
        &calendar.properties
    } else {
        &calendar.events[0].properties
    };
    properties
        .iter()
        .filter(|p| p.name == name)
        .filter_map(|p| p.value.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn reminders(app: &TestApp, status: &str) -> Vec<(String, chrono::DateTime<chrono::Utc>)> {
    sqlx::query_as(
        "select recipient_email, next_attempt_at from outbox_messages
         where kind = 'coaching_session_reminder' and status = $1 order by 1",
    )
    .bind(status)
    .fetch_all(&mut app.owner_connection().await)
    .await
    .unwrap()
}

#[tokio::test]
async fn coach_and_coachee_each_get_an_invite_and_a_cancellation_replaces_it() {
    let sink = SmtpSink::start();
    let url = sink.url();
    let pair = pair_on(TestApp::spawn_with(|config| config.smtp_url = Some(url)).await).await;
    let engagement = format!("/engagements/{}", pair.engagement);
    let day = (chrono::Utc::now() + chrono::Duration::days(7)).date_naive();
    let scheduled = pair
        .coach
        .post(
            &format!("{engagement}/sessions"),
            &[
                ("date", day.to_string().as_str()),
                ("time", "10:00"),
                ("duration", "60"),
            ],
        )
        .await;
    assert_eq!(scheduled.status(), 303);

    eventually(10, "both invites", || async {
        (calendars(&sink).len() == 2).then_some(())
    })
    .await;
    let invites = calendars(&sink);
    let mut to: Vec<_> = invites.iter().map(|(to, _, _)| to.as_str()).collect();
    to.sort();
    assert_eq!(to, ["casey@acme.test", "robin@acme.test"]);
    let uid = property(&invites[0].2, "UID");
    assert!(uid.starts_with("session-"), "{uid}");
    for (_, method, ics) in &invites {
        assert_eq!(method, "REQUEST");
        assert_eq!(property(ics, "METHOD"), "REQUEST");
        assert_eq!(property(ics, "UID"), uid, "one UID for the session");
        assert_eq!(property(ics, "SEQUENCE"), "0");
        assert_eq!(property(ics, "ORGANIZER"), "mailto:casey@acme.test");
        assert_eq!(
            property(ics, "ATTENDEE"),
            "mailto:casey@acme.test mailto:robin@acme.test"
        );
        assert!(ics.contains("PARTSTAT=NEEDS-ACTION"), "{ics}");
        assert!(!property(ics, "DTSTAMP").is_empty());
    }
    // A reminder each, a day ahead.
    let queued = reminders(&pair.app, "queued").await;
    assert_eq!(queued.len(), 2, "{queued:?}");
    let starts: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select starts_at from coaching_sessions")
            .fetch_one(&mut pair.app.owner_connection().await)
            .await
            .unwrap();
    assert!(
        queued
            .iter()
            .all(|(_, at)| *at == starts - chrono::Duration::hours(24))
    );

    // The coach records it as cancelled: a CANCEL of the same UID for each,
    // and no reminder goes out.
    let session = session_link(&pair.coach.text(&engagement).await);
    let cancelled = pair
        .coach
        .post(&session, &[("status", "cancelled"), ("focus_skill_id", "")])
        .await;
    assert_eq!(cancelled.status(), 303);
    eventually(10, "both cancellations", || async {
        (calendars(&sink).len() == 4).then_some(())
    })
    .await;
    let cancels: Vec<_> = calendars(&sink).into_iter().skip(2).collect();
    for (_, method, ics) in &cancels {
        assert_eq!(method, "CANCEL");
        assert_eq!(property(ics, "METHOD"), "CANCEL");
        assert_eq!(property(ics, "UID"), uid);
        assert_eq!(property(ics, "SEQUENCE"), "1");
        assert_eq!(property(ics, "STATUS"), "CANCELLED");
    }
    assert!(reminders(&pair.app, "queued").await.is_empty());
    assert_eq!(reminders(&pair.app, "superseded").await.len(), 2);
}
