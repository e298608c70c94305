//! The rest of the Leading Teams cohort, for the programme report.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;
use crate::db::people::{self, Roles};

/// The rest of the Leading Teams cohort, so the programme report has groups
/// large enough to show: twelve more coachees (without logins) across three
/// departments, with months of coaching sessions, goals, activities and a few
/// alignment meetings — and two engagements gone quiet.
pub(super) async fn seed_demo_cohort(
    conn: &mut PgConnection,
    org: TenantId,
    programme: Uuid,
    coaches: [Uuid; 2],
    starts_on: chrono::NaiveDate,
    skills: &[Option<Uuid>],
    activities: &[Uuid],
) -> anyhow::Result<()> {
    use crate::db::coaching::{self, Documentation, SessionStatus};
    use crate::db::engagements::{self, EngagementFields, Status};
    use crate::db::goals::{self, GoalFields, GoalStatus};
    const COHORT: [(&str, &str); 12] = [
        ("Alex Morgan", "Sales"),
        ("Bea Novak", "Sales"),
        ("Chen Wei", "Sales"),
        ("Dara Quinn", "Sales"),
        ("Eli Santos", "Engineering"),
        ("Fay Oduya", "Engineering"),
        ("Gus Lindqvist", "Engineering"),
        ("Hana Ito", "Engineering"),
        ("Ivo Petrov", "Engineering"),
        ("Jun Park", "Operations"),
        ("Kim Larsen", "Operations"),
        ("Lou Martin", "Operations"),
    ];
    let now = chrono::Utc::now();
    let ends_on = starts_on + chrono::Duration::days(360);
    for (i, (name, department)) in COHORT.iter().enumerate() {
        let email = format!(
            "{}@northwind.example",
            name.to_lowercase().replace(' ', ".")
        );
        let user = people::find_or_create_user(conn, &email, name).await?;
        people::add_member(
            conn,
            org,
            user.id,
            Roles {
                is_admin: false,
                is_coach: false,
                is_coachee: true,
            },
            None,
        )
        .await?;
        let quiet = i % 6 == 5;
        let engagement = engagements::create(
            conn,
            org,
            programme,
            &EngagementFields {
                coachee_id: user.id,
                coach_id: Some(coaches[i % 2]),
                starts_on,
                ends_on,
                status: if i == 11 {
                    Status::Paused
                } else {
                    Status::Active
                },
                manager_name: "Priya Shah".into(),
                manager_email: "priya.shah@northwind.example".into(),
                department: (*department).into(),
            },
        )
        .await?;
        // Sessions every few weeks since the start; quiet ones stopped early.
        let sessions = if quiet { 1 } else { 2 + i % 3 };
        for n in 0..sessions {
            let days_ago = 55 - (n as i64) * 14 + (i as i64 % 4);
            let at = now - chrono::Duration::days(days_ago.max(3));
            let session = coaching::schedule(conn, org, engagement, at, 60, coaches[i % 2]).await?;
            let status = if (i + n) % 7 == 3 {
                SessionStatus::Cancelled
            } else {
                SessionStatus::Completed
            };
            coaching::document(
                conn,
                org,
                session,
                &Documentation {
                    status,
                    focus_skill_id: skills[(i + n) % skills.len()],
                    focus_area: String::new(),
                    key_points: "Notes the programme team never sees".into(),
                    agreed_actions: "One step before next time".into(),
                },
            )
            .await?;
            if status == SessionStatus::Completed && (i + n) % 3 == 0 {
                let activity = activities[(i + n) % activities.len()];
                coaching::set_assignments(conn, org, engagement, session, &[activity]).await?;
                if n == 0 {
                    coaching::set_assignment_done(conn, org, engagement, session, activity, true)
                        .await?;
                }
            }
        }
        let goal = goals::create(
            conn,
            org,
            engagement,
            &GoalFields {
                title: "A development goal of their own".into(),
                description: String::new(),
                skill_id: skills[i % skills.len()],
                status: match i % 4 {
                    0 => GoalStatus::Achieved,
                    3 => GoalStatus::Draft,
                    _ => GoalStatus::Active,
                },
                progress: (i as i32 * 8) % 100,
            },
        )
        .await?;
        goals::set_shared(conn, org, goal, i % 2 == 0).await?;
    }
    Ok(())
}
