//! Invitations to people who already have an account: pending until the
//! person accepts from their own sign-in, and holding only what the inviting
//! admin typed.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;
use crate::db::people::{MembershipSummary, Roles, add_member};

/// An invitation to someone who already has an account, waiting for them to
/// accept it. Holds only what the inviting admin typed.
#[derive(Clone, Debug)]
pub struct PendingInvitation {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub roles: Roles,
    pub created_at: DateTime<Utc>,
}

/// Invites an existing user to the organisation, to join when they accept.
/// Returns false when an invitation is already waiting.
pub async fn invite_existing(
    conn: &mut PgConnection,
    org: TenantId,
    invitation: &PendingInvitation,
    invited_by: Uuid,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into membership_invitations
             (org_id, user_id, name, email, is_admin, is_coach, is_coachee, invited_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (org_id, user_id) do nothing",
        org.0,
        invitation.user_id,
        invitation.name.trim(),
        invitation.email.trim(),
        invitation.roles.is_admin,
        invitation.roles.is_coach,
        invitation.roles.is_coachee,
        invited_by,
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The organisation's invitations still waiting, for its admins.
pub async fn pending_invitations(
    conn: &mut PgConnection,
    org: TenantId,
) -> sqlx::Result<Vec<PendingInvitation>> {
    let rows = sqlx::query!(
        r#"select user_id, name, email, is_admin, is_coach, is_coachee,
                  created_at as "created_at: DateTime<Utc>"
         from membership_invitations where org_id = $1
         order by lower(name), email"#,
        org.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| PendingInvitation {
            user_id: row.user_id,
            name: row.name,
            email: row.email,
            roles: Roles {
                is_admin: row.is_admin,
                is_coach: row.is_coach,
                is_coachee: row.is_coachee,
            },
            created_at: row.created_at,
        })
        .collect())
}

/// The invitations waiting for the user, in a user transaction.
pub async fn invitations_of(
    conn: &mut PgConnection,
    user: Uuid,
) -> sqlx::Result<Vec<MembershipSummary>> {
    let rows = sqlx::query!(
        "select i.org_id, o.name as org_name, i.is_admin, i.is_coach, i.is_coachee
         from membership_invitations i join organizations o on o.id = i.org_id
         where i.user_id = $1
         order by o.name",
        user,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| MembershipSummary {
            org_id: row.org_id,
            org_name: row.org_name,
            roles: Roles {
                is_admin: row.is_admin,
                is_coach: row.is_coach,
                is_coachee: row.is_coachee,
            },
        })
        .collect())
}

/// Turns the user's invitation into a membership, in a tenant transaction of
/// the inviting organisation. Returns the roles, or None when there was no
/// invitation (already accepted, withdrawn, or never made).
pub async fn accept_invitation(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
) -> sqlx::Result<Option<Roles>> {
    let row = sqlx::query!(
        "delete from membership_invitations where org_id = $1 and user_id = $2
         returning is_admin, is_coach, is_coachee, invited_by",
        org.0,
        user,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let roles = Roles {
        is_admin: row.is_admin,
        is_coach: row.is_coach,
        is_coachee: row.is_coachee,
    };
    add_member(conn, org, user, roles, row.invited_by).await?;
    Ok(Some(roles))
}

/// Declines the user's invitation, in a user transaction. Returns whether
/// there was one.
pub async fn decline_invitation(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "delete from membership_invitations where org_id = $1 and user_id = $2",
        org.0,
        user,
    )
    .execute(conn)
    .await?;
    Ok(deleted.rows_affected() == 1)
}
