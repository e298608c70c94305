//! The coach's facilitation guide: the steps of the meeting, what to do when
//! it goes off course, and strengths questions to ask the invitees live.

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
            "Let the invitees know that you and the coachee stay on for a short huddle once they leave.",
        ],
    },
];

/// What the coach keeps in mind when the meeting does not go as planned.
pub const HARD_MOMENTS: &[GuideStep] = &[
    GuideStep {
        title: "Whose meeting it is",
        prompts: &[
            "The meeting belongs to the coachee: they lead, and you support them in the way you agreed.",
            "Before stepping in, leave the coachee room to steer; step in when they look to you or the time runs short.",
        ],
    },
    GuideStep {
        title: "If the conversation drifts",
        prompts: &[
            "Name the topic and suggest the coachee takes it up at their next one-to-one with the manager; you need not be there for it.",
            "Write it down so it is not lost, then bring everyone back to the agenda.",
        ],
    },
    GuideStep {
        title: "If it gets heated",
        prompts: &[
            "Bring the conversation back to the goals on the table, and talk over what happened with the coachee in the huddle afterwards.",
            "Or say plainly what you notice in the room, and agree with everyone how to go on, today or at another time.",
        ],
    },
];

/// The name the coach uses when asking about the coachee: the first word of
/// their name, or all of it when it has no space.
pub fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// Questions the coach can put to an invitee, live, about the coachee's
/// strengths: each one names the coachee.
pub fn strengths_questions(first_name: &str) -> Vec<String> {
    let name = first_name;
    vec![
        format!(
            "Think of a moment this year when {name} was at their best. What was going on, and what did they do?"
        ),
        format!("Where does {name} make the biggest difference to the team right now?"),
        format!("Which of {name}'s habits would you like to see spread through the team?"),
        format!("When {name} takes something on, what can you count on?"),
        format!("Which strength of {name}'s do you think they underrate?"),
        format!("If {name} did more of one thing, what would help the team most?"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strengths_questions_name_the_coachee_by_first_name() {
        let questions = strengths_questions(first_name("Robin  Rivera"));
        assert!(questions.len() >= 4);
        assert!(
            questions
                .iter()
                .all(|q| q.contains("Robin") && !q.contains("Rivera"))
        );
        assert_eq!(first_name("Prince"), "Prince");
        assert_eq!(first_name("   "), "   ");
    }
}
