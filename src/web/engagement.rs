//! An engagement as its two people reach it: the engagement, and whether the
//! member is its coach or its coachee. Coaching, goals and alignment pages all
//! start from it; anyone else — an admin included — gets a 404.

use uuid::Uuid;

use crate::db::TenantTx;
use crate::db::engagements::{self, Engagement};
use crate::web::error::{AppError, AppResult};
use crate::web::session::Member;

/// Which side of the engagement the viewer is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Coach,
    Coachee,
}

/// The engagement, if the member is its coach or its coachee.
pub(crate) async fn engagement_for(
    tx: &mut TenantTx,
    member: &Member,
    id: Uuid,
) -> AppResult<(Engagement, Side)> {
    let engagement = engagements::engagement(tx, member.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let side = if member.roles.is_coach && engagement.coach_id == member.user.id {
        Side::Coach
    } else if member.roles.is_coachee && engagement.coachee_id == member.user.id {
        Side::Coachee
    } else {
        return Err(AppError::NotFound);
    };
    Ok((engagement, side))
}
