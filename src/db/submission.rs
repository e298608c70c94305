//! The one-time keys of submitted forms (`form_submissions`): claiming one,
//! marking it used inside the transaction that acts on it, and recording
//! where its form led. `auth::once` says what the keys are and answers the
//! browser; nothing here knows about HTTP.
//!
//! A key is claimed before the form's handler runs and settled after it. In
//! between the handler runs inside [`scope`], and every tenant transaction it
//! commits first marks the key used, in that same transaction: what the form
//! did and "this key was used" commit together or not at all. If the process
//! stops after the commit but before the key is settled, a resend finds the
//! key used and is not run again ([`Claim::Acted`]).

use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// One request's hold on a key. A claim left running for half a minute counts
/// as abandoned and may be taken over under a new claim id; the request that
/// lost it can then neither mark nor settle the key.
#[derive(Clone, Debug)]
pub struct Submission {
    key: String,
    claim: Uuid,
}

/// What a request learns from claiming its key.
#[derive(Debug)]
pub enum Claim {
    /// The first: run the form inside [`scope`], then [`settle`] the key.
    First(Submission),
    /// A repeat of a form that already ran and led here.
    Done(String),
    /// A repeat of a form that already acted, whose first request stopped
    /// before recording where it led: it must not run again.
    Acted,
    /// A repeat while the first is still running after the wait.
    Busy,
}

tokio::task_local! {
    static HELD: Submission;
}

/// Claims `key`; for a repeat, waits (up to about five seconds) for the first.
pub async fn claim(pool: &PgPool, key: &str) -> sqlx::Result<Claim> {
    let claim = Uuid::new_v4();
    for _ in 0..25 {
        // New, or a claim abandoned half a minute ago that had not acted.
        let claimed = sqlx::query!(
            "insert into form_submissions (key, claim) values ($1, $2)
             on conflict (key) do update set created_at = now(), claim = excluded.claim
             where form_submissions.location is null
               and form_submissions.acted_at is null
               and form_submissions.created_at < now() - interval '30 seconds'",
            key,
            claim,
        )
        .execute(pool)
        .await?;
        if claimed.rows_affected() == 1 {
            return Ok(Claim::First(Submission {
                key: key.to_owned(),
                claim,
            }));
        }
        // Neither test can be null: `is not null` never is, and
        // `created_at` is a not-null column.
        let row = sqlx::query!(
            r#"select location, acted_at is not null as "acted!",
                      created_at < now() - interval '30 seconds' as "abandoned!"
               from form_submissions where key = $1"#,
            key,
        )
        .fetch_optional(pool)
        .await?
        .map(|row| (row.location, row.acted, row.abandoned));
        match row {
            Some((Some(location), _, _)) => return Ok(Claim::Done(location)),
            // It acted, and nobody recorded where it led in half a minute.
            Some((None, true, true)) => return Ok(Claim::Acted),
            // Gone: the first was refused and let go of the key. Or given up
            // just now: the next round takes it over.
            None | Some((None, false, true)) => continue,
            Some((None, _, false)) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    Ok(Claim::Busy)
}

/// Runs `work` holding `submission`: the tenant transactions it commits mark
/// the key used (see [`mark_used`]).
pub async fn scope<F: Future>(submission: Submission, work: F) -> F::Output {
    HELD.scope(submission, work).await
}

/// Marks the key this task holds used, in the transaction `conn` is in;
/// outside [`scope`], does nothing. Run by a tenant transaction's commit, so
/// a form's effect and its key's use commit together. Fails — and so the
/// transaction rolls back — when the claim was taken over by a later sending
/// of the same form: of the two, only one may act.
pub async fn mark_used(conn: &mut PgConnection) -> sqlx::Result<()> {
    let Ok(held) = HELD.try_with(Submission::clone) else {
        return Ok(());
    };
    let marked = sqlx::query!(
        "update form_submissions set acted_at = coalesce(acted_at, now())
         where key = $1 and claim = $2",
        held.key,
        held.claim,
    )
    .execute(conn)
    .await?;
    if marked.rows_affected() == 1 {
        Ok(())
    } else {
        Err(sqlx::Error::Protocol(
            "this form's one-time key was taken over by a later sending of the form".into(),
        ))
    }
}

/// Settles a claim: records where the form led, for a repeat to follow, or
/// with `None` lets go of the key (the form was refused, failed, or changed
/// the login session, and a repeat must run for real).
pub async fn settle(
    pool: &PgPool,
    submission: &Submission,
    location: Option<String>,
) -> sqlx::Result<()> {
    match location {
        Some(location) => {
            sqlx::query!(
                "update form_submissions set location = $3 where key = $1 and claim = $2",
                submission.key,
                submission.claim,
                location.chars().take(2000).collect::<String>(),
            )
            .execute(pool)
            .await?
        }
        None => {
            sqlx::query!(
                "delete from form_submissions where key = $1 and claim = $2",
                submission.key,
                submission.claim,
            )
            .execute(pool)
            .await?
        }
    };
    Ok(())
}

/// Forgets keys older than a day.
pub async fn sweep(pool: &PgPool) -> sqlx::Result<u64> {
    let done =
        sqlx::query!("delete from form_submissions where created_at < now() - interval '1 day'")
            .execute(pool)
            .await?;
    Ok(done.rows_affected())
}
