//! What cannot be undone is asked first: cancelling a meeting and switching
//! a programme's meetings off show what will happen, and act only when that
//! page's own form is sent.

use crate::support::{location, roles};

use super::{day, trio};

const PLANNED: &str = "select count(*) from alignment_meetings where status = 'proposed'";
const MAIL: &str = "select count(*) from outbox_messages";

#[tokio::test]
async fn cancelling_first_shows_who_is_told_and_only_the_confirmation_cancels() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00")]).await;
    let mail_before = t.scalar_i64(MAIL).await;

    // The meeting page's button only asks.
    let asked = t.coachee.post(&format!("{meeting_path}/cancel"), &[]).await;
    assert_eq!(asked.status(), 200);
    let page = asked.text().await.unwrap();
    for expected in [
        "Cancel the meeting?",
        "Robin Rivera",
        "Casey Coach",
        "Morgan Manager",
        "their link stops working",
        "entry leaves their calendar",
        "This cannot be undone.",
        "Keep the meeting",
        "Yes, cancel the meeting",
        r#"name="confirm" value="yes""#,
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    // The safe choice comes first.
    assert!(page.find("Keep the meeting") < page.find("Yes, cancel the meeting"));
    assert_eq!(t.scalar_i64(PLANNED).await, 1, "nothing cancelled yet");
    assert_eq!(t.scalar_i64(MAIL).await, mail_before, "nobody told yet");

    // The confirmation's form cancels, and tells everyone.
    let confirmed = t
        .coachee
        .post(&format!("{meeting_path}/cancel"), &[("confirm", "yes")])
        .await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(location(&confirmed), meeting_path);
    assert_eq!(t.scalar_i64(PLANNED).await, 0);
    assert_eq!(
        t.scalar_i64("select count(*) from outbox_messages where calendar_method = 'CANCEL'")
            .await,
        3
    );

    // A stale confirmation, from a second tab, is told so and changes nothing.
    let mail_after = t.scalar_i64(MAIL).await;
    for fields in [&[("confirm", "yes")][..], &[]] {
        let again = t
            .coach
            .post(&format!("{meeting_path}/cancel"), fields)
            .await;
        assert_eq!(again.status(), 303);
        let page = t.coach.get(&location(&again)).await.text().await.unwrap();
        assert!(
            page.contains("This meeting is not planned any more."),
            "{page}"
        );
    }
    assert_eq!(t.scalar_i64(MAIL).await, mail_after);
}

#[tokio::test]
async fn another_organisations_meeting_cannot_be_asked_about_or_cancelled() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00")]).await;
    let elsewhere = t.app.create_org("Elsewhere").await;
    let mut others = Vec::new();
    for (email, roles) in [
        ("coachee@elsewhere.test", roles(false, false, true)),
        ("coach@elsewhere.test", roles(false, true, false)),
        ("admin@elsewhere.test", roles(true, true, true)),
    ] {
        others.push(t.app.signed_in(elsewhere, email, roles).await.0);
    }
    for fields in [&[("confirm", "yes")][..], &[]] {
        for visitor in &others {
            let response = visitor
                .post(&format!("{meeting_path}/cancel"), fields)
                .await;
            assert_eq!(response.status(), 404);
        }
        // Nobody signed in: sent to sign in, never a server error.
        let response = t
            .app
            .visitor()
            .post(&format!("{meeting_path}/cancel"), fields)
            .await;
        assert!(response.status().as_u16() < 500, "{}", response.status());
    }
    assert_eq!(t.scalar_i64(PLANNED).await, 1);
}
