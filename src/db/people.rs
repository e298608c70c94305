//! Users, memberships and one-time account links (`tokens`): the SQL, in one
//! place.
//!
//! Users are people across organisations and are found by email or id. Every
//! membership query runs in a tenant transaction (one organisation) or a user
//! transaction (one person's own memberships), as row-level security demands.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

mod tokens;
pub use tokens::{StoredToken, TokenPurpose, create_token, token_by_hash, use_token};

#[derive(Clone, Debug)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub time_zone: String,
    pub password_hash: Option<String>,
    pub session_epoch: i32,
}

/// What someone may do in one organisation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
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

pub async fn user_by_email(conn: &mut PgConnection, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as!(
        User,
        "select id, email, name, time_zone, password_hash, session_epoch
         from users where lower(email) = lower($1)",
        email.trim(),
    )
    .fetch_optional(conn)
    .await
}

pub async fn user_by_id(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as!(
        User,
        "select id, email, name, time_zone, password_hash, session_epoch
         from users where id = $1",
        id,
    )
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
    sqlx::query_as!(
        User,
        "insert into users (id, email, name) values ($1, $2, $3)
         on conflict (lower(email)) do update set email = users.email
         returning id, email, name, time_zone, password_hash, session_epoch",
        Uuid::now_v7(),
        email.trim(),
        name.trim(),
    )
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
    sqlx::query_scalar!(
        "update users set password_hash = $2,
             session_epoch = session_epoch + case when $3 then 1 else 0 end
         where id = $1
         returning session_epoch",
        user,
        hash,
        end_sessions,
    )
    .fetch_one(conn)
    .await
}

pub async fn update_profile(
    conn: &mut PgConnection,
    user: Uuid,
    name: &str,
    time_zone: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set name = $2, time_zone = $3 where id = $1",
        user,
        name.trim(),
        time_zone,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One of a person's organisations, as seen in a user transaction.
#[derive(Clone, Debug)]
pub struct MembershipSummary {
    pub org_id: Uuid,
    pub org_name: String,
    pub roles: Roles,
}

/// The organisations where the user is an active member, by name.
pub async fn active_memberships(
    conn: &mut PgConnection,
    user: Uuid,
) -> sqlx::Result<Vec<MembershipSummary>> {
    let rows = sqlx::query!(
        "select m.org_id, o.name as org_name, m.is_admin, m.is_coach, m.is_coachee
         from memberships m join organizations o on o.id = m.org_id
         where m.user_id = $1 and m.disabled_at is null
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

/// A member of the current organisation, for the people pages.
#[derive(Clone, Debug)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub roles: Roles,
    pub disabled_at: Option<DateTime<Utc>>,
    /// False until the person has set a password.
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
}

/// A [`Member`] as its query returns it: the macros fill flat structs only.
struct MemberRow {
    user_id: Uuid,
    email: String,
    name: String,
    is_admin: bool,
    is_coach: bool,
    is_coachee: bool,
    disabled_at: Option<DateTime<Utc>>,
    has_password: bool,
    created_at: DateTime<Utc>,
}

impl From<MemberRow> for Member {
    fn from(row: MemberRow) -> Self {
        Member {
            user_id: row.user_id,
            email: row.email,
            name: row.name,
            roles: Roles {
                is_admin: row.is_admin,
                is_coach: row.is_coach,
                is_coachee: row.is_coachee,
            },
            disabled_at: row.disabled_at,
            has_password: row.has_password,
            created_at: row.created_at,
        }
    }
}

pub async fn members(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<Vec<Member>> {
    let rows = sqlx::query_as!(
        MemberRow,
        r#"select u.id as user_id, u.email, u.name, m.is_admin, m.is_coach, m.is_coachee,
               m.disabled_at as "disabled_at: DateTime<Utc>",
               (u.password_hash is not null) as "has_password!",
               m.created_at as "created_at: DateTime<Utc>"
           from memberships m join users u on u.id = m.user_id
           where m.org_id = $1 order by lower(u.name), u.email"#,
        org.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Member::from).collect())
}

pub async fn member(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
) -> sqlx::Result<Option<Member>> {
    let row = sqlx::query_as!(
        MemberRow,
        r#"select u.id as user_id, u.email, u.name, m.is_admin, m.is_coach, m.is_coachee,
               m.disabled_at as "disabled_at: DateTime<Utc>",
               (u.password_hash is not null) as "has_password!",
               m.created_at as "created_at: DateTime<Utc>"
           from memberships m join users u on u.id = m.user_id
           where m.org_id = $1 and m.user_id = $2"#,
        org.0,
        user,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Member::from))
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
    let inserted = sqlx::query!(
        "insert into memberships (org_id, user_id, is_admin, is_coach, is_coachee, invited_by)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (org_id, user_id) do nothing",
        org.0,
        user,
        roles.is_admin,
        roles.is_coach,
        roles.is_coachee,
        invited_by,
    )
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
    sqlx::query!(
        "update memberships set is_admin = $3, is_coach = $4, is_coachee = $5
         where org_id = $1 and user_id = $2",
        org.0,
        user,
        roles.is_admin,
        roles.is_coach,
        roles.is_coachee,
    )
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
    sqlx::query!(
        "update memberships set disabled_at = case when $3 then now() else null end
         where org_id = $1 and user_id = $2",
        org.0,
        user,
        disabled,
    )
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
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from memberships
           where org_id = $1 and user_id <> $2 and is_admin and disabled_at is null"#,
        org.0,
        except,
    )
    .fetch_one(conn)
    .await
}

/// The signed-in person's standing in their active organisation, in one query.
#[derive(Clone, Debug)]
pub struct Standing {
    pub org_name: String,
    pub roles: Roles,
    pub disabled: bool,
}

pub async fn standing(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
) -> sqlx::Result<Option<Standing>> {
    let row = sqlx::query!(
        r#"select o.name as org_name, m.is_admin, m.is_coach, m.is_coachee,
                  (m.disabled_at is not null) as "disabled!"
           from memberships m join organizations o on o.id = m.org_id
           where m.org_id = $1 and m.user_id = $2"#,
        org.0,
        user,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| Standing {
        org_name: row.org_name,
        roles: Roles {
            is_admin: row.is_admin,
            is_coach: row.is_coach,
            is_coachee: row.is_coachee,
        },
        disabled: row.disabled,
    }))
}

/// A user and, if they belong to it, their standing in `org` — what every
/// signed-in page of an organisation needs first, in one query.
pub async fn user_and_standing(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
) -> sqlx::Result<Option<(User, Option<Standing>)>> {
    // The memberships and organizations columns are null when the user is no
    // member of `org`: the left joins find nothing.
    let row = sqlx::query!(
        r#"select u.id, u.email, u.name, u.time_zone, u.password_hash, u.session_epoch,
                  o.name as "org_name?", m.is_admin as "is_admin?", m.is_coach as "is_coach?",
                  m.is_coachee as "is_coachee?", (m.disabled_at is not null) as "disabled?"
           from users u
           left join memberships m on m.org_id = $1 and m.user_id = u.id
           left join organizations o on o.id = m.org_id
           where u.id = $2"#,
        org.0,
        user,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| {
        let user = User {
            id: row.id,
            email: row.email,
            name: row.name,
            time_zone: row.time_zone,
            password_hash: row.password_hash,
            session_epoch: row.session_epoch,
        };
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
        (user, standing)
    }))
}
