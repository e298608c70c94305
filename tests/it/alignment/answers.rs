//! The manager's side: picking a time and answering, once.

use super::{MANAGER, day, guest, hidden, shown_on, trio};

#[tokio::test]
async fn the_manager_picks_a_time_answers_and_a_replayed_answer_changes_nothing() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00"), (day(11), "15:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    let page = manager.text(&guest(&token)).await;
    let candidate = hidden(&page, "candidate");
    let sequence = hidden(&page, "sequence");

    let response = manager
        .post(
            &format!("{}/accept", guest(&token)),
            &shown_on(
                &token,
                &[("candidate", &candidate), ("sequence", &sequence)],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    let calendar: Vec<String> = sqlx::query_scalar(
        "select recipient_email from outbox_messages
         where calendar_method = 'REQUEST' and calendar_ics not like '%UID:huddle-%' order by 1",
    )
    .fetch_all(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert_eq!(calendar, ["casey@acme.test", MANAGER, "robin@acme.test"]);
    let news: String = sqlx::query_scalar(
        "select body_text from outbox_messages where recipient_email = 'robin@acme.test'
         and calendar_method = 'REQUEST' and calendar_ics not like '%UID:huddle-%'",
    )
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert!(
        news.contains("\u{2068}Morgan Manager\u{2069} accepted"),
        "{news}"
    );
    let outbox = t.scalar_i64("select count(*) from outbox_messages").await;

    // The same button again, and the answers twice: one change each.
    let response = manager
        .post(
            &format!("{}/accept", guest(&token)),
            &shown_on(
                &token,
                &[("candidate", &candidate), ("sequence", &sequence)],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    let answers = [
        ("success", "MANAGER-ANSWER calm with customers"),
        ("noticed", "Delegating the weekly report"),
    ];
    for _ in 0..2 {
        let response = manager
            .post(
                &format!("{}/answers", guest(&token)),
                &shown_on(&token, &answers),
            )
            .await;
        assert_eq!(response.status(), 303);
    }
    assert_eq!(
        t.scalar_i64("select count(*) from audit_events where action = 'guest.answered'")
            .await,
        1
    );
    assert_eq!(
        t.scalar_i64("select count(*) from audit_events where action = 'guest.accepted'")
            .await,
        1
    );
    // One new email each to the coachee and coach about the answers, nothing else.
    assert_eq!(
        t.scalar_i64("select count(*) from outbox_messages").await,
        outbox + 2
    );
    assert_eq!(
        t.scalar_i64(
            "select count(*) from alignment_meetings where status = 'confirmed' and sequence = 1"
        )
        .await,
        1
    );

    // The coachee and coach read the answers; the manager sees them as typed.
    for visitor in [&t.coachee, &t.coach] {
        let page = visitor.text(&meeting_path).await;
        assert!(
            page.contains("MANAGER-ANSWER calm with customers"),
            "{page}"
        );
        assert!(page.contains("Accepted"), "{page}");
    }
    assert!(
        manager
            .text(&guest(&token))
            .await
            .contains("MANAGER-ANSWER")
    );

    // A time proposed twice is one proposal.
    for _ in 0..2 {
        let response = manager
            .post(
                &format!("{}/propose", guest(&token)),
                &shown_on(
                    &token,
                    &[
                        ("date", &day(14)),
                        ("time", "08:00"),
                        ("note", "Mornings suit me"),
                    ],
                ),
            )
            .await;
        assert_eq!(response.status(), 303);
    }
    assert_eq!(
        t.scalar_i64(
            "select count(*) from alignment_candidate_times where proposed_by = 'manager'"
        )
        .await,
        1
    );
    // A proposal in the past is explained, and the typed note kept.
    let response = manager
        .post(
            &format!("{}/propose", guest(&token)),
            &shown_on(
                &token,
                &[
                    ("date", "2020-02-02"),
                    ("time", "08:00"),
                    ("note", "Typed note"),
                ],
            ),
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("already passed") && body.contains("Typed note"),
        "{body}"
    );

    // The manager never sees the coach's notes, the preparation or the debrief.
    let response = t
        .coach
        .post(
            &format!("{meeting_path}/notes"),
            &[("notes", "COACH-NOTE careful")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        t.coach
            .text(&meeting_path)
            .await
            .contains("COACH-NOTE careful")
    );
    assert!(!t.coachee.text(&meeting_path).await.contains("COACH-NOTE"));
    let page = manager.text(&guest(&token)).await;
    assert!(
        !page.contains("COACH-NOTE") && !page.contains("PREP-SECRET"),
        "{page}"
    );
    // The coach cannot record the outcome before the meeting's time.
    let response = t
        .coach
        .post(&format!("{meeting_path}/outcome"), &[("outcome", "held")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings where status = 'completed'")
            .await,
        0
    );
    assert!(t.app.assert_progress_follows_facts().await >= 1);
}
