//! Coaching, for the two people in it: an engagement's page, scheduling
//! coaching sessions, the coach's one-screen documentation with private notes,
//! and activities the coachee marks done.
//!
//! Everything here is reachable only by the engagement's own coach or coachee;
//! anyone else — an admin included — gets a 404. Private notes are read only
//! for the coach, and no coachee page ever asks for them.
//!
//! `engagement` is the engagement's page and scheduling, `sessions` one
//! coaching session (its page, the coach's record, activities marked done) and
//! `notes` the coach's private notes, `prep` marking a session as the
//! preparation for an alignment meeting. This file only wires the routes.

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

mod engagement;
mod notes;
mod prep;
mod sessions;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}", get(engagement::show_engagement))
        .route("/engagements/{id}/sessions", post(engagement::schedule))
        .route(
            "/sessions/{id}",
            get(sessions::show_session).post(sessions::document),
        )
        .route("/sessions/{id}/notes", post(notes::save_notes))
        .route("/sessions/{id}/preparation", post(prep::mark_preparation))
        .route(
            "/sessions/{id}/activities/{activity_id}",
            post(sessions::mark_activity),
        )
}
