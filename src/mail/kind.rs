//! What a message is about, kept beside it in the outbox so the delivery page
//! can say how mail is going without reading a subject line. An alignment
//! meeting's mail names the meeting's people and its time in its subject; an
//! admin sees such mail only as counts by kind and delivery state.

/// The kind of an outgoing message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// An operator's test message.
    Test,
    /// An invitation to join an organisation.
    Invitation,
    PasswordReset,
    /// A nudge from the programme team to a coach.
    Nudge,
    /// A decision on a request for an extra alignment meeting.
    MeetingRequest,
    /// The manager's invitation to an alignment meeting.
    MeetingInvitation,
    /// A meeting's time set or moved.
    MeetingTime,
    MeetingReminder,
    MeetingCancelled,
    /// An invitee no longer needed.
    MeetingWithdrawn,
    /// The manager answered, declined or proposed a time.
    MeetingAnswer,
    /// The coach told that a meeting was planned and its preparation waits.
    MeetingPlanned,
    /// An invitee who accepted told that the agenda changed.
    MeetingAgenda,
    /// Coach matching: the coachee's shortlist ready, or a coach told they were chosen.
    CoachMatching,
    /// A coaching session's calendar invite or cancellation.
    CoachingSession,
    CoachingSessionReminder,
    /// Anything else; also every message queued before kinds were kept.
    #[default]
    Other,
}

const ALL: [MailKind; 17] = [
    MailKind::Test,
    MailKind::Invitation,
    MailKind::PasswordReset,
    MailKind::Nudge,
    MailKind::MeetingRequest,
    MailKind::MeetingInvitation,
    MailKind::MeetingTime,
    MailKind::MeetingReminder,
    MailKind::MeetingCancelled,
    MailKind::MeetingWithdrawn,
    MailKind::MeetingAnswer,
    MailKind::MeetingPlanned,
    MailKind::MeetingAgenda,
    MailKind::CoachMatching,
    MailKind::CoachingSession,
    MailKind::CoachingSessionReminder,
    MailKind::Other,
];

impl MailKind {
    /// As stored in `outbox_messages.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Test => "test",
            MailKind::Invitation => "invitation",
            MailKind::PasswordReset => "password_reset",
            MailKind::Nudge => "nudge",
            MailKind::MeetingRequest => "meeting_request",
            MailKind::MeetingInvitation => "meeting_invitation",
            MailKind::MeetingTime => "meeting_time",
            MailKind::MeetingReminder => "meeting_reminder",
            MailKind::MeetingCancelled => "meeting_cancelled",
            MailKind::MeetingWithdrawn => "meeting_withdrawn",
            MailKind::MeetingAnswer => "meeting_answer",
            MailKind::MeetingPlanned => "meeting_planned",
            MailKind::MeetingAgenda => "meeting_agenda",
            MailKind::CoachMatching => "coach_matching",
            MailKind::CoachingSession => "coaching_session",
            MailKind::CoachingSessionReminder => "coaching_session_reminder",
            MailKind::Other => "other",
        }
    }

    pub fn parse(value: &str) -> MailKind {
        ALL.into_iter()
            .find(|kind| kind.as_str() == value)
            .unwrap_or(MailKind::Other)
    }

    /// Mail whose subject or timing tells about someone's coaching: shown to
    /// an admin only counted by kind and delivery state. Unknown mail is
    /// treated the same way, so a message from before kinds were kept gives
    /// nothing away either.
    pub fn is_counted_only(self) -> bool {
        !matches!(
            self,
            MailKind::Test | MailKind::Invitation | MailKind::PasswordReset | MailKind::Nudge
        )
    }

    /// How the delivery page names the kind.
    pub fn label(self) -> &'static str {
        match self {
            MailKind::Test => "Test message",
            MailKind::Invitation => "Invitation to Triad",
            MailKind::PasswordReset => "Password reset",
            MailKind::Nudge => "Check-in to a coach",
            MailKind::MeetingRequest => "Extra meeting decision",
            MailKind::MeetingInvitation => "Alignment meeting invitation",
            MailKind::MeetingTime => "Alignment meeting time set or moved",
            MailKind::MeetingReminder => "Alignment meeting reminder",
            MailKind::MeetingCancelled => "Alignment meeting cancelled",
            MailKind::MeetingWithdrawn => "Alignment meeting: invitee no longer needed",
            MailKind::MeetingAnswer => "Alignment meeting: manager's answer",
            MailKind::MeetingPlanned => "Alignment meeting planned, for the coach",
            MailKind::MeetingAgenda => "Alignment meeting agenda updated",
            MailKind::CoachMatching => "Coach matching",
            MailKind::CoachingSession => "Coaching session invite or cancellation",
            MailKind::CoachingSessionReminder => "Coaching session reminder",
            MailKind::Other => "Other message",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_as_itself() {
        for kind in ALL {
            assert_eq!(MailKind::parse(kind.as_str()), kind);
        }
        assert_eq!(MailKind::parse("something new"), MailKind::Other);
    }
}
