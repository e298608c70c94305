//! Quiet engagements: listed for the admin, and their coach nudged once a
//! week.

use super::seeded;

#[tokio::test]
async fn a_quiet_engagement_is_listed_and_its_coach_nudged_once_a_week() {
    let s = seeded().await;
    // Every engagement's last completed session was in March: all quiet now.
    let page = s.admin.text("/admin/accountability").await;
    assert!(
        page.contains("Casey Coach") && page.contains("Coachee 3"),
        "{page}"
    );
    assert!(
        !page.contains("Coachee 5"),
        "paused engagements are not listed"
    );
    assert!(
        !page.contains("Coachee 11"),
        "completed engagements are not listed"
    );
    let engagement: uuid::Uuid = sqlx::query_scalar(
        "select e.id from engagements e join users u on u.id = e.coachee_id where u.name = 'Coachee 3'",
    )
    .fetch_one(&mut s.app.owner_connection().await)
    .await
    .unwrap();
    let nudges = || async {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from outbox_messages where recipient_email = 'coach@acme.test' and subject like 'Checking in%'",
        )
        .fetch_one(&mut s.app.owner_connection().await)
        .await
        .unwrap()
    };
    let response = s
        .admin
        .post(&format!("/admin/engagements/{engagement}/nudge"), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(nudges().await, 1);
    // Again the same week: no second email.
    let response = s
        .admin
        .post(&format!("/admin/engagements/{engagement}/nudge"), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(nudges().await, 1);
    assert!(
        s.admin
            .text("/admin/accountability")
            .await
            .contains("Nudged")
    );

    // The coach's dashboard flags the same engagements.
    let coach = s.app.visitor();
    coach
        .sign_in("coach@acme.test", crate::support::PASSWORD)
        .await;
    let home = coach.text("/home").await;
    assert!(home.contains("No session for 6+ weeks"), "{home}");

    // Automatic weekly nudges, for the programme that asks for them: each
    // quiet engagement once, the one nudged by hand not again.
    let response = s
        .admin
        .post(
            &format!("/admin/programmes/{}/accountability", s.programme),
            &[("inactivity_weeks", "6"), ("auto_nudge", "on")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let config = crate::support::test_config(s.app.data_dir.path());
    let sent = triad::reporting::nudges::automatically(&s.app.pool, &config)
        .await
        .unwrap();
    assert_eq!(sent, 9, "ten active quiet engagements, one nudged already");
    let again = triad::reporting::nudges::automatically(&s.app.pool, &config)
        .await
        .unwrap();
    assert_eq!(again, 0);
    assert_eq!(nudges().await, 10);
    let _ = s.org;
}
