//! The sponsor's voice: questions that follow the meeting's kind, answers
//! read by the coachee and coach and by no admin; the coach told as soon as
//! a meeting is planned; a coaching session that prepares the meeting.

use crate::support::smtp::SmtpSink;
use crate::support::{eventually, location, roles};

use super::{MANAGER, Trio, day, guest, schedule_fields, shown_on, trio, trio_sending_to};

/// The coachee plans a meeting of `kind` with one or more times; returns its page.
async fn plan(t: &Trio, kind: &str, times: &[(String, &str)]) -> String {
    let path = format!("/engagements/{}/alignment", t.engagement);
    let page = t.coachee.text(&path).await;
    let mut fields = schedule_fields(&page, times);
    for field in fields.iter_mut().filter(|(k, _)| *k == "kind") {
        field.1 = kind.to_owned();
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = t.coachee.post(&path, &fields).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    location(&response)
}

#[tokio::test]
async fn a_kickoff_asks_for_expectations_and_only_the_coachee_and_coach_read_the_answers() {
    let t = trio(true).await;
    t.kinds(&["kickoff", "initial", "midpoint", "closing"], &[])
        .await;
    let meeting_path = plan(&t, "kickoff", &[(day(10), "10:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    let page = manager.text(&guest(&token)).await;
    assert!(
        page.contains("expect the coaching to work on")
            && page.contains("Which outcomes would you hope to see"),
        "{page}"
    );
    assert!(!page.contains("what will success look like"), "{page}");

    // Too long an answer: said beside it, and nothing typed is lost.
    let long = "x".repeat(2001);
    let response = manager
        .post(
            &format!("{}/answers", guest(&token)),
            &shown_on(
                &token,
                &[("expectations", "KEPT-WHILE-REFUSED"), ("outcomes", &long)],
            ),
        )
        .await;
    assert_eq!(response.status(), 422);
    let refused = response.text().await.unwrap();
    assert!(refused.contains("Keep this answer to 2,000 characters."));
    assert!(refused.contains("KEPT-WHILE-REFUSED") && refused.contains(&long));
    assert_eq!(t.scalar_i64("select count(*) from guest_answers").await, 0);

    let response = manager
        .post(
            &format!("{}/answers", guest(&token)),
            &shown_on(
                &token,
                &[
                    (
                        "expectations",
                        "SPONSORWORD clearer priorities for the team",
                    ),
                    ("outcomes", "SPONSORWORD delegating sooner"),
                    // Not a question of a kickoff: not stored.
                    ("success", "NOT-ASKED"),
                ],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(t.scalar_i64("select count(*) from guest_answers").await, 2);
    assert!(
        manager
            .text(&guest(&token))
            .await
            .contains("SPONSORWORD delegating sooner")
    );

    for visitor in [&t.coachee, &t.coach] {
        let page = visitor.text(&meeting_path).await;
        assert!(
            page.contains("SPONSORWORD clearer priorities for the team")
                && page.contains("expect the coaching to work on"),
            "{page}"
        );
        assert!(!page.contains("NOT-ASKED"));
    }

    // Asked again as a closing review, the invitee meets that kind's
    // question, and what they said at the kickoff keeps its question.
    sqlx::query("update alignment_meetings set kind = 'closing'")
        .execute(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let page = manager.text(&guest(&token)).await;
    assert!(page.contains("What should keep going"), "{page}");
    // Their own earlier answer stays theirs to read, no longer to change.
    assert!(!page.contains("name=\"expectations\""), "{page}");
    let earlier = &page[page
        .find("What you answered before")
        .expect("earlier answers")..];
    assert!(
        earlier.contains("expect the coaching to work on") && earlier.contains("SPONSORWORD"),
        "{page}"
    );
    let page = t.coach.text(&meeting_path).await;
    assert!(
        page.contains("expect the coaching to work on") && page.contains("SPONSORWORD"),
        "{page}"
    );

    // No page of the programme team shows a word of it.
    let admin_pages = [
        "/home".to_owned(),
        "/admin/programmes".to_owned(),
        format!("/admin/programmes/{}", t.programme),
        format!("/admin/programmes/{}/report", t.programme),
        format!("/admin/programmes/{}/report.csv", t.programme),
        format!("/admin/engagements/{}", t.engagement),
        "/admin/accountability".to_owned(),
        "/admin/alignment-requests".to_owned(),
        "/admin/mail".to_owned(),
        "/admin/audit".to_owned(),
        "/admin/people".to_owned(),
    ];
    for path in admin_pages {
        let response = t.admin.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let page = response.text().await.unwrap();
        assert!(!page.contains("SPONSORWORD"), "{path} shows an answer");
    }
}

#[tokio::test]
async fn the_coach_is_told_of_a_planned_meeting_and_the_manager_gets_no_copy() {
    let sink = SmtpSink::start();
    let t = trio_sending_to(sink.url()).await;
    let (first, second) = (day(10), day(12));
    let meeting_path = plan(
        &t,
        "initial",
        &[(first.clone(), "10:00"), (second.clone(), "15:30")],
    )
    .await;
    let for_coach = eventually(20, "the coach's email", || async {
        sink.received()
            .into_iter()
            .find(|m| m.to.iter().any(|to| to == "casey@acme.test"))
    })
    .await;
    let parsed = for_coach.parsed();
    assert!(
        parsed
            .subject()
            .unwrap()
            .contains("Goal alignment meeting planned"),
        "{:?}",
        parsed.subject()
    );
    let body = parsed.body_text(0).unwrap().into_owned();
    // Offered in London, read in Berlin (an hour later), with the weekday.
    let weekday = |date: &str| {
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .unwrap()
            .format("%A")
            .to_string()
    };
    assert!(
        body.contains(&format!("{} ", weekday(&first))) && body.contains("11:00"),
        "{body}"
    );
    assert!(
        body.contains(&format!("{} ", weekday(&second))) && body.contains("16:30"),
        "{body}"
    );
    assert!(body.contains("preparation is waiting"), "{body}");
    assert!(body.contains(&meeting_path), "{body}");

    // The manager's one email is their invitation.
    eventually(20, "the manager's invitation", || async {
        sink.received()
            .iter()
            .any(|m| m.to.iter().any(|to| to == MANAGER))
            .then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let to_manager: Vec<String> = sink
        .received()
        .into_iter()
        .filter(|m| m.to.iter().any(|to| to == MANAGER))
        .map(|m| m.parsed().subject().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(to_manager.len(), 1, "{to_manager:?}");
    assert!(!to_manager[0].contains("planned"), "{to_manager:?}");
    assert!(
        sink.received()
            .iter()
            .filter(|m| m.to.iter().any(|to| to == "casey@acme.test"))
            .count()
            == 1
    );
}

#[tokio::test]
async fn a_session_marked_as_preparation_shows_on_the_meeting_page() {
    let t = trio(true).await;
    let meeting_path = plan(&t, "initial", &[(day(10), "10:00")]).await;
    let meeting = meeting_path.rsplit('/').next().unwrap().to_owned();
    // The programme expects a preparation session: both are nudged to plan one.
    assert!(
        t.coach
            .text(&meeting_path)
            .await
            .contains("Plan a preparation session")
    );
    assert!(
        t.coachee
            .text(&meeting_path)
            .await
            .contains("suggests a coaching session to prepare")
    );

    let coach_id: uuid::Uuid =
        sqlx::query_scalar("select id from users where email = 'casey@acme.test'")
            .fetch_one(&mut t.app.owner_connection().await)
            .await
            .unwrap();
    let at = chrono::Utc::now() + chrono::Duration::days(5);
    let mut tx = triad::db::begin_tenant(&t.app.pool, t.org).await.unwrap();
    let session = triad::db::coaching::schedule(&mut tx, t.org, t.engagement, at, 60, coach_id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let session_path = format!("/sessions/{session}");
    let page = t.coach.text(&session_path).await;
    assert!(page.contains(&format!("value=\"{meeting}\"")), "{page}");

    // A meeting that is not this engagement's: refused on the page, nothing set.
    let response = t
        .coach
        .post(
            &format!("{session_path}/preparation"),
            &[("prepares", &uuid::Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("planned alignment meetings, or none.")
    );
    // The coachee, or a coach of another organisation, cannot mark it at all.
    let other = t.app.create_org("Elsewhere").await;
    let (stranger, _) = t
        .app
        .signed_in(other, "coach@elsewhere.test", roles(false, true, false))
        .await;
    for visitor in [&t.coachee, &stranger] {
        let response = visitor
            .post(
                &format!("{session_path}/preparation"),
                &[("prepares", &meeting)],
            )
            .await;
        assert_eq!(response.status(), 404);
    }
    assert_eq!(
        t.scalar_i64(
            "select count(*) from coaching_sessions where prepares_meeting_id is not null"
        )
        .await,
        0
    );

    let response = t
        .coach
        .post(
            &format!("{session_path}/preparation"),
            &[("prepares", &meeting)],
        )
        .await;
    assert_eq!(response.status(), 303);
    for visitor in [&t.coach, &t.coachee] {
        let page = visitor.text(&meeting_path).await;
        assert!(page.contains(&format!("href=\"{session_path}\"")), "{page}");
        assert!(!page.contains("Plan a preparation session"));
        assert!(!page.contains("suggests a coaching session to prepare"));
    }
}
