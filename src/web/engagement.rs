//! An engagement as its two people reach it: the engagement, and whether the
//! member is its coach or its coachee. Coaching, goals and alignment pages all
//! start from it; anyone else — an admin included — gets a 404, and so does
//! another organisation's engagement.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::db::engagements::{self, Engagement};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::session::{AuthRejection, Member, MemberTx};

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
    let side = if member.roles.is_coach && engagement.is_coach(member.user.id) {
        Side::Coach
    } else if member.roles.is_coachee && engagement.coachee_id == member.user.id {
        Side::Coachee
    } else {
        return Err(AppError::NotFound);
    };
    Ok((engagement, side))
}

/// The engagement in the path (`{id}`), for its coach or coachee, with the
/// member and the transaction their membership was confirmed in (as
/// [`MemberTx`]): the handler goes on in that transaction. Not signed in, not
/// a member, or not one of the engagement's two people: the same answers as
/// [`Member`] and [`engagement_for`] give.
pub struct MyEngagement {
    pub member: Member,
    pub tx: TenantTx,
    pub engagement: Engagement,
    pub side: Side,
}

impl FromRequestParts<AppState> for MyEngagement {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let MemberTx(member, mut tx) = MemberTx::from_request_parts(parts, state).await?;
        let Path(id) = Path::<Uuid>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| AuthRejection::Page(rejection.into_response()))?;
        let (engagement, side) = engagement_for(&mut tx, &member, id).await?;
        Ok(MyEngagement {
            member,
            tx,
            engagement,
            side,
        })
    }
}
