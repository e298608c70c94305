//! Readiness over HTTP as the journey goes: each kind of meeting has its own
//! moment, a held kickoff does not stand for the goal alignment, the midpoint
//! and closing wait for their dates, and the programme's expected kinds show
//! the admin which engagements have not scheduled them.

use chrono::{Days, Utc};
use triad::alignment::Kind;
use triad::db::alignment as meetings;

use super::{Trio, trio};

impl Trio {
    /// The admin saves the rules with `kinds` included and `expected`.
    pub(super) async fn kinds(&self, kinds: &[&str], expected: &[&str]) -> reqwest::Response {
        let mut fields = vec![
            ("enabled", "on"),
            ("included", "5"),
            ("sessions_before", "2"),
            ("link_days", "7"),
            ("reminder_hours", "24"),
        ];
        fields.extend(kinds.iter().map(|k| ("kind", *k)));
        fields.extend(expected.iter().map(|k| ("expected", *k)));
        self.admin
            .post(
                &format!("/admin/programmes/{}/alignment", self.programme),
                &fields,
            )
            .await
    }

    /// A meeting of `kind` that took place yesterday.
    async fn held(&self, kind: Kind) {
        let mut tx = triad::db::begin_tenant(&self.app.pool, self.org)
            .await
            .unwrap();
        let (meeting, _) = meetings::create(
            &mut tx,
            self.org,
            &meetings::NewMeeting {
                engagement_id: self.engagement,
                kind,
                duration_minutes: kind.default_minutes(),
                place: "Room 4".into(),
                agenda: String::new(),
                request_key: uuid::Uuid::new_v4(),
                created_by: self.coachee_id,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        sqlx::query(
            "update alignment_meetings set status = 'completed', starts_at = now() - interval '1 day'
             where id = $1",
        )
        .bind(meeting)
        .execute(&mut self.app.owner_connection().await)
        .await
        .unwrap();
    }

    /// The engagement began `began` days ago and ends in `left` days.
    async fn dates(&self, began: u64, left: u64) {
        let today = Utc::now().date_naive();
        sqlx::query("update engagements set starts_on = $2, ends_on = $3 where id = $1")
            .bind(self.engagement)
            .bind(today - Days::new(began))
            .bind(today + Days::new(left))
            .execute(&mut self.app.owner_connection().await)
            .await
            .unwrap();
    }

    async fn sessions_done(&self, count: usize) {
        for _ in 0..count {
            sqlx::query(
                "insert into coaching_sessions (org_id, id, engagement_id, starts_at, duration_minutes, status)
                 values ($1, gen_random_uuid(), $2, now() - interval '3 days', 60, 'completed')",
            )
            .bind(self.org.0)
            .bind(self.engagement)
            .execute(&mut self.app.owner_connection().await)
            .await
            .unwrap();
        }
    }

    /// The readiness card on the coachee's alignment page, as one line.
    async fn card(&self) -> String {
        let page = self.planning_page().await;
        let start = page.find("<p class=\"readiness\">").expect("the card");
        let end = start + page[start..].find("</p>").unwrap();
        page[start..end].to_owned()
    }
}

#[tokio::test]
async fn each_kind_becomes_ready_in_its_turn_through_a_whole_engagement() {
    let t = trio(true).await;
    let response = t
        .kinds(&["kickoff", "initial", "midpoint", "closing"], &[])
        .await;
    assert_eq!(response.status(), 303);
    // Ten days into a year: the kickoff can happen before any coaching.
    t.dates(10, 355).await;
    let card = t.card().await;
    assert!(card.contains("Time for the kickoff"), "{card}");
    let page = t.planning_page().await;
    assert!(
        page.contains("<option value=\"kickoff\" selected>Kickoff</option>"),
        "the form starts with the kickoff: {page}"
    );
    assert!(
        page.contains("<option value=\"60\" selected>60 minutes</option>"),
        "a kickoff is an hour: {page}"
    );

    // A held kickoff is not a held goal alignment: that waits for sessions.
    t.held(Kind::Kickoff).await;
    let card = t.card().await;
    assert!(card.contains("Not yet"), "{card}");
    assert!(
        card.contains("goal alignment comes next: 0 of 2 recommended coaching sessions done"),
        "{card}"
    );
    t.sessions_done(2).await;
    let card = t.card().await;
    assert!(card.contains("Time for the goal alignment"), "{card}");

    // Held: the midpoint waits for the middle of the engagement.
    t.held(Kind::Initial).await;
    let card = t.card().await;
    assert!(card.contains("Next: the midpoint check-in"), "{card}");
    let middle = (Utc::now().date_naive() - Days::new(10)) + chrono::Duration::days(365) / 2;
    assert!(
        card.contains(&middle.format("%A %-d %B %Y").to_string()),
        "{card}"
    );
    t.dates(200, 165).await;
    let card = t.card().await;
    assert!(card.contains("Time for the midpoint check-in"), "{card}");

    // Then the closing review, in the last four weeks.
    t.held(Kind::Midpoint).await;
    let card = t.card().await;
    assert!(card.contains("Next: the closing review"), "{card}");
    t.dates(340, 25).await;
    let card = t.card().await;
    assert!(card.contains("Time for the closing review"), "{card}");
    t.held(Kind::Closing).await;
    let card = t.card().await;
    assert!(card.contains("Every planned meeting used"), "{card}");
    assert!(t.app.assert_progress_follows_facts().await >= 1);
}

#[tokio::test]
async fn the_journey_moves_forward_and_a_late_midpoint_gives_way_to_the_closing_review() {
    let t = trio(true).await;
    t.kinds(&["kickoff", "initial", "midpoint", "closing"], &[])
        .await;
    // A goal alignment held without a kickoff does not ask for one after.
    t.dates(200, 165).await;
    t.held(Kind::Initial).await;
    let card = t.card().await;
    assert!(card.contains("Time for the midpoint check-in"), "{card}");
    // In the last weeks with no midpoint, the closing review comes next.
    t.dates(345, 20).await;
    let card = t.card().await;
    assert!(card.contains("Time for the closing review"), "{card}");
    // A kickoff alone, and no goal written: the goal alignment waits for one.
    let t = trio(true).await;
    t.kinds(&["kickoff", "initial"], &[]).await;
    sqlx::query("update goals set status = 'dropped'")
        .execute(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    t.sessions_done(3).await;
    t.held(Kind::Kickoff).await;
    let card = t.card().await;
    assert!(card.contains("no goal written yet to share"), "{card}");
    assert!(!card.contains("sessions done"), "{card}");
}

#[tokio::test]
async fn the_form_offers_only_included_kinds_and_refuses_others_keeping_what_was_typed() {
    let t = trio(true).await;
    assert_eq!(t.kinds(&["initial", "closing"], &[]).await.status(), 303);
    let page = t.planning_page().await;
    assert!(page.contains("value=\"closing\""), "{page}");
    assert!(!page.contains("value=\"midpoint\""), "{page}");
    assert!(!page.contains("value=\"kickoff\""), "{page}");
    let fields = super::schedule_fields(&page, &[(super::day(3), "10:00")]);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (*k, if *k == "kind" { "midpoint" } else { v.as_str() }))
        .collect();
    let response = t
        .coachee
        .post(&format!("/engagements/{}/alignment", t.engagement), &fields)
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("does not include this kind of meeting"),
        "{page}"
    );
    assert!(page.contains("Room 2.01"), "what was typed stays: {page}");
    // The page opens at a summary of what to look at, before the form.
    let summary = page
        .find(r#"class="form-problem problem-summary" role="alert" tabindex="-1" autofocus"#)
        .expect("a focused summary");
    let form = page.find(r#"name="request_key""#).unwrap();
    assert!(summary < form);
    assert!(
        page[summary..form].contains("<li>Your programme does not include this kind of meeting"),
        "{page}"
    );
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings")
            .await,
        0
    );

    // The rules form explains its own mistakes.
    let response = t.kinds(&[], &[]).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Choose at least one kind of alignment meeting")
    );
    let response = t.kinds(&["initial"], &["closing"]).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Closing review is expected but not included")
    );
    // Expecting more kinds than the meetings included could never be met.
    let response = t
        .admin
        .post(
            &format!("/admin/programmes/{}/alignment", t.programme),
            &[
                ("enabled", "on"),
                ("included", "1"),
                ("sessions_before", "2"),
                ("link_days", "7"),
                ("reminder_hours", "24"),
                ("kind", "initial"),
                ("kind", "closing"),
                ("expected", "initial"),
                ("expected", "closing"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("expects 2 kinds of meeting but includes 1 meeting per engagement"),
        "{page}"
    );
    assert!(page.contains("value=\"1\""), "what was typed stays: {page}");
}

#[tokio::test]
async fn the_admin_sees_which_engagements_have_not_scheduled_an_expected_kind() {
    let t = trio(true).await;
    let response = t
        .kinds(&["kickoff", "initial", "closing"], &["kickoff", "initial"])
        .await;
    assert_eq!(response.status(), 303);
    // A second engagement in the programme, whose kickoff took place.
    let other = t
        .app
        .seed_member(
            t.org,
            "sam@acme.test",
            "Sam Second",
            crate::support::roles(false, false, true),
        )
        .await;
    sqlx::query(
        "insert into engagements (org_id, id, program_id, coachee_id, coach_id, starts_on, ends_on,
                                  status, manager_name, manager_email, department)
         select org_id, gen_random_uuid(), program_id, $2, coach_id, starts_on, ends_on, status,
                'Other Manager', 'other.manager@example.com', department
         from engagements where id = $1",
    )
    .bind(t.engagement)
    .bind(other)
    .execute(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    // The coachee's card says the programme expects the kickoff.
    let card = t.card().await;
    assert!(card.contains("Time for the kickoff"), "{card}");
    assert!(
        card.contains("The programme expects this meeting"),
        "{card}"
    );
    t.held(Kind::Kickoff).await;

    let page = t
        .admin
        .text(&format!("/admin/programmes/{}", t.programme))
        .await;
    let start = page
        .find("Expected meetings not yet scheduled")
        .expect("the panel");
    let panel = &page[start..start + page[start..].find("</section>").unwrap()];
    let kickoff = &panel
        [panel.find("<dt>Kickoff</dt>").unwrap()..panel.find("<dt>Goal alignment</dt>").unwrap()];
    assert!(
        kickoff.contains("1 engagement has not scheduled it"),
        "{panel}"
    );
    assert!(
        kickoff.contains("Sam Second") && !kickoff.contains("Robin"),
        "{panel}"
    );
    let initial = &panel[panel.find("<dt>Goal alignment</dt>").unwrap()..];
    assert!(
        initial.contains("2 engagements have not scheduled it"),
        "{panel}"
    );
    assert!(
        !panel.contains("<dt>Closing review</dt>"),
        "not expected: {panel}"
    );
}

/// Every set of kinds already held, past the middle of the engagement (not
/// yet its last weeks), with the sessions done and a goal to share: what
/// comes next is the first included kind after the furthest one held.
#[tokio::test]
async fn readiness_after_every_set_of_kinds_held() {
    let t = trio(true).await;
    t.kinds(&["kickoff", "initial", "midpoint", "closing"], &[])
        .await;
    t.dates(200, 165).await;
    t.sessions_done(2).await;
    let all = [Kind::Kickoff, Kind::Initial, Kind::Midpoint, Kind::Closing];
    for set in 0u8..16 {
        let held: Vec<Kind> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| set & (1 << i) != 0)
            .map(|(_, k)| *k)
            .collect();
        sqlx::query("delete from alignment_meetings")
            .execute(&mut t.app.owner_connection().await)
            .await
            .unwrap();
        for kind in &held {
            t.held(*kind).await;
        }
        let furthest = held.last().copied();
        let expected = match furthest {
            None => "Time for the kickoff",
            Some(Kind::Kickoff) => "Time for the goal alignment",
            Some(Kind::Initial) => "Time for the midpoint check-in",
            Some(Kind::Midpoint) => "Next: the closing review",
            Some(Kind::Closing) => "Every planned meeting used",
        };
        let card = t.card().await;
        assert!(card.contains(expected), "held {held:?}: {card}");
    }
    assert_eq!(t.app.assert_progress_follows_facts().await, 1);
}
