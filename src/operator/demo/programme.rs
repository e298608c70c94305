//! Northwind's programme, catalogue and four engagements with logins, on
//! which the other stories of the demo are told.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::alignment::Kind;
use crate::config::Config;
use crate::db::TenantId;

use super::alignment::seed_demo_alignment;
use super::coaching::seed_demo_coaching;
use super::cohort::seed_demo_cohort;
use super::journey::seed_demo_journey;

/// Northwind's programme and catalogue, so the admin pages have something to show.
pub(super) async fn seed_demo_programme(
    conn: &mut PgConnection,
    org: TenantId,
    users: &[Uuid],
    config: &Config,
) -> anyhow::Result<()> {
    use crate::db::engagements::{self, EngagementFields, Status};
    use crate::db::programs::{self, ActivityFields, ActivityKind, Cadence, ProgramFields};
    let today = chrono::Utc::now().date_naive();
    let starts_on = today - chrono::Duration::days(60);
    let ends_on = today + chrono::Duration::days(300);
    let programme = programs::create_program(
        conn,
        org,
        &ProgramFields {
            name: "Leading Teams".into(),
            description: "Coaching for people leading a team for the first time: feedback, delegation and the conversations that come with the role.".into(),
            starts_on,
            ends_on,
            cadence: Cadence::Monthly,
            sessions_included: 8,
            reporting_threshold: 5,
        },
    )
    .await?;
    let mut skills = Vec::new();
    for name in [
        "Giving feedback",
        "Delegation",
        "Managing conflict",
        "Strategic thinking",
        "Coaching others",
    ] {
        skills.push(programs::add_skill(conn, org, name).await?);
    }
    let activities = [
        (
            "Feedback that lands: a two-hour workshop",
            ActivityKind::Course,
            Some("https://learning.example/feedback"),
            0,
        ),
        (
            "Write down three decisions to hand over this month",
            ActivityKind::Practice,
            None,
            1,
        ),
        (
            "Article: separating positions from interests",
            ActivityKind::Reading,
            Some("https://learning.example/interests"),
            2,
        ),
        (
            "Quarterly priorities one-pager for your team",
            ActivityKind::Practice,
            None,
            3,
        ),
    ];
    // Indexes into DEMO_PEOPLE: coach1 = 1, coach2 = 2, coachee1..4 = 3..6.
    let pairs = [
        (3, 1, "Priya Shah", "priya.shah@northwind.example", "Sales"),
        (
            4,
            1,
            "Owen Clarke",
            "owen.clarke@northwind.example",
            "Engineering",
        ),
        (5, 2, "Priya Shah", "priya.shah@northwind.example", "Sales"),
        (
            6,
            2,
            "Lena Fischer",
            "lena.fischer@northwind.example",
            "Operations",
        ),
    ];
    let mut first_engagement = None;
    let mut all_engagements = Vec::new();
    for (coachee, coach, manager_name, manager_email, department) in pairs {
        let engagement = engagements::create(
            conn,
            org,
            programme,
            &EngagementFields {
                coachee_id: users[coachee],
                coach_id: Some(users[coach]),
                starts_on,
                ends_on,
                status: Status::Active,
                manager_name: manager_name.into(),
                manager_email: manager_email.into(),
                department: department.into(),
            },
        )
        .await?;
        first_engagement.get_or_insert((engagement, users[coach]));
        all_engagements.push((engagement, users[coachee]));
    }
    let mut activity_ids = Vec::new();
    for (title, kind, url, skill) in activities {
        let id = programs::create_activity(
            conn,
            org,
            &ActivityFields {
                title: title.into(),
                kind,
                url: url.map(Into::into),
                skill_id: skills[skill],
            },
        )
        .await?;
        activity_ids.push(id);
    }
    if let Some((engagement, coach)) = first_engagement {
        seed_demo_coaching(conn, org, engagement, coach, &skills, &activity_ids).await?;
    }
    programs::set_alignment_rules(
        conn,
        org,
        programme,
        &programs::AlignmentRules {
            enabled: true,
            // Every engagement is expected to align on its goals and check in
            // at the midpoint: the programme page lists who has not yet.
            expected: vec![Kind::Initial, Kind::Midpoint],
            ..programs::AlignmentRules::default()
        },
    )
    .await?;
    seed_demo_alignment(conn, org, config, &all_engagements).await?;
    // Noor, Felix, Ines and Omar: the last four people of the demo.
    let journey: [Uuid; 4] = users[users.len() - 4..]
        .try_into()
        .expect("the demo's last four are the Growing Leaders coachees");
    seed_demo_journey(conn, org, config, journey, [users[1], users[2]]).await?;
    let coaches = [users[1], users[2]];
    seed_demo_cohort(
        conn,
        org,
        programme,
        coaches,
        starts_on,
        &skills,
        &activity_ids,
    )
    .await?;
    Ok(())
}
