//! The delivery worker: takes due messages from the outbox and sends them.
//!
//! Any number of workers may run, in one process or many: a message is claimed
//! with `FOR UPDATE SKIP LOCKED` and a lease before it is sent, and the send
//! happens outside the claiming transaction, so no worker waits on another and
//! none sends what another holds. A worker that dies mid-send loses its lease
//! and the message becomes due again.

use std::time::Duration;

use chrono::Utc;
use lettre::message::Mailbox;
use sqlx::PgPool;
use tokio::sync::watch;

use crate::mail::outbox::{self, Claimed, Outcome};
use crate::mail::transport::{SendError, Transport};

pub use crate::config::RetryPolicy;

#[derive(Clone, Debug)]
pub struct WorkerSettings {
    pub from: Mailbox,
    /// How often an idle worker looks for due messages.
    pub poll_interval: Duration,
    pub batch: i64,
    /// How long a claim holds before another worker may take the message.
    pub lease: Duration,
    pub retry: RetryPolicy,
}

impl WorkerSettings {
    pub fn new(from: Mailbox) -> Self {
        WorkerSettings {
            from,
            poll_interval: Duration::from_secs(1),
            batch: 20,
            lease: Duration::from_secs(300),
            retry: RetryPolicy::default(),
        }
    }
}

/// Delivers until `stopping` turns true. What it holds then is either finished
/// (the send under way) or released for another worker.
pub async fn run(
    pool: PgPool,
    transport: Transport,
    settings: WorkerSettings,
    mut stopping: watch::Receiver<bool>,
) {
    tracing::info!(?transport, "mail delivery worker started");
    loop {
        if *stopping.borrow() {
            break;
        }
        let claimed = match outbox::claim(&pool, settings.batch, settings.lease).await {
            Ok(claimed) => claimed,
            Err(err) => {
                // The database is away; the messages wait for it, safely.
                tracing::warn!(error = %err, "cannot claim outbox messages; will retry");
                idle(
                    &mut stopping,
                    settings.poll_interval.max(Duration::from_secs(2)),
                )
                .await;
                continue;
            }
        };
        if claimed.is_empty() {
            idle(&mut stopping, settings.poll_interval).await;
            continue;
        }
        let mut pending = claimed.into_iter();
        while let Some(message) = pending.next() {
            if *stopping.borrow() {
                let rest: Vec<Claimed> = std::iter::once(message).chain(pending).collect();
                if let Err(err) = outbox::release(&pool, &rest).await {
                    tracing::warn!(error = %err, "cannot release claimed messages; their lease will");
                }
                break;
            }
            deliver(&pool, &transport, &settings, &message).await;
        }
    }
    tracing::info!("mail delivery worker stopped");
}

async fn idle(stopping: &mut watch::Receiver<bool>, interval: Duration) {
    tokio::select! {
        () = tokio::time::sleep(interval) => {}
        _ = stopping.wait_for(|stop| *stop) => {}
    }
}

async fn deliver(
    pool: &PgPool,
    transport: &Transport,
    settings: &WorkerSettings,
    message: &Claimed,
) {
    let outcome = match transport.send(message, &settings.from).await {
        Ok(()) => Outcome::Sent,
        Err(SendError::Permanent(error)) => Outcome::Failed { error },
        Err(SendError::Transient(error)) => {
            let round = Utc::now() - message.queued_at;
            let give_up = chrono::Duration::from_std(settings.retry.give_up_after)
                .unwrap_or(chrono::Duration::MAX);
            if round >= give_up {
                Outcome::Failed {
                    error: format!("gave up after {} attempts: {error}", message.attempts),
                }
            } else {
                let delay = chrono::Duration::from_std(settings.retry.delay(message.attempts))
                    .unwrap_or(chrono::Duration::MAX);
                Outcome::Retry {
                    error,
                    at: Utc::now() + delay,
                }
            }
        }
    };
    match &outcome {
        Outcome::Sent => tracing::info!(message = %message.id, "email sent"),
        Outcome::Retry { error, at } => {
            tracing::warn!(message = %message.id, attempt = message.attempts, %error, retry_at = %at, "email delivery failed; will retry")
        }
        Outcome::Failed { error } => {
            tracing::warn!(message = %message.id, attempt = message.attempts, %error, "email delivery failed for good")
        }
    }
    // If this write fails, the lease runs out and the message is tried again:
    // a possible repeat, never a loss. Its Message-ID stays the same.
    if let Err(err) = outbox::record(pool, message, &outcome).await {
        tracing::warn!(message = %message.id, error = %err, "cannot record the delivery outcome");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_double_up_to_the_cap_with_jitter() {
        let policy = RetryPolicy::default();
        for (attempts, base) in [(1, 30.0), (2, 60.0), (3, 120.0), (8, 3600.0), (40, 3600.0)] {
            let delay = policy.delay(attempts).as_secs_f64();
            assert!(
                delay >= base * 0.8 && delay <= base * 1.2,
                "attempt {attempts}: {delay}"
            );
        }
    }

    #[test]
    fn retries_span_about_a_day() {
        let policy = RetryPolicy::default();
        let mut elapsed = Duration::ZERO;
        let mut attempts = 0;
        while elapsed < policy.give_up_after {
            attempts += 1;
            elapsed += policy.delay(attempts);
        }
        assert!((20..=40).contains(&attempts), "{attempts} attempts");
    }
}
