//! The programme a report page is about, in a transaction of the admin's
//! organisation: another organisation's programme is a 404.

use uuid::Uuid;

use crate::db::programs::{self, Program};
use crate::db::{self, TenantTx};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::session::Admin;

pub(super) async fn load(
    state: &AppState,
    admin: &Admin,
    id: Uuid,
) -> AppResult<(TenantTx, Program)> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let program = programs::program(&mut tx, admin.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, program))
}
