//! Counted reports, kept for a few minutes. Counting a large programme's year
//! takes a tenth of a second of database time; admins reload the report, page
//! between it and its export and pass it round their team, and figures a few
//! minutes old tell them the same thing. The page says when its figures were
//! counted.
//!
//! Everything a report depends on besides the rows — organisation, programme,
//! period, time zone, threshold, cadence and quiet weeks — is in the key, so a
//! change of rules shows at once; new sessions and goals show within
//! [`FRESH_FOR`]. The handler still loads the programme through the tenant's
//! transaction before it looks here, so the cache never answers for a
//! programme the viewer could not open.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::reporting::report::Report;

/// How long counted figures are shown before they are counted again.
pub const FRESH_FOR: Duration = Duration::from_secs(5 * 60);
/// More periods than admins look at in five minutes, and a bound on memory.
const MAX_ENTRIES: usize = 256;

/// What a report's figures depend on, besides the rows counted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub org: Uuid,
    pub program: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub time_zone: String,
    pub threshold: i32,
    pub cadence_days: i32,
    pub inactivity_weeks: i32,
}

/// A report as counted, and when.
#[derive(Clone)]
pub struct Counted {
    pub report: Arc<Report>,
    /// Active engagements with no completed session for the programme's quiet weeks.
    pub quiet: usize,
    pub counted_at: DateTime<Utc>,
}

struct Entry {
    at: Instant,
    counted: Counted,
}

#[derive(Default)]
pub struct ReportCache {
    entries: Mutex<HashMap<Key, Entry>>,
}

impl std::fmt::Debug for ReportCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReportCache")
    }
}

impl ReportCache {
    /// The figures for `key` if they were counted less than [`FRESH_FOR`] ago.
    pub fn fresh(&self, key: &Key) -> Option<Counted> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|entry| entry.at.elapsed() < FRESH_FOR)
            .map(|entry| entry.counted.clone())
    }

    /// Keeps `counted` for `key`, making room by dropping stale entries, then
    /// the oldest.
    pub fn keep(&self, key: Key, counted: Counted) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, entry| entry.at.elapsed() < FRESH_FOR);
        }
        if entries.len() >= MAX_ENTRIES {
            let oldest = entries
                .iter()
                .min_by_key(|(_, entry)| entry.at)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        entries.insert(
            key,
            Entry {
                at: Instant::now(),
                counted,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(program: u128, threshold: i32) -> Key {
        Key {
            org: Uuid::from_u128(1),
            program: Uuid::from_u128(program),
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            time_zone: "Europe/London".into(),
            threshold,
            cadence_days: 14,
            inactivity_weeks: 6,
        }
    }

    fn counted(quiet: usize) -> Counted {
        Counted {
            report: Arc::new(Report {
                threshold: 5,
                groups: Vec::new(),
                cells: Vec::new(),
                sections: Vec::new(),
                months: Vec::new(),
                themes: Vec::new(),
                skills: Vec::new(),
                too_small: false,
            }),
            quiet,
            counted_at: Utc::now(),
        }
    }

    #[test]
    fn kept_figures_answer_only_their_own_key() {
        let cache = ReportCache::default();
        cache.keep(key(1, 5), counted(3));
        assert_eq!(cache.fresh(&key(1, 5)).map(|c| c.quiet), Some(3));
        // Another programme, or the same one with another threshold, is counted anew.
        assert!(cache.fresh(&key(2, 5)).is_none());
        assert!(cache.fresh(&key(1, 6)).is_none());
    }

    #[test]
    fn the_cache_stays_bounded_and_drops_the_oldest() {
        let cache = ReportCache::default();
        for program in 0..(MAX_ENTRIES as u128 + 10) {
            cache.keep(key(program, 5), counted(program as usize));
        }
        assert_eq!(cache.entries.lock().unwrap().len(), MAX_ENTRIES);
        assert!(cache.fresh(&key(0, 5)).is_none(), "the oldest went first");
        let newest = MAX_ENTRIES as u128 + 9;
        assert_eq!(
            cache.fresh(&key(newest, 5)).map(|c| c.quiet),
            Some(newest as usize)
        );
    }
}
