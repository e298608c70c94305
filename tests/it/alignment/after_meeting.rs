//! After the meeting: the coachee and coach's huddle in their calendars (and
//! in nobody else's), the debrief as a pulse check, the coach's guide for
//! hard moments with strengths questions naming the coachee, and the trail of
//! what the invitees did.

use super::{MANAGER, Trio, day, guest, hidden, shown_on, trio};
use crate::support::{Visitor, roles};

/// The coachee offers two times and the manager, through their link, answers
/// the questions and accepts the first: the meeting is confirmed. Returns the
/// meeting's page path and the manager's visit.
async fn confirmed(t: &Trio) -> (String, Visitor, String) {
    let meeting_path = t.schedule(&[(day(10), "10:00"), (day(11), "15:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    let page = manager.text(&guest(&token)).await;
    let response = manager
        .post(
            &format!("{}/answers", guest(&token)),
            &shown_on(
                &token,
                &[
                    ("success", "Calm with customers"),
                    ("noticed", "Delegating more in the weekly meeting"),
                ],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = manager
        .post(
            &format!("{}/accept", guest(&token)),
            &shown_on(
                &token,
                &[
                    ("candidate", &hidden(&page, "candidate")),
                    ("sequence", &hidden(&page, "sequence")),
                ],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    (meeting_path, manager, token)
}

fn meeting_id(path: &str) -> uuid::Uuid {
    path.rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_coachee_and_coach_get_a_huddle_after_the_meeting_and_the_manager_does_not() {
    let t = trio(true).await;
    let (meeting_path, _, _) = confirmed(&t).await;
    let id = meeting_id(&meeting_path);
    let ends: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "select starts_at + make_interval(mins => duration_minutes) from alignment_meetings",
    )
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();

    let huddles: Vec<(String, String, String)> = sqlx::query_as(
        "select recipient_email, calendar_ics, body_text from outbox_messages
         where calendar_ics like '%UID:huddle-%' order by 1",
    )
    .fetch_all(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let to: Vec<&str> = huddles.iter().map(|(to, _, _)| to.as_str()).collect();
    assert_eq!(to, ["casey@acme.test", "robin@acme.test"]);
    let uid = format!("UID:huddle-{}@", id.simple());
    for (to, ics, text) in &huddles {
        let calendar = ical::IcalParser::new(ics.as_bytes())
            .next()
            .expect("a calendar")
            .expect("it parses");
        assert_eq!(calendar.events.len(), 1, "{to}");
        assert!(
            ics.contains("METHOD:REQUEST") && ics.contains(&uid),
            "{to}: {ics}"
        );
        assert!(
            ics.contains(&format!("DTSTART:{}", ends.format("%Y%m%dT%H%M%SZ"))),
            "the huddle starts as the meeting ends: {ics}"
        );
        assert!(
            ics.contains(&format!(
                "DTEND:{}",
                (ends + chrono::Duration::minutes(15)).format("%Y%m%dT%H%M%SZ")
            )),
            "{ics}"
        );
        assert!(!ics.contains(MANAGER), "{ics}");
        assert!(text.contains("stay on for 15 minutes"), "{text}");
    }
    // The manager's mail — invitation, calendar invite — says nothing of it.
    let managers: Vec<(String, Option<String>)> = sqlx::query_as(
        "select body_text, calendar_ics from outbox_messages where recipient_email = $1",
    )
    .bind(MANAGER)
    .fetch_all(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert!(managers.iter().any(|(_, ics)| ics.is_some()));
    for (text, ics) in &managers {
        assert!(!text.to_lowercase().contains("huddle"), "{text}");
        assert!(
            !ics.as_deref()
                .unwrap_or("")
                .to_lowercase()
                .contains("huddle"),
            "{ics:?}"
        );
    }

    // Cancelled with the meeting: the same UID, for the same two people.
    let response = t
        .coachee
        .post(&format!("{meeting_path}/cancel"), &[("confirm", "yes")])
        .await;
    assert_eq!(response.status(), 303);
    let cancels: Vec<(String, String)> = sqlx::query_as(
        "select recipient_email, calendar_ics from outbox_messages
         where calendar_method = 'CANCEL' and calendar_ics like '%UID:huddle-%' order by 1",
    )
    .fetch_all(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let to: Vec<&str> = cancels.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!(to, ["casey@acme.test", "robin@acme.test"]);
    assert!(
        cancels
            .iter()
            .all(|(_, ics)| ics.contains(&uid) && ics.contains("STATUS:CANCELLED"))
    );
}

#[tokio::test]
async fn the_coachee_and_coach_see_what_the_invitee_did_and_nobody_else_does() {
    let t = trio(true).await;
    let (meeting_path, manager, token) = confirmed(&t).await;
    let id = meeting_id(&meeting_path);
    assert_eq!(
        t.scalar_i64(&format!(
            "select count(*) from audit_events where meeting_id = '{id}' and invite_id is not null"
        ))
        .await,
        3,
        "opened, answered and accepted, each tied to the meeting and invite"
    );

    for visitor in [&t.coachee, &t.coach] {
        let page = visitor.text(&meeting_path).await;
        assert!(page.contains("What the invitees did"), "{page}");
        let opened = page
            .find("Morgan Manager</strong> opened the meeting link")
            .expect("the open");
        let answered = page
            .find("Morgan Manager</strong> answered the questions")
            .expect("the answers");
        let accepted = page
            .find("Morgan Manager</strong> accepted the time")
            .expect("the acceptance");
        assert!(accepted < answered && answered < opened, "newest first");
        assert!(page.contains("<time datetime=\""));
        // Where the manager was and what browser they used stay in the log.
        assert!(!page.contains("127.0.0.1"), "{page}");
    }
    // A link opened again and again (a mail scanner, second looks) shows as
    // its first open and its latest, with the count: the answers stay in view.
    for _ in 0..60 {
        assert_eq!(manager.get(&format!("/m/{token}")).await.status(), 303);
    }
    let page = t.coachee.text(&meeting_path).await;
    assert!(
        page.contains("Morgan Manager</strong> opened the meeting link again (61 times in all)"),
        "{page}"
    );
    assert_eq!(page.matches("</strong> opened the meeting link").count(), 2);
    assert!(page.contains("Morgan Manager</strong> answered the questions"));
    // Nobody else: not the manager, not an admin, not another organisation.
    let guest_page = manager.text(&guest(&token)).await;
    assert!(!guest_page.contains("What the invitees did"));
    assert_eq!(t.admin.get(&meeting_path).await.status(), 404);
    let other = t.app.create_org("Other").await;
    let (stranger, _) = t
        .app
        .signed_in(other, "eve@other.test", roles(true, true, true))
        .await;
    assert_eq!(stranger.get(&meeting_path).await.status(), 404);
    let audit = t.admin.text("/admin/audit").await;
    assert!(!audit.contains("Morgan Manager"), "{audit}");
}

#[tokio::test]
async fn the_debrief_is_a_pulse_check_and_a_bad_answer_keeps_what_was_typed() {
    let t = trio(true).await;
    let (meeting_path, manager, token) = confirmed(&t).await;
    sqlx::query("update alignment_meetings set starts_at = now() - interval '1 hour'")
        .execute(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t
        .coach
        .post(&format!("{meeting_path}/outcome"), &[("outcome", "held")])
        .await;
    assert_eq!(response.status(), 303);
    // A debrief written with the first form keeps its words.
    sqlx::query(
        "insert into alignment_debriefs (org_id, meeting_id, how_it_went) values ($1, $2, $3)",
    )
    .bind(t.org.0)
    .bind(meeting_id(&meeting_path))
    .bind("EARLIER-DEBRIEF open and friendly")
    .execute(&mut t.app.owner_connection().await)
    .await
    .unwrap();

    let mut fields = vec![
        ("feeling", "FEELING relieved and ready"),
        ("stood_out", "STOOD-OUT my goals were recognised"),
        ("others_stood_out", "OTHERS offered a monthly check-in"),
        ("next_steps", "NEXT book the first check-in"),
        ("coaching_changes", "CHANGES practise handing over work"),
        ("go_deeper", "perhaps"),
    ];
    let response = t
        .coach
        .post(&format!("{meeting_path}/debrief"), &fields)
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Choose whether the next session goes deeper"),
        "{page}"
    );
    for (_, typed) in &fields[..5] {
        assert!(page.contains(typed), "{typed} was kept");
    }

    fields[5] = ("go_deeper", "yes");
    let response = t
        .coach
        .post(&format!("{meeting_path}/debrief"), &fields)
        .await;
    assert_eq!(response.status(), 303);
    for visitor in [&t.coachee, &t.coach] {
        let page = visitor.text(&meeting_path).await;
        for (_, typed) in &fields[..5] {
            assert!(page.contains(typed), "{typed}");
        }
        assert!(page.contains("EARLIER-DEBRIEF open and friendly"));
    }
    let coachee_page = t.coachee.text(&meeting_path).await;
    assert!(coachee_page.contains("Yes, go deeper next session"));
    assert!(coachee_page.contains("What stood out to the invitees"));
    // Never the manager's, never an admin's.
    assert!(!manager.text(&guest(&token)).await.contains("FEELING"));
    assert_eq!(t.admin.get(&meeting_path).await.status(), 404);
}

#[tokio::test]
async fn the_coachs_guide_has_strengths_questions_naming_the_coachee_and_help_for_hard_moments() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00")]).await;
    let coach_page = t.coach.text(&meeting_path).await;
    for words in [
        "Strengths questions to ask",
        "Where does Robin make the biggest difference to the team right now?",
        "When Robin takes something on, what can you count on?",
        "Whose meeting it is",
        "If the conversation drifts",
        "next one-to-one with the manager",
        "If it gets heated",
    ] {
        assert!(coach_page.contains(words), "{words}");
    }
    assert!(!coach_page.contains("Rivera make"), "the first name only");
    let coachee_page = t.coachee.text(&meeting_path).await;
    assert!(!coachee_page.contains("Strengths questions to ask"));
    assert!(!coachee_page.contains("Where does Robin make"));
}

/// The migration's backfill ties a guest entry written before the columns
/// existed to its meeting and invite, by the words the entry holds.
#[tokio::test]
async fn guest_entries_written_before_the_trail_are_tied_to_their_meeting() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00")]).await;
    let id = meeting_id(&meeting_path);
    let mut owner = t.app.owner_connection().await;
    sqlx::query(
        "insert into audit_events (org_id, id, actor, action, subject, client_addr)
         values ($1, gen_random_uuid(), 'Morgan Manager <morgan.manager@example.com> (manager, guest link)',
                 'guest.opened', 'Goal alignment alignment meeting of Robin Rivera', '203.0.113.9')",
    )
    .bind(t.org.0)
    .execute(&mut owner)
    .await
    .unwrap();
    let migration = include_str!("../../../migrations/20261201000080_after_meeting.sql");
    let start = migration.find("alter table audit_events no force").unwrap();
    let end = migration.rfind("force row level security;").unwrap() + 25;
    sqlx::raw_sql(&migration[start..end])
        .execute(&mut owner)
        .await
        .unwrap();
    let tied: Option<uuid::Uuid> =
        sqlx::query_scalar("select meeting_id from audit_events where client_addr = '203.0.113.9'")
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!(tied, Some(id));
    let page = t.coachee.text(&meeting_path).await;
    assert!(page.contains("Morgan Manager</strong> opened the meeting link"));
    assert!(!page.contains("203.0.113.9"));
}
