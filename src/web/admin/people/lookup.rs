//! The member an admin page is about, in a transaction of the admin's
//! organisation: another organisation's member is a 404.

use uuid::Uuid;

use crate::db::people::{self, Member};
use crate::db::{self, TenantId};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};

pub(super) async fn load(
    state: &AppState,
    org: TenantId,
    user_id: Uuid,
) -> AppResult<(db::TenantTx, Member)> {
    let mut tx = db::begin_tenant(&state.pool, org).await?;
    let person = people::member(&mut tx, org, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, person))
}
