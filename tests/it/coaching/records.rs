//! What each side writes: the coach's one-screen session record with notes
//! that stay the coach's, and the coachee's goals with what the manager sees.

use crate::support::location;

use super::{pair, session_link};

#[tokio::test]
async fn the_coach_documents_in_one_screen_and_private_notes_stay_with_the_coach() {
    let pair = pair().await;
    let engagement = format!("/engagements/{}", pair.engagement);
    pair.coach
        .post(
            &format!("{engagement}/sessions"),
            &[
                ("date", "2026-05-04"),
                ("time", "10:00"),
                ("duration", "60"),
            ],
        )
        .await;
    let session = session_link(&pair.coach.text(&engagement).await);
    let form = pair.coach.text(&session).await;
    let marker = r#"name="activity" value=""#;
    let start = form.find(marker).expect("the activity to assign") + marker.len();
    let activity = form[start..start + 36].to_owned();

    let saved = pair
        .coach
        .post(
            &session,
            &[
                ("status", "completed"),
                ("focus_skill_id", ""),
                ("focus_area", "Giving feedback to a senior colleague"),
                (
                    "key_points",
                    "- Prepares by writing the first sentence\n- Worried about the reaction",
                ),
                (
                    "agreed_actions",
                    "Ask for a 1:1 with Sam\nTry the feedback model once",
                ),
                ("activity", activity.as_str()),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let notes = pair
        .coach
        .post(
            &format!("{session}/notes"),
            &[("notes", "PRIVATE-MARKER seems anxious about the reorg")],
        )
        .await;
    assert_eq!(notes.status(), 303);
    assert!(pair.coach.text(&session).await.contains("PRIVATE-MARKER"));

    // The coachee reads the record, never the notes.
    let record = pair.coachee.text(&session).await;
    assert!(
        record.contains("Prepares by writing the first sentence")
            && record.contains("Ask for a 1:1 with Sam")
    );
    assert!(record.contains("Feedback workshop"));
    assert!(!record.contains("PRIVATE-MARKER"), "{record}");
    assert!(
        !pair
            .coachee
            .text(&engagement)
            .await
            .contains("PRIVATE-MARKER")
    );
    // Nor can the coachee write the record.
    let forged = pair
        .coachee
        .post(&session, &[("status", "cancelled")])
        .await;
    assert_eq!(forged.status(), 404);
    // The programme team sees none of it.
    assert_eq!(pair.admin.get(&session).await.status(), 404);
    assert_eq!(pair.admin.get(&engagement).await.status(), 404);

    // The coachee completes the activity; the coach sees it done.
    let done = pair
        .coachee
        .post(
            &format!("{session}/activities/{activity}"),
            &[("done", "yes")],
        )
        .await;
    let status = done.status();
    assert_eq!(status, 303, "{}", done.text().await.unwrap());
    assert_eq!(location(&done), engagement);
    assert!(pair.coach.text(&engagement).await.contains(">Done<"));

    // At the next session, last time's actions are there to review.
    pair.coach
        .post(
            &format!("{engagement}/sessions"),
            &[
                ("date", "2026-06-01"),
                ("time", "10:00"),
                ("duration", "60"),
            ],
        )
        .await;
    let next = session_link(&pair.coach.text(&engagement).await);
    assert_ne!(next, session);
    let next_page = pair.coach.text(&next).await;
    assert!(
        next_page.contains("Actions agreed last time")
            && next_page.contains("Try the feedback model once")
    );
    let _ = pair.org;
}

#[tokio::test]
async fn the_coachee_owns_their_goals_and_alone_decides_what_the_manager_sees() {
    let pair = pair().await;
    let engagement = format!("/engagements/{}", pair.engagement);
    let new_goal = format!("{engagement}/goals/new");
    let wrong = pair
        .coachee
        .post(
            &new_goal,
            &[
                ("title", ""),
                ("description", "Why it matters"),
                ("skill_id", ""),
                ("status", "active"),
                ("progress", "140"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let page = wrong.text().await.unwrap();
    assert!(page.contains("Say what you want to achieve") && page.contains("from 0 to 100"));
    assert!(page.contains("Why it matters"), "what was typed is kept");

    for title in [
        "Delegate the weekly report",
        "PRIVATE-GOAL speak up in leadership meetings",
    ] {
        let created = pair
            .coachee
            .post(
                &new_goal,
                &[
                    ("title", title),
                    ("description", ""),
                    ("skill_id", ""),
                    ("status", "active"),
                    ("progress", "20"),
                ],
            )
            .await;
        assert_eq!(created.status(), 303);
    }
    let page = pair.coachee.text(&engagement).await;
    let first = page.find("Delegate the weekly report").unwrap();
    let second = page.find("PRIVATE-GOAL").unwrap();
    assert!(first < second, "in the order written");

    // Share the first; move the second up.
    let goal_id = |page: &str, title: &str| {
        let at = page.find(title).unwrap();
        let start = page[..at].rfind("/goals/").unwrap() + "/goals/".len();
        page[start..start + 36].to_owned()
    };
    let delegate = goal_id(&page, "Delegate the weekly report");
    let private = goal_id(&page, "PRIVATE-GOAL");
    assert_eq!(
        pair.coachee
            .post(&format!("/goals/{delegate}/share"), &[("shared", "yes")])
            .await
            .status(),
        303
    );
    assert_eq!(
        pair.coachee
            .post(&format!("/goals/{private}/move"), &[("direction", "up")])
            .await
            .status(),
        303
    );
    let page = pair.coachee.text(&engagement).await;
    assert!(page.find("PRIVATE-GOAL").unwrap() < page.find("Delegate the weekly report").unwrap());

    // The preview is exactly the shared goal.
    let preview = pair
        .coachee
        .text(&format!("{engagement}/manager-view"))
        .await;
    assert!(
        preview.contains("Delegate the weekly report") && !preview.contains("PRIVATE-GOAL"),
        "{preview}"
    );

    // The coach sees every goal, and can neither share nor edit one.
    let coach_view = pair.coach.text(&engagement).await;
    assert!(
        coach_view.contains("PRIVATE-GOAL") && coach_view.contains("Delegate the weekly report")
    );
    assert_eq!(
        pair.coach
            .post(&format!("/goals/{private}/share"), &[("shared", "yes")])
            .await
            .status(),
        404
    );
    assert_eq!(pair.coach.get(&new_goal).await.status(), 404);
    let shared: i64 = sqlx::query_scalar("select count(*) from goals where shared_with_manager")
        .fetch_one(&mut pair.app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(shared, 1);
}

/// The private note and the record share one page: whichever button the
/// coach presses, a note typed beside the record is never dropped, and a
/// record with a mistake comes back with the note saved and both kept.
#[tokio::test]
async fn a_private_note_typed_beside_the_record_is_never_dropped() {
    let pair = pair().await;
    let engagement = format!("/engagements/{}", pair.engagement);
    pair.coach
        .post(
            &format!("{engagement}/sessions"),
            &[
                ("date", "2026-05-04"),
                ("time", "10:00"),
                ("duration", "60"),
            ],
        )
        .await;
    let session = session_link(&pair.coach.text(&engagement).await);
    let page = pair.coach.text(&session).await;
    assert!(
        page.contains(r#"name="notes" rows="5" form="session-record""#),
        "the note travels with the record's form: {page}"
    );
    // A mistake in the record: the note is saved, and both are kept.
    let response = pair
        .coach
        .post(
            &session,
            &[
                ("status", "not-a-status"),
                ("key_points", "KEPT-RECORD typed before the mistake"),
                ("notes", "NOTE-ONE typed beside it"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("KEPT-RECORD typed before the mistake"),
        "{page}"
    );
    assert!(page.contains("Your private notes are saved"), "{page}");
    assert!(
        pair.coach
            .text(&session)
            .await
            .contains("NOTE-ONE typed beside it")
    );
    // A good record and a new note: both saved in one press.
    let response = pair
        .coach
        .post(
            &session,
            &[
                ("status", "completed"),
                ("focus_area", "Delegation"),
                ("key_points", "SAVED-RECORD"),
                ("agreed_actions", ""),
                ("notes", "NOTE-TWO"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = pair.coach.text(&session).await;
    assert!(
        page.contains("SAVED-RECORD") && page.contains("NOTE-TWO"),
        "{page}"
    );
    assert!(!pair.coachee.text(&session).await.contains("NOTE-TWO"));
}
