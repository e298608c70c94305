//! The debrief form: the pulse check the coach and coachee hold once the
//! invitees have left — how the coachee is, what stood out to them and to the
//! others, what to do with it, how it changes the coaching, and whether the
//! next session goes deeper.

use serde::Deserialize;

use crate::db::alignment::Debrief;

/// The most a part of the debrief may hold, as the table allows.
const MAX_CHARS: usize = 2000;

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct DebriefForm {
    #[serde(default)]
    pub(super) feeling: String,
    #[serde(default)]
    pub(super) stood_out: String,
    #[serde(default)]
    pub(super) others_stood_out: String,
    #[serde(default)]
    pub(super) next_steps: String,
    #[serde(default)]
    pub(super) coaching_changes: String,
    /// "yes", "no", or "" while undecided.
    #[serde(default)]
    pub(super) go_deeper: String,
}

/// The answers to "go deeper next session?", as the form sends them.
pub(super) const GO_DEEPER: [(&str, &str); 3] = [
    ("yes", "Yes, go deeper next session"),
    ("no", "No, carry on as planned"),
    ("", "Not decided yet"),
];

impl DebriefForm {
    pub(super) fn of(debrief: Debrief) -> DebriefForm {
        DebriefForm {
            feeling: debrief.feeling,
            stood_out: debrief.stood_out,
            others_stood_out: debrief.others_stood_out,
            next_steps: debrief.next_steps,
            coaching_changes: debrief.coaching_changes,
            go_deeper: match debrief.go_deeper {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
            .to_owned(),
        }
    }

    /// The debrief to save, or what is wrong with the form, in words for the
    /// coach. `how_it_went` is left empty: saving never changes it.
    pub(super) fn checked(&self) -> Result<Debrief, String> {
        let go_deeper = match self.go_deeper.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            "" => None,
            _ => {
                return Err(
                    "Choose whether the next session goes deeper: yes, no, or not decided yet."
                        .into(),
                );
            }
        };
        let parts = [
            ("How the coachee is feeling now", &self.feeling),
            ("What stood out to the coachee", &self.stood_out),
            ("What stood out to the invitees", &self.others_stood_out),
            ("What to do with it", &self.next_steps),
            ("How it changes the coaching", &self.coaching_changes),
        ];
        if let Some((label, _)) = parts
            .iter()
            .find(|(_, text)| text.chars().count() > MAX_CHARS)
        {
            return Err(format!(
                "“{label}” is longer than 2,000 characters: shorten it and save again."
            ));
        }
        if go_deeper.is_none() && parts.iter().all(|(_, text)| text.trim().is_empty()) {
            return Err("Write at least one part of the debrief.".into());
        }
        Ok(Debrief {
            feeling: self.feeling.trim().to_owned(),
            stood_out: self.stood_out.trim().to_owned(),
            others_stood_out: self.others_stood_out.trim().to_owned(),
            next_steps: self.next_steps.trim().to_owned(),
            coaching_changes: self.coaching_changes.trim().to_owned(),
            go_deeper,
            how_it_went: String::new(),
        })
    }
}

/// How a saved answer to "go deeper?" reads.
pub(super) fn go_deeper_label(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => GO_DEEPER[0].1,
        Some(false) => GO_DEEPER[1].1,
        None => GO_DEEPER[2].1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pulse_check_with_only_a_choice_is_a_debrief() {
        let form = DebriefForm {
            go_deeper: "no".into(),
            ..DebriefForm::default()
        };
        assert_eq!(form.checked().unwrap().go_deeper, Some(false));
        assert!(DebriefForm::default().checked().is_err());
    }

    #[test]
    fn a_made_up_choice_or_a_long_part_is_refused_with_words() {
        let odd = DebriefForm {
            feeling: "Fine".into(),
            go_deeper: "maybe".into(),
            ..DebriefForm::default()
        };
        assert!(odd.checked().unwrap_err().contains("goes deeper"));
        let long = DebriefForm {
            next_steps: "x".repeat(2001),
            ..DebriefForm::default()
        };
        assert!(long.checked().unwrap_err().contains("What to do with it"));
    }

    #[test]
    fn saved_answers_come_back_as_the_form_had_them() {
        let form = DebriefForm {
            feeling: "Calm".into(),
            go_deeper: "yes".into(),
            ..DebriefForm::default()
        };
        let again = DebriefForm::of(form.checked().unwrap());
        assert_eq!(again.feeling, "Calm");
        assert_eq!(again.go_deeper, "yes");
    }
}
