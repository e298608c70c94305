//! Pages for the organisation's admins: people, email delivery, audit log.
//! Every handler here takes [`Admin`](crate::auth::Admin), so nobody else
//! reaches them (they get a 404).

use axum::Router;

use crate::auth::Member;
use crate::startup::AppState;

pub mod audit_log;
pub mod mail;
pub mod people;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(people::router())
        .merge(mail::router())
        .merge(audit_log::router())
}

/// How a member appears in the audit log.
pub fn actor(member: &Member) -> String {
    format!("{} <{}>", member.user.name, member.user.email)
}
