//! Coaching sessions, their documentation, the coach's private notes and the
//! activities assigned from them. Private notes are read by one function only,
//! which takes the coach it is for.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStatus {
    Scheduled,
    Completed,
    Cancelled,
    NoShow,
}

impl SessionStatus {
    pub const ALL: [SessionStatus; 4] = [
        SessionStatus::Scheduled,
        SessionStatus::Completed,
        SessionStatus::Cancelled,
        SessionStatus::NoShow,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            SessionStatus::Scheduled => "scheduled",
            SessionStatus::Completed => "completed",
            SessionStatus::Cancelled => "cancelled",
            SessionStatus::NoShow => "no_show",
        }
    }

    pub fn parse(value: &str) -> Option<SessionStatus> {
        SessionStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            SessionStatus::Scheduled => "Scheduled",
            SessionStatus::Completed => "Completed",
            SessionStatus::Cancelled => "Cancelled",
            SessionStatus::NoShow => "No-show",
        }
    }
}

#[derive(Clone, Debug)]
pub struct CoachingSession {
    pub id: Uuid,
    pub engagement_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub status: String,
    pub focus_skill_id: Option<Uuid>,
    pub focus_skill_name: Option<String>,
    pub focus_area: String,
    pub key_points: String,
    pub agreed_actions: String,
    pub documented_at: Option<DateTime<Utc>>,
}

impl CoachingSession {
    pub fn status_label(&self) -> &'static str {
        SessionStatus::parse(&self.status).map_or("", |s| s.label())
    }

    /// The focus area as people read it: the skill's name, or the free text.
    pub fn focus(&self) -> &str {
        self.focus_skill_name.as_deref().unwrap_or(&self.focus_area)
    }

    /// Key points or actions one per line, for bullets.
    pub fn lines(text: &str) -> Vec<&str> {
        text.lines()
            .map(|line| line.trim().trim_start_matches(['-', '*', '•']).trim())
            .filter(|line| !line.is_empty())
            .collect()
    }
}

pub async fn of_engagement(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<Vec<CoachingSession>> {
    sqlx::query_as!(
        CoachingSession,
        r#"select s.id, s.engagement_id, s.starts_at as "starts_at: DateTime<Utc>",
             s.duration_minutes, s.status, s.focus_skill_id, k.name as "focus_skill_name?",
             s.focus_area, s.key_points, s.agreed_actions,
             s.documented_at as "documented_at: DateTime<Utc>"
         from coaching_sessions s
         left join skills k on k.org_id = s.org_id and k.id = s.focus_skill_id
         where s.org_id = $1 and s.engagement_id = $2 order by s.starts_at desc"#,
        org.0,
        engagement,
    )
    .fetch_all(conn)
    .await
}

pub async fn session(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<CoachingSession>> {
    sqlx::query_as!(
        CoachingSession,
        r#"select s.id, s.engagement_id, s.starts_at as "starts_at: DateTime<Utc>",
             s.duration_minutes, s.status, s.focus_skill_id, k.name as "focus_skill_name?",
             s.focus_area, s.key_points, s.agreed_actions,
             s.documented_at as "documented_at: DateTime<Utc>"
         from coaching_sessions s
         left join skills k on k.org_id = s.org_id and k.id = s.focus_skill_id
         where s.org_id = $1 and s.id = $2"#,
        org.0,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// The latest completed session before `before` that agreed on actions, to
/// review them at the start of the next one.
pub async fn previous_with_actions(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    before: DateTime<Utc>,
) -> sqlx::Result<Option<CoachingSession>> {
    sqlx::query_as!(
        CoachingSession,
        r#"select s.id, s.engagement_id, s.starts_at as "starts_at: DateTime<Utc>",
             s.duration_minutes, s.status, s.focus_skill_id, k.name as "focus_skill_name?",
             s.focus_area, s.key_points, s.agreed_actions,
             s.documented_at as "documented_at: DateTime<Utc>"
         from coaching_sessions s
         left join skills k on k.org_id = s.org_id and k.id = s.focus_skill_id
         where s.org_id = $1 and s.engagement_id = $2 and s.starts_at < $3
           and s.status = 'completed' and s.agreed_actions <> ''
         order by s.starts_at desc limit 1"#,
        org.0,
        engagement,
        before as _,
    )
    .fetch_optional(conn)
    .await
}

pub async fn schedule(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    starts_at: DateTime<Utc>,
    duration_minutes: i32,
    by: Uuid,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into coaching_sessions (org_id, id, engagement_id, starts_at, duration_minutes, scheduled_by)
         values ($1, $2, $3, $4, $5, $6)",
        org.0,
        id,
        engagement,
        starts_at as _,
        duration_minutes,
        by,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// What the coach records about a session, on one screen.
#[derive(Clone, Debug)]
pub struct Documentation {
    pub status: SessionStatus,
    pub focus_skill_id: Option<Uuid>,
    pub focus_area: String,
    pub key_points: String,
    pub agreed_actions: String,
}

pub async fn document(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    doc: &Documentation,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update coaching_sessions set status = $3, focus_skill_id = $4, focus_area = $5,
             key_points = $6, agreed_actions = $7, documented_at = now()
         where org_id = $1 and id = $2",
        org.0,
        id,
        doc.status.as_str(),
        doc.focus_skill_id,
        &doc.focus_area,
        &doc.key_points,
        &doc.agreed_actions,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The coach's private notes on a session: only ever read for that coach.
pub async fn private_notes(
    conn: &mut PgConnection,
    org: TenantId,
    session: Uuid,
    coach: Uuid,
) -> sqlx::Result<String> {
    let notes = sqlx::query_scalar!(
        "select notes from coaching_session_notes where org_id = $1 and session_id = $2 and coach_id = $3",
        org.0,
        session,
        coach,
    )
    .fetch_optional(conn)
    .await?;
    Ok(notes.unwrap_or_default())
}

pub async fn save_private_notes(
    conn: &mut PgConnection,
    org: TenantId,
    session: Uuid,
    coach: Uuid,
    notes: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into coaching_session_notes (org_id, session_id, coach_id, notes)
         values ($1, $2, $3, $4)
         on conflict (org_id, session_id) do update
         set notes = excluded.notes, coach_id = excluded.coach_id, updated_at = now()",
        org.0,
        session,
        coach,
        notes,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An activity assigned from a session.
#[derive(Clone, Debug)]
pub struct Assignment {
    pub session_id: Uuid,
    pub activity_id: Uuid,
    pub title: String,
    pub kind: String,
    pub url: Option<String>,
    pub assigned_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

pub async fn assignments_of_engagement(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<Vec<Assignment>> {
    sqlx::query_as!(
        Assignment,
        r#"select a.session_id, a.activity_id, d.title, d.kind, d.url,
             a.assigned_at as "assigned_at: DateTime<Utc>",
             a.completed_at as "completed_at: DateTime<Utc>"
         from activity_assignments a
         join development_activities d on d.org_id = a.org_id and d.id = a.activity_id
         where a.org_id = $1 and a.engagement_id = $2
         order by a.completed_at is not null, a.assigned_at desc"#,
        org.0,
        engagement,
    )
    .fetch_all(conn)
    .await
}

/// Makes the session's assignments exactly `activities`, keeping the ones
/// already done.
pub async fn set_assignments(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    session: Uuid,
    activities: &[Uuid],
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from activity_assignments
         where org_id = $1 and session_id = $2 and completed_at is null and not (activity_id = any($3))",
        org.0,
        session,
        activities,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into activity_assignments (org_id, session_id, activity_id, engagement_id)
         select $1, $2, unnest($3::uuid[]), $4
         on conflict do nothing",
        org.0,
        session,
        activities,
        engagement,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The coachee marks an assigned activity done (or not done after all).
pub async fn set_assignment_done(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    session: Uuid,
    activity: Uuid,
    done: bool,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update activity_assignments set completed_at = case when $5 then now() else null end
         where org_id = $1 and engagement_id = $2 and session_id = $3 and activity_id = $4",
        org.0,
        engagement,
        session,
        activity,
        done,
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// A coaching session as its calendar mail needs it: when, and the two
/// people in it with where to write and which zone they read times in.
#[derive(Clone, Debug)]
pub struct SessionInvite {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub status: String,
    pub coachee_name: String,
    pub coachee_email: String,
    pub coachee_time_zone: String,
    pub coach_name: String,
    pub coach_email: String,
    pub coach_time_zone: String,
}

/// None while the engagement has no coach (no session is scheduled then).
pub async fn session_invite(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<SessionInvite>> {
    sqlx::query_as!(
        SessionInvite,
        r#"select s.id, s.starts_at as "starts_at: DateTime<Utc>", s.duration_minutes, s.status,
                  coachee.name as coachee_name, coachee.email as coachee_email,
                  coachee.time_zone as coachee_time_zone,
                  coach.name as coach_name, coach.email as coach_email,
                  coach.time_zone as coach_time_zone
           from coaching_sessions s
           join engagements e on e.org_id = s.org_id and e.id = s.engagement_id
           join users coachee on coachee.id = e.coachee_id
           join users coach on coach.id = e.coach_id
           where s.org_id = $1 and s.id = $2"#,
        org.0,
        id,
    )
    .fetch_optional(conn)
    .await
}
