//! Alignment meetings for the coachee and the coach: where the coachee stands,
//! scheduling with candidate times and a preparation worksheet, the meeting
//! page (the coach's facilitation view), reschedule and cancel, the outcome and
//! the debrief, and a request for one more meeting than the programme includes.
//!
//! Only the engagement's coach and coachee reach these pages, and only while
//! their programme has alignment meetings switched on; anyone else, and every
//! page of a programme without them, gets a 404. The coachee's preparation and
//! the debrief are read by the two of them; the coach's notes by the coach.
//!
//! The pages are split by what a reader looks for: `planning` (the engagement's
//! page and the coachee choosing times and inviting), `requests`, `meeting`
//! (one meeting's page), `preparation`, `agenda` (rewriting it), `changes`
//! (time, manager), `cancel` (asked, then done), `invitees` (one more sponsor, or one fewer
//! invitee; `roster` shows who is invited and who can make which time) and
//! `outcome` (held or not, debrief); `voices`
//! gathers the agenda, the invitees' answers and the preparation sessions
//! for the meeting page. `fields`, `invite`, `notice` and `shown`
//! hold what several of them share; `shown` and `invite` are read by other
//! areas too. `debrief` is the pulse-check form and `trail` what the invitees
//! did, both shown on the meeting's page. This file only wires the routes.

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

mod agenda;
mod cancel;
mod changes;
mod debrief;
mod fields;
pub mod invite;
mod invitees;
mod meeting;
mod notice;
mod outcome;
mod planning;
mod preparation;
mod requests;
mod roster;
pub mod shown;
mod trail;
mod voices;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/engagements/{id}/alignment",
            get(planning::show_engagement).post(planning::schedule),
        )
        .route(
            "/engagements/{id}/alignment/request",
            post(requests::request_extra),
        )
        .route("/engagements/{id}/alignment/advice", post(planning::advise))
        .route("/alignment/{id}", get(meeting::show_meeting))
        .route(
            "/alignment/{id}/preparation",
            post(preparation::save_preparation),
        )
        .route("/alignment/{id}/notes", post(preparation::save_notes))
        .route("/alignment/{id}/agenda", post(agenda::save_agenda))
        .route("/alignment/{id}/reschedule", post(changes::reschedule))
        .route("/alignment/{id}/use-time", post(changes::use_time))
        .route("/alignment/{id}/cancel", post(cancel::cancel))
        .route("/alignment/{id}/manager", post(changes::replace_manager))
        .route("/alignment/{id}/invitees", post(invitees::add_invitee))
        .route(
            "/alignment/{id}/invitees/remove",
            post(invitees::remove_invitee),
        )
        .route("/alignment/{id}/outcome", post(outcome::record_outcome))
        .route("/alignment/{id}/debrief", post(outcome::save_debrief))
        .route("/alignment/{id}/manager-view", get(meeting::manager_view))
}
