//! What a programme admin may see of someone's coaching: counts and
//! standing, not dates of sessions or meetings, nor who a meeting's mail is for.

use chrono::{Duration, Utc};

use crate::support::{TestApp, roles};

/// Robin's last completed coaching session was nine weeks ago; the
/// programme expects one every six weeks.
#[tokio::test]
async fn quiet_engagements_say_how_long_not_the_date_of_the_last_session() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    let coach = app
        .seed_member(
            org,
            "casey@acme.test",
            "Casey Coach",
            roles(false, true, false),
        )
        .await;
    let coachee = app
        .seed_member(
            org,
            "robin@acme.test",
            "Robin Rivera",
            roles(false, false, true),
        )
        .await;
    let last = Utc::now() - Duration::weeks(9) - Duration::days(3);
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let (_, engagement) =
        crate::support::programme_and_engagement(&mut tx, org, "Leading Teams", coachee, coach)
            .await;
    let session = triad::db::coaching::schedule(&mut tx, org, engagement, last, 60, coach)
        .await
        .unwrap();
    triad::db::coaching::document(
        &mut tx,
        org,
        session,
        &triad::db::coaching::Documentation {
            status: triad::db::coaching::SessionStatus::Completed,
            focus_skill_id: None,
            focus_area: "Delegation".into(),
            key_points: String::new(),
            agreed_actions: String::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let page = admin.text("/admin/accountability").await;
    assert!(page.contains("Robin Rivera"), "{page}");
    assert!(page.contains("Quiet for over 6 weeks"), "{page}");
    for shown in [
        last.format("%-d %b %Y").to_string(),
        last.format("%Y-%m-%d").to_string(),
    ] {
        assert!(
            !page.contains(&shown),
            "the page gives the last session's date or time ({shown})"
        );
    }
    app.shutdown().await.unwrap();
}
