//! The coach's facilitation guide.

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
        ],
    },
];
