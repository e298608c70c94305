//! Where a coachee stands with alignment meetings: whether it is time to
//! plan one, one is on its way, or every included meeting is used.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// What the readiness card is computed from, one row per engagement.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EngagementAlignment {
    pub engagement_id: Uuid,
    pub enabled: bool,
    pub engagement_status: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub sessions_before: i32,
    pub included: i32,
    /// Completed coaching sessions.
    pub completed_sessions: i64,
    pub advised: bool,
    /// Meetings that count against the included number (not cancelled, not missed).
    pub used: i64,
    pub held: i64,
    pub approved_extra: i64,
    pub pending_request: bool,
    pub open_meeting: Option<Uuid>,
    pub open_starts_at: Option<DateTime<Utc>>,
    /// The latest time still on offer for the open meeting.
    pub open_latest_offer: Option<DateTime<Utc>>,
    pub last_held_at: Option<DateTime<Utc>>,
}

/// Where a coachee stands with alignment meetings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// Fewer coaching sessions done than recommended, and not advised otherwise.
    NotYet { done: i64, needed: i32 },
    /// Time to schedule: `next` is true for a second or later meeting.
    Ready { advised: bool, next: bool },
    /// A meeting is on its way.
    Scheduled {
        meeting: Uuid,
        starts_at: Option<DateTime<Utc>>,
    },
    /// Held; the next is suggested from the engagement's midpoint.
    Held { suggest_from: NaiveDate },
    /// Every included meeting is used; one more can be requested.
    QuotaReached { pending_request: bool },
}

impl EngagementAlignment {
    pub fn midpoint(&self) -> NaiveDate {
        self.starts_on + (self.ends_on - self.starts_on) / 2
    }

    pub fn allowed(&self) -> i64 {
        i64::from(self.included) + self.approved_extra
    }

    /// Where the coachee stands on `today`; None when the feature is off or
    /// the engagement is not active.
    pub fn readiness(&self, today: NaiveDate) -> Option<Readiness> {
        if !self.enabled || self.engagement_status != "active" {
            return None;
        }
        if let Some(meeting) = self.open_meeting {
            return Some(Readiness::Scheduled {
                meeting,
                starts_at: self.open_starts_at,
            });
        }
        if self.used >= self.allowed() {
            return Some(Readiness::QuotaReached {
                pending_request: self.pending_request,
            });
        }
        if self.held == 0 {
            let enough = self.completed_sessions >= i64::from(self.sessions_before);
            return Some(if enough || self.advised {
                Readiness::Ready {
                    advised: self.advised && !enough,
                    next: false,
                }
            } else {
                Readiness::NotYet {
                    done: self.completed_sessions,
                    needed: self.sessions_before,
                }
            });
        }
        let midpoint = self.midpoint();
        let held_after_midpoint = self
            .last_held_at
            .is_some_and(|at| at.date_naive() >= midpoint);
        Some(if today >= midpoint && !held_after_midpoint {
            Readiness::Ready {
                advised: false,
                next: true,
            }
        } else if held_after_midpoint {
            Readiness::Held {
                suggest_from: self.ends_on - chrono::Days::new(14),
            }
        } else {
            Readiness::Held {
                suggest_from: midpoint,
            }
        })
    }

    /// Whether the coachee may schedule another meeting now.
    pub fn can_schedule(&self) -> bool {
        self.enabled
            && self.engagement_status == "active"
            && self.open_meeting.is_none()
            && self.used < self.allowed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> EngagementAlignment {
        EngagementAlignment {
            engagement_id: Uuid::now_v7(),
            enabled: true,
            engagement_status: "active".into(),
            starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            sessions_before: 2,
            included: 2,
            completed_sessions: 0,
            advised: false,
            used: 0,
            held: 0,
            approved_extra: 0,
            pending_request: false,
            open_meeting: None,
            open_starts_at: None,
            open_latest_offer: None,
            last_held_at: None,
        }
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn readiness_follows_sessions_advice_meetings_and_the_midpoint() {
        let mut s = state();
        s.completed_sessions = 1;
        assert_eq!(
            s.readiness(day(2, 1)),
            Some(Readiness::NotYet { done: 1, needed: 2 })
        );
        s.advised = true;
        assert_eq!(
            s.readiness(day(2, 1)),
            Some(Readiness::Ready {
                advised: true,
                next: false
            })
        );
        s.advised = false;
        s.completed_sessions = 2;
        assert_eq!(
            s.readiness(day(2, 1)),
            Some(Readiness::Ready {
                advised: false,
                next: false
            })
        );
        let meeting = Uuid::now_v7();
        s.open_meeting = Some(meeting);
        s.used = 1;
        assert!(matches!(
            s.readiness(day(2, 1)),
            Some(Readiness::Scheduled { .. })
        ));
        s.open_meeting = None;
        s.held = 1;
        s.last_held_at = Some(day(3, 1).and_hms_opt(10, 0, 0).unwrap().and_utc());
        assert_eq!(
            s.readiness(day(3, 2)),
            Some(Readiness::Held {
                suggest_from: s.midpoint()
            })
        );
        assert_eq!(
            s.readiness(day(7, 15)),
            Some(Readiness::Ready {
                advised: false,
                next: true
            })
        );
        s.used = 2;
        s.held = 2;
        assert_eq!(
            s.readiness(day(9, 1)),
            Some(Readiness::QuotaReached {
                pending_request: false
            })
        );
        s.approved_extra = 1;
        assert!(s.can_schedule());
        s.enabled = false;
        assert_eq!(s.readiness(day(9, 1)), None);
        assert!(!s.can_schedule());
    }
}
