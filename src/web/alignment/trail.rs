//! "What the invitees did" on a meeting's page: each action through a guest
//! link, with the invitee's name and the moment in the viewer's zone. Only the
//! meeting's coachee and coach see the page; the address and browser the log
//! also holds are never read.

use uuid::Uuid;

use crate::db::TenantTx;
use crate::db::alignment as meetings;
use crate::format;

pub(super) struct TrailRow {
    pub(super) who: String,
    pub(super) what: String,
    pub(super) when: String,
    /// The same moment for `<time datetime>`.
    pub(super) at: String,
}

/// The meeting's trail, newest first, for a viewer in `time_zone`.
pub(super) async fn rows(
    tx: &mut TenantTx,
    org: crate::db::TenantId,
    meeting: Uuid,
    time_zone: &str,
) -> sqlx::Result<Vec<TrailRow>> {
    Ok(meetings::trail(tx, org, meeting)
        .await?
        .into_iter()
        .map(|entry| TrailRow {
            who: entry
                .invitee
                .clone()
                .unwrap_or_else(|| "An invitee".to_owned()),
            what: entry.what(),
            when: format::local_time(entry.occurred_at, time_zone),
            at: entry.occurred_at.to_rfc3339(),
        })
        .collect())
}
