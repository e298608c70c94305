//! The choices in the coachee's preparation: who opens and closes the
//! meeting, and how the coach takes part.

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
