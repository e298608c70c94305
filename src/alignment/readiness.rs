//! Where a coachee stands with alignment meetings: which kind of meeting comes
//! next, whether it is time to plan it, one is on its way, or every meeting
//! the programme plans has taken place.
//!
//! Each kind has its own moment. A kickoff can be planned from the first day
//! (before any coaching, even before a coach is matched). Goal alignment waits
//! for the recommended coaching sessions and for a goal to share, unless the
//! coach advises going ahead. The midpoint check-in is due once the middle of
//! the engagement has passed, and the closing review in its last weeks. The
//! kinds come in that order, each once: what comes next is the first included
//! kind after the furthest one used (planned, set or held), and a midpoint not
//! yet held when the closing weeks begin gives way to the closing review.

use chrono::{DateTime, Days, NaiveDate, Utc};
use uuid::Uuid;

use super::kind::Kind;

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
    /// The kinds of meeting the programme includes, and those it expects.
    pub kinds: Vec<String>,
    pub expected: Vec<String>,
    /// Completed coaching sessions.
    pub completed_sessions: i64,
    /// Goals still being worked on (draft or active): what a goal alignment can share.
    pub goals_to_share: i32,
    /// Whether the engagement has its coach yet (assigned, or chosen from a shortlist).
    pub has_coach: bool,
    pub advised: bool,
    /// Meetings that count against the included number (not cancelled, not missed).
    pub used: i64,
    pub held: i64,
    /// The kinds of those meetings, and of those held.
    pub kinds_used: Vec<String>,
    pub kinds_held: Vec<String>,
    pub approved_extra: i64,
    pub pending_request: bool,
    pub open_meeting: Option<Uuid>,
    pub open_kind: Option<String>,
    pub open_starts_at: Option<DateTime<Utc>>,
    /// The latest time still on offer for the open meeting.
    pub open_latest_offer: Option<DateTime<Utc>>,
    pub last_held_at: Option<DateTime<Utc>>,
}

/// Where a coachee stands with alignment meetings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// The goal alignment comes next, but the coaching has not reached it:
    /// no coach chosen yet; or fewer sessions done than recommended, or no
    /// goal to share yet, and the coach has not advised going ahead.
    NotYet {
        kind: Kind,
        done: i64,
        needed: i32,
        goals: i32,
        has_coach: bool,
    },
    /// Time to plan `kind`; `advised` when only the coach's advice made it so.
    Ready { kind: Kind, advised: bool },
    /// A meeting is on its way.
    Scheduled {
        meeting: Uuid,
        kind: Option<Kind>,
        starts_at: Option<DateTime<Utc>>,
    },
    /// `kind` comes next, from `from`.
    Later { kind: Kind, from: NaiveDate },
    /// Every kind the programme includes has been used.
    AllUsed,
    /// Every included meeting is used; one more can be requested.
    QuotaReached { pending_request: bool },
}

impl EngagementAlignment {
    pub fn midpoint(&self) -> NaiveDate {
        self.starts_on + (self.ends_on - self.starts_on) / 2
    }

    /// The first day of the engagement's last weeks, when the closing review
    /// is due: four weeks before the end, or the last quarter of a short one.
    pub fn closing_from(&self) -> NaiveDate {
        let length = (self.ends_on - self.starts_on).num_days().max(0);
        let days = length.min(4 * 4 * 7) / 4;
        self.ends_on - Days::new(u64::try_from(days).unwrap_or(0))
    }

    pub fn allowed(&self) -> i64 {
        i64::from(self.included) + self.approved_extra
    }

    /// The kinds the programme includes, in journey order.
    pub fn included_kinds(&self) -> Vec<Kind> {
        Kind::all_of(&self.kinds)
    }

    pub fn expects(&self, kind: Kind) -> bool {
        self.expected.iter().any(|k| k == kind.as_str())
    }

    pub fn has_used(&self, kind: Kind) -> bool {
        self.kinds_used.iter().any(|k| k == kind.as_str())
    }

    pub fn has_held(&self, kind: Kind) -> bool {
        self.kinds_held.iter().any(|k| k == kind.as_str())
    }

    /// The kind that comes next on `today`: the first included kind after the
    /// furthest one used (the journey moves forward: a goal alignment held
    /// without a kickoff does not ask for a kickoff afterwards), a midpoint
    /// skipped once the closing weeks have begun.
    pub fn next_kind(&self, today: NaiveDate) -> Option<Kind> {
        let furthest = Kind::ALL.iter().rposition(|kind| self.has_used(*kind));
        let closing_due = self.included_kinds().contains(&Kind::Closing)
            && !self.has_used(Kind::Closing)
            && today >= self.closing_from();
        self.included_kinds()
            .into_iter()
            .filter(|kind| furthest.is_none_or(|f| kind.position() > f))
            .find(|kind| !(closing_due && *kind == Kind::Midpoint))
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
                kind: self.open_kind.as_deref().and_then(Kind::parse),
                starts_at: self.open_starts_at,
            });
        }
        if self.used >= self.allowed() {
            return Some(Readiness::QuotaReached {
                pending_request: self.pending_request,
            });
        }
        let Some(kind) = self.next_kind(today) else {
            return Some(Readiness::AllUsed);
        };
        if kind != Kind::Kickoff && !self.has_coach {
            // Every meeting after the kickoff is with the coach: it waits for
            // one, whatever else is done (nobody is there to advise).
            return Some(Readiness::NotYet {
                kind,
                done: self.completed_sessions,
                needed: self.sessions_before,
                goals: self.goals_to_share,
                has_coach: false,
            });
        }
        let ready = Readiness::Ready {
            kind,
            advised: false,
        };
        Some(match kind {
            Kind::Kickoff => ready,
            Kind::Initial => {
                let enough = self.completed_sessions >= i64::from(self.sessions_before)
                    && self.goals_to_share > 0;
                if enough {
                    ready
                } else if self.advised {
                    Readiness::Ready {
                        kind,
                        advised: true,
                    }
                } else {
                    Readiness::NotYet {
                        kind,
                        done: self.completed_sessions,
                        needed: self.sessions_before,
                        goals: self.goals_to_share,
                        has_coach: true,
                    }
                }
            }
            Kind::Midpoint if today < self.midpoint() => Readiness::Later {
                kind,
                from: self.midpoint(),
            },
            Kind::Closing if today < self.closing_from() => Readiness::Later {
                kind,
                from: self.closing_from(),
            },
            Kind::Midpoint | Kind::Closing => ready,
        })
    }

    /// Whether the coachee may plan another meeting now: the programme has
    /// them, the engagement is active, none is on its way and one is left.
    pub fn can_schedule(&self) -> bool {
        self.enabled
            && self.engagement_status == "active"
            && self.open_meeting.is_none()
            && self.used < self.allowed()
    }

    /// Whether a meeting of `kind` may be planned now: as `can_schedule`, and
    /// the programme includes the kind; only a kickoff is held before the
    /// engagement has its coach.
    pub fn can_schedule_kind(&self, kind: Kind) -> bool {
        self.can_schedule()
            && self.included_kinds().contains(&kind)
            && (self.has_coach || kind == Kind::Kickoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A year-long engagement of a programme with every kind, nothing done yet.
    fn state() -> EngagementAlignment {
        EngagementAlignment {
            engagement_id: Uuid::now_v7(),
            enabled: true,
            engagement_status: "active".into(),
            starts_on: day(1, 1),
            ends_on: day(12, 31),
            sessions_before: 2,
            included: 5,
            kinds: Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
            expected: Vec::new(),
            completed_sessions: 0,
            goals_to_share: 0,
            has_coach: true,
            advised: false,
            used: 0,
            held: 0,
            kinds_used: Vec::new(),
            kinds_held: Vec::new(),
            approved_extra: 0,
            pending_request: false,
            open_meeting: None,
            open_kind: None,
            open_starts_at: None,
            open_latest_offer: None,
            last_held_at: None,
        }
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn held(s: &mut EngagementAlignment, kind: Kind) {
        s.used += 1;
        s.held += 1;
        s.kinds_used.push(kind.as_str().into());
        s.kinds_held.push(kind.as_str().into());
    }

    fn ready(kind: Kind) -> Option<Readiness> {
        Some(Readiness::Ready {
            kind,
            advised: false,
        })
    }

    #[test]
    fn a_kickoff_is_ready_from_the_first_day_and_does_not_stand_for_the_goal_alignment() {
        let mut s = state();
        assert_eq!(s.readiness(day(1, 1)), ready(Kind::Kickoff));
        held(&mut s, Kind::Kickoff);
        assert_eq!(
            s.readiness(day(2, 1)),
            Some(Readiness::NotYet {
                kind: Kind::Initial,
                done: 0,
                needed: 2,
                goals: 0,
                has_coach: true
            })
        );
        // Sessions alone are not enough: the meeting needs a goal to share.
        s.completed_sessions = 2;
        assert!(matches!(
            s.readiness(day(2, 1)),
            Some(Readiness::NotYet { goals: 0, .. })
        ));
        s.goals_to_share = 1;
        assert_eq!(s.readiness(day(2, 1)), ready(Kind::Initial));
        // Past the midpoint the goal alignment still comes first.
        assert_eq!(s.readiness(day(8, 1)), ready(Kind::Initial));
    }

    #[test]
    fn the_coach_can_advise_going_ahead_before_the_sessions_and_goals() {
        let mut s = state();
        s.kinds = vec!["initial".into(), "midpoint".into()];
        s.advised = true;
        assert_eq!(
            s.readiness(day(1, 10)),
            Some(Readiness::Ready {
                kind: Kind::Initial,
                advised: true
            })
        );
    }

    #[test]
    fn without_a_coach_only_the_kickoff_goes_ahead_and_the_goal_alignment_waits_for_one() {
        let mut s = state();
        s.has_coach = false;
        s.kinds = vec!["kickoff".into(), "initial".into()];
        assert_eq!(s.readiness(day(1, 1)), ready(Kind::Kickoff));
        assert!(s.can_schedule_kind(Kind::Kickoff));
        assert!(!s.can_schedule_kind(Kind::Initial));
        held(&mut s, Kind::Kickoff);
        // Sessions, a goal and even advice are not enough without a coach.
        s.completed_sessions = 2;
        s.goals_to_share = 1;
        s.advised = true;
        assert_eq!(
            s.readiness(day(2, 1)),
            Some(Readiness::NotYet {
                kind: Kind::Initial,
                done: 2,
                needed: 2,
                goals: 1,
                has_coach: false
            })
        );
        // Once the coachee has chosen their coach, only sessions and a goal count.
        s.has_coach = true;
        s.advised = false;
        assert_eq!(s.readiness(day(2, 1)), ready(Kind::Initial));
        assert!(s.can_schedule_kind(Kind::Initial));
    }

    #[test]
    fn midpoint_and_closing_wait_for_their_dates() {
        let mut s = state();
        s.completed_sessions = 3;
        s.goals_to_share = 2;
        held(&mut s, Kind::Kickoff);
        held(&mut s, Kind::Initial);
        assert_eq!(
            s.readiness(day(3, 1)),
            Some(Readiness::Later {
                kind: Kind::Midpoint,
                from: s.midpoint()
            })
        );
        assert_eq!(s.readiness(s.midpoint()), ready(Kind::Midpoint));
        held(&mut s, Kind::Midpoint);
        assert_eq!(s.closing_from(), day(12, 3));
        assert_eq!(
            s.readiness(day(9, 1)),
            Some(Readiness::Later {
                kind: Kind::Closing,
                from: day(12, 3)
            })
        );
        assert_eq!(s.readiness(day(12, 3)), ready(Kind::Closing));
        held(&mut s, Kind::Closing);
        assert_eq!(s.readiness(day(12, 20)), Some(Readiness::AllUsed));
    }

    #[test]
    fn a_midpoint_not_held_by_the_last_weeks_gives_way_to_the_closing_review() {
        let mut s = state();
        s.kinds = vec!["initial".into(), "midpoint".into(), "closing".into()];
        held(&mut s, Kind::Initial);
        assert_eq!(s.readiness(day(10, 1)), ready(Kind::Midpoint));
        assert_eq!(s.readiness(day(12, 10)), ready(Kind::Closing));
    }

    #[test]
    fn the_journey_moves_forward_past_kinds_left_out() {
        let mut s = state();
        held(&mut s, Kind::Initial);
        assert_eq!(s.readiness(day(8, 1)), ready(Kind::Midpoint));
        held(&mut s, Kind::Closing);
        assert_eq!(s.readiness(day(12, 20)), Some(Readiness::AllUsed));
    }

    #[test]
    fn only_the_kinds_the_programme_includes_are_suggested() {
        let mut s = state();
        s.kinds = vec!["kickoff".into(), "closing".into()];
        held(&mut s, Kind::Kickoff);
        assert_eq!(
            s.readiness(day(6, 1)),
            Some(Readiness::Later {
                kind: Kind::Closing,
                from: s.closing_from()
            })
        );
        assert!(s.can_schedule_kind(Kind::Closing));
        assert!(!s.can_schedule_kind(Kind::Midpoint));
        // A short engagement's closing weeks are its last quarter.
        s.ends_on = day(2, 26);
        assert_eq!(s.closing_from(), day(2, 12));
    }

    #[test]
    fn an_open_meeting_the_allowance_and_the_switch_come_first() {
        let mut s = state();
        let meeting = Uuid::now_v7();
        s.open_meeting = Some(meeting);
        s.open_kind = Some("kickoff".into());
        s.used = 1;
        assert_eq!(
            s.readiness(day(2, 1)),
            Some(Readiness::Scheduled {
                meeting,
                kind: Some(Kind::Kickoff),
                starts_at: None
            })
        );
        assert!(!s.can_schedule());
        s.open_meeting = None;
        s.used = 5;
        assert_eq!(
            s.readiness(day(9, 1)),
            Some(Readiness::QuotaReached {
                pending_request: false
            })
        );
        s.approved_extra = 1;
        assert!(s.can_schedule());
        s.engagement_status = "paused".into();
        assert_eq!(s.readiness(day(9, 1)), None);
        s.engagement_status = "active".into();
        s.enabled = false;
        assert_eq!(s.readiness(day(9, 1)), None);
        assert!(!s.can_schedule());
    }
}
