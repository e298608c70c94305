//! The audit log: who did what, when, from where — per organisation, readable
//! by its admins. Sign-ins, invitations, role changes, disables, organisation
//! switches and (later) every guest-link action are written here.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::{self, TenantId};

/// One thing that happened.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    pub actor_user: Option<Uuid>,
    /// How the actor is shown: a name and email, or "operator", "guest".
    pub actor: &'a str,
    /// Dotted and stable, e.g. `sign_in.failed`, `member.roles_changed`.
    pub action: &'a str,
    /// What it was done to, in words.
    pub subject: Option<String>,
    pub client: Option<IpAddr>,
}

/// The alignment meeting, and the invite of it, an event was about: what lets
/// the meeting's page list its invitees' actions without reading the whole log.
#[derive(Clone, Copy, Debug, Default)]
pub struct About {
    pub meeting: Option<Uuid>,
    pub invite: Option<Uuid>,
}

/// Writes `event` inside the caller's tenant transaction.
pub async fn record(conn: &mut PgConnection, org: TenantId, event: &Event<'_>) -> sqlx::Result<()> {
    record_about(conn, org, event, About::default()).await
}

/// Writes `event`, about one meeting and invite, inside the caller's tenant
/// transaction.
pub async fn record_about(
    conn: &mut PgConnection,
    org: TenantId,
    event: &Event<'_>,
    about: About,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into audit_events
            (org_id, id, actor, action, subject, client_addr, actor_user_id, meeting_id, invite_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        org.0,
        Uuid::now_v7(),
        event.actor,
        event.action,
        event.subject,
        event.client.map(|ip| ip.to_string()),
        event.actor_user,
        about.meeting,
        about.invite,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes `event` in each of `orgs`, each in its own tenant transaction: for
/// things about a person (signing in) that every organisation of theirs should see.
pub async fn record_in_each(
    pool: &sqlx::PgPool,
    orgs: &[TenantId],
    event: &Event<'_>,
) -> sqlx::Result<()> {
    for org in orgs {
        let mut tx = db::begin_tenant(pool, *org).await?;
        record(&mut tx, *org, event).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The audit log as the organisation's admins read it. What happens in and
/// around one alignment meeting (`meeting.*` by its coachee and coach,
/// `guest.*` by its manager) is kept out: who answered what is for the three
/// of them, and admins see such activity only as counts in reports. Those
/// entries stay in the table for the operator.
#[derive(Clone, Debug)]
pub struct Entry {
    pub occurred_at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub client_addr: Option<String>,
}

/// The newest entries first.
pub async fn recent(
    conn: &mut PgConnection,
    org: TenantId,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as!(
        Entry,
        r#"select occurred_at as "occurred_at: DateTime<Utc>", actor, action, subject, client_addr
           from audit_events
           where org_id = $1 and action not like 'meeting.%' and action not like 'guest.%'
           order by occurred_at desc limit $2"#,
        org.0,
        limit,
    )
    .fetch_all(conn)
    .await
}
