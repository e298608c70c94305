//! Coaching sessions between a coach and a coachee: scheduling across time
//! zones, the coach's record, private notes that stay private, activities.

use crate::support::{TestApp, Visitor, roles};

mod calendar;
mod dashboards;
mod records;

struct Pair {
    app: TestApp,
    coach: Visitor,
    coachee: Visitor,
    admin: Visitor,
    engagement: uuid::Uuid,
    org: triad::db::TenantId,
}

/// Casey (Europe/London) coaches Robin (Asia/Kolkata) in Acme.
async fn pair() -> Pair {
    pair_on(TestApp::spawn().await).await
}

async fn pair_on(app: TestApp) -> Pair {
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    let (coach, coach_id) = app
        .signed_in(org, "casey@acme.test", roles(false, true, false))
        .await;
    let (coachee, coachee_id) = app
        .signed_in(org, "robin@acme.test", roles(false, false, true))
        .await;
    for (id, zone) in [(coach_id, "Europe/London"), (coachee_id, "Asia/Kolkata")] {
        sqlx::query("update users set time_zone = $2 where id = $1")
            .bind(id)
            .bind(zone)
            .execute(&mut app.owner_connection().await)
            .await
            .unwrap();
    }
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let (_, engagement) = crate::support::programme_and_engagement(
        &mut tx,
        org,
        "Leading Teams",
        coachee_id,
        coach_id,
    )
    .await;
    triad::db::programs::create_activity(
        &mut tx,
        org,
        &triad::db::programs::ActivityFields {
            title: "Feedback workshop".into(),
            kind: triad::db::programs::ActivityKind::Course,
            url: Some("https://learning.example/feedback".into()),
            skill_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Pair {
        app,
        coach,
        coachee,
        admin,
        engagement,
        org,
    }
}

fn session_link(page: &str) -> String {
    let start = page.find("/sessions/").expect("a session link");
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_session_shows_in_each_viewers_own_time_zone() {
    let pair = pair().await;
    let engagement = format!("/engagements/{}", pair.engagement);
    let scheduled = pair
        .coach
        .post(
            &format!("{engagement}/sessions"),
            &[
                ("date", "2026-07-15"),
                ("time", "14:00"),
                ("duration", "60"),
            ],
        )
        .await;
    assert_eq!(scheduled.status(), 303);
    let coach_view = pair.coach.text(&engagement).await;
    assert!(
        coach_view.contains("15 Jul 2026, 14:00 BST"),
        "{coach_view}"
    );
    let coachee_view = pair.coachee.text(&engagement).await;
    assert!(
        coachee_view.contains("15 Jul 2026, 18:30 IST"),
        "{coachee_view}"
    );
    let stored: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select starts_at from coaching_sessions")
            .fetch_one(&mut pair.app.owner_connection().await)
            .await
            .unwrap();
    assert_eq!(
        stored.to_rfc3339(),
        "2026-07-15T13:00:00+00:00",
        "stored in UTC"
    );
}

#[tokio::test]
async fn a_time_the_clocks_skip_is_refused_with_the_reason_and_the_input_kept() {
    let pair = pair().await;
    let refused = pair
        .coach
        .post(
            &format!("/engagements/{}/sessions", pair.engagement),
            &[
                ("date", "2026-03-29"),
                ("time", "01:30"),
                ("duration", "45"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("01:30 does not exist on Sun 29 Mar 2026 in Europe/London"),
        "{page}"
    );
    assert!(page.contains(r#"value="2026-03-29""#) && page.contains(r#"value="01:30""#));
    assert!(page.contains(r#"value="45" selected"#));
}

#[tokio::test]
async fn another_coach_or_coachee_of_the_same_organisation_sees_nothing_of_it() {
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
    pair.coachee
        .post(
            &format!("{engagement}/goals/new"),
            &[
                ("title", "A goal"),
                ("description", ""),
                ("skill_id", ""),
                ("status", "active"),
                ("progress", "0"),
            ],
        )
        .await;
    let page = pair.coachee.text(&engagement).await;
    let at = page.find("A goal").unwrap();
    let start = page[..at].rfind("/goals/").unwrap();
    let goal = page[start..start + "/goals/".len() + 36].to_owned();

    let (other_coach, _) = pair
        .app
        .signed_in(pair.org, "morgan@acme.test", roles(false, true, false))
        .await;
    let (other_coachee, _) = pair
        .app
        .signed_in(pair.org, "sam@acme.test", roles(false, false, true))
        .await;
    for visitor in [&other_coach, &other_coachee] {
        for path in [
            engagement.clone(),
            session.clone(),
            goal.clone(),
            format!("{engagement}/manager-view"),
        ] {
            let response = visitor.get(&path).await;
            assert_eq!(response.status(), 404, "{path}");
            assert!(!response.text().await.unwrap().contains("A goal"));
        }
        let notes = visitor
            .post(&format!("{session}/notes"), &[("notes", "x")])
            .await;
        assert_eq!(notes.status(), 404);
    }
}
