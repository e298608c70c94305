//! What other pages show of alignment meetings: the readiness card on the
//! engagement and home pages, and offered times as a row. Coaching, home and
//! the manager's guest page read these; this module imports none of them.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::alignment::{EngagementAlignment, Readiness};
use crate::db::alignment::Candidate;
use crate::format;
use crate::web::engagement::Side;

/// How a readiness state reads on a card: a headline and why.
pub struct ReadinessShown {
    pub readiness: Readiness,
    pub headline: String,
    pub detail: String,
    pub meeting: Option<Uuid>,
    pub can_schedule: bool,
    pub can_request: bool,
}

/// The card text for an engagement's state, in the viewer's words and zone;
/// None when the programme has no alignment meetings.
pub fn readiness_shown(
    state: &EngagementAlignment,
    side: Side,
    time_zone: &str,
) -> Option<ReadinessShown> {
    let today = Utc::now()
        .with_timezone(&format::zone(time_zone))
        .date_naive();
    if !state.enabled {
        return None;
    }
    let Some(readiness) = state.readiness(today) else {
        // The engagement is over or paused: its meetings stay readable.
        return Some(ReadinessShown {
            readiness: Readiness::Held {
                suggest_from: state.ends_on,
            },
            headline: "No new meetings".to_owned(),
            detail: format!(
                "The engagement is {}: no new alignment meeting can be planned.",
                state.engagement_status
            ),
            meeting: None,
            can_schedule: false,
            can_request: false,
        });
    };
    let you = side == Side::Coachee;
    let (headline, detail) = match &readiness {
        Readiness::NotYet { done, needed } => (
            "Not yet".to_owned(),
            format!(
                "{done} of {needed} recommended coaching session{} done. {}",
                if *needed == 1 { "" } else { "s" },
                if you {
                    "The alignment meeting works best once you and your coach know what you want to work on."
                } else {
                    "You can advise them to schedule earlier if they are ready."
                }
            ),
        ),
        Readiness::Ready { advised, next } => (
            if *next {
                "Time for the next alignment meeting".to_owned()
            } else {
                "Ready to schedule".to_owned()
            },
            if *next {
                "The engagement is past its midpoint: a good moment to look at progress on the goals with the manager.".to_owned()
            } else if *advised {
                "The coach advised scheduling the alignment meeting now.".to_owned()
            } else if you {
                "You have done the recommended coaching sessions. Invite your manager to align on your goals with your coach.".to_owned()
            } else {
                "The recommended coaching sessions are done; the coachee can invite their manager."
                    .to_owned()
            },
        ),
        Readiness::Scheduled { starts_at, .. } => (
            "Scheduled".to_owned(),
            match starts_at {
                Some(at) => format!(
                    "The meeting is set for {}.",
                    format::local_time(*at, time_zone)
                ),
                None if state.open_latest_offer.is_some_and(|at| at <= Utc::now()) => {
                    "Every time offered has passed without an answer: offer a new time, or cancel the meeting.".to_owned()
                }
                None => "Waiting for the manager to choose one of the times offered.".to_owned(),
            },
        ),
        Readiness::Held { suggest_from } => (
            "Held".to_owned(),
            format!(
                "The alignment meeting took place. The next is suggested from {}.",
                suggest_from.format("%-d %b %Y")
            ),
        ),
        Readiness::QuotaReached { pending_request } => (
            "All included meetings used".to_owned(),
            if *pending_request {
                "A request for one more meeting is with the programme team.".to_owned()
            } else if you {
                "Your programme includes no more alignment meetings. You can ask the programme team for one more.".to_owned()
            } else {
                "The programme includes no more alignment meetings; the coachee can ask for one more.".to_owned()
            },
        ),
    };
    let meeting = match &readiness {
        Readiness::Scheduled { meeting, .. } => Some(*meeting),
        _ => None,
    };
    let can_request = matches!(
        readiness,
        Readiness::QuotaReached {
            pending_request: false
        }
    );
    Some(ReadinessShown {
        can_schedule: state.can_schedule(),
        readiness,
        headline,
        detail,
        meeting,
        can_request,
    })
}

pub struct CandidateRow {
    pub candidate: Candidate,
    pub when: String,
}

pub(super) fn local(at: Option<DateTime<Utc>>, time_zone: &str) -> String {
    at.map(|at| format::local_time(at, time_zone))
        .unwrap_or_default()
}
