//! The names and words of a meeting as they enter its emails: each isolated.

use crate::db::alignment::{Invite, Meeting};
use crate::mail::typed::isolate;

/// What people typed about a meeting, each piece isolated (see
/// `mail::typed`) so that it cannot reorder the sentence it is put in.
pub(super) struct Typed {
    pub(super) coachee: String,
    /// None while the programme team is still matching a coach.
    pub(super) coach: Option<String>,
    /// The invitees' names.
    pub(super) manager: String,
    pub(super) program: String,
    pub(super) place: String,
}

impl Typed {
    /// `invites`: the invitees the email speaks of, their names joined as
    /// `manager` ("A and B", "A, B and C").
    pub(super) fn of(meeting: &Meeting, invites: &[Invite]) -> Typed {
        let names: Vec<String> = invites.iter().map(|i| isolate(&i.name)).collect();
        let manager = match names.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        };
        Typed {
            coachee: isolate(&meeting.coachee_name),
            coach: meeting.coach_name.as_deref().map(isolate),
            manager,
            program: isolate(&meeting.program_name),
            place: isolate(&meeting.place),
        }
    }

    /// "A, B and C", or "A and C" while there is no coach.
    pub(super) fn everyone(&self) -> String {
        match &self.coach {
            Some(coach) => format!("{}, {coach} and {}", self.coachee, self.manager),
            None => format!("{} and {}", self.coachee, self.manager),
        }
    }
}
