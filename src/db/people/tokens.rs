//! One-time account links: a first password's invite and a password reset.
//! Only a link's hash is stored.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

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
    sqlx::query!(
        "insert into account_tokens (id, user_id, purpose, token_hash, expires_at)
         values ($1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        user,
        purpose.as_str(),
        hash,
        expires_at as DateTime<Utc>,
    )
    .execute(conn)
    .await?;
    Ok(expires_at)
}

#[derive(Clone, Debug)]
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
    // `mine` compares a not-null column with a bound value: never null.
    let locked = sqlx::query!(
        r#"select id, user_id, expires_at as "expires_at: DateTime<Utc>",
                  used_at as "used_at: DateTime<Utc>", token_hash = $1 as "mine!"
           from account_tokens
           where purpose = $2
             and user_id = (select user_id from account_tokens where token_hash = $1 and purpose = $2)
           order by id
           for update"#,
        hash,
        purpose.as_str(),
    )
    .fetch_all(conn)
    .await?;
    Ok(locked
        .into_iter()
        .find(|row| row.mine)
        .map(|row| StoredToken {
            id: row.id,
            user_id: row.user_id,
            expires_at: row.expires_at,
            used_at: row.used_at,
        }))
}

/// Uses a link — and with it every other open link of its person and
/// purpose: once a password is set from one email, the others are spent.
pub async fn use_token(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "update account_tokens set used_at = now()
         where used_at is null
           and (user_id, purpose) = (select user_id, purpose from account_tokens where id = $1)",
        id,
    )
    .execute(conn)
    .await?;
    Ok(())
}
