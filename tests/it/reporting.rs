//! The programme report: known numbers counted right, small groups hidden
//! (also against subtraction), the CSV, the words nobody may read there, and
//! quiet engagements with the nudge to their coach.

use chrono::{NaiveDate, TimeZone, Utc};

use crate::support::{TestApp, Visitor, roles};

mod accountability;
mod counts;

/// Planted in every free-text field anyone can write: it must never reach a report.
const MARKER: &str = "MARKER-q7z";

struct Seeded {
    app: TestApp,
    admin: Visitor,
    programme: uuid::Uuid,
    org: triad::db::TenantId,
}

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
}

/// Twelve coachees: six in a department named like a spreadsheet formula, five
/// in Ops, one in Legal (too small on its own, so merged with Ops). Sessions,
/// meetings, activities and goals in known numbers; every text field written
/// holds the marker.
async fn seeded() -> Seeded {
    use triad::db::alignment as meetings;
    use triad::db::coaching::{self, Documentation, SessionStatus};
    use triad::db::engagements::{self, EngagementFields, Status};
    use triad::db::{goals, programs};
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    let coach = app
        .seed_member(
            org,
            "coach@acme.test",
            "Casey Coach",
            roles(false, true, false),
        )
        .await;
    let mut coachees = Vec::new();
    for i in 0..12 {
        coachees.push(
            app.seed_member(
                org,
                &format!("c{i}@acme.test"),
                &format!("Coachee {i}"),
                roles(false, false, true),
            )
            .await,
        );
    }
    let keys = crate::support::guest_keys();
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let programme = programs::create_program(
        &mut tx,
        org,
        &programs::ProgramFields {
            name: "Leading Teams".into(),
            description: String::new(),
            starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
            cadence: programs::Cadence::Monthly,
            sessions_included: 8,
            reporting_threshold: 5,
        },
    )
    .await
    .unwrap();
    programs::set_alignment_rules(
        &mut tx,
        org,
        programme,
        &programs::AlignmentRules {
            enabled: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let delegation = programs::add_skill(&mut tx, org, "Delegation")
        .await
        .unwrap()
        .unwrap();
    let activity = programs::create_activity(
        &mut tx,
        org,
        &programs::ActivityFields {
            title: "Reading".into(),
            kind: programs::ActivityKind::Reading,
            url: None,
            skill_id: None,
        },
    )
    .await
    .unwrap();
    for (i, coachee) in coachees.iter().enumerate() {
        let (department, status) = match i {
            0..=4 => ("=SUM(1+1)*Sales", Status::Active),
            5 => ("=SUM(1+1)*Sales", Status::Paused),
            6..=10 => ("Ops", Status::Active),
            _ => ("Legal", Status::Completed),
        };
        let sales = i < 6;
        let engagement = engagements::create(
            &mut tx,
            org,
            programme,
            &EngagementFields {
                coachee_id: *coachee,
                coach_id: Some(coach),
                starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                ends_on: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
                status,
                manager_name: format!("Manager {MARKER}"),
                manager_email: "manager@example.com".into(),
                department: department.into(),
            },
        )
        .await
        .unwrap();
        let document = |status, skill: Option<uuid::Uuid>| Documentation {
            status,
            focus_skill_id: skill,
            focus_area: if skill.is_some() {
                String::new()
            } else {
                format!("Focus {MARKER}")
            },
            key_points: format!("Key points {MARKER}"),
            agreed_actions: format!("Actions {MARKER}"),
        };
        // Sales: completed in February and March, on delegation. Others: one
        // completed in March in their own words, one cancelled in April.
        let plan: Vec<(chrono::DateTime<Utc>, SessionStatus, Option<uuid::Uuid>)> = if sales {
            vec![
                (at(2026, 2, 10), SessionStatus::Completed, Some(delegation)),
                (at(2026, 3, 10), SessionStatus::Completed, Some(delegation)),
            ]
        } else {
            vec![
                (at(2026, 3, 12), SessionStatus::Completed, None),
                (at(2026, 4, 12), SessionStatus::Cancelled, None),
            ]
        };
        for (n, (when, status, skill)) in plan.into_iter().enumerate() {
            let session = coaching::schedule(&mut tx, org, engagement, when, 60, coach)
                .await
                .unwrap();
            coaching::document(&mut tx, org, session, &document(status, skill))
                .await
                .unwrap();
            coaching::save_private_notes(
                &mut tx,
                org,
                session,
                coach,
                &format!("Private {MARKER}"),
            )
            .await
            .unwrap();
            // Three sessions assign the activity.
            if sales && n == 0 && i < 3 {
                coaching::set_assignments(&mut tx, org, engagement, session, &[activity])
                    .await
                    .unwrap();
            }
        }
        // Before the period: not counted.
        let old = coaching::schedule(&mut tx, org, engagement, at(2025, 12, 1), 60, coach)
            .await
            .unwrap();
        coaching::document(
            &mut tx,
            org,
            old,
            &document(SessionStatus::Completed, Some(delegation)),
        )
        .await
        .unwrap();
        let goal = goals::create(
            &mut tx,
            org,
            engagement,
            &goals::GoalFields {
                title: format!("Goal {MARKER}"),
                description: format!("Why {MARKER}"),
                skill_id: Some(delegation),
                status: match i {
                    0..=5 => goals::GoalStatus::Active,
                    6..=8 => goals::GoalStatus::Achieved,
                    _ => goals::GoalStatus::Draft,
                },
                progress: 50,
            },
        )
        .await
        .unwrap();
        goals::set_shared(&mut tx, org, goal, true).await.unwrap();
        // Five Sales coachees invite their manager; five open the link, four
        // accept, three meetings are held on 1 May.
        if i < 5 {
            let (meeting, _) = meetings::create(
                &mut tx,
                org,
                &meetings::NewMeeting {
                    engagement_id: engagement,
                    kind: triad::alignment::Kind::Initial,
                    duration_minutes: 30,
                    place: format!("Room {MARKER}"),
                    agenda: format!("Agenda {MARKER}"),
                    request_key: uuid::Uuid::new_v4(),
                    created_by: *coachee,
                },
            )
            .await
            .unwrap();
            meetings::add_candidate(
                &mut tx,
                org,
                meeting,
                at(2026, 5, 1),
                "manager",
                &format!("Note {MARKER}"),
                None,
            )
            .await
            .unwrap();
            meetings::save_preparation(
                &mut tx,
                org,
                meeting,
                &meetings::Preparation {
                    success: format!("Success {MARKER}"),
                    from_manager: format!("Want {MARKER}"),
                    off_limits: format!("Off {MARKER}"),
                    concerns: format!("Worry {MARKER}"),
                    opens: "coachee".into(),
                    closes: "coach".into(),
                    coach_role: "observe".into(),
                },
            )
            .await
            .unwrap();
            meetings::save_coach_notes(&mut tx, org, meeting, &format!("Coach note {MARKER}"))
                .await
                .unwrap();
            let invite = uuid::Uuid::now_v7();
            meetings::create_invite(
                &mut tx,
                org,
                invite,
                meeting,
                "manager",
                "Manager",
                "manager@example.com",
                &keys.issue(org.0, invite),
                "UTC",
                at(2027, 1, 1),
            )
            .await
            .unwrap();
            meetings::mark_opened(&mut tx, org, invite).await.unwrap();
            let (success, noticed) = (format!("Success {MARKER}"), format!("Noticed {MARKER}"));
            meetings::save_answers(
                &mut tx,
                org,
                invite,
                &[("success", &success), ("noticed", &noticed)],
            )
            .await
            .unwrap();
            if i < 4 {
                meetings::set_rsvp(
                    &mut tx,
                    org,
                    invite,
                    "accepted",
                    &format!("Rsvp {MARKER}"),
                    None,
                )
                .await
                .unwrap();
            }
            if i < 3 {
                meetings::set_time(
                    &mut tx,
                    org,
                    meeting,
                    at(2026, 5, 1),
                    30,
                    &format!("Room {MARKER}"),
                )
                .await
                .unwrap();
                meetings::set_outcome(&mut tx, org, meeting, true)
                    .await
                    .unwrap();
                meetings::save_debrief(
                    &mut tx,
                    org,
                    meeting,
                    &meetings::Debrief {
                        feeling: format!("Feeling {MARKER}"),
                        stood_out: format!("Stood {MARKER}"),
                        others_stood_out: format!("Others {MARKER}"),
                        next_steps: format!("Next {MARKER}"),
                        coaching_changes: format!("Change {MARKER}"),
                        go_deeper: Some(true),
                        how_it_went: String::new(),
                    },
                )
                .await
                .unwrap();
            }
        }
        if i == 7 {
            meetings::request_extra(
                &mut tx,
                org,
                engagement,
                &format!("Reason {MARKER}"),
                *coachee,
            )
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    // Achieved goals were achieved in the period; meetings were planned in it.
    let mut conn = app.owner_connection().await;
    for sql in [
        "update goals set updated_at = '2026-06-01T10:00:00Z' where status = 'achieved'",
        "update alignment_meetings set created_at = '2026-04-01T10:00:00Z'",
        "update alignment_requests set created_at = '2026-04-01T10:00:00Z'",
        "update activity_assignments set assigned_at = '2026-02-10T10:00:00Z'",
        "update goals set created_at = '2026-01-15T10:00:00Z'",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    Seeded {
        app,
        admin,
        programme,
        org,
    }
}

const PERIOD: &str = "from=2026-01-01&to=2026-06-30";

#[tokio::test]
async fn nothing_anyone_wrote_reaches_a_report_page_or_export() {
    let s = seeded().await;
    let programme = s.programme;
    for path in [
        format!("/admin/programmes/{programme}/report?{PERIOD}"),
        format!("/admin/programmes/{programme}/report"),
        format!("/admin/programmes/{programme}/report.csv?{PERIOD}"),
        format!("/admin/programmes/{programme}/report.csv"),
        "/admin/accountability".to_owned(),
    ] {
        let response = s.admin.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.len() > 500, "{path} rendered something");
        assert!(
            !body.contains(MARKER),
            "{path} shows something someone wrote"
        );
    }
    // The marker is really there to be found, in what the coach sees.
    let count: i64 = sqlx::query_scalar(
        "select count(*) from coaching_sessions where key_points like '%MARKER%'",
    )
    .fetch_one(&mut s.app.owner_connection().await)
    .await
    .unwrap();
    assert!(count > 0);
}
