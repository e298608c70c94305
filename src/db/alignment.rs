//! Alignment meetings, their candidate times, the coachee's preparation, the
//! coach's notes, the debrief, the manager's invite and requests for extra
//! meetings. The manager's page reads through `Meeting`, `Candidate`, `Invite`,
//! the invite's own answers, the rewritten agenda and the shared goals only;
//! preparation, notes, debrief, preparation sessions and the invitees' trail
//! have their own queries, which no guest handler calls.

mod agenda;
mod answers;
mod invites;
mod meetings;
mod notes;
mod prep_sessions;
mod readiness;
mod replies;
mod requests;
mod times;
mod trail;

pub use agenda::{accepted_invites, rewrite_agenda, rewritten_agenda};
pub use answers::{Answer, answers_of_invite, answers_of_meeting, save_answers};
pub use invites::{
    Invite, MAX_INVITEES, create_invite, current_invite, invite, invite_for_update, live_invites,
    mark_opened, reset_rsvp, revoke_invite, revoke_invites, set_invite_expiry,
    set_invite_time_zone, set_rsvp,
};
pub use meetings::{
    Meeting, NewMeeting, cancel, create, lock_planning, made_by_form, meeting, meeting_for_update,
    of_engagement, open_in_program, set_agenda, set_outcome, set_time, withdraw_queued_emails,
};
pub use notes::{
    Debrief, Preparation, coach_notes, debrief, preparation, save_coach_notes, save_debrief,
    save_preparation,
};
pub use prep_sessions::{PrepSession, prepares, preparing_sessions, set_prepares};
pub use readiness::{set_advised, states};
pub use replies::replies;
pub use requests::{
    ExtraRequest, decide_request, extra_requests, pending_request_count, request_extra,
};
pub use times::{
    Candidate, add_candidate, candidates, withdraw_candidates, withdraw_candidates_by,
    withdraw_candidates_of_invite,
};
pub use trail::{TRAIL_LIMIT, TrailEntry, trail};
