//! A person answering an invitation to another organisation, from their own
//! sign-in: accepting makes them a member with the invited roles; declining
//! removes the invitation. Only the person invited can do either — the
//! invitation is found by the organisation in the address *and* the person
//! of the login session.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::db::people::MembershipSummary;
use crate::db::{self, TenantId};
use crate::state::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::session;
use crate::web::session::SignedIn;

/// The person's own invitation from `org`, or a 404.
async fn find(state: &AppState, signed_in: &SignedIn, org: Uuid) -> AppResult<MembershipSummary> {
    super::memberships::invitations_of(state, signed_in.user.id)
        .await?
        .into_iter()
        .find(|invitation| invitation.org_id == org)
        .ok_or(AppError::NotFound)
}

pub(super) async fn accept(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    signed_in: SignedIn,
    Path(org_id): Path<Uuid>,
) -> AppResult<Response> {
    let invitation = find(&state, &signed_in, org_id).await?;
    let org = TenantId(invitation.org_id);
    let user = &signed_in.user;
    let mut tx = db::begin_tenant(&state.pool, org).await?;
    let Some(roles) = crate::db::invitations::accept_invitation(&mut tx, org, user.id).await?
    else {
        return Err(AppError::NotFound);
    };
    let actor = format!("{} <{}>", user.name, user.email);
    audit::record(
        &mut tx,
        org,
        &Event {
            actor_user: Some(user.id),
            actor: &actor,
            action: "member.joined",
            subject: Some(format!("as {}", roles.describe())),
            client: Some(peer),
        },
    )
    .await?;
    tx.commit().await?;
    let key = &*state.stamp_key;
    session::choose_organisation(&signed_in.session, org, key).await?;
    flash::push(
        &signed_in.session,
        FlashKind::Success,
        format!("You have joined {}.", invitation.org_name),
    )
    .await?;
    Ok(Redirect::to("/home").into_response())
}

pub(super) async fn decline(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    signed_in: SignedIn,
    Path(org_id): Path<Uuid>,
) -> AppResult<Response> {
    let invitation = find(&state, &signed_in, org_id).await?;
    let org = TenantId(invitation.org_id);
    let user = &signed_in.user;
    let mut tx = db::begin_tenant(&state.pool, org).await?;
    if !crate::db::invitations::decline_invitation(&mut tx, org, user.id).await? {
        return Err(AppError::NotFound);
    }
    // The organisation knows the address it invited, and no more.
    audit::record(
        &mut tx,
        org,
        &Event {
            actor_user: None,
            actor: &user.email,
            action: "invitation.declined",
            subject: None,
            client: Some(peer),
        },
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &signed_in.session,
        FlashKind::Success,
        format!("You declined the invitation to {}.", invitation.org_name),
    )
    .await?;
    Ok(Redirect::to("/organisations").into_response())
}
