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

/// Wrong guest links per client address. Kept in memory: a forged link is
/// refused before any query, and counting it in the database would undo that.
/// Each process counts on its own, so behind a balancer the limit is per
/// process — guessing a 128-bit secret stays hopeless either way; this stops
/// a client from trying at full speed.
#[derive(Debug)]
pub struct LinkGuesses {
    seen: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (u32, std::time::Instant)>>,
    limit: u32,
    window: std::time::Duration,
}

impl Default for LinkGuesses {
    fn default() -> Self {
        LinkGuesses::new(20, std::time::Duration::from_secs(600))
    }
}

impl LinkGuesses {
    pub fn new(limit: u32, window: std::time::Duration) -> Self {
        LinkGuesses {
            seen: Default::default(),
            limit,
            window,
        }
    }

    /// IPv6 clients get a whole /64 each: counting single addresses would let
    /// one client rotate through them.
    fn bucket(addr: std::net::IpAddr) -> std::net::IpAddr {
        match addr {
            std::net::IpAddr::V6(v6) => {
                let mut octets = v6.octets();
                octets[8..].fill(0);
                std::net::IpAddr::V6(octets.into())
            }
            v4 => v4,
        }
    }

    /// How long `addr` must wait, if it has guessed wrong too often lately.
    pub fn blocked(&self, addr: std::net::IpAddr) -> Option<std::time::Duration> {
        let addr = Self::bucket(addr);
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (count, since) = seen.get(&addr)?;
        let elapsed = since.elapsed();
        (*count >= self.limit && elapsed < self.window).then(|| self.window - elapsed)
    }

    /// Counts one wrong link from `addr`.
    pub fn failed(&self, addr: std::net::IpAddr) {
        let addr = Self::bucket(addr);
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= 10_000 && !seen.contains_key(&addr) {
            let window = self.window;
            seen.retain(|_, (_, since)| since.elapsed() < window);
            // Still full: a flood of addresses. Memory stays bounded; the
            // counts start over.
            if seen.len() >= 10_000 {
                seen.clear();
            }
        }
        let entry = seen.entry(addr).or_insert((0, std::time::Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, std::time::Instant::now());
        }
        entry.0 += 1;
    }
}

#[cfg(test)]
mod link_guess_tests {
    use super::*;

    #[test]
    fn an_address_is_stopped_after_the_limit_and_others_are_not() {
        let guesses = LinkGuesses::new(3, std::time::Duration::from_secs(60));
        let a: std::net::IpAddr = "192.0.2.1".parse().unwrap();
        let b: std::net::IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..2 {
            guesses.failed(a);
        }
        assert!(guesses.blocked(a).is_none());
        guesses.failed(a);
        assert!(guesses.blocked(a).is_some());
        assert!(guesses.blocked(b).is_none());
        let short = LinkGuesses::new(1, std::time::Duration::from_millis(1));
        short.failed(a);
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(short.blocked(a).is_none(), "the window passes");
    }
}
