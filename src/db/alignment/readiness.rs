//! The readiness inputs of engagements, and the coach's advice that a
//! coachee is ready before the recommended sessions are done.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::alignment::EngagementAlignment;
use crate::db::TenantId;

/// Readiness inputs for each engagement, in one query however many (the
/// dashboards' `db::dashboards::summaries` reads the same columns: change the
/// two together). The counts come from the engagement's progress row, which the database keeps
/// up to date as meetings, requests, offered times and sessions change. The
/// pool plans each statement once for every organisation (see
/// `db::app_connect_options`), and such a plan cannot know that one
/// organisation's programme holds thousands of engagements: so the engagements
/// are picked first by their keys, behind a materialised step the planner
/// cannot reorder, and the organisation's programmes are read once, up front.
pub async fn states(
    conn: &mut PgConnection,
    org: TenantId,
    engagements: &[Uuid],
) -> sqlx::Result<Vec<EngagementAlignment>> {
    sqlx::query_as!(
        EngagementAlignment,
        r#"with chosen as materialized (
             select * from engagements
             where org_id = $1 and id in (select unnest($2::uuid[]))
         ),
         programs_here as materialized (
             select id, alignment_enabled, alignment_sessions_before, alignment_included,
                    alignment_kinds, alignment_expected
             from programs where org_id = $1
         )
         select e.id as engagement_id, p.alignment_enabled as enabled,
             e.status as engagement_status,
             e.starts_on as "starts_on: NaiveDate", e.ends_on as "ends_on: NaiveDate",
             p.alignment_sessions_before as sessions_before, p.alignment_included as included,
             p.alignment_kinds as kinds, p.alignment_expected as expected,
             coalesce(g.completed_sessions, 0)::bigint as "completed_sessions!",
             coalesce(g.goals_to_share, 0) as "goals_to_share!",
             e.coach_id is not null as "has_coach!",
             e.alignment_advised_at is not null as "advised!",
             coalesce(g.meetings_used, 0)::bigint as "used!",
             coalesce(g.meetings_held, 0)::bigint as "held!",
             coalesce(g.kinds_used, '{}') as "kinds_used!",
             coalesce(g.kinds_held, '{}') as "kinds_held!",
             coalesce(g.extra_approved, 0)::bigint as "approved_extra!",
             coalesce(g.extra_pending, false) as "pending_request!",
             g.open_meeting, g.open_kind, g.open_starts_at as "open_starts_at: DateTime<Utc>",
             g.open_latest_offer as "open_latest_offer: DateTime<Utc>",
             g.last_held_at as "last_held_at: DateTime<Utc>"
         from chosen e
         join programs_here p on p.id = e.program_id
         left join engagement_progress g on g.org_id = e.org_id and g.engagement_id = e.id"#,
        org.0,
        engagements
    )
    .fetch_all(conn)
    .await
}

pub async fn set_advised(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    advised: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update engagements set alignment_advised_at = case when $3 then now() end
         where org_id = $1 and id = $2",
        org.0,
        engagement,
        advised
    )
    .execute(conn)
    .await?;
    Ok(())
}
