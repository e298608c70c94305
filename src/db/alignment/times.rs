//! The times offered for a meeting, by the coachee or the manager.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

/// A time offered for a meeting.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub proposed_by: String,
    pub note: String,
}

/// The times still on offer, soonest first.
pub async fn candidates(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Vec<Candidate>> {
    sqlx::query_as!(
        Candidate,
        r#"select id, starts_at as "starts_at: DateTime<Utc>", proposed_by, note
         from alignment_candidate_times
         where org_id = $1 and meeting_id = $2 and withdrawn_at is null
         order by starts_at"#,
        org.0,
        meeting
    )
    .fetch_all(conn)
    .await
}

pub async fn add_candidate(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    starts_at: DateTime<Utc>,
    proposed_by: &str,
    note: &str,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into alignment_candidate_times (org_id, id, meeting_id, starts_at, proposed_by, note)
         values ($1, $2, $3, $4, $5, $6)",
        org.0,
        id,
        meeting,
        starts_at as _,
        proposed_by,
        note
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// Takes every offered time off the table (a time was set, or new ones replace them).
pub async fn withdraw_candidates(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update alignment_candidate_times set withdrawn_at = now()
         where org_id = $1 and meeting_id = $2 and withdrawn_at is null",
        org.0,
        meeting
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes back the times one party offered (a manager's new proposal replaces
/// their last).
pub async fn withdraw_candidates_by(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    proposed_by: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update alignment_candidate_times set withdrawn_at = now()
         where org_id = $1 and meeting_id = $2 and proposed_by = $3 and withdrawn_at is null",
        org.0,
        meeting,
        proposed_by
    )
    .execute(conn)
    .await?;
    Ok(())
}
