//! The agenda, rewritten by the coachee and coach until the meeting starts:
//! the manager's page shows the latest, and a manager who accepted hears of
//! a change once, however many edits it took.

use crate::support::smtp::SmtpSink;
use crate::support::{eventually, roles};

use super::{MANAGER, accept_first_time, day, guest, hidden, trio_sending_to};

#[tokio::test]
async fn an_agenda_edited_after_acceptance_reaches_the_manager_once_and_not_after_the_start() {
    let sink = SmtpSink::start();
    let t = trio_sending_to(sink.url()).await;
    let meeting_path = t.schedule(&[(day(10), "10:00")]).await;
    let agenda_path = format!("{meeting_path}/agenda");
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    let agenda_mail = || async {
        t.scalar_i64("select count(*) from outbox_messages where kind = 'meeting_agenda'")
            .await
    };

    // The standard agenda is in the edit box, minutes and all.
    let page = t.coach.text(&meeting_path).await;
    assert!(
        page.contains("role today (3 min)\nWhy the manager supported coaching (5 min)"),
        "{page}"
    );

    // Before anyone accepted: saved, shown to the manager, nobody emailed.
    let response = t
        .coachee
        .post(
            &agenda_path,
            &[(
                "agenda",
                "Welcome (5 min)\nBEFORE-ACCEPT the release plan\n",
            )],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        manager
            .text(&guest(&token))
            .await
            .contains("BEFORE-ACCEPT the release plan")
    );
    assert_eq!(agenda_mail().await, 0);

    // A bad agenda is explained, and what was typed stays in the box.
    let response = t
        .coach
        .post(&agenda_path, &[("agenda", &"Too long\n".repeat(21))])
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("Keep the agenda to 20 items."), "{page}");
    assert!(page.contains("Too long\nToo long"), "{page}");

    // The manager accepts; then the coach and the coachee each change it.
    accept_first_time(&manager, &token).await;
    for (who, agenda) in [
        (&t.coach, "Welcome (5 min)\nAFTER-ACCEPT first draft"),
        (
            &t.coachee,
            "Welcome (5 min)\nAFTER-ACCEPT second draft (20 min)",
        ),
    ] {
        let response = who.post(&agenda_path, &[("agenda", agenda)]).await;
        assert_eq!(response.status(), 303);
    }
    let page = manager.text(&guest(&token)).await;
    assert!(page.contains("AFTER-ACCEPT second draft"), "{page}");
    assert!(!page.contains("AFTER-ACCEPT first draft"), "{page}");
    // One message waits for the edits to settle; the first draft's was replaced.
    assert_eq!(
        t.scalar_i64(
            "select count(*) from outbox_messages where kind = 'meeting_agenda' and status = 'queued'
               and next_attempt_at > now() + interval '3 minutes'"
        )
        .await,
        1
    );
    assert_eq!(
        t.scalar_i64(
            "select count(*) from outbox_messages where kind = 'meeting_agenda' and status = 'superseded'"
        )
        .await,
        1
    );
    // The few minutes pass.
    sqlx::query(
        "update outbox_messages set next_attempt_at = now()
         where kind = 'meeting_agenda' and status = 'queued'",
    )
    .execute(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let news = eventually(20, "the agenda news", || async {
        sink.received().into_iter().find(|m| {
            m.to.iter().any(|to| to == MANAGER)
                && m.parsed()
                    .subject()
                    .is_some_and(|s| s.starts_with("Agenda updated"))
        })
    })
    .await;
    let body = news.parsed().body_text(0).unwrap().into_owned();
    assert!(
        body.contains("AFTER-ACCEPT second draft") && body.contains("(20 min)"),
        "{body}"
    );
    assert!(!body.contains("first draft"), "{body}");
    assert!(body.contains("/m/"), "{body}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let agenda_emails = sink
        .received()
        .iter()
        .filter(|m| {
            m.parsed()
                .subject()
                .is_some_and(|s| s.starts_with("Agenda updated"))
        })
        .count();
    assert_eq!(agenda_emails, 1);

    // Neither the manager (no account) nor another organisation can change it.
    let response = manager
        .post(&agenda_path, &[("agenda", "GUEST-EDIT")])
        .await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert!(crate::support::location(&response).starts_with("/sign-in"));
    let other = t.app.create_org("Elsewhere").await;
    let (stranger, _) = t
        .app
        .signed_in(other, "coach@elsewhere.test", roles(false, true, false))
        .await;
    let response = stranger
        .post(&agenda_path, &[("agenda", "STRANGER-EDIT")])
        .await;
    assert_eq!(response.status(), 404);

    // Once the meeting has started, the agenda stays; what was typed is kept.
    sqlx::query("update alignment_meetings set starts_at = now() - interval '1 minute'")
        .execute(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t
        .coach
        .post(&agenda_path, &[("agenda", "TOO-LATE item")])
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("has started"), "{page}");
    assert!(page.contains("TOO-LATE item"), "{page}");
    let stored: String = sqlx::query_scalar("select agenda_lines from alignment_meetings")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(
        stored,
        "Welcome (5 min)\nAFTER-ACCEPT second draft (20 min)"
    );
}

/// The coachee and the coach open the agenda at the same time; the coach
/// saves first. The coachee's save does not silently replace the coach's
/// items: it comes back with both in view, and a second save is deliberate.
#[tokio::test]
async fn two_people_editing_the_agenda_at_once_do_not_overwrite_each_other_unseen() {
    let t = super::trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00")]).await;
    let agenda_path = format!("{meeting_path}/agenda");
    let coachee_page = t.coachee.text(&meeting_path).await;
    let coach_page = t.coach.text(&meeting_path).await;
    let coach_was = hidden(&coach_page, "was");
    let response = t
        .coach
        .post(
            &agenda_path,
            &[
                ("was", coach_was.as_str()),
                ("agenda", "COACH-ITEM first\n"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let coachee_was = hidden(&coachee_page, "was");
    let response = t
        .coachee
        .post(
            &agenda_path,
            &[
                ("was", coachee_was.as_str()),
                ("agenda", "COACHEE-ITEM typed meanwhile\n"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("changed by someone else"), "{page}");
    assert!(page.contains("COACH-ITEM first"), "theirs in view: {page}");
    assert!(
        page.contains("COACHEE-ITEM typed meanwhile"),
        "mine kept: {page}"
    );
    // Saving again, having seen theirs, is deliberate.
    let was = hidden(&page, "was");
    let response = t
        .coachee
        .post(
            &agenda_path,
            &[
                ("was", was.as_str()),
                ("agenda", "COACHEE-ITEM typed meanwhile\n"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = t.coach.text(&meeting_path).await;
    assert!(page.contains("COACHEE-ITEM typed meanwhile"), "{page}");
}

/// Agenda news waiting to go says the time stays as it was; once the coach
/// moves the meeting that is untrue, and the move's own email says it all.
#[tokio::test]
async fn agenda_news_still_waiting_is_withdrawn_when_the_meeting_moves() {
    let t = super::trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    accept_first_time(&manager, &token).await;
    let response = t
        .coach
        .post(
            &format!("{meeting_path}/agenda"),
            &[("agenda", "Welcome\nMOVED-AGENDA item")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let waiting =
        "select count(*) from outbox_messages where kind = 'meeting_agenda' and status = 'queued'";
    assert_eq!(t.scalar_i64(waiting).await, 1);
    let response = t
        .coach
        .post(
            &format!("{meeting_path}/reschedule"),
            &[
                ("date", &day(12)),
                ("time", "15:00"),
                ("duration", "30"),
                ("place", "Room 2.01"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(t.scalar_i64(waiting).await, 0, "the news is taken back");
}
