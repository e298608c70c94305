//! The dashboards: what they show, and the few queries they make however many
//! engagements there are.

use crate::support::{Visitor, roles};

use super::pair;

#[tokio::test]
async fn dashboards_show_the_next_session_the_cadence_and_what_is_open() {
    let pair = pair().await;
    let engagement = format!("/engagements/{}", pair.engagement);
    // No session completed since the engagement began in January: more than
    // the programme's six quiet weeks, flagged as such.
    let home = pair.coach.text("/home").await;
    assert!(
        home.contains("No session for 6+ weeks") && home.contains("None scheduled"),
        "{home}"
    );

    let in_ten_days = (chrono::Utc::now() + chrono::Duration::days(10)).date_naive();
    let three_days_ago = (chrono::Utc::now() - chrono::Duration::days(3)).date_naive();
    for date in [in_ten_days, three_days_ago] {
        let response = pair
            .coach
            .post(
                &format!("{engagement}/sessions"),
                &[
                    ("date", &date.to_string()),
                    ("time", "09:00"),
                    ("duration", "60"),
                ],
            )
            .await;
        assert_eq!(response.status(), 303);
    }
    let page = pair.coach.text(&engagement).await;
    // Sessions are listed newest first: the past one is the second link.
    let past = page.match_indices("<a href=\"/sessions/").nth(1).unwrap().0 + "<a href=\"".len();
    let past = &page[past..past + page[past..].find('"').unwrap()];
    pair.coach
        .post(
            past,
            &[
                ("status", "completed"),
                ("focus_skill_id", ""),
                ("focus_area", "Delegation"),
                ("key_points", ""),
                ("agreed_actions", "Hand over the report\nBook a check-in"),
            ],
        )
        .await;

    // What each of them should read, whatever the season.
    let next =
        triad::format::instant_from_local(&in_ten_days.to_string(), "09:00", "Europe/London")
            .unwrap();
    let for_coach = triad::format::local_time(next, "Europe/London");
    let for_coachee = triad::format::local_time(next, "Asia/Kolkata");
    let home = pair.coach.text("/home").await;
    assert!(home.contains("Kept"), "{home}");
    assert!(home.contains(&for_coach), "{home}");
    assert!(home.contains("2 actions"), "{home}");
    // Robin, in Kolkata, sees the same session in Indian time and the actions to do.
    let home = pair.coachee.text("/home").await;
    assert!(home.contains(&for_coachee), "{home}");
    assert!(home.contains("Hand over the report") && home.contains("Book a check-in"));
    assert_eq!(pair.app.assert_progress_follows_facts().await, 1);
}

/// The statements a page's request sent, by its request id.
async fn queries_for(visitor: &Visitor, path: &str) -> usize {
    let response = visitor.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    crate::support::queries::count_for(&id)
}

#[tokio::test]
async fn dashboards_make_the_same_few_queries_however_many_engagements() {
    let pair = pair().await;
    // The first page after signing in also marks the session as in use (which
    // happens at most once a minute): count from the second.
    queries_for(&pair.coach, "/home").await;
    queries_for(&pair.coachee, "/home").await;
    let first_coach = queries_for(&pair.coach, "/home").await;
    let first_coachee = queries_for(&pair.coachee, "/home").await;
    assert!(first_coach > 0, "the counter sees queries");

    // Seven more coachees for Casey, each with a documented session and an activity.
    let casey: uuid::Uuid =
        sqlx::query_scalar("select id from users where email = 'casey@acme.test'")
            .fetch_one(&mut pair.app.owner_connection().await)
            .await
            .unwrap();
    for n in 0..7 {
        let coachee = pair
            .app
            .seed_member(
                pair.org,
                &format!("coachee{n}@acme.test"),
                &format!("Coachee {n}"),
                roles(false, false, true),
            )
            .await;
        let mut tx = triad::db::begin_tenant(&pair.app.pool, pair.org)
            .await
            .unwrap();
        let (_, engagement) =
            crate::support::programme_and_engagement(&mut tx, pair.org, "More", coachee, casey)
                .await;
        let session = triad::db::coaching::schedule(
            &mut tx,
            pair.org,
            engagement,
            chrono::Utc::now(),
            60,
            casey,
        )
        .await
        .unwrap();
        let documentation = triad::db::coaching::Documentation {
            status: triad::db::coaching::SessionStatus::Completed,
            focus_skill_id: None,
            focus_area: "Focus".into(),
            key_points: "A point".into(),
            agreed_actions: "An action\nAnother".into(),
        };
        triad::db::coaching::document(&mut tx, pair.org, session, &documentation)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let many_coach = queries_for(&pair.coach, "/home").await;
    assert_eq!(
        many_coach, first_coach,
        "no query per engagement on the coach's dashboard"
    );
    assert!(
        many_coach <= 12,
        "the coach's dashboard sends {many_coach} statements"
    );
    assert!(
        first_coachee <= 12,
        "the coachee's dashboard sends {first_coachee} statements"
    );
    let engagement = format!("/engagements/{}", pair.engagement);
    assert!(queries_for(&pair.coach, &engagement).await <= 12);
}
