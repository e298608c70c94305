//! Programmes: create, edit, archive and restore, with the settings area later
//! features extend. Admins see programmes and counts, never coaching content.

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

mod alignment_rules;
mod details;
mod form;
mod list;
mod page;

use alignment_rules::set_alignment_rules;
use details::{archive, create, edit, new, restore, update};
use list::index;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/programmes", get(index))
        .route("/admin/programmes/new", get(new).post(create))
        .route("/admin/programmes/{id}", get(edit).post(update))
        .route("/admin/programmes/{id}/archive", post(archive))
        .route("/admin/programmes/{id}/restore", post(restore))
        .route(
            "/admin/programmes/{id}/alignment",
            post(set_alignment_rules),
        )
}
