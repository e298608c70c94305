//! Pages for the organisation's admins: people, email delivery, audit log.
//! Every handler here takes [`Admin`](crate::web::session::Admin), so nobody else
//! reaches them (they get a 404).

use std::net::IpAddr;

use axum::Router;
use sqlx::PgConnection;

use crate::audit::{self, Event};
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::session::{Admin, Member};

pub mod alignment_requests;
pub mod audit_log;
pub mod catalogue;
pub mod engagements;
pub mod mail;
pub mod people;
pub mod programmes;
pub mod report;

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
}

/// How a member appears in the audit log.
pub fn actor(member: &Member) -> String {
    format!("{} <{}>", member.user.name, member.user.email)
}

/// Writes what an admin did into the organisation's audit log.
pub async fn record(
    conn: &mut PgConnection,
    admin: &Admin,
    action: &str,
    subject: Option<String>,
    peer: IpAddr,
) -> AppResult<()> {
    let event = Event {
        actor_user: Some(admin.user.id),
        actor: &actor(admin),
        action,
        subject,
        client: Some(peer),
    };
    audit::record(conn, admin.org, &event).await?;
    Ok(())
}
