//! What an alignment meeting says while the engagement has no coach yet: a
//! kickoff held as the programme team matches one. The manager's email, the
//! guest page and the meeting page use these words.

/// Why no coach is at the meeting, for the people invited; `coachee` is the
/// coachee's name as the sentence should show it.
pub fn no_coach_yet(coachee: &str) -> String {
    format!(
        "No coach has been matched yet. The programme team is putting together a short list of coaches who suit what {coachee} wants to work on; {coachee} then picks one, and the coach joins the meetings that follow this one."
    )
}
