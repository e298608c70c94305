//! An engagement begun without a coach: the kickoff with the manager while
//! the programme team matches a coach, the shortlist, the coachee's choice,
//! and what the coaches offered but not chosen never see.

use chrono::Utc;
use uuid::Uuid;

use super::{MANAGER, Trio, day, guest, hidden, schedule_fields, shown_on, trio_sending_to};
use crate::support::smtp::SmtpSink;
use crate::support::{Visitor, eventually, location, roles};

/// The three coaches a shortlist can offer, besides Casey.
pub(super) struct Coaches {
    pub(super) ids: [Uuid; 3],
    pub(super) visitors: [Visitor; 3],
}

pub(super) const EMAILS: [&str; 3] = ["dana@acme.test", "eli@acme.test", "fay@acme.test"];

/// Robin's engagement with Casey is cancelled, and the admin sets up a new
/// one in the same programme with no coach; three more coaches join, each
/// with a profile. Returns the trio pointed at the new engagement.
pub(super) async fn without_a_coach(t: Trio) -> (Trio, Coaches) {
    t.kinds(&["kickoff", "initial"], &[]).await;
    let mut conn = t.app.owner_connection().await;
    sqlx::query("select set_config('app.org_id', $1, false)")
        .bind(t.org.0.to_string())
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("update engagements set status = 'cancelled' where id = $1")
        .bind(t.engagement)
        .execute(&mut conn)
        .await
        .unwrap();
    let mut ids = Vec::new();
    let mut visitors = Vec::new();
    for (email, name) in EMAILS
        .iter()
        .zip(["Dana Doyle", "Eli Ekwueme", "Fay Fischer"])
    {
        let (visitor, id) = t
            .app
            .signed_in(t.org, email, roles(false, true, false))
            .await;
        sqlx::query("update users set name = $2 where id = $1")
            .bind(id)
            .bind(name)
            .execute(&mut conn)
            .await
            .unwrap();
        let response = t
            .admin
            .post(
                &format!("/admin/people/{id}/profile"),
                &[
                    ("headline", &format!("HEADLINE-{name}")),
                    (
                        "bio",
                        &format!("BIO-{name}: twenty years of leading teams."),
                    ),
                ],
            )
            .await;
        assert_eq!(response.status(), 303);
        ids.push(id);
        visitors.push(visitor);
    }
    let response = t
        .admin
        .post(
            &format!("/admin/programmes/{}/engagements/new", t.programme),
            &[
                ("coachee_id", &t.coachee_id.to_string()),
                ("coach_id", "none"),
                ("starts_on", &day(-10)),
                ("ends_on", &day(200)),
                ("status", "active"),
                ("manager_name", "Morgan Manager"),
                ("manager_email", MANAGER),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let engagement: Uuid = sqlx::query_scalar("select id from engagements where coach_id is null")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let coaches = Coaches {
        ids: ids.try_into().unwrap(),
        visitors: visitors.try_into().ok().unwrap(),
    };
    (Trio { engagement, ..t }, coaches)
}

/// Where the engagement stands with alignment meetings, as the app reads it.
async fn readiness(t: &Trio) -> Option<triad::alignment::Readiness> {
    let mut tx = triad::db::begin_tenant(&t.app.pool, t.org).await.unwrap();
    let states = triad::db::alignment::states(&mut tx, t.org, &[t.engagement])
        .await
        .unwrap();
    states[0].readiness(Utc::now().date_naive())
}

pub(super) async fn shortlist(t: &Trio, coaches: &[Uuid]) -> reqwest::Response {
    let ids: Vec<String> = coaches.iter().map(Uuid::to_string).collect();
    let fields: Vec<(&str, &str)> = ids.iter().map(|id| ("coach", id.as_str())).collect();
    t.admin
        .post(
            &format!("/admin/engagements/{}/shortlist", t.engagement),
            &fields,
        )
        .await
}

pub(super) async fn outbox_to(t: &Trio, email: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select body_text from outbox_messages where recipient_email = $1 order by created_at",
    )
    .bind(email)
    .fetch_all(&mut t.app.owner_connection().await)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_coachee_holds_the_kickoff_before_a_coach_then_chooses_from_the_shortlist() {
    use triad::alignment::{Kind, Readiness};
    let sink = SmtpSink::start();
    let (t, coaches) = without_a_coach(trio_sending_to(sink.url()).await).await;
    let path = format!("/engagements/{}", t.engagement);

    // Robin's pages work without a coach, and say so.
    let home = t.coachee.text("/home").await;
    assert!(home.contains("Your coach is being matched"), "{home}");
    let page = t.coachee.text(&path).await;
    assert!(
        page.contains("Your programme team is matching coaches"),
        "{page}"
    );
    // No coaching session without a coach: a clear message, not a 500.
    let response = t
        .coachee
        .post(
            &format!("{path}/sessions"),
            &[("date", &day(3)), ("time", "10:00"), ("duration", "60")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("needs your coach"));

    // The kickoff is ready from day one; the goal alignment would wait for a coach.
    assert_eq!(
        readiness(&t).await,
        Some(Readiness::Ready {
            kind: Kind::Kickoff,
            advised: false
        })
    );

    // Robin plans the kickoff with their manager: no coach in it anywhere.
    let planning = t.planning_page().await;
    let mut fields = schedule_fields(&planning, &[(day(10), "10:00")]);
    for field in fields.iter_mut() {
        match field.0 {
            "kind" => field.1 = "kickoff".into(),
            "closes" => field.1 = "coachee".into(),
            _ => {}
        }
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = t.coachee.post(&format!("{path}/alignment"), &fields).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let meeting_path = location(&response);
    let invitation = outbox_to(&t, MANAGER).await.pop().unwrap();
    assert!(
        invitation.contains("No coach has been matched yet"),
        "{invitation}"
    );
    assert!(!invitation.contains("is being coached by"), "{invitation}");
    let meeting_page = t.coachee.text(&meeting_path).await;
    assert!(
        meeting_page.contains("No coach has been matched yet"),
        "{meeting_page}"
    );

    // The manager accepts: the calendar invites go to the two of them only.
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    let guest_page = manager.text(&guest(&token)).await;
    assert!(
        guest_page.contains("No coach has been matched yet"),
        "{guest_page}"
    );
    assert!(!guest_page.contains("(coach)"), "{guest_page}");
    let response = manager
        .post(
            &format!("{}/accept", guest(&token)),
            &shown_on(
                &token,
                &[
                    ("candidate", &hidden(&guest_page, "candidate")),
                    ("sequence", &hidden(&guest_page, "sequence")),
                ],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    let calendars: Vec<(String, String)> = sqlx::query_as(
        "select recipient_email, calendar_ics from outbox_messages
         where calendar_method = 'REQUEST' order by 1",
    )
    .fetch_all(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let mut to: Vec<&str> = calendars.iter().map(|(to, _)| to.as_str()).collect();
    to.dedup();
    assert_eq!(to, [MANAGER, "robin@acme.test"]);
    for (_, ics) in &calendars {
        assert!(
            !ics.contains("casey") && !ics.contains("UID:huddle-"),
            "{ics}"
        );
        // The coachee who organizes, and the invitee; no coach yet.
        assert_eq!(ics.matches("ATTENDEE").count(), 2, "{ics}");
    }

    // Held; the goal alignment comes next and waits for a coach.
    sqlx::query("update alignment_meetings set status = 'completed', outcome_at = now() where engagement_id = $1")
        .bind(t.engagement)
        .execute(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    assert!(matches!(
        readiness(&t).await,
        Some(Readiness::NotYet {
            kind: Kind::Initial,
            has_coach: false,
            ..
        })
    ));
    assert!(t.planning_page().await.contains("no coach chosen yet"));

    // A shortlist of one, or of four, is refused with a message; ticks kept.
    let response = shortlist(&t, &coaches.ids[..1]).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Pick two or three coaches")
    );
    let casey: Uuid = sqlx::query_scalar("select id from users where email = 'casey@acme.test'")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let mut four = coaches.ids.to_vec();
    four.push(casey);
    let response = shortlist(&t, &four).await;
    assert_eq!(response.status(), 422);
    let refused = response.text().await.unwrap();
    assert!(refused.contains("4 are ticked"), "{refused}");
    assert!(
        outbox_to(&t, "robin@acme.test")
            .await
            .iter()
            .all(|m| !m.contains("Choose your coach"))
    );

    // Three: Robin is emailed, and reads each coach's profile.
    let response = shortlist(&t, &coaches.ids).await;
    assert_eq!(response.status(), 303);
    let link = crate::support::link_in_mail(&t.app, "robin@acme.test", "/engagements/").await;
    assert_eq!(link, format!("{path}/coach"));
    assert!(t.coachee.text("/home").await.contains("Choose your coach"));
    let choice = t.coachee.text(&format!("{path}/coach")).await;
    for name in ["Dana Doyle", "Eli Ekwueme", "Fay Fischer"] {
        assert!(choice.contains(&format!("HEADLINE-{name}")), "{choice}");
        assert!(choice.contains(&format!("BIO-{name}")), "{choice}");
    }

    // The coaches on the shortlist see nothing of Robin's engagement.
    for visitor in &coaches.visitors {
        for page in [path.clone(), format!("{path}/coach"), meeting_path.clone()] {
            assert_eq!(visitor.get(&page).await.status(), 404, "{page}");
        }
    }

    // Casey is not on the shortlist: refused, nothing lost.
    let response = t
        .coachee
        .post(
            &format!("{path}/coach"),
            &[("coach_id", &casey.to_string())],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Choose one of the coaches on your shortlist")
    );

    // Robin chooses Eli.
    let eli = coaches.ids[1];
    let response = t
        .coachee
        .post(&format!("{path}/coach"), &[("coach_id", &eli.to_string())])
        .await;
    assert_eq!(response.status(), 303);
    let chosen = eventually(10, "Eli's email", || async {
        sink.received()
            .into_iter()
            .find(|m| m.to.iter().any(|to| to == "eli@acme.test"))
    })
    .await;
    let text = String::from_utf8_lossy(&chosen.data).to_string();
    assert!(text.contains("has chosen you"), "{text}");
    assert!(text.contains("Robin Rivera"), "{text}");
    // The coaches not chosen are told nothing, now or before.
    for email in [EMAILS[0], EMAILS[2]] {
        assert!(outbox_to(&t, email).await.is_empty(), "{email}");
    }

    // Eli now coaches Robin and sees the kickoff; Dana and Fay still nothing.
    assert_eq!(coaches.visitors[1].get(&path).await.status(), 200);
    assert_eq!(coaches.visitors[1].get(&meeting_path).await.status(), 200);
    for visitor in [&coaches.visitors[0], &coaches.visitors[2]] {
        assert_eq!(visitor.get(&path).await.status(), 404);
        assert_eq!(visitor.get(&meeting_path).await.status(), 404);
    }
    let admin_page = t
        .admin
        .text(&format!("/admin/engagements/{}", t.engagement))
        .await;
    assert!(admin_page.contains("Chosen by the coachee"), "{admin_page}");

    // The goal alignment now waits only for the sessions and a goal.
    assert_eq!(
        readiness(&t).await,
        Some(Readiness::NotYet {
            kind: Kind::Initial,
            done: 0,
            needed: 2,
            goals: 0,
            has_coach: true
        })
    );

    // Choosing again changes nothing.
    let response = t
        .coachee
        .post(
            &format!("{path}/coach"),
            &[("coach_id", &coaches.ids[0].to_string())],
        )
        .await;
    assert_eq!(response.status(), 303);
    let coach: Option<Uuid> = sqlx::query_scalar("select coach_id from engagements where id = $1")
        .bind(t.engagement)
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(coach, Some(eli));
    t.app.assert_progress_follows_facts().await;
}

#[tokio::test]
async fn a_coach_profile_too_long_is_refused_with_what_was_typed_kept() {
    let sink = SmtpSink::start();
    let t = trio_sending_to(sink.url()).await;
    let casey: Uuid = sqlx::query_scalar("select id from users where email = 'casey@acme.test'")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let headline = "H".repeat(121);
    let response = t
        .admin
        .post(
            &format!("/admin/people/{casey}/profile"),
            &[("headline", &headline), ("bio", "KEPT-BIO")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Keep the headline to 120 characters"),
        "{page}"
    );
    assert!(page.contains("KEPT-BIO"), "{page}");
    let response = t
        .admin
        .post(
            &format!("/admin/people/{casey}/profile"),
            &[("headline", "Calm"), ("bio", &"b".repeat(1001))],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Keep the profile to 1000 characters")
    );
    // Another organisation's admin finds no such person.
    let globex = t.app.create_org("Globex").await;
    let (other, _) = t
        .app
        .signed_in(globex, "admin@globex.test", roles(true, false, false))
        .await;
    let response = other
        .post(
            &format!("/admin/people/{casey}/profile"),
            &[("headline", "x")],
        )
        .await;
    assert_eq!(response.status(), 404);
}
