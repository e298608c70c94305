//! The manager's invite: making it with its signed link, and when that link
//! stops working. The manager's own answers (`web::guest`) reuse the expiry.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::db::TenantTx;
use crate::db::alignment::{self as meetings, Invite, Meeting};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::session::Member;

/// When the manager's link stops working: some days after the latest time the
/// meeting could happen.
pub fn invite_expiry(meeting: &Meeting, latest: DateTime<Utc>) -> DateTime<Utc> {
    latest
        + Duration::minutes(i64::from(meeting.duration_minutes))
        + Duration::days(i64::from(meeting.link_days))
}

/// Makes an invite (`role`: manager or sponsor) and its link. The invitee
/// reads times in the coachee's zone until they choose their own.
#[allow(clippy::too_many_arguments)]
pub(super) async fn new_invite(
    state: &AppState,
    tx: &mut TenantTx,
    member: &Member,
    meeting: &Meeting,
    role: &str,
    name: &str,
    email: &str,
    expires_at: DateTime<Utc>,
) -> AppResult<Invite> {
    let invite_id = Uuid::now_v7();
    let link = state.guest_keys.issue(member.org.0, invite_id);
    meetings::create_invite(
        tx,
        member.org,
        invite_id,
        meeting.id,
        role,
        name,
        email,
        &link,
        &meeting.coachee_time_zone,
        expires_at,
    )
    .await?;
    meetings::invite(tx, member.org, invite_id)
        .await?
        .ok_or(AppError::NotFound)
}
