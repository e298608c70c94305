//! Robin's coaching so far, for the coachee's and coach's pages.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

/// Robin's coaching so far: two documented sessions, one coming up, goals.
pub(super) async fn seed_demo_coaching(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    coach: Uuid,
    skills: &[Option<Uuid>],
    activities: &[Uuid],
) -> anyhow::Result<()> {
    use crate::db::coaching::{self, Documentation, SessionStatus};
    use crate::db::goals::{self, GoalFields, GoalStatus};
    let now = chrono::Utc::now();
    let sessions = [
        (
            -42,
            Some(Documentation {
                status: SessionStatus::Completed,
                focus_skill_id: skills[0],
                focus_area: String::new(),
                key_points: "Feedback tends to come late, bundled at review time\nWants to be direct without sounding harsh".into(),
                agreed_actions: "Give one piece of feedback within a day of noticing it\nWrite the first sentence before the conversation".into(),
            }),
            Some(activities[0]),
        ),
        (
            -14,
            Some(Documentation {
                status: SessionStatus::Completed,
                focus_skill_id: skills[1],
                focus_area: String::new(),
                key_points: "Holds on to the weekly report out of habit\nTeam has someone ready to take it".into(),
                agreed_actions: "Hand the weekly report to Sam with a short checklist".into(),
            }),
            Some(activities[1]),
        ),
        (9, None, None),
    ];
    for (days, documentation, activity) in sessions {
        let starts_at = now + chrono::Duration::days(days);
        let session = coaching::schedule(conn, org, engagement, starts_at, 60, coach).await?;
        if let Some(documentation) = documentation {
            coaching::document(conn, org, session, &documentation).await?;
        }
        if let Some(activity) = activity {
            coaching::set_assignments(conn, org, engagement, session, &[activity]).await?;
        }
    }
    let demo_goals = [
        (
            "Give timely, specific feedback to my team",
            GoalStatus::Active,
            40,
            skills[0],
            true,
        ),
        (
            "Delegate two recurring tasks by the end of the quarter",
            GoalStatus::Active,
            25,
            skills[1],
            true,
        ),
        (
            "Feel calmer in conflict with peers",
            GoalStatus::Draft,
            0,
            skills[2],
            false,
        ),
    ];
    for (title, status, progress, skill_id, shared) in demo_goals {
        let fields = GoalFields {
            title: title.into(),
            description: String::new(),
            skill_id,
            status,
            progress,
        };
        let goal = goals::create(conn, org, engagement, &fields).await?;
        goals::set_shared(conn, org, goal, shared).await?;
    }
    Ok(())
}
