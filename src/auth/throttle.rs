//! Attempt limits: how often a password may be tried, and a reset asked for.
//!
//! The pattern is the one OWASP's authentication guidance describes: no hard
//! lock that anyone could renew against someone else, but a delay that grows
//! with every attempt past a free allowance, counted per key — an account, a
//! client address, a device that has signed in before. Each attempt is
//! reserved before the password is checked, atomically in PostgreSQL: a row
//! per key says when the next attempt may be made, and the statement that
//! counts an attempt only does so if that time has come. Thirty guesses sent
//! at once therefore get the free allowance and no more, in every process.
//! A success takes its own attempt back.

mod links;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

pub use links::{LinkGuesses, bucket};

/// How one kind of key is limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Attempts without any wait.
    pub free: i32,
    /// The first wait past the allowance, in seconds; it doubles per attempt…
    pub base_seconds: i32,
    /// …up to this.
    pub cap_seconds: i32,
    /// A key left alone this long starts over.
    pub quiet_seconds: i32,
    /// Whether a success forgets the key's count (an account, a device) or
    /// only takes back its own attempt (a client address, shared by many).
    pub success_clears: bool,
}

/// Sign-in attempts on one account from browsers it has not signed in on.
pub const ACCOUNT: Limit = Limit {
    free: 5,
    base_seconds: 5,
    cap_seconds: 15 * 60,
    quiet_seconds: 60 * 60,
    success_clears: true,
};
/// Sign-in attempts from one client address, whatever the account.
pub const ADDRESS: Limit = Limit {
    free: 20,
    base_seconds: 5,
    cap_seconds: 15 * 60,
    quiet_seconds: 60 * 60,
    success_clears: false,
};
/// Sign-in attempts from a device its person signed in on before: slowed by
/// its own failures only.
pub const DEVICE: Limit = ACCOUNT;
/// Password-reset emails asked for one address…
pub const RESET_ACCOUNT: Limit = Limit {
    free: 3,
    base_seconds: 5 * 60,
    cap_seconds: 60 * 60,
    quiet_seconds: 60 * 60,
    success_clears: false,
};
/// …and from one client address.
pub const RESET_ADDRESS: Limit = Limit {
    free: 10,
    base_seconds: 60,
    cap_seconds: 60 * 60,
    quiet_seconds: 60 * 60,
    success_clears: false,
};
/// Current-password guesses on the change-password form, per person.
pub const PASSWORD_CHANGE: Limit = ACCOUNT;

/// One counted thing: what it is and how it is limited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub limit: Limit,
}

impl Key {
    /// Sign-in attempts on one account: a known one by its id, so that every
    /// spelling of its address counts alike; any other by a digest of the
    /// address typed (short and fixed in size, whatever was sent).
    pub fn account(user: Option<uuid::Uuid>, email: &str) -> Key {
        let who = user.map_or_else(|| digest(email), |id| id.simple().to_string());
        Key {
            name: format!("sign-in:account:{who}"),
            limit: ACCOUNT,
        }
    }

    pub fn address(addr: std::net::IpAddr) -> Key {
        Key {
            name: format!("sign-in:address:{}", bucket(addr)),
            limit: ADDRESS,
        }
    }

    pub fn device(device: &str) -> Key {
        Key {
            name: format!("sign-in:device:{device}"),
            limit: DEVICE,
        }
    }

    pub fn reset_account(email: &str) -> Key {
        Key {
            name: format!("reset:account:{}", digest(email)),
            limit: RESET_ACCOUNT,
        }
    }

    pub fn reset_address(addr: std::net::IpAddr) -> Key {
        Key {
            name: format!("reset:address:{}", bucket(addr)),
            limit: RESET_ADDRESS,
        }
    }

    pub fn password_change(user: uuid::Uuid) -> Key {
        Key {
            name: format!("password-change:{user}"),
            limit: PASSWORD_CHANGE,
        }
    }
}

/// A typed address as a key: trimmed, lower-cased, hashed.
fn digest(email: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(email.trim().to_lowercase().as_bytes()))
}

/// What reserving an attempt gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Counted: go ahead.
    Reserved,
    /// Not counted: every key was not open; the earliest time all are.
    Wait(DateTime<Utc>),
}

/// Reserves one attempt under every key at once, or none: if any key must
/// still wait, nothing is counted and the answer says until when.
pub async fn reserve(pool: &PgPool, keys: &[Key]) -> sqlx::Result<Attempt> {
    let mut keys: Vec<&Key> = keys.iter().collect();
    // One order for every request, so two bursts cannot deadlock.
    keys.sort_by(|a, b| a.name.cmp(&b.name));
    let mut tx = pool.begin().await?;
    let mut wait: Option<DateTime<Utc>> = None;
    for key in &keys {
        if let Some(next) = count(&mut tx, key).await? {
            wait = Some(wait.map_or(next, |w| w.max(next)));
        }
    }
    match wait {
        Some(until) => {
            tx.rollback().await?;
            Ok(Attempt::Wait(until))
        }
        None => {
            tx.commit().await?;
            Ok(Attempt::Reserved)
        }
    }
}

/// Counts one attempt under `key` if it is open; if not, says until when it
/// is closed. The clock is read as the statement runs, not when its
/// transaction began: a request that began first but reached the row second
/// must see the row as the first left it.
async fn count(conn: &mut sqlx::PgConnection, key: &Key) -> sqlx::Result<Option<DateTime<Utc>>> {
    let limit = key.limit;
    let counted = sqlx::query!(
        "insert into attempt_limits as t (key, attempts, last_at, next_at)
         values ($1, 1, clock_timestamp(), clock_timestamp() + attempt_delay(1, $2, $3, $4))
         on conflict (key) do update set
             attempts = case when t.last_at < clock_timestamp() - make_interval(secs => $5)
                             then 1 else t.attempts + 1 end,
             last_at = clock_timestamp(),
             next_at = clock_timestamp() + attempt_delay(
                 case when t.last_at < clock_timestamp() - make_interval(secs => $5)
                      then 1 else t.attempts + 1 end, $2, $3, $4)
         where t.next_at <= clock_timestamp()",
        key.name,
        limit.free,
        f64::from(limit.base_seconds),
        f64::from(limit.cap_seconds),
        f64::from(limit.quiet_seconds),
    )
    .execute(&mut *conn)
    .await?;
    if counted.rows_affected() == 1 {
        return Ok(None);
    }
    let next: Option<DateTime<Utc>> = sqlx::query_scalar!(
        r#"select next_at as "next_at: DateTime<Utc>" from attempt_limits where key = $1"#,
        key.name
    )
    .fetch_optional(&mut *conn)
    .await?;
    // Gone since (a success elsewhere cleared it): nothing counted this time,
    // and it is open again at once.
    Ok(Some(next.unwrap_or_else(Utc::now)))
}

/// A reserved attempt succeeded: keys that a success clears are forgotten;
/// the others take back this attempt (and keep their wait).
pub async fn succeeded(pool: &PgPool, keys: &[Key]) -> sqlx::Result<()> {
    for key in keys {
        if key.limit.success_clears {
            sqlx::query!("delete from attempt_limits where key = $1", key.name)
                .execute(pool)
                .await?;
        } else {
            sqlx::query!(
                "update attempt_limits set attempts = greatest(attempts - 1, 0) where key = $1",
                key.name,
            )
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

/// Forgets the count of keys (a password reset proves the account is its
/// owner's, whatever was tried against it before).
pub async fn forget(pool: &PgPool, keys: &[Key]) -> sqlx::Result<()> {
    for key in keys {
        sqlx::query!("delete from attempt_limits where key = $1", key.name)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// Drops keys that have been quiet for a day.
pub async fn sweep(pool: &PgPool) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from attempt_limits
         where last_at < now() - interval '1 day' and next_at < now()",
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// "12 seconds", "3 minutes": how long until `until`, for a person.
pub fn wait_words(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = ((until - now).num_milliseconds() + 999)
        .div_euclid(1000)
        .max(1);
    if seconds < 90 {
        format!("{seconds} second{}", if seconds == 1 { "" } else { "s" })
    } else {
        let minutes = (seconds + 59) / 60;
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_share_their_64_and_ipv4_as_ipv6_is_itself() {
        let a = bucket("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = bucket("2001:db8:1:2:bbbb::9".parse().unwrap());
        let c = bucket("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            bucket("::ffff:192.0.2.1".parse().unwrap()),
            bucket("192.0.2.1".parse().unwrap())
        );
    }

    #[test]
    fn waits_read_in_seconds_then_minutes() {
        let now = Utc::now();
        assert_eq!(
            wait_words(now + chrono::Duration::seconds(1), now),
            "1 second"
        );
        assert_eq!(
            wait_words(now + chrono::Duration::seconds(40), now),
            "40 seconds"
        );
        assert_eq!(
            wait_words(now + chrono::Duration::seconds(600), now),
            "10 minutes"
        );
    }
}
