//! A meeting's agenda as the coachee or coach rewrote it, and whom to tell
//! when it changes. The standard agenda needs no row: `agenda_lines` is null
//! until someone rewrites it (see `alignment::agenda`).

use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

/// The agenda as rewritten, if it was.
pub async fn rewritten_agenda(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Option<String>> {
    let row = sqlx::query_scalar!(
        "select agenda_lines from alignment_meetings where org_id = $1 and id = $2",
        org.0,
        meeting
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.flatten())
}

/// Stores the rewritten agenda; returns whether it differs from before.
pub async fn rewrite_agenda(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    lines: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update alignment_meetings set agenda_lines = $3, agenda_changed_at = now()
         where org_id = $1 and id = $2 and agenda_lines is distinct from $3",
        org.0,
        meeting,
        lines
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The meeting's invites still live whose invitee accepted the time: the
/// people to tell when the agenda changes.
pub async fn accepted_invites(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "select id from guest_invites
         where org_id = $1 and meeting_id = $2 and revoked_at is null and rsvp = 'accepted'
         order by created_at",
        org.0,
        meeting
    )
    .fetch_all(conn)
    .await
}
