//! What a programme admin may see of someone's coaching: counts and
//! standing, not dates of sessions or meetings, nor who a meeting's mail is for.

use chrono::{Duration, Utc};

use crate::alignment::{MANAGER, day, trio};
use crate::support::{TestApp, eventually, roles};

/// Robin's last completed coaching session was nine weeks ago; the
/// programme expects one every six weeks.
#[tokio::test]
async fn quiet_engagements_say_how_long_not_the_date_of_the_last_session() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    let pair = crate::support::casey_coaches_robin(&app, org).await;
    let (coach, engagement) = (pair.coach, pair.engagement);
    let last = Utc::now() - Duration::weeks(9) - Duration::days(3);
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
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

/// The delivery page counts meeting mail by kind and state; it never says
/// who it is for, what its subject is, or when the meeting is.
#[tokio::test]
async fn admins_see_meeting_mail_only_as_counts_by_kind_and_state() {
    let trio = trio(true).await;
    trio.schedule(&[(day(9), "10:30"), (day(10), "14:00")])
        .await;
    eventually(30, "the meeting's mail to be delivered", || async {
        let waiting = trio
            .scalar_i64("select count(*) from outbox_messages where status <> 'sent'")
            .await;
        (waiting == 0).then_some(())
    })
    .await;
    // The manager's server refuses the invitation after all.
    sqlx::query(
        "update outbox_messages set status = 'failed', attempts = 1,
             last_error = '550 5.1.1 <morgan.manager@example.com>: no such mailbox'
         where recipient_email = $1",
    )
    .bind(MANAGER)
    .execute(&mut trio.app.owner_connection().await)
    .await
    .unwrap();

    let page = trio.admin.text("/admin/mail").await;
    assert!(page.contains("Alignment meeting invitation"), "{page}");
    assert!(page.contains("Failed"), "{page}");
    for secret in [
        MANAGER,
        "Morgan Manager",
        "Robin Rivera",
        "invites you",
        "10:30",
        "no such mailbox",
    ] {
        assert!(!page.contains(secret), "the delivery page shows {secret:?}");
    }

    // The admin can still send the kind again, without picking out a message.
    let response = trio
        .admin
        .post("/admin/mail/retry-kind", &[("kind", "meeting_invitation")])
        .await;
    assert_eq!(response.status(), 303);
    let failed = trio
        .scalar_i64("select count(*) from outbox_messages where status = 'failed'")
        .await;
    assert_eq!(failed, 0);
    trio.app.shutdown().await.unwrap();
}
