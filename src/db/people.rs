//! Users, memberships and one-time account links: the SQL, in one place.
//!
//! Users are people across organisations and are found by email or id. Every
//! membership query runs in a tenant transaction (one organisation) or a user
//! transaction (one person's own memberships), as row-level security demands.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub time_zone: String,
    pub password_hash: Option<String>,
    pub session_epoch: i32,
}

/// What someone may do in one organisation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow, serde::Deserialize)]
pub struct Roles {
    pub is_admin: bool,
    pub is_coach: bool,
    pub is_coachee: bool,
}

impl Roles {
    pub fn any(&self) -> bool {
        self.is_admin || self.is_coach || self.is_coachee
    }

    /// "admin, coach", for people to read.
    pub fn describe(&self) -> String {
        let mut names = Vec::new();
        if self.is_admin {
            names.push("admin");
        }
        if self.is_coach {
            names.push("coach");
        }
        if self.is_coachee {
            names.push("coachee");
        }
        names.join(", ")
    }
}

const USER_COLUMNS: &str = "id, email, name, time_zone, password_hash, session_epoch";

pub async fn user_by_email(conn: &mut PgConnection, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(&format!(
        "select {USER_COLUMNS} from users where lower(email) = lower($1)"
    ))
    .bind(email.trim())
    .fetch_optional(conn)
    .await
}

pub async fn user_by_id(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as(&format!("select {USER_COLUMNS} from users where id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The user with this email, made (without a password) if there is none.
pub async fn find_or_create_user(
    conn: &mut PgConnection,
    email: &str,
    name: &str,
) -> sqlx::Result<User> {
    if let Some(user) = user_by_email(conn, email).await? {
        return Ok(user);
    }
    sqlx::query_as(&format!(
        "insert into users (id, email, name) values ($1, $2, $3)
         on conflict (lower(email)) do update set email = users.email
         returning {USER_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(email.trim())
    .bind(name.trim())
    .fetch_one(conn)
    .await
}

/// Sets the user's password. With `end_sessions`, every login session of the
/// user ends; returns the new session epoch for the one that goes on.
pub async fn set_password(
    conn: &mut PgConnection,
    user: Uuid,
    hash: &str,
    end_sessions: bool,
) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "update users set password_hash = $2,
             session_epoch = session_epoch + case when $3 then 1 else 0 end
         where id = $1
         returning session_epoch",
    )
    .bind(user)
    .bind(hash)
    .bind(end_sessions)
    .fetch_one(conn)
    .await
}

pub async fn update_profile(
    conn: &mut PgConnection,
    user: Uuid,
    name: &str,
    time_zone: &str,
) -> sqlx::Result<()> {
    sqlx::query("update users set name = $2, time_zone = $3 where id = $1")
        .bind(user)
        .bind(name.trim())
        .bind(time_zone)
        .execute(conn)
        .await?;
    Ok(())
}

/// One of a person's organisations, as seen in a user transaction.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MembershipSummary {
    pub org_id: Uuid,
    pub org_name: String,
    #[sqlx(flatten)]
    pub roles: Roles,
}

/// The organisations where the user is an active member, by name.
pub async fn active_memberships(
    conn: &mut PgConnection,
    user: Uuid,
) -> sqlx::Result<Vec<MembershipSummary>> {
    sqlx::query_as(
        "select m.org_id, o.name as org_name, m.is_admin, m.is_coach, m.is_coachee
         from memberships m join organizations o on o.id = m.org_id
         where m.user_id = $1 and m.disabled_at is null
         order by o.name",
    )
    .bind(user)
    .fetch_all(conn)
    .await
}

/// A member of the current organisation, for the people pages.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    #[sqlx(flatten)]
    pub roles: Roles,
    pub disabled_at: Option<DateTime<Utc>>,
    /// False until the person has set a password.
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
}

const MEMBER_QUERY: &str =
    "select u.id as user_id, u.email, u.name, m.is_admin, m.is_coach, m.is_coachee,
        m.disabled_at, (u.password_hash is not null) as has_password, m.created_at
     from memberships m join users u on u.id = m.user_id";

pub async fn members(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as(&format!(
        "{MEMBER_QUERY} where m.org_id = $1 order by lower(u.name), u.email"
    ))
    .bind(org.0)
    .fetch_all(conn)
    .await
}

pub async fn member(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
) -> sqlx::Result<Option<Member>> {
    sqlx::query_as(&format!(
        "{MEMBER_QUERY} where m.org_id = $1 and m.user_id = $2"
    ))
    .bind(org.0)
    .bind(user)
    .fetch_optional(conn)
    .await
}

/// Adds the user to the organisation, or gives an existing member the roles.
/// Returns false when they were already an active member.
pub async fn add_member(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
    roles: Roles,
    invited_by: Option<Uuid>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "insert into memberships (org_id, user_id, is_admin, is_coach, is_coachee, invited_by)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (org_id, user_id) do nothing",
    )
    .bind(org.0)
    .bind(user)
    .bind(roles.is_admin)
    .bind(roles.is_coach)
    .bind(roles.is_coachee)
    .bind(invited_by)
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn set_roles(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
    roles: Roles,
) -> sqlx::Result<()> {
    sqlx::query(
        "update memberships set is_admin = $3, is_coach = $4, is_coachee = $5
         where org_id = $1 and user_id = $2",
    )
    .bind(org.0)
    .bind(user)
    .bind(roles.is_admin)
    .bind(roles.is_coach)
    .bind(roles.is_coachee)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_disabled(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
    disabled: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "update memberships set disabled_at = case when $3 then now() else null end
         where org_id = $1 and user_id = $2",
    )
    .bind(org.0)
    .bind(user)
    .bind(disabled)
    .execute(conn)
    .await?;
    Ok(())
}

/// Active admins of the organisation other than `except`: an organisation must
/// always keep one.
pub async fn other_active_admins(
    conn: &mut PgConnection,
    org: TenantId,
    except: Uuid,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "select count(*) from memberships
         where org_id = $1 and user_id <> $2 and is_admin and disabled_at is null",
    )
    .bind(org.0)
    .bind(except)
    .fetch_one(conn)
    .await
}

/// The signed-in person's standing in their active organisation, in one query.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Standing {
    pub org_name: String,
    #[sqlx(flatten)]
    pub roles: Roles,
    pub disabled: bool,
}

pub async fn standing(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
) -> sqlx::Result<Option<Standing>> {
    sqlx::query_as(
        "select o.name as org_name, m.is_admin, m.is_coach, m.is_coachee,
                (m.disabled_at is not null) as disabled
         from memberships m join organizations o on o.id = m.org_id
         where m.org_id = $1 and m.user_id = $2",
    )
    .bind(org.0)
    .bind(user)
    .fetch_optional(conn)
    .await
}

/// A user and, if they belong to it, their standing in `org` — what every
/// signed-in page of an organisation needs first, in one query.
pub async fn user_and_standing(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
) -> sqlx::Result<Option<(User, Option<Standing>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: User,
        org_name: Option<String>,
        is_admin: Option<bool>,
        is_coach: Option<bool>,
        is_coachee: Option<bool>,
        disabled: Option<bool>,
    }
    let row: Option<Row> = sqlx::query_as(
        "select u.id, u.email, u.name, u.time_zone, u.password_hash, u.session_epoch,
                o.name as org_name, m.is_admin, m.is_coach, m.is_coachee,
                (m.disabled_at is not null) as disabled
         from users u
         left join memberships m on m.org_id = $1 and m.user_id = u.id
         left join organizations o on o.id = m.org_id
         where u.id = $2",
    )
    .bind(org.0)
    .bind(user)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| {
        let standing = match (row.org_name, row.is_admin, row.is_coach, row.is_coachee) {
            (Some(org_name), Some(is_admin), Some(is_coach), Some(is_coachee)) => Some(Standing {
                org_name,
                roles: Roles {
                    is_admin,
                    is_coach,
                    is_coachee,
                },
                disabled: row.disabled.unwrap_or(false),
            }),
            _ => None,
        };
        (row.user, standing)
    }))
}

/// What a one-time link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Set a first password; valid 7 days.
    Invite,
    /// Choose a new password; valid 1 hour.
    Reset,
}

impl TokenPurpose {
    pub fn as_str(&self) -> &'static str {
        match self {
            TokenPurpose::Invite => "invite",
            TokenPurpose::Reset => "reset",
        }
    }

    pub fn lifetime(&self) -> chrono::Duration {
        match self {
            TokenPurpose::Invite => chrono::Duration::days(7),
            TokenPurpose::Reset => chrono::Duration::hours(1),
        }
    }
}

/// Stores a new link's hash. Earlier links keep working until one of them
/// is used or they expire: asking again must not let anyone who can type an
/// address spoil the link its owner is about to click.
pub async fn create_token(
    conn: &mut PgConnection,
    user: Uuid,
    purpose: TokenPurpose,
    hash: &[u8],
) -> sqlx::Result<DateTime<Utc>> {
    let expires_at = Utc::now() + purpose.lifetime();
    sqlx::query(
        "insert into account_tokens (id, user_id, purpose, token_hash, expires_at)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(Uuid::now_v7())
    .bind(user)
    .bind(purpose.as_str())
    .bind(hash)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(expires_at)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// The link with this hash and purpose, locked for the redeeming transaction
/// — together with every other link of its person and purpose, in one order,
/// since using one spends them all: two different links redeemed at once
/// then wait for each other instead of deadlocking.
pub async fn token_by_hash(
    conn: &mut PgConnection,
    purpose: TokenPurpose,
    hash: &[u8],
) -> sqlx::Result<Option<StoredToken>> {
    let locked: Vec<(StoredToken, bool)> =
        sqlx::query_as::<_, (Uuid, Uuid, DateTime<Utc>, Option<DateTime<Utc>>, bool)>(
            "select id, user_id, expires_at, used_at, token_hash = $1 from account_tokens
         where purpose = $2
           and user_id = (select user_id from account_tokens where token_hash = $1 and purpose = $2)
         order by id
         for update",
        )
        .bind(hash)
        .bind(purpose.as_str())
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|(id, user_id, expires_at, used_at, mine)| {
            (
                StoredToken {
                    id,
                    user_id,
                    expires_at,
                    used_at,
                },
                mine,
            )
        })
        .collect();
    Ok(locked
        .into_iter()
        .find(|(_, mine)| *mine)
        .map(|(token, _)| token))
}

/// Uses a link — and with it every other open link of its person and
/// purpose: once a password is set from one email, the others are spent.
pub async fn use_token(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "update account_tokens set used_at = now()
         where used_at is null
           and (user_id, purpose) = (select user_id, purpose from account_tokens where id = $1)",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
