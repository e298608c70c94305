//! The coachee's preparation, the coach's notes, the debrief: written by the
//! coachee and the coach for themselves, and read by no guest handler.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

/// The coachee's worksheet, for their coach.
#[derive(Clone, Debug, Default)]
pub struct Preparation {
    pub success: String,
    pub from_manager: String,
    pub off_limits: String,
    pub concerns: String,
    pub opens: String,
    pub closes: String,
    pub coach_role: String,
}

pub async fn preparation(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Option<Preparation>> {
    sqlx::query_as!(
        Preparation,
        "select success, from_manager, off_limits, concerns, opens, closes, coach_role
         from alignment_preparations where org_id = $1 and meeting_id = $2",
        org.0,
        meeting
    )
    .fetch_optional(conn)
    .await
}

pub async fn save_preparation(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    prep: &Preparation,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into alignment_preparations
            (org_id, meeting_id, success, from_manager, off_limits, concerns, opens, closes, coach_role)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (org_id, meeting_id) do update set
            success = excluded.success, from_manager = excluded.from_manager,
            off_limits = excluded.off_limits, concerns = excluded.concerns,
            opens = excluded.opens, closes = excluded.closes,
            coach_role = excluded.coach_role, updated_at = now()",
        org.0,
        meeting,
        prep.success,
        prep.from_manager,
        prep.off_limits,
        prep.concerns,
        prep.opens,
        prep.closes,
        prep.coach_role
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The coach's private preparation notes. Call only for the meeting's coach.
pub async fn coach_notes(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<String> {
    let body = sqlx::query_scalar!(
        "select body from alignment_coach_notes where org_id = $1 and meeting_id = $2",
        org.0,
        meeting
    )
    .fetch_optional(conn)
    .await?;
    Ok(body.unwrap_or_default())
}

pub async fn save_coach_notes(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into alignment_coach_notes (org_id, meeting_id, body) values ($1, $2, $3)
         on conflict (org_id, meeting_id) do update set body = excluded.body, updated_at = now()",
        org.0,
        meeting,
        body
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The debrief: the pulse check the coach and coachee hold once the invitees
/// have left.
#[derive(Clone, Debug, Default)]
pub struct Debrief {
    /// How the coachee is, now that it is over.
    pub feeling: String,
    /// What stood out to the coachee.
    pub stood_out: String,
    /// What stood out to the invitees, as the coachee and coach heard it.
    pub others_stood_out: String,
    /// What the coachee wants to do with it.
    pub next_steps: String,
    /// How it changes the coaching, if at all.
    pub coaching_changes: String,
    /// Whether the next coaching session goes deeper; None while undecided.
    pub go_deeper: Option<bool>,
    /// "How it went", asked by the first debrief form only: kept as written,
    /// never changed by saving the pulse check.
    pub how_it_went: String,
}

pub async fn debrief(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Option<Debrief>> {
    sqlx::query_as!(
        Debrief,
        "select feeling, stood_out, others_stood_out, next_steps, coaching_changes, go_deeper,
                how_it_went
         from alignment_debriefs where org_id = $1 and meeting_id = $2",
        org.0,
        meeting
    )
    .fetch_optional(conn)
    .await
}

/// Saves the pulse check; an earlier debrief's "how it went" stays as it was.
pub async fn save_debrief(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    debrief: &Debrief,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into alignment_debriefs
            (org_id, meeting_id, feeling, stood_out, others_stood_out, next_steps,
             coaching_changes, go_deeper)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (org_id, meeting_id) do update set
            feeling = excluded.feeling, stood_out = excluded.stood_out,
            others_stood_out = excluded.others_stood_out, next_steps = excluded.next_steps,
            coaching_changes = excluded.coaching_changes, go_deeper = excluded.go_deeper,
            updated_at = now()",
        org.0,
        meeting,
        debrief.feeling,
        debrief.stood_out,
        debrief.others_stood_out,
        debrief.next_steps,
        debrief.coaching_changes,
        debrief.go_deeper
    )
    .execute(conn)
    .await?;
    Ok(())
}
