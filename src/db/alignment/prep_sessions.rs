//! Coaching sessions that prepare the coachee for an alignment meeting. The
//! column lives on `coaching_sessions`; these queries read and set only it,
//! so that the meeting's page learns a session's date and state, never what
//! was said in it.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

/// A session marked as a meeting's preparation.
#[derive(Clone, Debug)]
pub struct PrepSession {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub status: String,
}

/// The sessions that prepare `meeting`, earliest first.
pub async fn preparing_sessions(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Vec<PrepSession>> {
    sqlx::query_as!(
        PrepSession,
        r#"select id, starts_at as "starts_at: DateTime<Utc>", status
         from coaching_sessions
         where org_id = $1 and prepares_meeting_id = $2 and status <> 'cancelled'
         order by starts_at"#,
        org.0,
        meeting
    )
    .fetch_all(conn)
    .await
}

/// The meeting `session` prepares, if any.
pub async fn prepares(
    conn: &mut PgConnection,
    org: TenantId,
    session: Uuid,
) -> sqlx::Result<Option<Uuid>> {
    let row = sqlx::query_scalar!(
        "select prepares_meeting_id from coaching_sessions where org_id = $1 and id = $2",
        org.0,
        session
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.flatten())
}

/// Marks `session` as preparation for `meeting` (None: for none). A meeting
/// of another engagement is refused here too: returns false and changes
/// nothing.
pub async fn set_prepares(
    conn: &mut PgConnection,
    org: TenantId,
    session: Uuid,
    meeting: Option<Uuid>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update coaching_sessions s set prepares_meeting_id = $3
         where s.org_id = $1 and s.id = $2
           and ($3::uuid is null or exists (
               select 1 from alignment_meetings m
               where m.org_id = s.org_id and m.id = $3 and m.engagement_id = s.engagement_id))",
        org.0,
        session,
        meeting
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
