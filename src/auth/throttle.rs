//! Sign-in throttling, kept in PostgreSQL so it holds across restarts and
//! across every app process. Failures are counted per account and per client
//! address over a sliding window; past the limit, the answer says when to try
//! again.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Failures allowed in the window before sign-in pauses.
pub const PER_ACCOUNT: i64 = 5;
pub const PER_ADDRESS: i64 = 20;
/// The sliding window.
pub fn window() -> chrono::Duration {
    chrono::Duration::minutes(15)
}

pub fn account_key(email: &str) -> String {
    format!("account:{}", email.trim().to_lowercase())
}

pub fn address_key(addr: &std::net::IpAddr) -> String {
    format!("address:{addr}")
}

/// When sign-in opens again for any of `keys`, if one is past its limit now.
pub async fn blocked_until(
    conn: &mut PgConnection,
    keys: &[(String, i64)],
) -> sqlx::Result<Option<DateTime<Utc>>> {
    let mut until: Option<DateTime<Utc>> = None;
    for (key, limit) in keys {
        // The limit-th most recent failure in the window: once it ages out of
        // the window, the key is under its limit again.
        let oldest_counted: Option<DateTime<Utc>> = sqlx::query_scalar(
            "select failed_at from sign_in_failures
             where key = $1 and failed_at > now() - make_interval(secs => $2)
             order by failed_at desc offset $3 - 1 limit 1",
        )
        .bind(key)
        .bind(window().num_seconds() as f64)
        .bind(limit)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(at) = oldest_counted {
            let opens = at + window();
            until = Some(until.map_or(opens, |u| u.max(opens)));
        }
    }
    Ok(until)
}

/// Records a failure under each key, and prunes what the window has passed.
pub async fn record_failure(conn: &mut PgConnection, keys: &[String]) -> sqlx::Result<()> {
    for key in keys {
        sqlx::query("insert into sign_in_failures (key) values ($1)")
            .bind(key)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("delete from sign_in_failures where failed_at < now() - make_interval(secs => $1)")
        .bind(window().num_seconds() as f64)
        .execute(conn)
        .await?;
    Ok(())
}

/// A successful sign-in clears the account's count (not the address's).
pub async fn clear(conn: &mut PgConnection, key: &str) -> sqlx::Result<()> {
    sqlx::query("delete from sign_in_failures where key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}
