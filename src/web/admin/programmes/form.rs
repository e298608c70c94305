//! The programme form and the alignment-rules form as typed, so a mistake never
//! loses them, with the checks that turn them into what is saved.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::alignment::Kind;
use crate::db::programs::{AlignmentRules, Cadence, Program, ProgramFields};
use crate::web::forms::problems::FieldErrors;

/// The form as typed, so a mistake never loses it.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ProgrammeForm {
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) starts_on: String,
    #[serde(default)]
    pub(super) ends_on: String,
    #[serde(default)]
    pub(super) cadence: String,
    #[serde(default)]
    pub(super) sessions_included: String,
    #[serde(default)]
    pub(super) reporting_threshold: String,
}

impl ProgrammeForm {
    pub(super) fn from_program(program: &Program) -> Self {
        ProgrammeForm {
            name: program.name.clone(),
            description: program.description.clone(),
            starts_on: program.starts_on.to_string(),
            ends_on: program.ends_on.to_string(),
            cadence: program.cadence.clone(),
            sessions_included: program.sessions_included.to_string(),
            reporting_threshold: program.reporting_threshold.to_string(),
        }
    }

    /// The fields to save, or a message for each field that is wrong.
    pub(super) fn check(&self) -> Result<ProgramFields, FieldErrors> {
        let mut problems = FieldErrors::default();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            problems.set(
                "name",
                "Give the programme a name of at most 120 characters.",
            );
        }
        if self.description.chars().count() > 2000 {
            problems.set("description", "Keep the description to 2,000 characters.");
        }
        let date = |value: &str| NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
        let starts_on = date(&self.starts_on);
        let ends_on = date(&self.ends_on);
        if starts_on.is_none() {
            problems.set("starts", "Enter the start date, like 2026-01-31.");
        }
        if ends_on.is_none() {
            problems.set("ends", "Enter the end date, like 2026-12-31.");
        }
        if let (Some(start), Some(end)) = (starts_on, ends_on) {
            if end < start {
                problems.set("ends", "The end date is before the start date.");
            }
        }
        let cadence = Cadence::parse(&self.cadence);
        if cadence.is_none() {
            problems.set("cadence", "Choose how often coaching sessions happen.");
        }
        let number = |value: &str, range: std::ops::RangeInclusive<i32>| {
            value
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|n| range.contains(n))
        };
        let sessions_included = number(&self.sessions_included, 1..=100);
        if sessions_included.is_none() {
            problems.set("sessions", "Enter a whole number from 1 to 100.");
        }
        let reporting_threshold = number(&self.reporting_threshold, 3..=100);
        if reporting_threshold.is_none() {
            problems.set(
                "threshold",
                "Enter a whole number from 3 to 100: smaller groups could be recognised.",
            );
        }
        match (
            starts_on,
            ends_on,
            cadence,
            sessions_included,
            reporting_threshold,
        ) {
            (
                Some(starts_on),
                Some(ends_on),
                Some(cadence),
                Some(sessions_included),
                Some(reporting_threshold),
            ) if !problems.any() => Ok(ProgramFields {
                name: name.to_owned(),
                description: self.description.trim().to_owned(),
                starts_on,
                ends_on,
                cadence,
                sessions_included,
                reporting_threshold,
            }),
            _ => Err(problems),
        }
    }
}

/// The rules as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct RulesForm {
    #[serde(default)]
    pub(super) enabled: String,
    #[serde(default)]
    pub(super) included: String,
    #[serde(default)]
    pub(super) sessions_before: String,
    #[serde(default)]
    pub(super) prep_expected: String,
    #[serde(default)]
    pub(super) link_days: String,
    #[serde(default)]
    pub(super) reminder_hours: String,
    /// The kinds ticked as included, and as expected: repeated fields, read
    /// from the raw form by the handler.
    #[serde(skip)]
    pub(super) kinds: Vec<String>,
    #[serde(skip)]
    pub(super) expected: Vec<String>,
}

impl RulesForm {
    pub(super) fn from_rules(rules: &AlignmentRules) -> Self {
        let on = |b: bool| if b { "on" } else { "" }.to_owned();
        RulesForm {
            enabled: on(rules.enabled),
            included: rules.included.to_string(),
            sessions_before: rules.sessions_before.to_string(),
            prep_expected: on(rules.prep_expected),
            link_days: rules.link_days.to_string(),
            reminder_hours: rules.reminder_hours.to_string(),
            kinds: rules.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
            expected: rules
                .expected
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
        }
    }

    /// The repeated `kind` and `expected` fields of the form as sent.
    pub(super) fn with_kinds(mut self, fields: &[(String, String)]) -> Self {
        let named = |name: &str| {
            fields
                .iter()
                .filter(|(field, _)| field == name)
                .map(|(_, value)| value.clone())
                .collect()
        };
        self.kinds = named("kind");
        self.expected = named("expected");
        self
    }

    pub(super) fn includes(&self, kind: &Kind) -> bool {
        self.kinds.iter().any(|k| k == kind.as_str())
    }

    pub(super) fn expects(&self, kind: &Kind) -> bool {
        self.expected.iter().any(|k| k == kind.as_str())
    }

    pub(super) fn is_enabled(&self) -> bool {
        self.enabled == "on"
    }

    pub(super) fn expects_prep(&self) -> bool {
        self.prep_expected == "on"
    }

    pub(super) fn check(&self) -> Result<AlignmentRules, String> {
        let number = |value: &str, range: std::ops::RangeInclusive<i32>, what: &str| {
            value
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    format!(
                        "{what} must be a whole number from {} to {}.",
                        range.start(),
                        range.end()
                    )
                })
        };
        let kinds = Kind::all_of(&self.kinds);
        if kinds.is_empty() {
            return Err("Choose at least one kind of alignment meeting.".to_owned());
        }
        let expected = Kind::all_of(&self.expected);
        if let Some(kind) = expected.iter().find(|k| !kinds.contains(k)) {
            return Err(format!(
                "{} is expected but not included: include it, or do not expect it.",
                kind.label()
            ));
        }
        let included = number(&self.included, 1..=10, "Meetings included")?;
        if expected.len() > usize::try_from(included).unwrap_or(0) {
            return Err(format!(
                "The programme expects {} kinds of meeting but includes {included} meeting{} per engagement: include more meetings, or expect fewer kinds.",
                expected.len(),
                if included == 1 { "" } else { "s" }
            ));
        }
        Ok(AlignmentRules {
            enabled: self.is_enabled(),
            included,
            sessions_before: number(
                &self.sessions_before,
                0..=20,
                "Coaching sessions before the first meeting",
            )?,
            prep_expected: self.expects_prep(),
            link_days: number(
                &self.link_days,
                1..=90,
                "Days the manager's link stays valid",
            )?,
            reminder_hours: number(&self.reminder_hours, 1..=168, "Hours before the reminder")?,
            kinds,
            expected,
        })
    }
}
