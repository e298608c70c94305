//! Pages for the organisation's admins: people, email delivery, audit log.
//! Every handler here takes [`Admin`](crate::web::session::Admin), so nobody else
//! reaches them (they get a 404).

use axum::Router;

use crate::state::AppState;

pub mod alignment_requests;
pub mod audit_log;
pub mod catalogue;
pub mod engagements;
pub mod mail;
pub mod people;
pub mod programmes;
pub mod report;
pub mod shortlist;
pub mod trail;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(people::router())
        .merge(programmes::router())
        .merge(catalogue::router())
        .merge(engagements::router())
        .merge(mail::router())
        .merge(audit_log::router())
        .merge(alignment_requests::router())
        .merge(report::router())
        .merge(shortlist::router())
}
