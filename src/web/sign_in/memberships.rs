//! The organisations a person belongs to, and those inviting them: what
//! decides where they land after signing in.

use uuid::Uuid;

use crate::db;
use crate::db::people::{self, MembershipSummary};
use crate::state::AppState;
use crate::web::error::AppResult;

pub async fn organisations_of(state: &AppState, user: Uuid) -> AppResult<Vec<MembershipSummary>> {
    let mut tx = db::begin_user(&state.pool, user).await?;
    Ok(people::active_memberships(&mut tx, user).await?)
}

/// The invitations waiting for the person to accept or decline.
pub async fn invitations_of(state: &AppState, user: Uuid) -> AppResult<Vec<MembershipSummary>> {
    let mut tx = db::begin_user(&state.pool, user).await?;
    Ok(crate::db::invitations::invitations_of(&mut tx, user).await?)
}
