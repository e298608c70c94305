//! Forms sent at the same moment: one form many times over, and a meeting's
//! people acting on it at once.

use crate::support::{Who, location, world};

use super::{assert_emails_read_well, forms_in, pages};

#[tokio::test]
async fn five_identical_goal_forms_sent_at_once_make_one_goal() {
    let world = world().await;
    // The same goal form sent five times at once, as by an impatient double click.
    let coachee = world.visitor_as(Who::Coachee);
    let path = format!("/engagements/{}/goals/new", world.target_engagement);
    let page = coachee.text(&path).await;
    let form = forms_in(&page)
        .into_iter()
        .find(|f| f.action == path)
        .expect("the goal form");
    let mut fields = form.fields.clone();
    for (name, value) in fields.iter_mut() {
        if name == "title" {
            *value = "Race goal: exactly once".into();
        }
    }
    let mut sends = Vec::new();
    for _ in 0..5 {
        let client = coachee.client.clone();
        let url = coachee.url(&path);
        let fields = fields.clone();
        sends.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&fields)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut responses = Vec::new();
    for send in sends {
        responses.push(send.await.unwrap());
    }
    assert!(
        responses.iter().all(|s| *s > 0 && *s < 500),
        "racing goal forms: {responses:?}"
    );
    let goals: i64 =
        sqlx::query_scalar("select count(*) from goals where title = 'Race goal: exactly once'")
            .fetch_one(&mut world.app.owner_connection().await)
            .await
            .unwrap();
    assert!(goals == 1, "five identical goal forms made {goals} goals");
}

/// The manager and the coachee act on one meeting at the same moment —
/// accept against reschedule against cancel. Whatever wins, the meeting ends
/// in one consistent state and everyone's last calendar email says the same.
#[tokio::test]
async fn accept_reschedule_and_cancel_at_once_leave_the_meeting_its_link_and_its_calendars_agreeing()
 {
    use triad::db::alignment as meetings;
    let world = world().await;
    let coachee = world.visitor_as(Who::Coachee);
    let keys = crate::support::guest_keys();
    let day = (chrono::Utc::now() + chrono::Duration::days(20))
        .format("%Y-%m-%d")
        .to_string();
    for round in 0..3 {
        // A fresh meeting waiting for the manager, behind the app's back.
        let mut tx = triad::db::begin_tenant(&world.app.pool, world.acme)
            .await
            .unwrap();
        sqlx::query("update alignment_meetings set status = 'cancelled' where status in ('proposed', 'confirmed')")
            .execute(&mut *tx)
            .await
            .unwrap();
        let creator: uuid::Uuid =
            sqlx::query_scalar("select coachee_id from engagements where id = $1")
                .bind(world.target_engagement)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        let (meeting, _) = meetings::create(
            &mut tx,
            world.acme,
            &meetings::NewMeeting {
                engagement_id: world.target_engagement,
                kind: triad::alignment::Kind::Initial,
                duration_minutes: 30,
                place: "Race room".into(),
                agenda: String::new(),
                request_key: uuid::Uuid::new_v4(),
                created_by: creator,
            },
        )
        .await
        .unwrap();
        let at = chrono::Utc::now() + chrono::Duration::days(10);
        meetings::add_candidate(&mut tx, world.acme, meeting, at, "coachee", "", None)
            .await
            .unwrap();
        let invite = uuid::Uuid::now_v7();
        let link = keys.issue(world.acme.0, invite);
        meetings::create_invite(
            &mut tx,
            world.acme,
            invite,
            meeting,
            "manager",
            "Race Manager",
            "race.manager@example.com",
            &link,
            "UTC",
            at + chrono::Duration::days(30),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let manager = world.app.visitor();
        let opened = manager.get(&format!("/m/{}", link.token)).await;
        let guest_page = location(&opened);
        let page = manager.text(&guest_page).await;
        let accept = format!("{guest_page}/accept");
        let form = forms_in(&page)
            .into_iter()
            .find(|f| f.action == accept)
            .expect("the accept form");
        let coachee_token = coachee.csrf().await;
        let mut actions = Vec::new();
        {
            let client = manager.client.clone();
            let url = manager.url(&accept);
            let fields = form.fields.clone();
            actions.push(tokio::spawn(async move {
                client
                    .post(url)
                    .form(&fields)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }));
        }
        if round != 1 {
            let client = coachee.client.clone();
            let url = coachee.url(&format!("/alignment/{meeting}/reschedule"));
            let fields = vec![
                ("_csrf", coachee_token.clone()),
                ("date", day.clone()),
                ("time", "15:00".to_owned()),
                ("duration", "30".to_owned()),
                ("place", "Race room".to_owned()),
            ];
            actions.push(tokio::spawn(async move {
                client
                    .post(url)
                    .form(&fields)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }));
        }
        if round != 0 {
            let client = coachee.client.clone();
            let url = coachee.url(&format!("/alignment/{meeting}/cancel"));
            let fields = vec![("_csrf", coachee_token.clone()), ("confirm", "yes".into())];
            actions.push(tokio::spawn(async move {
                client
                    .post(url)
                    .form(&fields)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }));
        }
        let mut statuses = Vec::new();
        for action in actions {
            statuses.push(action.await.unwrap());
        }
        assert!(
            statuses.iter().all(|s| *s > 0 && *s < 500),
            "meeting race {round}: {statuses:?}"
        );
        let mut conn = world.app.owner_connection().await;
        let (status, starts_at, sequence): (String, Option<chrono::DateTime<chrono::Utc>>, i32) =
            sqlx::query_as(
                "select status, starts_at, sequence from alignment_meetings where id = $1",
            )
            .bind(meeting)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        let revoked: bool =
            sqlx::query_scalar("select revoked_at is not null from guest_invites where id = $1")
                .bind(invite)
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert!(
            (status == "cancelled") == revoked,
            "race {round}: meeting {status}, link revoked {revoked}"
        );
        // The last calendar email each person got matches the final state.
        let latest: Vec<(String, String, String)> = sqlx::query_as(
            "select distinct on (recipient_email) recipient_email, calendar_method, calendar_ics
             from outbox_messages
             where dedupe_key like $1 and status <> 'superseded'
             order by recipient_email, created_at desc",
        )
        .bind(format!("alignment-{meeting}-calendar-%"))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for (to, method, ics) in &latest {
            let ok = match (status.as_str(), starts_at) {
                ("cancelled", _) => method == "CANCEL",
                ("confirmed", Some(at)) => {
                    method == "REQUEST"
                        && ics.contains(&format!("DTSTART:{}", at.format("%Y%m%dT%H%M%SZ")))
                        && ics.contains(&format!("SEQUENCE:{sequence}"))
                }
                _ => false,
            };
            assert!(
                ok,
                "race {round}: {to}'s last calendar email is {method} while the meeting is {status}"
            );
        }
        assert!(
            status == "cancelled" || latest.len() == 3,
            "race {round}: {} people have a calendar entry for a {status} meeting",
            latest.len()
        );
    }
    // However the writes interleaved, each engagement's progress row (the
    // dashboards' readiness) follows from its meetings and offered times.
    let compared = world.app.assert_progress_follows_facts().await;
    assert!(compared > 0, "no engagement to compare");
    // What the races left is read like anything else: every page still
    // opens for everyone, and every email they sent reads well.
    pages(&world).await;
    assert_emails_read_well(&world).await;
}

/// Sixty-four views of one manager's page at once, four times the pool's
/// connections: each answers.
/// (A page that took its transaction's connection before reading the
/// browser's session from the same pool held one connection while asking
/// for a second; enough of them at once held every connection.)
#[tokio::test]
async fn sixty_four_views_of_a_managers_page_at_once_all_answer() {
    let app = crate::support::TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let pair = crate::support::casey_coaches_robin(&app, org).await;
    let coachee: uuid::Uuid =
        sqlx::query_scalar("select coachee_id from engagements where id = $1")
            .bind(pair.engagement)
            .fetch_one(&mut app.owner_connection().await)
            .await
            .unwrap();
    let (_, _, token) = crate::support::alignment_meeting_with_link(
        &app,
        org,
        pair.programme,
        pair.engagement,
        coachee,
    )
    .await;
    let manager = app.visitor();
    let page = location(&manager.get(&format!("/m/{token}")).await);
    // The first view gives the browser its session, which every later view reads.
    let first = manager.get(&page).await;
    assert_eq!(first.status(), 200);
    assert!(
        crate::support::session_cookie(&first).is_some(),
        "the manager's page gives the browser a session"
    );
    let views = (0..64).map(|_| {
        let client = manager.client.clone();
        let url = manager.url(&page);
        tokio::spawn(async move {
            client
                .get(url)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        })
    });
    let mut statuses = Vec::new();
    for view in views.collect::<Vec<_>>() {
        statuses.push(view.await.unwrap());
    }
    // Waiting on each other, the views would have been answered with the
    // 503 page once the pool gave up on them.
    assert!(
        statuses.iter().all(|s| *s == 200),
        "views of the manager's page at once: {statuses:?}"
    );
}
