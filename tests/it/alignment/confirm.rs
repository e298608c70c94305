//! What cannot be undone is asked first: cancelling a meeting, switching a
//! programme's meetings off while some are planned, and disabling a person
//! show what will happen, and act only when that page's own form is sent.

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

fn rules(enabled: bool, confirm: bool) -> Vec<(&'static str, &'static str)> {
    let mut fields = vec![
        ("included", "2"),
        ("sessions_before", "2"),
        ("link_days", "7"),
        ("reminder_hours", "24"),
        ("kind", "initial"),
        ("kind", "midpoint"),
    ];
    if enabled {
        fields.push(("enabled", "on"));
    }
    if confirm {
        fields.push(("confirm", "yes"));
    }
    fields
}

#[tokio::test]
async fn switching_meetings_off_with_one_planned_says_how_many_and_acts_only_when_confirmed() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00")]).await;
    let rules_path = format!("/admin/programmes/{}/alignment", t.programme);
    let enabled = format!(
        "select count(*) from programs where id = '{}' and alignment_enabled",
        t.programme
    );

    let asked = t.admin.post(&rules_path, &rules(false, false)).await;
    assert_eq!(asked.status(), 200);
    let page = asked.text().await.unwrap();
    for expected in [
        "Switch alignment meetings off for Leading Teams",
        "1 alignment meeting is still planned or confirmed",
        "is withdrawn",
        "Nobody is told.",
        "The meetings are not cancelled",
        "cannot be brought back",
        "Keep alignment meetings on",
        r#"name="included" value="2""#,
        r#"name="kind" value="midpoint""#,
        r#"name="confirm" value="yes""#,
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    assert!(!page.contains(r#"name="enabled""#), "off stays off: {page}");
    assert_eq!(t.scalar_i64(&enabled).await, 1, "still on");
    assert_eq!(t.coachee.get(&meeting_path).await.status(), 200);

    let confirmed = t.admin.post(&rules_path, &rules(false, true)).await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(t.scalar_i64(&enabled).await, 0);
    assert_eq!(t.coachee.get(&meeting_path).await.status(), 404);
    assert_eq!(t.scalar_i64(PLANNED).await, 1, "not cancelled");
    assert_eq!(
        t.scalar_i64(
            "select count(*) from outbox_messages where status = 'queued' and dedupe_key like 'alignment-%'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn switching_meetings_off_with_none_planned_and_changing_rules_never_ask() {
    let t = trio(true).await;
    let rules_path = format!("/admin/programmes/{}/alignment", t.programme);
    let changed = t.admin.post(&rules_path, &rules(true, false)).await;
    assert_eq!(changed.status(), 303);
    let off = t.admin.post(&rules_path, &rules(false, false)).await;
    assert_eq!(off.status(), 303);
    assert_eq!(
        t.scalar_i64(&format!(
            "select count(*) from programs where id = '{}' and alignment_enabled",
            t.programme
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn disabling_a_coach_first_says_what_becomes_of_them_and_their_engagements() {
    let t = trio(true).await;
    let casey: uuid::Uuid =
        sqlx::query_scalar("select id from users where email = 'casey@acme.test'")
            .fetch_one(&mut t.app.owner_connection().await)
            .await
            .unwrap();
    let path = format!("/admin/people/{casey}/disable");

    let asked = t.admin.post(&path, &[]).await;
    assert_eq!(asked.status(), 200);
    let page = asked.text().await.unwrap();
    for expected in [
        "Disable Casey Coach?",
        "signed out of this organisation at their next click",
        "coach of",
        "Robin Rivera",
        "Leading Teams",
        "nothing is ended, paused or handed to someone else",
        "Keep Casey Coach active",
        "Yes, disable Casey Coach",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    assert_eq!(t.coach.get("/home").await.status(), 200, "still signed in");

    // Another organisation's admin can neither ask nor act.
    let elsewhere = t.app.create_org("Elsewhere").await;
    let (other, _) = t
        .app
        .signed_in(elsewhere, "admin@elsewhere.test", roles(true, false, false))
        .await;
    for fields in [&[("confirm", "yes")][..], &[]] {
        assert_eq!(other.post(&path, fields).await.status(), 404);
    }
    assert_eq!(t.coach.get("/home").await.status(), 200);

    let confirmed = t.admin.post(&path, &[("confirm", "yes")]).await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(location(&confirmed), format!("/admin/people/{casey}"));
    let after = t.coach.get("/home").await;
    assert_eq!(after.status(), 303);
    // Asked again once done: no question, the same answer as before.
    let again = t.admin.post(&path, &[]).await;
    assert_eq!(again.status(), 303);
}
