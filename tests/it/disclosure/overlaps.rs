//! The same people behind several figures count once. Two coachees with goals
//! in three statuses are two people, not six; two coachees whose sessions fall
//! under three focus areas are two people, whose sessions a total minus the
//! shown focus areas would give away. And a share hidden for one department
//! must not be left to the programme's share minus the other departments'.

use std::collections::BTreeSet;

use triad::db::coaching::{self, Documentation, SessionStatus};
use triad::db::{goals, programs};

use super::toggling::org_of;
use super::*;

/// Two Engineering coachees (the world's third and fourth) work on three more
/// skills: a completed session on each in January, February and March, and a
/// goal on the first in draft, one active and one achieved. Returns the skills.
async fn two_coachees_everywhere(w: &World) -> [&'static str; 3] {
    let org = org_of(w).await;
    let names = ["Feedback", "Influence", "Prioritising"];
    let mut tx = triad::db::begin_tenant(&w.app.pool, org).await.unwrap();
    let mut skills = Vec::new();
    for name in names {
        skills.push(
            programs::add_skill(&mut tx, org, name)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    for &(engagement, _, department) in &w.engagements[2..4] {
        assert_eq!(department, "Engineering");
        for (month, &skill) in skills.iter().enumerate() {
            let when = at(month as u32 + 1, 20);
            let session = coaching::schedule(&mut tx, org, engagement, when, 60, w.coach)
                .await
                .unwrap();
            let documentation = Documentation {
                status: SessionStatus::Completed,
                focus_skill_id: Some(skill),
                focus_area: String::new(),
                key_points: "Notes".into(),
                agreed_actions: "Actions".into(),
            };
            coaching::document(&mut tx, org, session, &documentation)
                .await
                .unwrap();
        }
        for status in [
            goals::GoalStatus::Draft,
            goals::GoalStatus::Active,
            goals::GoalStatus::Achieved,
        ] {
            let fields = goals::GoalFields {
                title: "A goal".into(),
                description: String::new(),
                skill_id: Some(skills[0]),
                status,
                progress: 0,
            };
            goals::create(&mut tx, org, engagement, &fields)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    // Set within the period, whenever the test runs.
    let mut owner = w.app.owner_connection().await;
    sqlx::query(
        "update goals set created_at = '2026-02-01T10:00:00Z', updated_at = '2026-02-01T10:00:00Z'",
    )
    .execute(&mut owner)
    .await
    .unwrap();
    names
}

#[tokio::test]
async fn goals_of_two_coachees_in_three_statuses_are_about_two_people() {
    let w = world().await;
    let [skill, ..] = two_coachees_everywhere(&w).await;
    let r = w.report("2026-01-01", "2026-03-31").await;
    for status in ["Draft", "Working on it", "Achieved", "All"] {
        let figure = format!("{skill} — {status}");
        assert_eq!(
            r.get("Goals by skill", &figure, "Whole programme"),
            "fewer than 5",
            "{figure}: {:?}",
            r.rows
        );
    }
    let page = w
        .admin
        .text(&format!(
            "/admin/programmes/{}/report?from=2026-01-01&to=2026-03-31",
            w.programme
        ))
        .await;
    let row = page
        .split("id=\"skills-title\"")
        .nth(1)
        .expect("the goals by skill")
        .split(&format!("<th scope=\"row\">{skill}</th>"))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("the skill's row");
    let cells: Vec<&str> = row
        .split("<td>")
        .skip(1)
        .map(|c| c.trim_end_matches("</td>"))
        .collect();
    // draft, active, achieved, dropped, all, achieved in the period
    assert_eq!(cells[4], "fewer than 5", "All, on the page: {row}");
}

#[tokio::test]
async fn three_focus_areas_of_the_same_two_coachees_leave_nothing_to_subtract() {
    let w = world().await;
    let skills = two_coachees_everywhere(&w).await;
    let r = w.report("2026-01-01", "2026-03-31").await;
    // Who had sessions on what: everyone on Delegation, one Sales coachee on
    // Negotiation, the same two Engineering coachees on the three others.
    let people = |theme: &str| -> BTreeSet<usize> {
        match theme {
            "Delegation" => (0..18).collect(),
            "Negotiation" => [6].into(),
            t if skills.contains(&t) => [2, 3].into(),
            other => panic!("unexpected focus area {other}"),
        }
    };
    let themes: Vec<&[String; 4]> = r.rows.iter().filter(|x| x[0] == "Focus areas").collect();
    let hidden: BTreeSet<usize> = themes
        .iter()
        .filter(|x| x[3].starts_with("fewer than") || x[3] == "not shown")
        .flat_map(|x| people(&x[1]))
        .collect();
    for theme in &skills {
        assert!(r.hidden("Focus areas", theme, "Whole programme"), "{theme}");
    }
    // The completed sessions minus the focus areas shown are the sessions of
    // everyone behind the hidden ones: they must be at least five people, or
    // the total must not be shown.
    let total = r.count("Coaching sessions", "Completed sessions", "Whole programme");
    assert!(
        total.is_none() || hidden.len() >= THRESHOLD as usize,
        "the total ({total:?}) minus the focus areas shown gives the sessions of {} people: {themes:?}",
        hidden.len()
    );
}

#[tokio::test]
async fn a_share_hidden_for_one_department_is_not_left_to_subtraction() {
    let w = world().await;
    // Support's five paused engagements become active, but their March
    // sessions did not happen: one Support engagement of six keeps the cadence.
    let support: Vec<uuid::Uuid> = w.engagements[13..18].iter().map(|e| e.0).collect();
    let mut owner = w.app.owner_connection().await;
    sqlx::query("update engagements set status = 'active' where id = any($1)")
        .bind(&support)
        .execute(&mut owner)
        .await
        .unwrap();
    sqlx::query(
        "update coaching_sessions set status = 'cancelled'
         where engagement_id = any($1) and starts_at >= '2026-03-01'",
    )
    .bind(&support)
    .execute(&mut owner)
    .await
    .unwrap();
    let r = w.report("2026-01-01", "2026-03-31").await;
    let (section, figure) = ("Coaching sessions", "Cadence kept");
    assert_eq!(
        r.get(section, figure, "Support"),
        "fewer than 5",
        "{:?}",
        r.rows
    );
    assert!(r.count("Engagements", "Active", "Support").is_some());
    // The programme's share of its active engagements, less Engineering's and
    // Sales' shares of theirs, would be Support's count.
    let others_hidden = ["Engineering", "Sales"]
        .iter()
        .any(|g| r.hidden(section, figure, g));
    assert!(
        r.hidden(section, figure, "Whole programme") || others_hidden,
        "Support's share is hidden but the programme's and every other department's are shown: {:?}",
        r.rows
    );
}

#[tokio::test]
async fn dates_outside_any_programme_are_refused_on_the_page_and_in_the_export() {
    let w = world().await;
    for (from, to) in [
        ("%2B262140-01-01", "%2B262142-12-31"),
        ("9999-01-01", "9999-12-31"),
        ("1066-10-01", "1066-10-31"),
    ] {
        let query = format!("from={from}&to={to}");
        let page = w
            .admin
            .get(&format!("/admin/programmes/{}/report?{query}", w.programme))
            .await;
        assert_eq!(page.status(), 422, "{query}");
        let text = page.text().await.unwrap();
        assert!(
            text.contains("Choose dates between 2000 and 2100"),
            "{query}"
        );
        let typed = from.replace("%2B", "+");
        assert!(
            text.contains(&format!("value=\"{typed}\"")),
            "{query}: keeps what was typed"
        );
        let export = w
            .admin
            .get(&format!(
                "/admin/programmes/{}/report.csv?{query}",
                w.programme
            ))
            .await;
        assert_eq!(export.status(), 303, "{query}");
        let location = crate::support::location(&export);
        let text = w.admin.text(&location).await;
        assert!(
            text.contains("Choose dates between 2000 and 2100"),
            "{query}: {location}"
        );
    }
}
