//! An attacker's go at the programme report. An admin who wants an exact
//! figure about fewer than the threshold of people tries the four known
//! attacks through the report's CSV, as anyone with the admin role could:
//! a rate printed beside a hidden count, two overlapping periods, a report
//! before and after a change the admin made, and a total minus its parts.
//!
//! The attacker is honest about what the page says of its own figures: when
//! the page says counts are moved by up to some amount, every deduction keeps
//! that much room. A deduction that leaves exactly one possible value, and that
//! value is the true one, is a disclosure and fails the test.

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::support::{TestApp, Visitor, roles};

mod overlaps;
mod toggling;

const THRESHOLD: i64 = 5;

struct World {
    app: TestApp,
    admin: Visitor,
    programme: Uuid,
    /// (engagement, coachee, department), in the order seeded.
    engagements: Vec<(Uuid, Uuid, &'static str)>,
    coach: Uuid,
}

fn at(m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, 10, 0, 0).unwrap()
}

/// Eighteen coachees in three departments of six. Engineering and Sales are
/// active; Support has one active engagement and five paused. Everyone has a
/// completed session on the 15th of January, February and March, on
/// Delegation — except one Sales coachee, whose January session was on
/// Negotiation. One Engineering coachee also had a session on 10 April: the
/// only one that month. Three Sales engagements had their alignment meeting
/// held on 20 March.
async fn world() -> World {
    use triad::db::alignment as meetings;
    use triad::db::coaching::{self, Documentation, SessionStatus};
    use triad::db::engagements::{self, EngagementFields, Status};
    use triad::db::programs;
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
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let programme = programs::create_program(
        &mut tx,
        org,
        &programs::ProgramFields {
            name: "Leading Teams".into(),
            description: String::new(),
            starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            cadence: programs::Cadence::Monthly,
            sessions_included: 8,
            reporting_threshold: THRESHOLD as i32,
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
    let negotiation = programs::add_skill(&mut tx, org, "Negotiation")
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let mut engagements_made = Vec::new();
    for (d, department) in ["Engineering", "Sales", "Support"].into_iter().enumerate() {
        for i in 0..6 {
            let coachee = app
                .seed_member(
                    org,
                    &format!("{}{i}@acme.test", department.to_lowercase()),
                    &format!("{department} {i}"),
                    roles(false, false, true),
                )
                .await;
            let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
            let status = if d == 2 && i > 0 {
                Status::Paused
            } else {
                Status::Active
            };
            let engagement = engagements::create(
                &mut tx,
                org,
                programme,
                &EngagementFields {
                    coachee_id: coachee,
                    coach_id: Some(coach),
                    starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    ends_on: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
                    status,
                    manager_name: "A Manager".into(),
                    manager_email: "manager@example.com".into(),
                    department: department.into(),
                },
            )
            .await
            .unwrap();
            let mut plan = vec![at(1, 15), at(2, 15), at(3, 15)];
            if department == "Engineering" && i == 0 {
                plan.push(at(4, 10));
            }
            for (n, when) in plan.into_iter().enumerate() {
                let skill = if department == "Sales" && i == 0 && n == 0 {
                    negotiation
                } else {
                    delegation
                };
                let session = coaching::schedule(&mut tx, org, engagement, when, 60, coach)
                    .await
                    .unwrap();
                coaching::document(
                    &mut tx,
                    org,
                    session,
                    &Documentation {
                        status: SessionStatus::Completed,
                        focus_skill_id: Some(skill),
                        focus_area: String::new(),
                        key_points: "Notes".into(),
                        agreed_actions: "Actions".into(),
                    },
                )
                .await
                .unwrap();
            }
            if department == "Sales" && (1..=3).contains(&i) {
                let (meeting, _) = meetings::create(
                    &mut tx,
                    org,
                    &meetings::NewMeeting {
                        engagement_id: engagement,
                        kind: triad::alignment::Kind::Initial,
                        duration_minutes: 30,
                        place: "Room".into(),
                        agenda: "Agenda".into(),
                        request_key: Uuid::new_v4(),
                        created_by: coachee,
                    },
                )
                .await
                .unwrap();
                meetings::set_time(&mut tx, org, meeting, at(3, 20), 30, "Room")
                    .await
                    .unwrap();
                meetings::set_outcome(&mut tx, org, meeting, true)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
            engagements_made.push((engagement, coachee, department));
        }
    }
    let mut conn = app.owner_connection().await;
    sqlx::query("update alignment_meetings set created_at = '2026-03-01T10:00:00Z'")
        .execute(&mut conn)
        .await
        .unwrap();
    World {
        app,
        admin,
        programme,
        engagements: engagements_made,
        coach,
    }
}

/// The report's CSV for a period, as (section, figure, group) → value.
struct Published {
    rows: Vec<[String; 4]>,
    /// How far the page says a count may be from the truth.
    slack: i64,
}

impl Published {
    fn get(&self, section: &str, figure: &str, group: &str) -> &str {
        self.rows
            .iter()
            .find(|r| r[0] == section && r[1] == figure && r[2] == group)
            .map_or("", |r| r[3].as_str())
    }

    /// A count as printed, or None when it is hidden.
    fn count(&self, section: &str, figure: &str, group: &str) -> Option<i64> {
        self.get(section, figure, group).parse().ok()
    }

    /// A rate as printed, in whole percent, or None when it is hidden.
    fn rate(&self, section: &str, figure: &str, group: &str) -> Option<i64> {
        self.get(section, figure, group)
            .strip_suffix('%')
            .and_then(|p| p.parse().ok())
    }

    fn hidden(&self, section: &str, figure: &str, group: &str) -> bool {
        let v = self.get(section, figure, group);
        v.starts_with("fewer than") || v == "not shown"
    }
}

impl World {
    async fn report(&self, from: &str, to: &str) -> Published {
        let page = self
            .admin
            .text(&format!(
                "/admin/programmes/{}/report?from={from}&to={to}",
                self.programme
            ))
            .await;
        // The attacker reads what the page says of its own figures: with the
        // cell-key method, up to 2 for each month a count covers.
        let months = {
            let (from, to) = (parse(from), parse(to));
            i64::from(to.year_month() - from.year_month()) + 1
        };
        let slack = if page.contains("cell-key") {
            2 * months
        } else {
            0
        };
        let response = self
            .admin
            .get(&format!(
                "/admin/programmes/{}/report.csv?from={from}&to={to}",
                self.programme
            ))
            .await;
        assert_eq!(response.status(), 200);
        let text = response.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows = reader
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
            .collect();
        Published { rows, slack }
    }
}

trait YearMonth {
    fn year_month(&self) -> u32;
}

impl YearMonth for NaiveDate {
    fn year_month(&self) -> u32 {
        use chrono::Datelike;
        self.year() as u32 * 12 + self.month0()
    }
}

fn parse(date: &str) -> NaiveDate {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap()
}

/// Every value in `low..=high` not ruled out; a disclosure when that leaves only the truth.
fn assert_not_pinned(low: i64, high: i64, truth: i64, what: &str) {
    assert!(
        low > high || (low, high) != (truth, truth),
        "{what}: worked out exactly as {truth}"
    );
}

/// Counts `n` out of `of` that print as `percent`.
fn numerators(percent: i64, of: i64) -> Vec<i64> {
    (0..=of.max(0))
        .filter(|&n| of > 0 && (100.0 * n as f64 / of as f64).round() as i64 == percent)
        .collect()
}

/// The range of true numerators behind a printed rate over a printed (or
/// known) denominator, with the page's own slack on both.
fn numerator_range(percent: i64, denominator: i64, slack: i64) -> Option<(i64, i64)> {
    let candidates: Vec<i64> = (denominator - slack..=denominator + slack)
        .flat_map(|d| numerators(percent, d))
        .collect();
    let low = *candidates.iter().min()?;
    let high = *candidates.iter().max()?;
    Some(((low - slack).max(0), high + slack))
}

#[tokio::test]
async fn a_rate_beside_a_hidden_count_does_not_give_the_count_away() {
    let w = world().await;
    let r = w.report("2026-01-01", "2026-03-31").await;
    let section = "Alignment meetings";
    // Three engagements had a meeting held: too few to show.
    assert!(r.hidden(section, "Held", "Whole programme"), "{:?}", r.rows);
    for (group, engagements, truth) in [("Whole programme", 18, 3), ("Sales", 6, 3)] {
        let Some(percent) = r.rate(section, "Engagements with a meeting held", group) else {
            continue;
        };
        let denominator = r
            .count("Engagements", "Engagements", group)
            .unwrap_or(engagements);
        if let Some((low, high)) = numerator_range(percent, denominator, r.slack) {
            assert_not_pinned(
                low.max(1),
                high,
                truth,
                &format!("meetings held in {group}"),
            );
        }
    }
    // The same for a rate whose denominator is hidden: a share of a count
    // that reads "not shown" must not pin the count it is a share of.
    for group in ["Whole programme", "Engineering", "Sales", "Support"] {
        if r.hidden("Engagements", "Active", group) {
            let rate = r.rate("Coaching sessions", "Cadence kept", group);
            assert!(
                rate.is_none(),
                "{group}: cadence kept shown over a hidden count of active engagements"
            );
        }
    }
}

#[tokio::test]
async fn two_overlapping_periods_do_not_give_away_what_lies_between_them() {
    let w = world().await;
    // One Engineering coachee had a session on 10 April, the only one then.
    for ((from_a, to_a), (from_b, to_b)) in [
        (("2026-01-01", "2026-04-09"), ("2026-01-01", "2026-04-10")),
        (("2026-01-01", "2026-03-31"), ("2026-01-01", "2026-04-30")),
        (("2026-04-11", "2026-06-30"), ("2026-04-10", "2026-06-30")),
    ] {
        let a = w.report(from_a, to_a).await;
        let b = w.report(from_b, to_b).await;
        for group in ["Whole programme", "Engineering"] {
            let (Some(x), Some(y)) = (
                a.count("Coaching sessions", "Completed sessions", group),
                b.count("Coaching sessions", "Completed sessions", group),
            ) else {
                continue;
            };
            let slack = a.slack + b.slack;
            // What lies between is at least one session, as the month's row
            // says ("fewer than 5", not 0).
            assert_not_pinned(
                (y - x - slack).max(1),
                y - x + slack,
                1,
                &format!("{group}: sessions between {to_a} and {to_b}"),
            );
        }
    }
}

#[tokio::test]
async fn a_report_before_and_after_pausing_one_engagement_gives_nothing_away() {
    let w = world().await;
    let period = ("2026-01-01", "2026-03-31");
    let before = w.report(period.0, period.1).await;
    // The admin pauses one Engineering engagement, and changes a setting so
    // the report is counted afresh rather than read from the kept copy.
    let (engagement, coachee, _) = w.engagements[1];
    let response = w
        .admin
        .post(
            &format!("/admin/engagements/{engagement}"),
            &[
                ("coachee_id", &coachee.to_string()),
                ("coach_id", &w.coach.to_string()),
                ("starts_on", "2026-01-01"),
                ("ends_on", "2026-12-31"),
                ("status", "paused"),
                ("manager_name", "A Manager"),
                ("manager_email", "manager@example.com"),
                ("department", "Engineering"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = w
        .admin
        .post(
            &format!("/admin/programmes/{}/accountability", w.programme),
            &[("inactivity_weeks", "7")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let after = w.report(period.0, period.1).await;
    // The admin knows how many engagements are active: 13 before, 12 after.
    // Whether the paused coachee kept the cadence (they did: 1) is theirs.
    for (group, active_before, active_after) in [("Whole programme", 13, 12), ("Engineering", 6, 5)]
    {
        let (Some(p), Some(q)) = (
            before.rate("Coaching sessions", "Cadence kept", group),
            after.rate("Coaching sessions", "Cadence kept", group),
        ) else {
            continue;
        };
        let den_before = before
            .count("Engagements", "Active", group)
            .unwrap_or(active_before);
        let den_after = after
            .count("Engagements", "Active", group)
            .unwrap_or(active_after);
        let (Some((lo_b, hi_b)), Some((lo_a, hi_a))) = (
            numerator_range(p, den_before, before.slack),
            numerator_range(q, den_after, after.slack),
        ) else {
            continue;
        };
        assert_not_pinned(
            (lo_b - hi_a).max(0),
            (hi_b - lo_a).min(1),
            1,
            &format!("{group}: whether the paused coachee kept the cadence"),
        );
    }
    // And no count about the paused coachee's group is pinned by the change.
    for figure in ["Active", "Paused"] {
        if let (Some(x), Some(y)) = (
            before.count("Engagements", figure, "Engineering"),
            after.count("Engagements", figure, "Engineering"),
        ) {
            let slack = before.slack + after.slack;
            let truth = if figure == "Paused" { 1 } else { -1 };
            assert_not_pinned(y - x - slack, y - x + slack, truth, figure);
        }
    }
}

#[tokio::test]
async fn a_total_minus_its_parts_does_not_give_a_hidden_part_away() {
    let w = world().await;
    for (from, to) in [("2026-01-01", "2026-03-31"), ("2026-01-01", "2026-04-30")] {
        let r = w.report(from, to).await;
        let all = "Whole programme";
        let Some(total) = r.count("Coaching sessions", "Completed sessions", all) else {
            continue;
        };
        // Every completed session had a focus on a skill, and fell in a month
        // of the period: both lists add up to the total.
        for (section, truths) in [
            ("Focus areas", vec![("Negotiation", 1)]),
            ("Sessions per month", vec![("Apr 2026", 1)]),
        ] {
            let parts: Vec<&[String; 4]> = r.rows.iter().filter(|x| x[0] == section).collect();
            let hidden: Vec<&&[String; 4]> = parts
                .iter()
                .filter(|x| x[3].starts_with("fewer than") || x[3] == "not shown")
                .collect();
            if hidden.len() != 1 {
                continue;
            }
            let shown: Vec<i64> = parts.iter().filter_map(|x| x[3].parse().ok()).collect();
            let slack = r.slack * (shown.len() as i64 + 1);
            let rest = total - shown.iter().sum::<i64>();
            for (label, truth) in &truths {
                if hidden[0][1] == *label {
                    assert_not_pinned(
                        (rest - slack).max(1),
                        rest + slack,
                        *truth,
                        &format!("{section} {label}, {from} to {to}"),
                    );
                }
            }
        }
    }
}
