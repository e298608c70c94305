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
    /// On the latest of several opens of one link: how many there were.
    pub opens: Option<i64>,
}

impl TrailEntry {
    /// What they did, to follow their name.
    pub fn what(&self) -> String {
        match (self.action.as_str(), self.opens) {
            ("guest.opened", Some(times)) => {
                format!("opened the meeting link again ({times} times in all)")
            }
            (action, _) => Self::plain(action).to_owned(),
        }
    }

    fn plain(action: &str) -> &'static str {
        match action {
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

/// The newest of the invitees' actions on `meeting`, newest first. Opening
/// a link is kept to its first and latest time per invite (mail scanners and
/// second looks open links too), with the count on the latest, so the
/// answers and replies are never pushed off the page by opens.
pub async fn trail(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Vec<TrailEntry>> {
    sqlx::query_as!(
        TrailEntry,
        r#"with acts as (
               select a.org_id, a.id, a.occurred_at, a.action, a.invite_id,
                      count(*) over same as opens,
                      row_number() over (same order by a.occurred_at, a.id) as first_to_last,
                      row_number() over (same order by a.occurred_at desc, a.id desc)
                          as last_to_first
               from audit_events a
               where a.org_id = $1 and a.meeting_id = $2 and a.action like 'guest.%'
               window same as (partition by a.invite_id, a.action)
           )
           select a.occurred_at as "occurred_at!: DateTime<Utc>", a.action as "action!",
                  i.name as "invitee?",
                  case when a.action = 'guest.opened' and a.last_to_first = 1 and a.opens > 1
                       then a.opens end as opens
           from acts a
           left join guest_invites i on i.org_id = a.org_id and i.id = a.invite_id
           where a.action <> 'guest.opened' or a.first_to_last = 1 or a.last_to_first = 1
           order by a.occurred_at desc, a.id desc
           limit $3"#,
        org.0,
        meeting,
        TRAIL_LIMIT,
    )
    .fetch_all(conn)
    .await
}
