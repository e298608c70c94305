//! The programme's rules: the feature switched off, and one more meeting
//! past those included, asked for and approved.

use crate::support::roles;

use super::{day, trio};

#[tokio::test]
async fn with_the_feature_off_every_alignment_route_is_a_404_and_no_page_mentions_it() {
    let t = trio(false).await;
    let (meeting, _, token) = crate::support::alignment_meeting_with_link(
        &t.app,
        t.org,
        t.programme,
        t.engagement,
        t.coachee_id,
    )
    .await;
    // The coach sets the time: reminders wait in the outbox.
    let candidate: uuid::Uuid = sqlx::query_scalar("select id from alignment_candidate_times")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t
        .coach
        .post(
            &format!("/alignment/{meeting}/use-time"),
            &[("candidate", &candidate.to_string())],
        )
        .await;
    assert_eq!(response.status(), 303);
    let queued = "select count(*) from outbox_messages where status = 'queued' and dedupe_key like '%-reminder-%'";
    assert_eq!(t.scalar_i64(queued).await, 3);
    // Another coachee and coach of the same organisation see nothing of it.
    for (email, is_coach) in [
        ("other.coachee@acme.test", false),
        ("other.coach@acme.test", true),
    ] {
        let (other, _) = t
            .app
            .signed_in(t.org, email, roles(false, is_coach, !is_coach))
            .await;
        for path in [
            format!("/alignment/{meeting}"),
            format!("/alignment/{meeting}/manager-view"),
            format!("/engagements/{}/alignment", t.engagement),
        ] {
            assert_eq!(other.get(&path).await.status(), 404, "{email} {path}");
        }
        assert_eq!(
            other
                .post(&format!("/alignment/{meeting}/cancel"), &[])
                .await
                .status(),
            404
        );
    }
    // The admin switches it off: the reminders are taken back.
    t.switch(false).await;
    assert_eq!(t.scalar_i64(queued).await, 0);
    let engagement = t.engagement;
    for visitor in [&t.coachee, &t.coach] {
        for path in [
            format!("/engagements/{engagement}/alignment"),
            format!("/alignment/{meeting}"),
            format!("/alignment/{meeting}/manager-view"),
        ] {
            assert_eq!(visitor.get(&path).await.status(), 404, "{path}");
        }
        for path in [
            format!("/engagements/{engagement}/alignment"),
            format!("/engagements/{engagement}/alignment/request"),
            format!("/engagements/{engagement}/alignment/advice"),
            format!("/alignment/{meeting}/preparation"),
            format!("/alignment/{meeting}/notes"),
            format!("/alignment/{meeting}/reschedule"),
            format!("/alignment/{meeting}/use-time"),
            format!("/alignment/{meeting}/cancel"),
            format!("/alignment/{meeting}/manager"),
            format!("/alignment/{meeting}/outcome"),
            format!("/alignment/{meeting}/debrief"),
        ] {
            assert_eq!(visitor.post(&path, &[]).await.status(), 404, "{path}");
        }
        for path in ["/home".to_owned(), format!("/engagements/{engagement}")] {
            let page = visitor.text(&path).await;
            assert!(!page.to_lowercase().contains("alignment"), "{path}: {page}");
        }
    }
    // The manager's link says the page is gone, and shows nothing of the meeting.
    let response = t.app.visitor().get(&format!("/m/{token}")).await;
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("no longer available") && !body.contains("Robin"),
        "{body}"
    );
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings where status = 'cancelled'")
            .await,
        0
    );

    // Switched on, the card appears.
    t.switch(true).await;
    assert!(
        t.coachee
            .text("/home")
            .await
            .contains("Alignment meeting with your manager")
    );
}

#[tokio::test]
async fn past_the_included_meetings_a_coachee_asks_and_the_admin_approves_one_more() {
    let t = trio(true).await;
    let response = t
        .admin
        .post(
            &format!("/admin/programmes/{}/alignment", t.programme),
            &[
                ("enabled", "on"),
                ("included", "1"),
                ("sessions_before", "0"),
                ("link_days", "7"),
                ("reminder_hours", "24"),
                ("kind", "initial"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    // A bad number is explained on the programme page.
    let response = t
        .admin
        .post(
            &format!("/admin/programmes/{}/alignment", t.programme),
            &[
                ("enabled", "on"),
                ("included", "many"),
                ("sessions_before", "0"),
                ("link_days", "7"),
                ("reminder_hours", "24"),
                ("kind", "initial"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Meetings included must be a whole number")
    );

    let meeting_path = t.schedule(&[(day(3), "10:00")]).await;
    // The meeting was held (its time moved into the past behind the app's back).
    sqlx::query(
        "update alignment_meetings set status = 'completed', starts_at = now() - interval '2 days'",
    )
    .execute(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let page = t.planning_page().await;
    assert!(page.contains("All included meetings used"), "{page}");
    assert!(
        !page.contains("name=\"request_key\""),
        "no scheduling form: {page}"
    );
    let response = t
        .coachee
        .post(
            &format!("/engagements/{}/alignment/request", t.engagement),
            &[("reason", "My manager changes next month")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        t.coachee
            .text("/home")
            .await
            .contains("with the programme team")
    );

    let admin_home = t.admin.text("/home").await;
    assert!(
        admin_home.contains("1 request for an extra alignment meeting"),
        "{admin_home}"
    );
    let page = t.admin.text("/admin/alignment-requests").await;
    assert!(page.contains("My manager changes next month"), "{page}");
    let request: uuid::Uuid = sqlx::query_scalar("select id from alignment_requests")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t
        .admin
        .post(
            &format!("/admin/alignment-requests/{request}"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(response.status(), 303);
    // Deciding twice changes nothing.
    let response = t
        .admin
        .post(
            &format!("/admin/alignment-requests/{request}"),
            &[("decision", "decline")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let status: String = sqlx::query_scalar("select status from alignment_requests")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(status, "approved");
    let subject: String = sqlx::query_scalar(
        "select subject from outbox_messages where recipient_email = 'robin@acme.test' order by created_at desc limit 1",
    )
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert_eq!(subject, "One more alignment meeting approved");
    let page = t.planning_page().await;
    assert!(
        page.contains("name=\"request_key\""),
        "the form is back: {page}"
    );
    assert!(page.contains("1 of 2 alignment meetings used"), "{page}");
    // The held meeting's page still shows; the debrief is the coach's to write.
    assert!(
        t.coachee
            .text(&meeting_path)
            .await
            .contains("Your coach has not written the debrief yet")
    );
    assert!(t.app.assert_progress_follows_facts().await >= 1);
}
