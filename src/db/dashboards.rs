//! The dashboards' engagements: each of the viewer's engagements with where
//! its coaching stands and where it is with alignment meetings, read in one
//! query however many there are.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;
use crate::db::engagements::Engagement;

/// An engagement with where its coaching stands, for the dashboards.
#[derive(Clone, Debug)]
pub struct Summary {
    pub engagement: Engagement,
    pub cadence: String,
    pub next_session: Option<chrono::DateTime<chrono::Utc>>,
    pub last_completed: Option<chrono::DateTime<chrono::Utc>>,
    /// The actions agreed at the last completed session.
    pub last_actions: Option<String>,
    pub open_activities: i64,
    /// Weeks without a completed session before the programme calls it quiet.
    pub inactivity_weeks: i32,
    /// Where it stands with alignment meetings, read in the same query.
    pub alignment: crate::alignment::EngagementAlignment,
}

impl Summary {
    /// Days a session may be apart and still keep the programme's cadence.
    fn cadence_days(&self) -> i64 {
        match self.cadence.as_str() {
            "fortnightly" => 14,
            "quarterly" => 92,
            _ => 31,
        }
    }

    /// Whether the engagement has gone quiet: active, and no completed session
    /// (or start) within the programme's inactivity weeks.
    pub fn is_quiet(&self, today: NaiveDate) -> bool {
        let since = self
            .last_completed
            .map_or(self.engagement.starts_on, |at| at.date_naive());
        self.engagement.status == "active"
            && (today - since).num_days() > i64::from(self.inactivity_weeks) * 7
    }

    /// Whether the last completed session is recent enough for the cadence;
    /// an engagement with none yet is measured from its start.
    pub fn cadence_kept(&self, today: NaiveDate) -> bool {
        let since = self
            .last_completed
            .map_or(self.engagement.starts_on, |at| at.date_naive());
        (today - since).num_days() <= self.cadence_days()
    }

    pub fn open_actions(&self) -> Vec<&str> {
        self.last_actions
            .as_deref()
            .map(crate::db::coaching::CoachingSession::lines)
            .unwrap_or_default()
    }
}

/// The viewer's engagements with their coaching state and where they stand
/// with alignment meetings, in one query however many there are; the state is
/// each engagement's progress row (see the `engagement_progress` migration).
/// As in `alignment::states`, the engagements are picked first
/// and the organisation's programmes once (a generic plan guesses a person
/// has one or two engagements and would read the programmes again for each),
/// then joined to the rest. The alignment columns are those of
/// `db::alignment::states`: change the two together.
pub async fn summaries(
    conn: &mut PgConnection,
    org: TenantId,
    person: Uuid,
    as_coach: bool,
) -> sqlx::Result<Vec<Summary>> {
    // The viewer's side is a parameter rather than spliced text: in the
    // generic plan each branch of `mine` sits behind a one-time filter on $3,
    // so only the branch for that side runs, on its own index.
    let rows = sqlx::query!(
        r#"with mine as materialized (
             select * from engagements e where e.org_id = $1 and e.coach_id = $2 and $3
             union all
             select * from engagements e where e.org_id = $1 and e.coachee_id = $2 and not $3
         ),
         programs_here as materialized (
             select id, name, cadence, inactivity_weeks, alignment_enabled,
                    alignment_sessions_before, alignment_included, alignment_kinds,
                    alignment_expected
             from programs where org_id = $1
         )
         select e.id as "id!", e.program_id as "program_id!", p.name as program_name,
                e.coachee_id as "coachee_id!", coachee.name as coachee_name,
                e.coach_id as "coach_id?", coach.name as "coach_name?",
                e.coach_chosen_at as "coach_chosen_at?: DateTime<Utc>",
                e.coach_chosen_by as "coach_chosen_by?",
                e.coach_id is not null as "has_coach!",
                e.starts_on as "starts_on!: NaiveDate", e.ends_on as "ends_on!: NaiveDate",
                e.status as "status!",
                e.manager_name as "manager_name!", e.manager_email as "manager_email!",
                e.department as "department!",
                p.cadence, p.inactivity_weeks,
                (select min(at) from unnest(g.scheduled_starts) at where at > now())
                    as "next_session: DateTime<Utc>",
                g.last_completed_at as "last_completed?: DateTime<Utc>",
                g.last_agreed_actions as "last_actions?",
                coalesce(g.open_activities, 0)::bigint as "open_activities!",
                p.alignment_enabled as enabled,
                p.alignment_sessions_before as sessions_before,
                p.alignment_included as included,
                p.alignment_kinds as kinds, p.alignment_expected as expected,
                coalesce(g.completed_sessions, 0)::bigint as "completed_sessions!",
                coalesce(g.goals_to_share, 0) as "goals_to_share!",
                e.alignment_advised_at is not null as "advised!",
                coalesce(g.meetings_used, 0)::bigint as "used!",
                coalesce(g.meetings_held, 0)::bigint as "held!",
                coalesce(g.kinds_used, '{}') as "kinds_used!",
                coalesce(g.kinds_held, '{}') as "kinds_held!",
                coalesce(g.extra_approved, 0)::bigint as "approved_extra!",
                coalesce(g.extra_pending, false) as "pending_request!",
                g.open_meeting as "open_meeting?",
                g.open_kind as "open_kind?",
                g.open_starts_at as "open_starts_at?: DateTime<Utc>",
                g.open_latest_offer as "open_latest_offer?: DateTime<Utc>",
                g.last_held_at as "last_held_at?: DateTime<Utc>"
         from mine e
         join programs_here p on p.id = e.program_id
         join users coachee on coachee.id = e.coachee_id
         left join users coach on coach.id = e.coach_id
         left join engagement_progress g on g.org_id = e.org_id and g.engagement_id = e.id
         order by e.status <> 'active', lower(coachee.name)"#,
        org.0,
        person,
        as_coach,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Summary {
            alignment: crate::alignment::EngagementAlignment {
                engagement_id: row.id,
                enabled: row.enabled,
                engagement_status: row.status.clone(),
                starts_on: row.starts_on,
                ends_on: row.ends_on,
                sessions_before: row.sessions_before,
                included: row.included,
                kinds: row.kinds,
                expected: row.expected,
                completed_sessions: row.completed_sessions,
                goals_to_share: row.goals_to_share,
                has_coach: row.has_coach,
                advised: row.advised,
                used: row.used,
                held: row.held,
                kinds_used: row.kinds_used,
                kinds_held: row.kinds_held,
                approved_extra: row.approved_extra,
                pending_request: row.pending_request,
                open_meeting: row.open_meeting,
                open_kind: row.open_kind,
                open_starts_at: row.open_starts_at,
                open_latest_offer: row.open_latest_offer,
                last_held_at: row.last_held_at,
            },
            engagement: Engagement {
                id: row.id,
                program_id: row.program_id,
                program_name: row.program_name,
                coachee_id: row.coachee_id,
                coachee_name: row.coachee_name,
                coach_id: row.coach_id,
                coach_name: row.coach_name,
                coach_chosen_at: row.coach_chosen_at,
                coach_chosen_by: row.coach_chosen_by,
                starts_on: row.starts_on,
                ends_on: row.ends_on,
                status: row.status,
                manager_name: row.manager_name,
                manager_email: row.manager_email,
                department: row.department,
            },
            cadence: row.cadence,
            next_session: row.next_session,
            last_completed: row.last_completed,
            last_actions: row.last_actions,
            open_activities: row.open_activities,
            inactivity_weeks: row.inactivity_weeks,
        })
        .collect())
}
