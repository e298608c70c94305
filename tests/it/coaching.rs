//! Coaching sessions between a coach and a coachee: scheduling across time
//! zones, the coach's record, private notes that stay private, activities.

use crate::support::{TestApp, Visitor, location, roles};

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
    let app = TestApp::spawn().await;
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
        page.contains("01:30 does not exist on 29 Mar 2026 in Europe/London"),
        "{page}"
    );
    assert!(page.contains(r#"value="2026-03-29""#) && page.contains(r#"value="01:30""#));
    assert!(page.contains(r#"value="45" selected"#));
}

#[tokio::test]
async fn the_coach_documents_in_one_screen_and_private_notes_stay_with_the_coach() {
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
    let form = pair.coach.text(&session).await;
    let marker = r#"name="activity" value=""#;
    let start = form.find(marker).expect("the activity to assign") + marker.len();
    let activity = form[start..start + 36].to_owned();

    let saved = pair
        .coach
        .post(
            &session,
            &[
                ("status", "completed"),
                ("focus_skill_id", ""),
                ("focus_area", "Giving feedback to a senior colleague"),
                (
                    "key_points",
                    "- Prepares by writing the first sentence\n- Worried about the reaction",
                ),
                (
                    "agreed_actions",
                    "Ask for a 1:1 with Sam\nTry the feedback model once",
                ),
                ("activity", activity.as_str()),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let notes = pair
        .coach
        .post(
            &format!("{session}/notes"),
            &[("notes", "PRIVATE-MARKER seems anxious about the reorg")],
        )
        .await;
    assert_eq!(notes.status(), 303);
    assert!(pair.coach.text(&session).await.contains("PRIVATE-MARKER"));

    // The coachee reads the record, never the notes.
    let record = pair.coachee.text(&session).await;
    assert!(
        record.contains("Prepares by writing the first sentence")
            && record.contains("Ask for a 1:1 with Sam")
    );
    assert!(record.contains("Feedback workshop"));
    assert!(!record.contains("PRIVATE-MARKER"), "{record}");
    assert!(
        !pair
            .coachee
            .text(&engagement)
            .await
            .contains("PRIVATE-MARKER")
    );
    // Nor can the coachee write the record.
    let forged = pair
        .coachee
        .post(&session, &[("status", "cancelled")])
        .await;
    assert_eq!(forged.status(), 404);
    // The programme team sees none of it.
    assert_eq!(pair.admin.get(&session).await.status(), 404);
    assert_eq!(pair.admin.get(&engagement).await.status(), 404);

    // The coachee completes the activity; the coach sees it done.
    let done = pair
        .coachee
        .post(
            &format!("{session}/activities/{activity}"),
            &[("done", "yes")],
        )
        .await;
    let status = done.status();
    assert_eq!(status, 303, "{}", done.text().await.unwrap());
    assert_eq!(location(&done), engagement);
    assert!(pair.coach.text(&engagement).await.contains(">Done<"));

    // At the next session, last time's actions are there to review.
    pair.coach
        .post(
            &format!("{engagement}/sessions"),
            &[
                ("date", "2026-06-01"),
                ("time", "10:00"),
                ("duration", "60"),
            ],
        )
        .await;
    let next = session_link(&pair.coach.text(&engagement).await);
    assert_ne!(next, session);
    let next_page = pair.coach.text(&next).await;
    assert!(
        next_page.contains("Actions agreed last time")
            && next_page.contains("Try the feedback model once")
    );
    let _ = pair.org;
}

#[tokio::test]
async fn the_coachee_owns_their_goals_and_alone_decides_what_the_manager_sees() {
    let pair = pair().await;
    let engagement = format!("/engagements/{}", pair.engagement);
    let new_goal = format!("{engagement}/goals/new");
    let wrong = pair
        .coachee
        .post(
            &new_goal,
            &[
                ("title", ""),
                ("description", "Why it matters"),
                ("skill_id", ""),
                ("status", "active"),
                ("progress", "140"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let page = wrong.text().await.unwrap();
    assert!(page.contains("Say what you want to achieve") && page.contains("from 0 to 100"));
    assert!(page.contains("Why it matters"), "what was typed is kept");

    for title in [
        "Delegate the weekly report",
        "PRIVATE-GOAL speak up in leadership meetings",
    ] {
        let created = pair
            .coachee
            .post(
                &new_goal,
                &[
                    ("title", title),
                    ("description", ""),
                    ("skill_id", ""),
                    ("status", "active"),
                    ("progress", "20"),
                ],
            )
            .await;
        assert_eq!(created.status(), 303);
    }
    let page = pair.coachee.text(&engagement).await;
    let first = page.find("Delegate the weekly report").unwrap();
    let second = page.find("PRIVATE-GOAL").unwrap();
    assert!(first < second, "in the order written");

    // Share the first; move the second up.
    let goal_id = |page: &str, title: &str| {
        let at = page.find(title).unwrap();
        let start = page[..at].rfind("/goals/").unwrap() + "/goals/".len();
        page[start..start + 36].to_owned()
    };
    let delegate = goal_id(&page, "Delegate the weekly report");
    let private = goal_id(&page, "PRIVATE-GOAL");
    assert_eq!(
        pair.coachee
            .post(&format!("/goals/{delegate}/share"), &[("shared", "yes")])
            .await
            .status(),
        303
    );
    assert_eq!(
        pair.coachee
            .post(&format!("/goals/{private}/move"), &[("direction", "up")])
            .await
            .status(),
        303
    );
    let page = pair.coachee.text(&engagement).await;
    assert!(page.find("PRIVATE-GOAL").unwrap() < page.find("Delegate the weekly report").unwrap());

    // The preview is exactly the shared goal.
    let preview = pair
        .coachee
        .text(&format!("{engagement}/manager-view"))
        .await;
    assert!(
        preview.contains("Delegate the weekly report") && !preview.contains("PRIVATE-GOAL"),
        "{preview}"
    );

    // The coach sees every goal, and can neither share nor edit one.
    let coach_view = pair.coach.text(&engagement).await;
    assert!(
        coach_view.contains("PRIVATE-GOAL") && coach_view.contains("Delegate the weekly report")
    );
    assert_eq!(
        pair.coach
            .post(&format!("/goals/{private}/share"), &[("shared", "yes")])
            .await
            .status(),
        404
    );
    assert_eq!(pair.coach.get(&new_goal).await.status(), 404);
    let shared: i64 = sqlx::query_scalar("select count(*) from goals where shared_with_manager")
        .fetch_one(&mut pair.app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(shared, 1);
}

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
