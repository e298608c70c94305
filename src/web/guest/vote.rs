//! An invitee's accept when the meeting has several invitees: a vote. It
//! records that the time works for them and tells the coachee and coach; the
//! meeting's time is set only when one of those two confirms it, with
//! everyone's answers in view. The invitee's page then says which time they
//! said works and who will confirm.

use std::net::IpAddr;

use axum::response::Response;
use chrono::{DateTime, Utc};
use tower_sessions::Session;

use crate::db::TenantTx;
use crate::db::alignment::{self as meetings, Invite, Meeting};
use crate::format;
use crate::state::AppState;
use crate::web::error::AppResult;

use super::common::{back, mailer, record};

/// Records that `at` works for `invite`; the time stays open.
pub(super) async fn vote(
    state: &AppState,
    mut tx: TenantTx,
    session: &Session,
    peer: IpAddr,
    invite: Invite,
    meeting: Meeting,
    at: DateTime<Utc>,
) -> AppResult<Response> {
    let org = tx.tenant();
    let when = format::local_time(at, &invite.time_zone);
    let confirm = format!(
        "{} or their coach will confirm the time once everyone has answered, and a calendar invite will follow.",
        meeting.coachee_name
    );
    if invite.rsvp == "accepted" && invite.rsvp_starts_at == Some(at) {
        return back(
            session,
            invite.id,
            format!("You said {when} works for you. {confirm}"),
        )
        .await;
    }
    meetings::set_rsvp(&mut tx, org, invite.id, "accepted", "", Some(at)).await?;
    mailer(state, org)
        .manager_answered(
            &mut tx,
            &meeting,
            &invite,
            "can make one of the times",
            &|tz| {
                Some(format!(
                    "They said {} works for them. When the others have answered, you or the coach can confirm a time on the meeting page.",
                    format::local_time(at, tz)
                ))
            },
            Some("vote"),
        )
        .await?;
    record(&mut tx, &invite, &meeting, "guest.accepted", Some(peer)).await?;
    tx.commit().await?;
    back(
        session,
        invite.id,
        format!("Thank you. You said {when} works for you. {confirm}"),
    )
    .await
}
