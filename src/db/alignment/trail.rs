//! The trail of one meeting: what its invitees did through their links, as
//! the audit log recorded it. Read for the meeting's coachee and coach only;
//! the client's address and browser, also in the log, are never selected.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

/// One thing an invitee did.
#[derive(Clone, Debug)]
pub struct TrailEntry {
    pub occurred_at: DateTime<Utc>,
    pub action: String,
    /// The invitee's name as invited; None only if the invite is gone.
    pub invitee: Option<String>,
}

impl TrailEntry {
    /// What they did, to follow their name.
    pub fn what(&self) -> &'static str {
        match self.action.as_str() {
            "guest.opened" => "opened the meeting link",
            "guest.answered" => "answered the questions about the coachee",
            "guest.accepted" => "accepted the time",
            "guest.declined" => "declined the meeting",
            "guest.proposed_time" => "proposed another time",
            "guest.time_zone_changed" => "changed their time zone",
            _ => "used the meeting link",
        }
    }
}

/// How many entries a meeting's page shows: enough for every answer, and
/// the opens around them, without a page that grows without end.
pub const TRAIL_LIMIT: i64 = 50;

/// The newest of the invitees' actions on `meeting`, newest first.
pub async fn trail(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Vec<TrailEntry>> {
    sqlx::query_as!(
        TrailEntry,
        r#"select a.occurred_at as "occurred_at: DateTime<Utc>", a.action,
                  i.name as "invitee?"
           from audit_events a
           left join guest_invites i on i.org_id = a.org_id and i.id = a.invite_id
           where a.org_id = $1 and a.meeting_id = $2 and a.action like 'guest.%'
           order by a.occurred_at desc, a.id desc
           limit $3"#,
        org.0,
        meeting,
        TRAIL_LIMIT,
    )
    .fetch_all(conn)
    .await
}
