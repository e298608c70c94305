//! A Sparks-style engagement in Chromium, from the kickoff to the closing
//! review: the coachee, their line manager and a second sponsor meet before
//! any coach is matched; the coachee chooses a coach from three; the sponsor
//! alignment follows with both invitees answering their own questions; then
//! the midpoint and the closing review. Each step's readiness, and who every
//! email went to, is checked on the way.

use chrono::{Days, Utc};
use fantoccini::Locator;

use crate::support::browser::Browser;
use crate::support::smtp::SmtpSink;
use crate::support::{PASSWORD, TestApp, eventually, roles};

mod journey;

use journey::{COACHES, Journey, MANAGER, SPONSOR, answer, confirm_first_time};

#[tokio::test]
async fn a_sparks_style_engagement_from_kickoff_before_matching_to_closing() {
    let sink = SmtpSink::start();
    let smtp = sink.url();
    let app = TestApp::spawn_with(move |config| config.smtp_url = Some(smtp)).await;
    let org = app.create_org("Sparks").await;
    let (admin_http, _) = app
        .signed_in(org, "ada@sparks.test", roles(true, false, false))
        .await;
    let mut coach_ids = Vec::new();
    for (email, name, headline) in COACHES {
        let id = app
            .seed_member(org, email, name, roles(false, true, false))
            .await;
        let response = admin_http
            .post(
                &format!("/admin/people/{id}/profile"),
                &[
                    ("headline", headline),
                    ("bio", "Works in English and German."),
                ],
            )
            .await;
        assert_eq!(response.status(), 303);
        coach_ids.push(id);
    }
    let coachee = app
        .seed_member(
            org,
            "robin@sparks.test",
            "Robin Rivera",
            roles(false, false, true),
        )
        .await;
    let today = Utc::now().date_naive();
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let programme = triad::db::programs::create_program(
        &mut tx,
        org,
        &triad::db::programs::ProgramFields {
            name: "Growing Leaders".into(),
            description: String::new(),
            starts_on: today - Days::new(20),
            ends_on: today + Days::new(345),
            cadence: triad::db::programs::Cadence::Monthly,
            sessions_included: 8,
            reporting_threshold: 5,
        },
    )
    .await
    .unwrap();
    let engagement = triad::db::engagements::create(
        &mut tx,
        org,
        programme,
        &triad::db::engagements::EngagementFields {
            coachee_id: coachee,
            coach_id: None,
            starts_on: today - Days::new(20),
            ends_on: today + Days::new(345),
            status: triad::db::engagements::Status::Active,
            manager_name: "Morgan Manager".into(),
            manager_email: MANAGER.into(),
            department: "Sales".into(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // The admin includes every kind and expects the kickoff, the goal
    // alignment and the closing review.
    let admin = Browser::start().await;
    admin.sign_in(&app.base, "ada@sparks.test", PASSWORD).await;
    admin
        .client
        .goto(&app.url(&format!("/admin/programmes/{programme}")))
        .await
        .unwrap();
    for selector in [
        "input[name=enabled]",
        "input[name=kind][value=kickoff]",
        "input[name=expected][value=kickoff]",
        "input[name=expected][value=initial]",
        "input[name=expected][value=closing]",
    ] {
        admin
            .client
            .find(Locator::Css(selector))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    admin.fill("included", "5").await;
    admin
        .submit(&format!("/admin/programmes/{programme}/alignment"))
        .await;
    admin.wait_for_text("Alignment meetings are on").await;
    let page = admin
        .wait_for_text("Expected meetings not yet scheduled")
        .await;
    assert!(page.contains("Robin Rivera"), "{page}");
    admin.screenshot("sparks-01-admin-kinds-expected").await;

    let robin = Browser::start().await;
    robin
        .sign_in(&app.base, "robin@sparks.test", PASSWORD)
        .await;
    let j = Journey {
        app,
        sink,
        org,
        engagement,
        robin,
    };
    let page = j
        .card("Time for the kickoff", "sparks-02-coachee-kickoff-ready")
        .await;
    assert!(
        page.contains("The programme expects this meeting"),
        "{page}"
    );

    // The kickoff: Robin, the manager and a second sponsor, no coach yet.
    let kickoff = j
        .plan(
            Some(("Sasha Sponsor", SPONSOR)),
            "sparks-03-coachee-plans-kickoff",
        )
        .await;
    let morgan = Browser::start().await;
    let sasha = Browser::start().await;
    let morgan_link = j.guest_link(MANAGER, 0).await;
    let sasha_link = j.guest_link(SPONSOR, 0).await;
    assert_ne!(morgan_link, sasha_link, "a link each");
    answer(
        &morgan,
        &morgan_link,
        "Hello Morgan Manager",
        &[
            ("expectations", "MORGAN-KICKOFF steadier planning"),
            ("outcomes", "A team that knows the quarter's priorities"),
        ],
    )
    .await;
    let page = morgan.wait_for_text("works for you").await;
    assert!(page.contains("Sasha Sponsor"), "the other invitee by name");
    assert!(!page.contains(SPONSOR), "never their address");
    morgan.screenshot("sparks-04-manager-kickoff-voted").await;
    answer(
        &sasha,
        &sasha_link,
        "Hello Sasha Sponsor",
        &[
            ("expectations", "SASHA-KICKOFF confidence with the board"),
            ("outcomes", "Clearer proposals to the leadership team"),
        ],
    )
    .await;
    let page = sasha.wait_for_text("works for you").await;
    assert!(!page.contains("MORGAN-KICKOFF"), "not the other's answers");
    sasha.screenshot("sparks-05-sponsor-kickoff-voted").await;
    // Robin sees both answers and both votes, and confirms the time.
    j.robin.client.goto(&kickoff).await.unwrap();
    j.robin.wait_for_text("SASHA-KICKOFF confidence").await;
    j.robin.wait_for_text("MORGAN-KICKOFF steadier").await;
    j.robin
        .screenshot("sparks-06-coachee-sees-votes-and-answers")
        .await;
    let path = url::Url::parse(&kickoff).unwrap().path().to_owned();
    j.robin.submit(&format!("{path}/use-time")).await;
    j.robin
        .wait_for_text("Calendar invites are on their way")
        .await;
    for person in ["robin@sparks.test", MANAGER, SPONSOR] {
        eventually(20, "a calendar invite for each", || async {
            j.sink.received().into_iter().find(|m| {
                let data = String::from_utf8_lossy(&m.data);
                m.to.iter().any(|to| to == person) && data.contains("METHOD:REQUEST")
            })
        })
        .await;
    }
    let coach_mail = |mail: &[(String, String)]| {
        mail.iter()
            .filter(|(to, _)| COACHES.iter().any(|c| c.0 == to))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(coach_mail(&j.mail().await), Vec::new(), "no coach yet");
    j.in_the_past().await;
    j.robin.client.goto(&kickoff).await.unwrap();
    j.robin.submit(&format!("{path}/outcome")).await;
    j.robin.wait_for_text("Marked as held").await;
    let page = j
        .card("Not yet", "sparks-07-coachee-waits-for-a-coach")
        .await;
    assert!(page.contains("no coach chosen yet"), "{page}");

    // The admin offers three coaches; Robin chooses Lou.
    admin
        .client
        .goto(&j.app.url(&format!("/admin/engagements/{engagement}")))
        .await
        .unwrap();
    for id in &coach_ids {
        admin
            .client
            .find(Locator::Css(&format!("input[name=coach][value='{id}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    admin
        .submit(&format!("/admin/engagements/{engagement}/shortlist"))
        .await;
    admin
        .wait_for_text("Waiting for Robin Rivera to choose")
        .await;
    admin.screenshot("sparks-08-admin-shortlist").await;
    j.robin
        .client
        .goto(&j.app.url(&format!("/engagements/{engagement}/coach")))
        .await
        .unwrap();
    j.robin.wait_for_text(COACHES[1].2).await;
    j.robin.screenshot("sparks-09-coachee-chooses").await;
    j.robin
        .client
        .find(Locator::Css(&format!(
            "input[name=coach_id][value='{}']",
            coach_ids[1]
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    j.robin
        .submit(&format!("/engagements/{engagement}/coach"))
        .await;
    j.robin.wait_for_text("Lou Brandt is your coach").await;
    let told: Vec<String> = coach_mail(&j.mail().await)
        .into_iter()
        .map(|m| m.0)
        .collect();
    assert_eq!(told, ["lou@sparks.test"], "only the chosen coach is told");
    let lou = j.app.visitor();
    assert_eq!(lou.sign_in("lou@sparks.test", PASSWORD).await.status(), 303);
    let kim = j.app.visitor();
    assert_eq!(kim.sign_in("kim@sparks.test", PASSWORD).await.status(), 303);
    assert_eq!(
        kim.get(&format!("/engagements/{engagement}"))
            .await
            .status(),
        404
    );
    assert!(
        lou.text(&path).await.contains("SASHA-KICKOFF"),
        "the kickoff is Lou's to read now"
    );

    // The goal alignment waits for the sessions and a goal, then for Robin.
    let page = j.card("Not yet", "sparks-10-goal-alignment-not-yet").await;
    assert!(
        page.contains("0 of 2 recommended coaching sessions done"),
        "{page}"
    );
    let mut tx = triad::db::begin_tenant(&j.app.pool, j.org).await.unwrap();
    triad::db::goals::create(
        &mut tx,
        j.org,
        engagement,
        &triad::db::goals::GoalFields {
            title: "Plan the quarter with the team".into(),
            description: String::new(),
            skill_id: None,
            status: triad::db::goals::GoalStatus::Active,
            progress: 10,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    for days in [14, 7] {
        sqlx::query(
            "insert into coaching_sessions (org_id, id, engagement_id, starts_at, duration_minutes, status)
             values ($1, gen_random_uuid(), $2, now() - make_interval(days => $3), 60, 'completed')",
        )
        .bind(j.org.0)
        .bind(engagement)
        .bind(days)
        .execute(&mut j.app.owner_connection().await)
        .await
        .unwrap();
    }
    j.card(
        "Time for the goal alignment",
        "sparks-11-goal-alignment-ready",
    )
    .await;
    let alignment = j
        .plan(
            Some(("Sasha Sponsor", SPONSOR)),
            "sparks-12-coachee-plans-alignment",
        )
        .await;
    assert!(
        j.mail()
            .await
            .iter()
            .any(|(to, kind)| to == "lou@sparks.test" && kind == "meeting_planned"),
        "the coach is told the meeting is planned"
    );
    let link = j.guest_link(MANAGER, 1).await;
    answer(
        &morgan,
        &link,
        "Hello Morgan Manager",
        &[
            ("success", "MORGAN-SUCCESS a plan the team owns"),
            ("noticed", "Fewer surprises"),
        ],
    )
    .await;
    morgan.wait_for_text("works for you").await;
    let link = j.guest_link(SPONSOR, 1).await;
    assert_ne!(link, sasha_link, "a new meeting, a new link");
    answer(
        &sasha,
        &link,
        "Hello Sasha Sponsor",
        &[
            ("success", "SASHA-SUCCESS proposals the board approves"),
            ("noticed", "Shorter board papers"),
        ],
    )
    .await;
    sasha.wait_for_text("works for you").await;
    sasha
        .screenshot("sparks-13-sponsor-alignment-questions")
        .await;
    let path = url::Url::parse(&alignment).unwrap().path().to_owned();
    let page = lou.text(&path).await;
    assert!(
        page.contains("MORGAN-SUCCESS") && page.contains("SASHA-SUCCESS"),
        "{page}"
    );
    confirm_first_time(&lou, &path).await;
    j.in_the_past().await;
    let response = lou
        .post(&format!("{path}/outcome"), &[("outcome", "held")])
        .await;
    assert_eq!(response.status(), 303);
    j.card("Next: the midpoint check-in", "sparks-14-midpoint-later")
        .await;

    // Past the middle: the midpoint check-in, with the manager alone.
    j.dates(200, 165).await;
    j.card("Time for the midpoint check-in", "sparks-15-midpoint-ready")
        .await;
    j.plan(None, "sparks-16-coachee-plans-midpoint").await;
    let link = j.guest_link(MANAGER, 2).await;
    answer(
        &morgan,
        &link,
        "Hello Morgan Manager",
        &[("changed", "Calmer weekly planning")],
    )
    .await;
    morgan.wait_for_text("The meeting is set for").await;
    j.held_by(&lou, "midpoint").await;
    j.card("Next: the closing review", "sparks-17-closing-later")
        .await;

    // The last weeks: the closing review asks what should keep going.
    j.dates(340, 25).await;
    j.card("Time for the closing review", "sparks-18-closing-ready")
        .await;
    j.plan(None, "sparks-19-coachee-plans-closing").await;
    let link = j.guest_link(MANAGER, 3).await;
    morgan.client.goto(&link).await.unwrap();
    morgan.wait_for_text("What should keep going").await;
    morgan
        .screenshot("sparks-20-manager-closing-question")
        .await;
    answer(
        &morgan,
        &link,
        "Hello Morgan Manager",
        &[("keep_going", "The monthly planning hour")],
    )
    .await;
    morgan.wait_for_text("The meeting is set for").await;
    j.held_by(&lou, "closing").await;
    j.card("Every planned meeting used", "sparks-21-all-held")
        .await;

    // Every email went to the people of the engagement, and no other coach.
    let mail = j.mail().await;
    let allowed = ["robin@sparks.test", "lou@sparks.test", MANAGER, SPONSOR];
    assert!(
        mail.iter().all(|(to, _)| allowed.contains(&to.as_str())),
        "{mail:?}"
    );
    // No invitee learns another's address, in any email or calendar file.
    for (to, other) in [(MANAGER, SPONSOR), (SPONSOR, MANAGER)] {
        let leaked: i64 = sqlx::query_scalar(
            "select count(*) from outbox_messages where recipient_email = $1
               and body_text || body_html || coalesce(calendar_ics, '') like '%' || $2 || '%'",
        )
        .bind(to)
        .bind(other)
        .fetch_one(&mut j.app.owner_connection().await)
        .await
        .unwrap();
        assert_eq!(leaked, 0, "{other} in mail to {to}");
    }
    assert_eq!(j.app.assert_progress_follows_facts().await, 1);
    for browser in [&admin, &j.robin, &morgan, &sasha] {
        assert_eq!(browser.console_errors().await, Vec::<String>::new());
    }
    let Journey { robin, .. } = j;
    for browser in [admin, robin, morgan, sasha] {
        browser.close().await;
    }
}
