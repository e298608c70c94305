//! The live invitees' answers about the time of meetings still waiting for
//! one, for the dashboards' and pages' "whose move" sentence.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::alignment::replies::Reply;
use crate::db::TenantId;

/// Every live invite of `meetings`, in one query, manager first.
pub async fn replies(
    conn: &mut PgConnection,
    org: TenantId,
    meetings: &[Uuid],
) -> sqlx::Result<Vec<Reply>> {
    if meetings.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as!(
        Reply,
        r#"select meeting_id, name, rsvp, rsvp_starts_at as "at: DateTime<Utc>",
                  first_opened_at is not null as "opened!"
           from guest_invites
           where org_id = $1 and meeting_id = any($2) and revoked_at is null
           order by meeting_id, role = 'manager' desc, created_at"#,
        org.0,
        meetings
    )
    .fetch_all(conn)
    .await
}
