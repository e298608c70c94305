//! The invitees of a meeting — the line manager and up to two other sponsors —
//! each with their own link and answer to the time. What they answer to the
//! questions before the meeting is in `answers`.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::alignment::link::Issued;
use crate::db::TenantId;

#[derive(Clone, Debug)]
pub struct Invite {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub email: String,
    pub name: String,
    pub secret_nonce: Vec<u8>,
    pub secret_hash: Vec<u8>,
    pub time_zone: String,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub rsvp: String,
    pub rsvp_note: String,
    pub rsvp_at: Option<DateTime<Utc>>,
    pub first_opened_at: Option<DateTime<Utc>>,
    pub last_opened_at: Option<DateTime<Utc>>,
    /// When they last changed their answers to the questions.
    pub answered_at: Option<DateTime<Utc>>,
    /// `manager` or `sponsor`.
    pub role: String,
    /// The time they accepted or proposed.
    pub rsvp_starts_at: Option<DateTime<Utc>>,
}

impl Invite {
    pub fn rsvp_label(&self) -> &'static str {
        match self.rsvp.as_str() {
            "accepted" => "Accepted",
            "declined" => "Declined",
            "proposed" => "Proposed another time",
            _ => "Not answered yet",
        }
    }

    pub fn has_answers(&self) -> bool {
        self.answered_at.is_some()
    }

    pub fn role_label(&self) -> &'static str {
        match self.role.as_str() {
            "sponsor" => "sponsor",
            _ => "manager",
        }
    }

    pub fn is_live(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// How many people a meeting may invite at once.
pub const MAX_INVITEES: usize = 3;

// The four readers below select the same columns, written out in each as the
// checked queries need a literal: change them together.

pub async fn invite(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Invite>> {
    sqlx::query_as!(
        Invite,
        r#"select id, meeting_id, email, name, secret_nonce, secret_hash, time_zone,
                expires_at as "expires_at: DateTime<Utc>",
                revoked_at as "revoked_at: DateTime<Utc>", revoked_reason, rsvp, rsvp_note,
                rsvp_at as "rsvp_at: DateTime<Utc>",
                first_opened_at as "first_opened_at: DateTime<Utc>",
                last_opened_at as "last_opened_at: DateTime<Utc>",
                answered_at as "answered_at: DateTime<Utc>", role,
                rsvp_starts_at as "rsvp_starts_at: DateTime<Utc>"
         from guest_invites
         where org_id = $1 and id = $2"#,
        org.0,
        id
    )
    .fetch_optional(conn)
    .await
}

/// The invite for a change, locked.
pub async fn invite_for_update(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Invite>> {
    sqlx::query_as!(
        Invite,
        r#"select id, meeting_id, email, name, secret_nonce, secret_hash, time_zone,
                expires_at as "expires_at: DateTime<Utc>",
                revoked_at as "revoked_at: DateTime<Utc>", revoked_reason, rsvp, rsvp_note,
                rsvp_at as "rsvp_at: DateTime<Utc>",
                first_opened_at as "first_opened_at: DateTime<Utc>",
                last_opened_at as "last_opened_at: DateTime<Utc>",
                answered_at as "answered_at: DateTime<Utc>", role,
                rsvp_starts_at as "rsvp_starts_at: DateTime<Utc>"
         from guest_invites
         where org_id = $1 and id = $2 for update"#,
        org.0,
        id
    )
    .fetch_optional(conn)
    .await
}

/// The meeting's current manager invite: the live one, or the last one revoked.
pub async fn current_invite(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Option<Invite>> {
    sqlx::query_as!(
        Invite,
        r#"select id, meeting_id, email, name, secret_nonce, secret_hash, time_zone,
                expires_at as "expires_at: DateTime<Utc>",
                revoked_at as "revoked_at: DateTime<Utc>", revoked_reason, rsvp, rsvp_note,
                rsvp_at as "rsvp_at: DateTime<Utc>",
                first_opened_at as "first_opened_at: DateTime<Utc>",
                last_opened_at as "last_opened_at: DateTime<Utc>",
                answered_at as "answered_at: DateTime<Utc>", role,
                rsvp_starts_at as "rsvp_starts_at: DateTime<Utc>"
         from guest_invites
         where org_id = $1 and meeting_id = $2 and role = 'manager'
         order by revoked_at is null desc, created_at desc limit 1"#,
        org.0,
        meeting
    )
    .fetch_optional(conn)
    .await
}

/// The meeting's live invites, the manager first, then in the order invited.
pub async fn live_invites(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Vec<Invite>> {
    sqlx::query_as!(
        Invite,
        r#"select id, meeting_id, email, name, secret_nonce, secret_hash, time_zone,
                expires_at as "expires_at: DateTime<Utc>",
                revoked_at as "revoked_at: DateTime<Utc>", revoked_reason, rsvp, rsvp_note,
                rsvp_at as "rsvp_at: DateTime<Utc>",
                first_opened_at as "first_opened_at: DateTime<Utc>",
                last_opened_at as "last_opened_at: DateTime<Utc>",
                answered_at as "answered_at: DateTime<Utc>", role,
                rsvp_starts_at as "rsvp_starts_at: DateTime<Utc>"
         from guest_invites
         where org_id = $1 and meeting_id = $2 and revoked_at is null
         order by role = 'manager' desc, created_at"#,
        org.0,
        meeting
    )
    .fetch_all(conn)
    .await
}

/// Stores a new invite; `id` is the one its link was issued for.
#[allow(clippy::too_many_arguments)]
pub async fn create_invite(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    meeting: Uuid,
    role: &str,
    name: &str,
    email: &str,
    link: &Issued,
    time_zone: &str,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into guest_invites
            (org_id, id, meeting_id, name, email, secret_nonce, secret_hash, time_zone,
             expires_at, role)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        org.0,
        id,
        meeting,
        name,
        email,
        link.nonce,
        link.secret_hash,
        time_zone,
        expires_at as _,
        role
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes one invitee off the meeting; the others stay.
pub async fn revoke_invite(
    conn: &mut PgConnection,
    org: TenantId,
    invite: Uuid,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update guest_invites set revoked_at = now(), revoked_reason = $3
         where org_id = $1 and id = $2 and revoked_at is null",
        org.0,
        invite,
        reason
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes the meeting's live invites: all of them, or with `role` only its.
pub async fn revoke_invites(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    role: Option<&str>,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update guest_invites set revoked_at = now(), revoked_reason = $3
         where org_id = $1 and meeting_id = $2 and revoked_at is null
           and ($4::text is null or role = $4)",
        org.0,
        meeting,
        reason,
        role
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_invite_expiry(
    conn: &mut PgConnection,
    org: TenantId,
    invite: Uuid,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update guest_invites set expires_at = $3 where org_id = $1 and id = $2",
        org.0,
        invite,
        expires_at as _
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Notes that the manager opened their link.
pub async fn mark_opened(conn: &mut PgConnection, org: TenantId, invite: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "update guest_invites set first_opened_at = coalesce(first_opened_at, now()),
             last_opened_at = now()
         where org_id = $1 and id = $2",
        org.0,
        invite
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_rsvp(
    conn: &mut PgConnection,
    org: TenantId,
    invite: Uuid,
    rsvp: &str,
    note: &str,
    at: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update guest_invites set rsvp = $3, rsvp_note = $4, rsvp_at = now(), rsvp_starts_at = $5
         where org_id = $1 and id = $2",
        org.0,
        invite,
        rsvp,
        note,
        at as _
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Back to "not answered", after the time changed under the invitees —
/// except for those who said `kept` works for them (they voted for it).
pub async fn reset_rsvp(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    kept: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update guest_invites
         set rsvp = 'pending', rsvp_note = '', rsvp_at = null, rsvp_starts_at = null
         where org_id = $1 and meeting_id = $2 and revoked_at is null
           and not (rsvp = 'accepted' and rsvp_starts_at is not distinct from $3
                    and $3::timestamptz is not null)",
        org.0,
        meeting,
        kept as _
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_invite_time_zone(
    conn: &mut PgConnection,
    org: TenantId,
    invite: Uuid,
    time_zone: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update guest_invites set time_zone = $3 where org_id = $1 and id = $2",
        org.0,
        invite,
        time_zone
    )
    .execute(conn)
    .await?;
    Ok(())
}
