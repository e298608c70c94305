//! Alignment meetings, the heart of Triad: the coachee, their coach and their
//! manager meet to align on the coachee's development goals, while what is said
//! in coaching stays confidential.
//!
//! This module holds the domain's words and rules that need no database: the
//! kinds of meeting and their agendas, the coach's facilitation guide, and where
//! a coachee stands (their readiness). Queries are in `db::alignment`, pages in
//! `web::alignment` (coachee and coach) and `web::guest` (the manager).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub mod link;
pub mod notify;

/// The kinds of alignment meeting, in the order an engagement meets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Kickoff,
    Initial,
    Midpoint,
    Closing,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Kickoff, Kind::Initial, Kind::Midpoint, Kind::Closing];

    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Kickoff => "kickoff",
            Kind::Initial => "initial",
            Kind::Midpoint => "midpoint",
            Kind::Closing => "closing",
        }
    }

    pub fn parse(value: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Kind::Kickoff => "Kickoff",
            Kind::Initial => "Goal alignment",
            Kind::Midpoint => "Midpoint check-in",
            Kind::Closing => "Closing review",
        }
    }

    /// One sentence a manager reads: what this meeting is for.
    pub fn purpose(&self) -> &'static str {
        match self {
            Kind::Kickoff => {
                "to start the coaching together: hear what the programme offers, how the three of you will work, and what the coaching could help with."
            }
            Kind::Initial => {
                "to agree on the development goals the coaching will work on, and how you can support them at work."
            }
            Kind::Midpoint => {
                "to look at progress on the shared goals halfway through, and adjust them if work or priorities have changed."
            }
            Kind::Closing => {
                "to look back on what has changed, and agree how the progress will be kept up once the coaching ends."
            }
        }
    }

    /// The standard agenda: each item with its share of the meeting, in percent.
    fn items(&self) -> &'static [(&'static str, u32)] {
        match self {
            Kind::Kickoff => &[
                ("Welcome and introductions", 15),
                ("How coaching works, and what stays confidential", 20),
                ("Why this development matters now", 30),
                ("First hopes for the coaching", 20),
                ("How we keep in touch; wrap-up", 15),
            ],
            Kind::Initial => &[
                ("Welcome, and each person's role today", 10),
                ("Why the manager supported coaching", 15),
                ("The goals the coachee proposes", 35),
                ("The manager's view: strengths, growth, support", 25),
                ("How we keep in touch; wrap-up", 15),
            ],
            Kind::Midpoint => &[
                ("Welcome and what today is for", 10),
                ("Progress the coachee has noticed", 30),
                ("What the manager has noticed", 25),
                ("Adjusting the goals for the second half", 20),
                ("Next steps; wrap-up", 15),
            ],
            Kind::Closing => &[
                ("Welcome and what today is for", 10),
                ("What has changed since the start", 30),
                ("The manager's view of the progress", 25),
                ("Keeping it going after the coaching", 25),
                ("Thanks and wrap-up", 10),
            ],
        }
    }

    /// The standard agenda for a meeting of `minutes`, in whole minutes that
    /// add up to the meeting (the largest remainders get the spare minutes).
    pub fn agenda(&self, minutes: i32) -> Vec<AgendaItem> {
        let total = u32::try_from(minutes).unwrap_or(0);
        let items = self.items();
        let mut shown: Vec<AgendaItem> = items
            .iter()
            .map(|(title, share)| AgendaItem {
                title,
                minutes: total * share / 100,
            })
            .collect();
        let spare = total - shown.iter().map(|i| i.minutes).sum::<u32>();
        let mut by_remainder: Vec<usize> = (0..items.len()).collect();
        by_remainder.sort_by_key(|&i| std::cmp::Reverse(total * items[i].1 % 100));
        for &i in by_remainder.iter().take(spare as usize) {
            shown[i].minutes += 1;
        }
        shown
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgendaItem {
    pub title: &'static str,
    pub minutes: u32,
}

/// Where a meeting stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Proposed,
    Confirmed,
    Completed,
    NotHeld,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Proposed,
        Status::Confirmed,
        Status::Completed,
        Status::NotHeld,
        Status::Cancelled,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Confirmed => "confirmed",
            Status::Completed => "completed",
            Status::NotHeld => "not_held",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Status::Proposed => "Waiting for a time",
            Status::Confirmed => "Time set",
            Status::Completed => "Held",
            Status::NotHeld => "Not held",
            Status::Cancelled => "Cancelled",
        }
    }

    /// Still to happen: its time can change and it can be cancelled.
    pub fn is_open(&self) -> bool {
        matches!(self, Status::Proposed | Status::Confirmed)
    }
}

/// Who opens or closes the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speaker {
    Coachee,
    Coach,
    Manager,
}

impl Speaker {
    pub const ALL: [Speaker; 3] = [Speaker::Coachee, Speaker::Coach, Speaker::Manager];

    pub fn as_str(&self) -> &'static str {
        match self {
            Speaker::Coachee => "coachee",
            Speaker::Coach => "coach",
            Speaker::Manager => "manager",
        }
    }

    pub fn parse(value: &str) -> Option<Speaker> {
        Speaker::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Speaker::Coachee => "I will",
            Speaker::Coach => "My coach",
            Speaker::Manager => "My manager",
        }
    }
}

/// How the coach takes part in the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoachRole {
    Facilitate,
    Observe,
    Clarify,
}

impl CoachRole {
    pub const ALL: [CoachRole; 3] = [
        CoachRole::Facilitate,
        CoachRole::Observe,
        CoachRole::Clarify,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            CoachRole::Facilitate => "facilitate",
            CoachRole::Observe => "observe",
            CoachRole::Clarify => "clarify",
        }
    }

    pub fn parse(value: &str) -> Option<CoachRole> {
        CoachRole::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            CoachRole::Facilitate => "Lead the conversation through the agenda",
            CoachRole::Observe => "Mostly listen, and share observations at the end",
            CoachRole::Clarify => "Step in only with clarifying questions",
        }
    }
}

/// One step of the coach's facilitation guide.
pub struct GuideStep {
    pub title: &'static str,
    pub prompts: &'static [&'static str],
}

/// What the coach keeps in view while facilitating, in order.
pub const GUIDE: &[GuideStep] = &[
    GuideStep {
        title: "Welcome",
        prompts: &[
            "Thank both for making the time; say how long the meeting will take.",
            "Say who opens, as agreed in the preparation.",
        ],
    },
    GuideStep {
        title: "Context and roles",
        prompts: &[
            "Coaching conversations stay confidential: this meeting shares only what the coachee chooses.",
            "Say how you will take part today: leading, listening or clarifying.",
        ],
    },
    GuideStep {
        title: "Why the manager supported coaching",
        prompts: &[
            "Invite the manager to say what they hoped coaching would bring, in their own words.",
        ],
    },
    GuideStep {
        title: "The coachee's goals",
        prompts: &[
            "The coachee presents the goals they chose to share and why each matters to them.",
            "Check each goal is specific enough for progress to be noticed at work.",
        ],
    },
    GuideStep {
        title: "The manager's view",
        prompts: &[
            "Ask the manager which strengths they see and where they see room to grow.",
            "Ask what support the manager can give, and what would show progress to them.",
        ],
    },
    GuideStep {
        title: "Keeping in touch",
        prompts: &[
            "Agree how and how often the coachee and manager will talk about progress between meetings.",
            "Agree when the next alignment meeting should happen, if one is planned.",
        ],
    },
    GuideStep {
        title: "Wrap-up",
        prompts: &[
            "Summarise what was agreed, in one or two sentences each.",
            "Thank both; say who closes, as agreed in the preparation.",
        ],
    },
];

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

    #[test]
    fn agenda_timings_scale_with_the_meeting() {
        for kind in Kind::ALL {
            for minutes in [20, 30, 45, 60, 90] {
                let sum: u32 = kind.agenda(minutes).iter().map(|i| i.minutes).sum();
                assert_eq!(sum, minutes as u32, "{kind:?} {minutes}");
            }
        }
        let thirty: Vec<u32> = Kind::Initial.agenda(30).iter().map(|i| i.minutes).collect();
        assert_eq!(thirty, [3, 5, 11, 7, 4]);
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
            let share: u32 = kind.items().iter().map(|(_, s)| s).sum();
            assert_eq!(share, 100, "{kind:?}");
        }
    }
}
