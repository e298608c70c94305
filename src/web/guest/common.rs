//! What the manager's actions share: the audit entry that names them, the
//! mailer, and the way back to their invite's page with a word on what
//! happened.

use std::net::IpAddr;

use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;
use uuid::Uuid;

use crate::alignment::notify::Mailer;
use crate::audit;
use crate::db::alignment::{Invite, Meeting};
use crate::db::{TenantId, TenantTx};
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::flash::{self, FlashKind};

use super::visit::page_of;

fn actor_of(invite: &Invite) -> String {
    format!(
        "{} <{}> ({}, guest link)",
        invite.name,
        invite.email,
        invite.role_label()
    )
}

pub(super) async fn record(
    tx: &mut TenantTx,
    invite: &Invite,
    meeting: &Meeting,
    action: &str,
    peer: Option<IpAddr>,
) -> AppResult<()> {
    let actor = actor_of(invite);
    let org = tx.tenant();
    audit::record_about(
        tx,
        org,
        &audit::Event {
            actor_user: None,
            actor: &actor,
            action,
            subject: Some(format!(
                "{} alignment meeting of {}",
                meeting.kind().label(),
                meeting.coachee_name
            )),
            client: peer,
        },
        audit::About {
            meeting: Some(meeting.id),
            invite: Some(invite.id),
        },
    )
    .await?;
    Ok(())
}

/// Back to the invite's own page, with a word on what happened.
pub(super) async fn back(
    session: &Session,
    invite: Uuid,
    message: impl Into<String>,
) -> AppResult<Response> {
    flash::push_for(
        session,
        &invite.simple().to_string(),
        FlashKind::Success,
        message,
    )
    .await?;
    Ok(Redirect::to(&page_of(invite)).into_response())
}

/// The answer to a button pressed on a meeting that is over or called off.
pub(super) async fn no_longer_planned(session: &Session, invite: Uuid) -> AppResult<Response> {
    back(
        session,
        invite,
        "This meeting is no longer planned, so there is nothing to answer.",
    )
    .await
}

pub(super) fn mailer(state: &AppState, org: TenantId) -> Mailer<'_> {
    Mailer::of(&state.config, &state.guest_keys, org, None)
}
