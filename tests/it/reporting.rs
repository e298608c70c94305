//! The programme report: known numbers counted right, small groups hidden
//! (also against subtraction), the CSV, the words nobody may read there, and
//! quiet engagements with the nudge to their coach.

use chrono::{NaiveDate, TimeZone, Utc};

use crate::support::{TestApp, Visitor, roles};

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
                coach_id: coach,
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
                "Manager",
                "manager@example.com",
                &keys.issue(org.0, invite),
                "UTC",
                at(2027, 1, 1),
            )
            .await
            .unwrap();
            meetings::mark_opened(&mut tx, org, invite).await.unwrap();
            meetings::save_answers(
                &mut tx,
                org,
                invite,
                &format!("Strong {MARKER}"),
                &format!("Grow {MARKER}"),
                &format!("Help {MARKER}"),
            )
            .await
            .unwrap();
            if i < 4 {
                meetings::set_rsvp(&mut tx, org, invite, "accepted", &format!("Rsvp {MARKER}"))
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
                        how_it_went: format!("Went {MARKER}"),
                        stood_out: format!("Stood {MARKER}"),
                        coaching_changes: format!("Change {MARKER}"),
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

/// The CSV as (section, figure, group) → value.
fn parse_csv(text: &str) -> Vec<[String; 4]> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            [
                r[0].to_owned(),
                r[1].to_owned(),
                r[2].to_owned(),
                r[3].to_owned(),
            ]
        })
        .collect()
}

fn value<'a>(rows: &'a [[String; 4]], section: &str, figure: &str, group: &str) -> &'a str {
    rows.iter()
        .find(|r| r[0] == section && r[1] == figure && r[2] == group)
        .map(|r| r[3].as_str())
        .unwrap_or_else(|| panic!("no {section} / {figure} / {group} in {rows:?}"))
}

const PERIOD: &str = "from=2026-01-01&to=2026-06-30";

#[tokio::test]
async fn the_report_counts_a_known_programme_and_hides_what_could_point_to_a_person() {
    let s = seeded().await;
    let response = s
        .admin
        .get(&format!(
            "/admin/programmes/{}/report.csv?{PERIOD}",
            s.programme
        ))
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = response.text().await.unwrap();
    let rows = parse_csv(&text);
    let all = "Whole programme";
    // The department named like a formula is neutralised in the file.
    let sales = "'=SUM(1+1)*Sales";
    let other = "Other departments";
    assert!(!text.contains("\n=") && !text.contains(",="), "{text}");
    assert!(
        rows.iter().all(|r| r[2] != "Legal" && r[2] != "Ops"),
        "Legal is merged"
    );

    let v = |section, figure, group| value(&rows, section, figure, group).to_owned();
    // Counts are protected by the cell-key method: close to the truth (within
    // 2, or 2 a month for things that happen), never below the threshold.
    let near = |section, figure, group, truth: i64, months: i64| {
        let shown = v(section, figure, group);
        let n: i64 = shown
            .parse()
            .unwrap_or_else(|_| panic!("{figure} / {group} reads {shown}"));
        assert!(
            (n - truth).abs() <= 2 * months && n >= 5,
            "{figure} / {group}: {n} for {truth}"
        );
    };
    near("Engagements", "Coachees", all, 12, 1);
    near("Engagements", "Coachees", sales, 6, 1);
    near("Engagements", "Coachees", other, 6, 1);
    near("Engagements", "Engagements", all, 12, 1);
    // One paused (Sales) and one completed (Legal): too few, and the active
    // counts that would give them away by subtraction are not shown either.
    assert_eq!(v("Engagements", "Paused", all), "fewer than 5");
    assert_eq!(v("Engagements", "Paused", sales), "fewer than 5");
    assert_eq!(v("Engagements", "Paused", other), "0");
    assert_eq!(v("Engagements", "Completed", other), "fewer than 5");
    assert_eq!(v("Engagements", "Active", all), "not shown");
    assert_eq!(v("Engagements", "Active", sales), "not shown");
    assert_eq!(v("Engagements", "Active", other), "not shown");

    // Sessions completed in February (Sales) and March (everyone).
    near("Coaching sessions", "Completed sessions", all, 18, 2);
    near("Coaching sessions", "Completed sessions", sales, 12, 2);
    near("Coaching sessions", "Completed sessions", other, 6, 1);
    // Sales cancelled nothing: completed and ended are the same sessions, so
    // the same protected count, and the rate is exact.
    assert_eq!(v("Coaching sessions", "Completion rate", sales), "100%");
    let rate = |section, figure, group| -> i64 {
        let shown = v(section, figure, group);
        shown
            .strip_suffix('%')
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("{figure} / {group} reads {shown}"))
    };
    // 18 of 24, and 6 of 12, as protected: near 75% and 50%.
    assert!((55..=95).contains(&rate("Coaching sessions", "Completion rate", all)));
    assert!((25..=75).contains(&rate("Coaching sessions", "Completion rate", other)));
    // A share of a count that is not shown is not shown either.
    assert_eq!(v("Coaching sessions", "Cadence kept", all), "not shown");

    near("Alignment meetings", "Managers invited", all, 5, 1);
    // The same five meetings: the same protected count.
    assert_eq!(
        v("Alignment meetings", "Link opened", all),
        v("Alignment meetings", "Managers invited", all)
    );
    assert_eq!(v("Alignment meetings", "Accepted", all), "fewer than 5");
    assert_eq!(v("Alignment meetings", "Held", all), "fewer than 5");
    // Three of twelve had a meeting held: a share of too few is too few.
    for group in [all, sales] {
        assert_eq!(
            v(
                "Alignment meetings",
                "Engagements with a meeting held",
                group
            ),
            "fewer than 5"
        );
    }
    assert_eq!(
        v(
            "Alignment meetings",
            "Median time from start to first meeting",
            all
        ),
        "fewer than 5"
    );
    assert_eq!(
        v(
            "Alignment meetings",
            "Extra meetings requested, waiting",
            all
        ),
        "fewer than 5"
    );

    // Three sessions assigned the activity, for three people.
    assert_eq!(
        v(
            "Development activities",
            "Completed sessions that assigned an activity",
            all
        ),
        "fewer than 5"
    );
    assert_eq!(
        v("Development activities", "Activities assigned", all),
        "fewer than 5"
    );

    near("Sessions per month", "Feb 2026", all, 6, 1);
    near("Sessions per month", "Mar 2026", all, 12, 1);
    near("Focus areas", "Delegation", all, 12, 2);
    near("Focus areas", "Written in the coach's own words", all, 6, 1);
    near("Goals by skill", "Delegation — Working on it", all, 6, 1);
    assert_eq!(
        v("Goals by skill", "Delegation — Draft", all),
        "fewer than 5"
    );
    assert_eq!(
        v("Goals by skill", "Delegation — Achieved", all),
        "fewer than 5"
    );
    near("Goals by skill", "Delegation — All", all, 12, 1);
    assert_eq!(
        v("Goals by skill", "Delegation — Achieved in the period", all),
        "fewer than 5"
    );

    // No shown total minus shown parts lands on a hidden figure: wherever a
    // row or column adds up, either nothing is hidden or two or more are.
    let hidden = |x: &str| x == "fewer than 5" || x == "not shown";
    for group in [all, sales, other] {
        let parts: Vec<String> = ["Active", "Paused", "Completed", "Cancelled"]
            .iter()
            .map(|f| v("Engagements", f, group))
            .collect();
        let total = v("Engagements", "Engagements", group);
        let hidden_parts = parts.iter().filter(|p| hidden(p)).count();
        assert!(
            hidden(&total) || hidden_parts != 1,
            "{group}: {parts:?} of {total}"
        );
    }
    for figure in [
        "Active",
        "Paused",
        "Completed",
        "Accepted",
        "Held",
        "Activities assigned",
    ] {
        let section = if ["Accepted", "Held"].contains(&figure) {
            "Alignment meetings"
        } else if figure == "Activities assigned" {
            "Development activities"
        } else {
            "Engagements"
        };
        let cells = [v(section, figure, sales), v(section, figure, other)];
        let total = v(section, figure, all);
        let hidden_parts = cells.iter().filter(|c| hidden(c)).count();
        assert!(
            hidden(&total) || hidden_parts != 1,
            "{figure}: {cells:?} of {total}"
        );
    }

    // The page shows the same figures as the file, with its charts, and
    // says how they are protected.
    let page = s
        .admin
        .text(&format!(
            "/admin/programmes/{}/report?{PERIOD}",
            s.programme
        ))
        .await;
    let completion = v("Coaching sessions", "Completion rate", all);
    let completed = v("Coaching sessions", "Completed sessions", all);
    assert!(
        page.contains("fewer than 5")
            && page.contains(&format!("<td>{completion}</td>"))
            && page.contains(&format!("<td>{completed}</td>")),
        "{page}"
    );
    assert!(page.contains("How figures are protected") && page.contains("cell-key method"));
    assert!(page.contains("<svg role=\"img\""), "{page}");
    assert!(page.contains("Completed coaching sessions per month"));
    assert!(page.contains("=SUM(1+1)*Sales"), "escaped, shown as text");
    assert!(!page.contains("Legal"));

    // Counted afresh (a changed setting is a new count, not the kept one), the
    // same records give the same figures, to the last one; and a period given
    // in days is the same whole months.
    let response = s
        .admin
        .post(
            &format!("/admin/programmes/{}/accountability", s.programme),
            &[("inactivity_weeks", "8")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let again = s
        .admin
        .text(&format!(
            "/admin/programmes/{}/report.csv?from=2026-01-20&to=2026-06-02",
            s.programme
        ))
        .await;
    assert_eq!(
        parse_csv(&again),
        rows,
        "the same records, the same figures"
    );

    // Without dates, the period is whole months, up to the last whole one
    // (or, in the programme's first month, to that month's end).
    let page = s
        .admin
        .text(&format!("/admin/programmes/{}/report", s.programme))
        .await;
    let first_of_this_month = {
        use chrono::Datelike;
        let today = Utc::now().date_naive();
        today.with_day(1).unwrap()
    };
    let expected = (first_of_this_month - chrono::Days::new(1))
        .min(NaiveDate::from_ymd_opt(2027, 6, 30).unwrap())
        .max(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
    assert!(
        page.contains(&format!("id=\"to\" name=\"to\" value=\"{expected}\"")),
        "the period ends on {expected}: {page}"
    );

    // A period that ends before it starts is explained, and the dates kept.
    let response = s
        .admin
        .get(&format!(
            "/admin/programmes/{}/report?from=2026-06-30&to=2026-01-01",
            s.programme
        ))
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("ends before it starts") && body.contains("2026-06-30"),
        "{body}"
    );
}

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

#[tokio::test]
async fn a_quiet_engagement_is_listed_and_its_coach_nudged_once_a_week() {
    let s = seeded().await;
    // Every engagement's last completed session was in March: all quiet now.
    let page = s.admin.text("/admin/accountability").await;
    assert!(
        page.contains("Casey Coach") && page.contains("Coachee 3"),
        "{page}"
    );
    assert!(
        !page.contains("Coachee 5"),
        "paused engagements are not listed"
    );
    assert!(
        !page.contains("Coachee 11"),
        "completed engagements are not listed"
    );
    let engagement: uuid::Uuid = sqlx::query_scalar(
        "select e.id from engagements e join users u on u.id = e.coachee_id where u.name = 'Coachee 3'",
    )
    .fetch_one(&mut s.app.owner_connection().await)
    .await
    .unwrap();
    let nudges = || async {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from outbox_messages where recipient_email = 'coach@acme.test' and subject like 'Checking in%'",
        )
        .fetch_one(&mut s.app.owner_connection().await)
        .await
        .unwrap()
    };
    let response = s
        .admin
        .post(&format!("/admin/engagements/{engagement}/nudge"), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(nudges().await, 1);
    // Again the same week: no second email.
    let response = s
        .admin
        .post(&format!("/admin/engagements/{engagement}/nudge"), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(nudges().await, 1);
    assert!(
        s.admin
            .text("/admin/accountability")
            .await
            .contains("Nudged")
    );

    // The coach's dashboard flags the same engagements.
    let coach = s.app.visitor();
    coach
        .sign_in("coach@acme.test", crate::support::PASSWORD)
        .await;
    let home = coach.text("/home").await;
    assert!(home.contains("No session for 6+ weeks"), "{home}");

    // Automatic weekly nudges, for the programme that asks for them: each
    // quiet engagement once, the one nudged by hand not again.
    let response = s
        .admin
        .post(
            &format!("/admin/programmes/{}/accountability", s.programme),
            &[("inactivity_weeks", "6"), ("auto_nudge", "on")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let config = crate::support::test_config(s.app.data_dir.path());
    let sent = triad::reporting::nudges::automatically(&s.app.pool, &config)
        .await
        .unwrap();
    assert_eq!(sent, 9, "ten active quiet engagements, one nudged already");
    let again = triad::reporting::nudges::automatically(&s.app.pool, &config)
        .await
        .unwrap();
    assert_eq!(again, 0);
    assert_eq!(nudges().await, 10);
    let _ = s.org;
}
