//! What other pages show of alignment meetings: the readiness card on the
//! engagement and home pages, and offered times as a row. Coaching, home and
//! the manager's guest page read these; this module imports none of them.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::alignment::replies::{Reply, arranging};
use crate::alignment::{EngagementAlignment, Kind, Readiness};
use crate::db::alignment::{Candidate, Invite};
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
/// `replies`: the live invitees' answers about the time of the open meeting
/// (any others are ignored), so a proposal or a decline is said as it is.
pub fn readiness_shown(
    state: &EngagementAlignment,
    side: Side,
    time_zone: &str,
    replies: &[Reply],
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
            readiness: Readiness::AllUsed,
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
        Readiness::NotYet {
            kind,
            done,
            needed,
            goals,
            has_coach: false,
        } => (
            "Not yet".to_owned(),
            no_coach(*kind, *done, *needed, *goals, you),
        ),
        Readiness::NotYet {
            kind,
            done,
            needed,
            goals,
            has_coach: true,
        } => (
            "Not yet".to_owned(),
            not_yet(*kind, *done, *needed, *goals, you),
        ),
        Readiness::Ready { kind, advised } => (
            format!("Time for the {}", kind.label().to_lowercase()),
            ready(state, *kind, *advised, you),
        ),
        Readiness::Scheduled {
            kind,
            starts_at,
            meeting,
        } => {
            let label = kind.map_or("Meeting", |k| k.label());
            let replies: Vec<Reply> = replies
                .iter()
                .filter(|r| r.meeting_id == *meeting)
                .cloned()
                .collect();
            let arranging = (starts_at.is_none() && !replies.is_empty())
                .then(|| arranging(&replies, time_zone, you));
            (
            match &arranging {
                Some(a) if a.all_declined => format!("{label}: declined"),
                Some(a) if a.proposed => format!("{label}: another time proposed"),
                _ => format!("{label} planned"),
            },
            match starts_at {
                Some(at) => format!(
                    "The meeting is set for {}.",
                    format::local_time(*at, time_zone)
                ),
                None if state.open_latest_offer.is_some_and(|at| at <= Utc::now())
                    && !arranging.as_ref().is_some_and(|a| a.proposed) =>
                {
                    "Every time offered has passed without an answer: offer a new time, or cancel the meeting.".to_owned()
                }
                None => arranging.map_or_else(
                    || "Waiting for the manager to choose one of the times offered.".to_owned(),
                    |a| a.sentence,
                ),
            },
        )
        }
        Readiness::Later { kind, from } => (
            format!("Next: the {}", kind.label().to_lowercase()),
            format!(
                "{}The {} is suggested from {}.",
                if state.held > 0 {
                    "The last alignment meeting took place. "
                } else {
                    ""
                },
                kind.label().to_lowercase(),
                from.format("%A %-d %B %Y")
            ),
        ),
        Readiness::AllUsed => (
            "Every planned meeting used".to_owned(),
            if you {
                "Each kind of alignment meeting your programme plans has been arranged. You can still plan another if something changes."
            } else {
                "Each kind of alignment meeting the programme plans has been arranged; the coachee can still plan another."
            }
            .to_owned(),
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

/// Why the goal alignment is not due yet: the sessions, the goal, or both.
fn not_yet(kind: Kind, done: i64, needed: i32, goals: i32, you: bool) -> String {
    let sessions_short = done < i64::from(needed);
    let mut why = Vec::new();
    if sessions_short {
        why.push(format!(
            "{done} of {needed} recommended coaching session{} done",
            if needed == 1 { "" } else { "s" }
        ));
    }
    if goals == 0 {
        why.push(if you {
            "no goal written yet to share".to_owned()
        } else {
            "no goal written yet".to_owned()
        });
    }
    format!(
        "The {} comes next: {}. {}",
        kind.label().to_lowercase(),
        why.join(", and "),
        if you {
            "It works best once you and your coach know what you want to work on."
        } else {
            "You can advise them to schedule earlier if they are ready."
        }
    )
}

/// Why a meeting after the kickoff waits: the engagement has no coach yet.
/// The sessions and the goal are named too, so nothing comes as a surprise
/// once the coach is there.
fn no_coach(kind: Kind, done: i64, needed: i32, goals: i32, you: bool) -> String {
    let mut later = Vec::new();
    if done < i64::from(needed) {
        later.push(format!(
            "{done} of {needed} recommended coaching session{} done",
            if needed == 1 { "" } else { "s" }
        ));
    }
    if goals == 0 && kind == Kind::Initial {
        later.push("no goal written yet".to_owned());
    }
    let then = if later.is_empty() {
        String::new()
    } else {
        format!(" After that it also waits for: {}.", later.join(", and "))
    };
    format!(
        "The {} comes next: no coach chosen yet. {}{then}",
        kind.label().to_lowercase(),
        if you {
            "It is a meeting with your coach: once you have chosen one from the programme's shortlist, it can be planned."
        } else {
            "It is a meeting with the coach: it can be planned once the coachee has chosen one."
        }
    )
}

/// What a kind due now is for, in the viewer's words.
fn ready(state: &EngagementAlignment, kind: Kind, advised: bool, you: bool) -> String {
    let why = match kind {
        Kind::Kickoff if you => {
            "Start the coaching together: invite your manager, and a sponsor if you have one, to the kickoff.".to_owned()
        }
        Kind::Kickoff => "The coachee can invite their manager to the kickoff.".to_owned(),
        Kind::Initial if advised => {
            "The coach advised planning the goal alignment now.".to_owned()
        }
        Kind::Initial if you => {
            "You have done the recommended coaching sessions and have a goal to share. Invite your manager to agree on your goals with your coach.".to_owned()
        }
        Kind::Initial => {
            "The recommended coaching sessions are done and there is a goal to share; the coachee can invite their manager.".to_owned()
        }
        Kind::Midpoint => {
            "The engagement is past its middle: a good moment to look at progress on the goals with the manager.".to_owned()
        }
        Kind::Closing => format!(
            "The engagement ends on {}: time to look back with the manager and agree how to keep the progress going.",
            state.ends_on.format("%A %-d %B %Y")
        ),
    };
    if state.expects(kind) {
        format!("{why} The programme expects this meeting.")
    } else {
        why
    }
}

pub struct CandidateRow {
    pub candidate: Candidate,
    pub when: String,
    /// The same moment for each invitee in another zone: their name, their
    /// clock, and whether it falls outside their working day.
    pub elsewhere: Vec<(String, String, bool)>,
    /// Who proposed it, when an invitee did.
    pub proposer: Option<String>,
}

impl CandidateRow {
    /// A time offered or proposed, as the coachee or coach reads it: in their
    /// zone, and in each invitee's own where that differs.
    pub fn for_member(candidate: Candidate, time_zone: &str, invites: &[Invite]) -> CandidateRow {
        let mut elsewhere: Vec<(String, String, bool)> = Vec::new();
        for invite in invites.iter().filter(|i| i.time_zone != time_zone) {
            let (clock, outside) = format::clock_there(candidate.starts_at, &invite.time_zone);
            elsewhere.push((invite.name.clone(), clock, outside));
        }
        let proposer = candidate
            .proposed_by_invite
            .and_then(|id| invites.iter().find(|i| i.id == id))
            .map(|i| i.name.clone());
        CandidateRow {
            when: format::local_time(candidate.starts_at, time_zone),
            candidate,
            elsewhere,
            proposer,
        }
    }
}

pub(super) fn local(at: Option<DateTime<Utc>>, time_zone: &str) -> String {
    at.map(|at| format::local_time(at, time_zone))
        .unwrap_or_default()
}
