//! Each engagement's progress row (what the dashboards and the scheduling
//! checks read) when two people change one engagement's facts at the same
//! time: neither change is lost, and neither waits on the other for ever.

use std::time::Duration;

use triad::db::{self, TenantId, TenantTx, alignment as meetings, coaching, programs};
use uuid::Uuid;

use crate::support::{TestApp, programme_and_engagement, roles};

struct Engagement {
    app: TestApp,
    org: TenantId,
    id: Uuid,
    coachee: Uuid,
    /// A session held last week, not yet documented.
    session: Uuid,
    activity: Uuid,
}

async fn engagement() -> Engagement {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let coach = app
        .seed_member(org, "casey@acme.test", "Casey", roles(false, true, false))
        .await;
    let coachee = app
        .seed_member(org, "robin@acme.test", "Robin", roles(false, false, true))
        .await;
    let mut tx = db::begin_tenant(&app.pool, org).await.unwrap();
    let (_, id) = programme_and_engagement(&mut tx, org, "Acme", coachee, coach).await;
    let last_week = chrono::Utc::now() - chrono::Duration::days(7);
    let session = coaching::schedule(&mut tx, org, id, last_week, 60, coach)
        .await
        .unwrap();
    let activity = programs::create_activity(
        &mut tx,
        org,
        &programs::ActivityFields {
            title: "Feedback practice".into(),
            kind: programs::ActivityKind::Practice,
            url: None,
            skill_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Engagement {
        app,
        org,
        id,
        coachee,
        session,
        activity,
    }
}

async fn propose_meeting(tx: &mut TenantTx, e: &Engagement) {
    meetings::create(
        tx,
        e.org,
        &meetings::NewMeeting {
            engagement_id: e.id,
            kind: triad::alignment::Kind::Initial,
            duration_minutes: 30,
            place: "Room 4".into(),
            agenda: String::new(),
            request_key: Uuid::new_v4(),
            created_by: e.coachee,
        },
    )
    .await
    .unwrap();
}

/// The coach documents the session, and assigns an activity when there is
/// one, as the session page does, in a transaction of its own.
async fn document(
    pool: sqlx::PgPool,
    org: TenantId,
    engagement: Uuid,
    session: Uuid,
    activity: Option<Uuid>,
) -> sqlx::Result<()> {
    let mut tx = db::begin_tenant(&pool, org).await?;
    coaching::document(
        &mut tx,
        org,
        session,
        &coaching::Documentation {
            status: coaching::SessionStatus::Completed,
            focus_skill_id: None,
            focus_area: "Delegation".into(),
            key_points: String::new(),
            agreed_actions: "Hand over the weekly report".into(),
        },
    )
    .await?;
    if let Some(activity) = activity {
        coaching::set_assignments(&mut tx, org, engagement, session, &[activity]).await?;
    }
    tx.commit().await
}

#[tokio::test]
async fn a_change_made_while_another_is_open_counts_both() {
    let e = engagement().await;
    // The coachee proposes a meeting and has not committed yet when the coach
    // documents the session (one statement): the coach's change must not
    // write back a picture without the meeting.
    let mut proposing = db::begin_tenant(&e.app.pool, e.org).await.unwrap();
    propose_meeting(&mut proposing, &e).await;
    let documenting = tokio::spawn(document(e.app.pool.clone(), e.org, e.id, e.session, None));
    tokio::time::sleep(Duration::from_millis(500)).await;
    proposing.commit().await.unwrap();
    documenting.await.unwrap().unwrap();

    assert_eq!(e.app.assert_progress_follows_facts().await, 1);
    let mut conn = e.app.owner_connection().await;
    let (used, completed): (i32, i32) =
        sqlx::query_as("select meetings_used, completed_sessions from engagement_progress")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!((used, completed), (1, 1));
}

#[tokio::test]
async fn scheduling_and_documenting_at_once_take_turns_without_a_deadlock() {
    let e = engagement().await;
    // Scheduling locks the engagement first (one plan at a time), then adds
    // the meeting; documenting changes the session, then assigns an activity,
    // whose reference to the engagement waits for that lock.
    let mut scheduling = db::begin_tenant(&e.app.pool, e.org).await.unwrap();
    sqlx::query("select 1 from engagements where org_id = $1 and id = $2 for update")
        .bind(e.org.0)
        .bind(e.id)
        .execute(&mut *scheduling)
        .await
        .unwrap();
    let documenting = tokio::spawn(document(
        e.app.pool.clone(),
        e.org,
        e.id,
        e.session,
        Some(e.activity),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    propose_meeting(&mut scheduling, &e).await;
    scheduling.commit().await.unwrap();
    // PostgreSQL would end one of them with a deadlock error here.
    documenting
        .await
        .unwrap()
        .expect("documenting waits its turn and succeeds");

    assert_eq!(e.app.assert_progress_follows_facts().await, 1);
}

/// The row tells the kinds of meeting apart, and counts the goals there are
/// to share: a held kickoff is not a held goal alignment, and a goal dropped
/// or achieved is not one to bring.
#[tokio::test]
async fn the_row_knows_which_kinds_were_used_and_held_and_the_goals_to_share() {
    use triad::db::goals::{self, GoalFields, GoalStatus};
    let e = engagement().await;
    let mut tx = db::begin_tenant(&e.app.pool, e.org).await.unwrap();
    let (kickoff, _) = meetings::create(
        &mut tx,
        e.org,
        &meetings::NewMeeting {
            engagement_id: e.id,
            kind: triad::alignment::Kind::Kickoff,
            duration_minutes: 60,
            place: "Room 1".into(),
            agenda: String::new(),
            request_key: Uuid::new_v4(),
            created_by: e.coachee,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut conn = e.app.owner_connection().await;
    sqlx::query("update alignment_meetings set status = 'completed', starts_at = now() - interval '1 day' where id = $1")
        .bind(kickoff)
        .execute(&mut conn)
        .await
        .unwrap();
    let mut tx = db::begin_tenant(&e.app.pool, e.org).await.unwrap();
    propose_meeting(&mut tx, &e).await;
    for (title, status) in [
        ("Delegate the weekly report", GoalStatus::Active),
        ("Speak up in the leadership meeting", GoalStatus::Draft),
        ("Finish the old reorganisation", GoalStatus::Achieved),
        ("Learn the budget tool", GoalStatus::Dropped),
    ] {
        let fields = GoalFields {
            title: title.into(),
            description: String::new(),
            skill_id: None,
            status,
            progress: 0,
        };
        goals::create(&mut tx, e.org, e.id, &fields).await.unwrap();
    }
    tx.commit().await.unwrap();

    assert_eq!(e.app.assert_progress_follows_facts().await, 1);
    let row: (Vec<String>, Vec<String>, Option<String>, i32) = sqlx::query_as(
        "select kinds_used, kinds_held, open_kind, goals_to_share from engagement_progress",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            vec!["initial".to_owned(), "kickoff".to_owned()],
            vec!["kickoff".to_owned()],
            Some("initial".to_owned()),
            2
        )
    );
    // Dropping a goal is a change of the row's facts too.
    sqlx::query(
        "update goals set status = 'dropped' where title = 'Speak up in the leadership meeting'",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    assert_eq!(e.app.assert_progress_follows_facts().await, 1);
    let to_share: i32 = sqlx::query_scalar("select goals_to_share from engagement_progress")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(to_share, 1);
}
