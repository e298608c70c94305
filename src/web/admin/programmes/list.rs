//! The list of programmes, with how many engagements each holds.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::db;
use crate::db::engagements;
use crate::db::programs::{self, Program};
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::flash::Flashes;
use crate::web::layout::Layout;
use crate::web::session::Admin;

#[derive(Template, WebTemplate)]
#[template(path = "admin/programmes.html")]
pub(super) struct ProgrammesPage {
    layout: Layout,
    /// Each programme with its engagements: all, and active.
    programmes: Vec<(Program, i64, i64)>,
}

pub(super) async fn index(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
) -> AppResult<ProgrammesPage> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let counts = engagements::counts_by_program(&mut tx, admin.org).await?;
    let programmes = programs::programs(&mut tx, admin.org)
        .await?
        .into_iter()
        .map(|programme| {
            let (all, active) = counts
                .iter()
                .find(|(id, _, _)| *id == programme.id)
                .map_or((0, 0), |(_, all, active)| (*all, *active));
            (programme, all, active)
        })
        .collect();
    Ok(ProgrammesPage {
        layout: Layout::for_member("Programmes", &admin, flashes).await,
        programmes,
    })
}
