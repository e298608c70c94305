//! When the mail worker tries a message again after a transient failure, and
//! when it stops: part of the configuration, so that tests can shorten it.

use std::time::Duration;

use rand::Rng;

/// When to try a message again after a transient failure, and when to stop.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Transient failures for longer than this (from the round's start) fail the message.
    pub give_up_after: Duration,
}

impl Default for RetryPolicy {
    /// 30 s, 1 min, 2 min … capped at an hour, for about a day.
    fn default() -> Self {
        RetryPolicy {
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(24 * 3600),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`, with ±20% jitter so a crowd of
    /// messages that failed together does not return together.
    pub fn delay(&self, attempts: i32) -> Duration {
        let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
        let base = self
            .first_delay
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.max_delay);
        base.mul_f64(rand::rng().random_range(0.8..=1.2))
    }
}
