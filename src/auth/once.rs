//! One result per form, however often it is sent. Every page gives its forms
//! a random one-time key (`_once`). The key that counts is that key with the
//! login session, the path the form was sent to and what it held — so two
//! different forms of one page, or one form sent with other choices, are
//! different submissions. The first request with a key claims it, runs (to
//! the end, even if the browser gives up on it) and records where it sent the
//! browser. A repeat — a double click, a second tab, a resend after the back
//! button — waits for the first and is sent to the same place, without
//! running again. A form refused for a mistake, one that failed, and one that
//! changed the login session (signing in, switching organisation) release
//! their key; a claim left running for half a minute counts as abandoned.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;

pub const FIELD: &str = "_once";

/// What a request learns from claiming its key.
pub enum Claim {
    /// The first: run the form, then call [`finish`].
    First,
    /// A repeat of a form that already ran and led here.
    Done(String),
    /// A repeat while the first is still running after the wait.
    Busy,
}

/// The key of one submission: the page's key, the session, the path and the
/// fields (without the tokens), hashed.
pub fn key_of(
    once: &str,
    session: Option<&str>,
    path: &str,
    fields: &[(String, String)],
) -> String {
    use sha2::{Digest, Sha256};
    let mut sorted: Vec<&(String, String)> = fields
        .iter()
        .filter(|(name, _)| name != FIELD && name != crate::auth::csrf::FIELD)
        .collect();
    sorted.sort();
    let mut hash = Sha256::new();
    for part in [once, session.unwrap_or(""), path] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    for (name, value) in sorted {
        hash.update(name.as_bytes());
        hash.update([1]);
        hash.update(value.as_bytes());
        hash.update([0]);
    }
    hex::encode(hash.finalize())
}

/// Claims `key`; for a repeat, waits (up to about five seconds) for the first.
pub async fn claim(pool: &PgPool, key: &str) -> sqlx::Result<Claim> {
    for _ in 0..25 {
        // New, or a claim abandoned half a minute ago (its process died).
        let claimed = sqlx::query(
            "insert into form_submissions (key) values ($1)
             on conflict (key) do update set created_at = now()
             where form_submissions.location is null
               and form_submissions.created_at < now() - interval '30 seconds'",
        )
        .bind(key)
        .execute(pool)
        .await?;
        if claimed.rows_affected() == 1 {
            return Ok(Claim::First);
        }
        let row: Option<Option<String>> =
            sqlx::query_scalar("select location from form_submissions where key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?;
        match row {
            Some(Some(location)) => return Ok(Claim::Done(location)),
            // Gone: the first was refused and let go of the key; try again.
            None => continue,
            Some(None) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    Ok(Claim::Busy)
}

/// Lets go of a key whose form did not go through.
pub async fn release(pool: &PgPool, key: &str) {
    finish(pool, key, None).await;
}

/// Where a response sends the browser, if it is a redirect: what a repeat of
/// its form will get. (Read before any await: a body cannot be shared.)
pub fn outcome(response: &Response) -> Option<String> {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|_| response.status().is_redirection())
        .map(str::to_owned)
}

/// Records the first request's outcome: where a success redirected, or —
/// for anything else — releases the key.
pub async fn finish(pool: &PgPool, key: &str, location: Option<String>) {
    let result = match location {
        Some(location) => {
            sqlx::query("update form_submissions set location = $2 where key = $1")
                .bind(key)
                .bind(location.chars().take(2000).collect::<String>())
                .execute(pool)
                .await
        }
        None => {
            sqlx::query("delete from form_submissions where key = $1")
                .bind(key)
                .execute(pool)
                .await
        }
    };
    if let Err(err) = result {
        tracing::warn!(error = %err, "cannot record a form's outcome");
    }
}

/// The answer to a repeat: the same place the first went.
pub fn repeat(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Forgets keys older than a day.
pub async fn sweep(pool: &PgPool) -> sqlx::Result<u64> {
    let done =
        sqlx::query("delete from form_submissions where created_at < now() - interval '1 day'")
            .execute(pool)
            .await?;
    Ok(done.rows_affected())
}
