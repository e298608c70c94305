//! What admins did, into the organisation's audit log: the one way every admin
//! page records an action, and how a member is named there.

use std::net::IpAddr;

use sqlx::PgConnection;

use crate::audit::{self, Event};
use crate::web::error::AppResult;
use crate::web::session::{Admin, Member};

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
