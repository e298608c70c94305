//! What Triad asks a manager or sponsor before a meeting, by the meeting's
//! kind: at the kickoff, what the organisation expects and hopes for; at goal
//! alignment, what success looks like and how it would show at work; at the
//! midpoint, what has changed; at closing, what should keep going.
//!
//! Answers are kept under a question's `key`, never its wording, so a
//! question can be reworded without losing what was said. The coachee and
//! coach read them; the programme team never does.

use super::kind::Kind;

/// One question put to an invitee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    /// Stable: answers are stored under it, and it names the form's field.
    pub key: &'static str,
    /// The question as the invitee reads it.
    pub label: &'static str,
    /// A line under it, to help them answer.
    pub hint: &'static str,
}

const KICKOFF: &[Question] = &[
    Question {
        key: "expectations",
        label: "What do you, and the organisation, expect the coaching to work on?",
        hint: "The situation or the challenges that make coaching worth offering now. The coachee still chooses their own goals.",
    },
    Question {
        key: "outcomes",
        label: "Which outcomes would you hope to see by the end?",
        hint: "Changes in how they work, lead or decide, in your own words.",
    },
];

const GOAL_ALIGNMENT: &[Question] = &[
    Question {
        key: "success",
        label: "If the coaching works, what will success look like?",
        hint: "Think of the goals shared with you below, and of what would be different at the end.",
    },
    Question {
        key: "noticed",
        label: "How would you notice the change at work?",
        hint: "Something you or colleagues could see: in meetings, in decisions, in how the team works.",
    },
];

const MIDPOINT: &[Question] = &[Question {
    key: "changed",
    label: "What have you seen change since the coaching began?",
    hint: "Small shifts count, and an example or two helps the coachee most.",
}];

const CLOSING: &[Question] = &[Question {
    key: "keep_going",
    label: "What should keep going once the coaching ends, and how could you help?",
    hint: "Habits worth protecting, and the support that would keep them alive.",
}];

/// The questions asked before meetings had kinds of their own: their
/// answers are still shown, under these words, but nobody is asked them now.
const EARLIER: &[Question] = &[
    Question {
        key: "strengths",
        label: "Which strengths do you see in the coachee?",
        hint: "",
    },
    Question {
        key: "growth",
        label: "Where do you see room to grow?",
        hint: "",
    },
    Question {
        key: "support",
        label: "How could you support their development?",
        hint: "",
    },
];

/// The questions an invitee to a meeting of `kind` is asked, in order.
pub fn questions(kind: Kind) -> &'static [Question] {
    match kind {
        Kind::Kickoff => KICKOFF,
        Kind::Initial => GOAL_ALIGNMENT,
        Kind::Midpoint => MIDPOINT,
        Kind::Closing => CLOSING,
    }
}

/// The question stored under `key`, asked now or once, for showing an answer.
pub fn question(key: &str) -> Option<&'static Question> {
    [KICKOFF, GOAL_ALIGNMENT, MIDPOINT, CLOSING, EARLIER]
        .into_iter()
        .flatten()
        .find(|q| q.key == key)
}

/// Where an answer stands among the questions, for showing them in order:
/// the kind's own first, in their order, then any others.
pub fn position(kind: Kind, key: &str) -> usize {
    let all = [KICKOFF, GOAL_ALIGNMENT, MIDPOINT, CLOSING, EARLIER];
    questions(kind)
        .iter()
        .position(|q| q.key == key)
        .unwrap_or_else(|| {
            questions(kind).len()
                + all
                    .into_iter()
                    .flatten()
                    .position(|q| q.key == key)
                    .unwrap_or(usize::MAX / 2)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_asks_something_and_keys_are_unique_and_storable() {
        let mut keys = Vec::new();
        for kind in Kind::ALL {
            assert!(!questions(kind).is_empty(), "{kind:?}");
        }
        for q in [KICKOFF, GOAL_ALIGNMENT, MIDPOINT, CLOSING, EARLIER]
            .into_iter()
            .flatten()
        {
            // The database's check on guest_answers.question.
            assert!(
                (1..=40).contains(&q.key.len())
                    && q.key.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                q.key
            );
            assert!(!keys.contains(&q.key), "{} twice", q.key);
            keys.push(q.key);
            assert_eq!(question(q.key), Some(q));
        }
        assert_eq!(question("nonsense"), None);
        assert_eq!(position(Kind::Initial, "noticed"), 1);
        assert!(position(Kind::Initial, "strengths") > 1);
    }
}
