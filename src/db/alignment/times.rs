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
    /// The invite that proposed it, when an invitee did.
    pub proposed_by_invite: Option<Uuid>,
}

/// The times still on offer, soonest first.
pub async fn candidates(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Vec<Candidate>> {
    sqlx::query_as!(
        Candidate,
        r#"select id, starts_at as "starts_at: DateTime<Utc>", proposed_by, note,
                proposed_by_invite
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
    by_invite: Option<Uuid>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into alignment_candidate_times
            (org_id, id, meeting_id, starts_at, proposed_by, note, proposed_by_invite)
         values ($1, $2, $3, $4, $5, $6, $7)",
        org.0,
        id,
        meeting,
        starts_at as _,
        proposed_by,
        note,
        by_invite
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

/// Takes back the times one invitee proposed (their new proposal replaces
/// their last; a removed invitee's proposal goes with them).
pub async fn withdraw_candidates_of_invite(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    invite: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update alignment_candidate_times set withdrawn_at = now()
         where org_id = $1 and meeting_id = $2 and proposed_by_invite = $3
           and withdrawn_at is null",
        org.0,
        meeting,
        invite
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes back the times one party offered.
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
