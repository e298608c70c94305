//! What the coachee types to plan a meeting — times, length, place, manager,
//! goals to share, agenda and the preparation worksheet — and the checks that
//! turn it into a plan the database accepts. The meeting page reuses the
//! checks for a new time, a new place and a different manager.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::alignment::{CoachRole, Kind, Speaker};
use crate::db::alignment::Preparation;
use crate::db::engagements::Engagement;
use crate::db::goals::Goal;
use crate::format;
use crate::web::forms::problems::FieldErrors;

/// Lengths offered for a meeting, in minutes.
pub const DURATIONS: [i32; 5] = [20, 30, 45, 60, 90];

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PrepForm {
    #[serde(default)]
    pub success: String,
    #[serde(default)]
    pub from_manager: String,
    #[serde(default)]
    pub off_limits: String,
    #[serde(default)]
    pub concerns: String,
    #[serde(default)]
    pub opens: String,
    #[serde(default)]
    pub closes: String,
    #[serde(default)]
    pub coach_role: String,
}

impl PrepForm {
    pub(super) fn from(prep: Preparation) -> Self {
        PrepForm {
            success: prep.success,
            from_manager: prep.from_manager,
            off_limits: prep.off_limits,
            concerns: prep.concerns,
            opens: prep.opens,
            closes: prep.closes,
            coach_role: prep.coach_role,
        }
    }

    pub(super) fn starting() -> Self {
        PrepForm {
            opens: Speaker::Coachee.as_str().into(),
            closes: Speaker::Coachee.as_str().into(),
            coach_role: CoachRole::Facilitate.as_str().into(),
            ..PrepForm::default()
        }
    }

    pub(super) fn check(&self) -> Result<Preparation, String> {
        let long = [
            &self.success,
            &self.from_manager,
            &self.off_limits,
            &self.concerns,
        ]
        .iter()
        .any(|text| text.chars().count() > 2000);
        if long {
            return Err("Keep each answer to 2,000 characters.".into());
        }
        let (Some(opens), Some(closes), Some(role)) = (
            Speaker::parse(&self.opens),
            Speaker::parse(&self.closes),
            CoachRole::parse(&self.coach_role),
        ) else {
            return Err("Choose who opens, who closes, and how your coach takes part.".into());
        };
        Ok(Preparation {
            success: self.success.trim().to_owned(),
            from_manager: self.from_manager.trim().to_owned(),
            off_limits: self.off_limits.trim().to_owned(),
            concerns: self.concerns.trim().to_owned(),
            opens: opens.as_str().into(),
            closes: closes.as_str().into(),
            coach_role: role.as_str().into(),
        })
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ScheduleForm {
    #[serde(default)]
    pub(super) request_key: String,
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) date1: String,
    #[serde(default)]
    pub(super) time1: String,
    #[serde(default)]
    pub(super) date2: String,
    #[serde(default)]
    pub(super) time2: String,
    #[serde(default)]
    pub(super) date3: String,
    #[serde(default)]
    pub(super) time3: String,
    #[serde(default)]
    pub(super) duration: String,
    #[serde(default)]
    pub(super) place: String,
    #[serde(default)]
    pub(super) manager_name: String,
    #[serde(default)]
    pub(super) manager_email: String,
    /// Up to two other sponsors, each optional.
    #[serde(default)]
    pub(super) sponsor_name: String,
    #[serde(default)]
    pub(super) sponsor_email: String,
    #[serde(default)]
    pub(super) sponsor2_name: String,
    #[serde(default)]
    pub(super) sponsor2_email: String,
    #[serde(default)]
    pub(super) agenda: String,
    #[serde(default)]
    pub(super) success: String,
    #[serde(default)]
    pub(super) from_manager: String,
    #[serde(default)]
    pub(super) off_limits: String,
    #[serde(default)]
    pub(super) concerns: String,
    #[serde(default)]
    pub(super) opens: String,
    #[serde(default)]
    pub(super) closes: String,
    #[serde(default)]
    pub(super) coach_role: String,
    /// Ticked goals: the field repeats, so it is read from the raw fields.
    #[serde(skip)]
    pub(super) goal: Vec<String>,
}

pub(super) struct Scheduled {
    pub(super) kind: Kind,
    pub(super) times: Vec<DateTime<Utc>>,
    pub(super) duration: i32,
    pub(super) place: String,
    pub(super) manager_name: String,
    pub(super) manager_email: String,
    pub(super) shared: Vec<Uuid>,
    pub(super) agenda: String,
    pub(super) prep: Preparation,
}

/// A time typed in `time_zone`, which must lie ahead.
pub(super) fn future_time(
    date: &str,
    time: &str,
    time_zone: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let at = format::instant_from_local(date, time, time_zone)?;
    if at <= now {
        return Err(format!(
            "{} has already passed. Choose a time ahead.",
            format::local_time(at, time_zone)
        ));
    }
    if at > now + Duration::days(730) {
        return Err("Choose a time within the next two years.".into());
    }
    Ok(at)
}

pub(super) fn check_duration(value: &str) -> Option<i32> {
    value
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| DURATIONS.contains(d))
}

pub(super) fn check_place(value: &str) -> Result<String, String> {
    let place = value.trim();
    if place.is_empty() {
        return Err("Say where you meet: a video link or a room.".into());
    }
    if place.chars().count() > 300 {
        return Err("Keep the place to 300 characters.".into());
    }
    Ok(place.to_owned())
}

pub(super) fn check_manager(name: &str, email: &str) -> Result<(String, String), String> {
    let (name, email) = (name.trim(), email.trim());
    if name.is_empty() || name.chars().count() > 120 {
        return Err("Enter your manager's name (up to 120 characters).".into());
    }
    if crate::web::names::breaks_lines(name) {
        return Err(crate::web::names::ONE_LINE.into());
    }
    if email.len() > 254 || email.parse::<lettre::Address>().is_err() {
        return Err("Enter your manager's email address, like name@example.com.".into());
    }
    Ok((name.to_owned(), email.to_owned()))
}

impl ScheduleForm {
    pub(super) fn starting(engagement: &Engagement, goals: &[Goal], kind: Kind) -> Self {
        let prep = PrepForm::starting();
        ScheduleForm {
            request_key: Uuid::new_v4().to_string(),
            kind: kind.as_str().into(),
            duration: kind.default_minutes().to_string(),
            manager_name: engagement.manager_name.clone(),
            manager_email: engagement.manager_email.clone(),
            opens: prep.opens,
            closes: prep.closes,
            coach_role: prep.coach_role,
            goal: goals
                .iter()
                .filter(|g| g.shared_with_manager)
                .map(|g| g.id.to_string())
                .collect(),
            ..ScheduleForm::default()
        }
    }

    pub(super) fn prep(&self) -> PrepForm {
        PrepForm {
            success: self.success.clone(),
            from_manager: self.from_manager.clone(),
            off_limits: self.off_limits.clone(),
            concerns: self.concerns.clone(),
            opens: self.opens.clone(),
            closes: self.closes.clone(),
            coach_role: self.coach_role.clone(),
        }
    }

    pub(super) fn check(
        &self,
        goals: &[Goal],
        time_zone: &str,
        now: DateTime<Utc>,
    ) -> Result<Scheduled, FieldErrors> {
        let mut problems = FieldErrors::default();
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            problems.set("kind", "Choose the kind of meeting.");
        }
        let mut times = Vec::new();
        for (date, time) in [
            (&self.date1, &self.time1),
            (&self.date2, &self.time2),
            (&self.date3, &self.time3),
        ] {
            if date.trim().is_empty() && time.trim().is_empty() {
                continue;
            }
            match future_time(date, time, time_zone, now) {
                Ok(at) if !times.contains(&at) => times.push(at),
                Ok(_) => {}
                // The first time that is wrong is the one the message names.
                Err(problem) if !problems.has("times") => problems.set("times", problem),
                Err(_) => {}
            }
        }
        if times.is_empty() && !problems.has("times") {
            problems.set("times", "Offer at least one time for the meeting.");
        }
        times.sort();
        let duration = check_duration(&self.duration);
        if duration.is_none() {
            problems.set("duration", "Choose how long the meeting takes.");
        }
        let place = check_place(&self.place)
            .map_err(|p| problems.set("place", p))
            .ok();
        let manager = check_manager(&self.manager_name, &self.manager_email)
            .map_err(|p| problems.set("manager", p))
            .ok();
        let mut shared = Vec::new();
        for value in &self.goal {
            match value
                .parse::<Uuid>()
                .ok()
                .filter(|id| goals.iter().any(|g| g.id == *id))
            {
                Some(id) => shared.push(id),
                None => problems.set("goals", "Choose goals from the list."),
            }
        }
        if self.agenda.chars().count() > 2000 {
            problems.set("agenda", "Keep your agenda items to 2,000 characters.");
        }
        let prep = self
            .prep()
            .check()
            .map_err(|p| problems.set("prep", p))
            .ok();
        match (kind, duration, place, manager, prep) {
            (
                Some(kind),
                Some(duration),
                Some(place),
                Some((manager_name, manager_email)),
                Some(prep),
            ) if !problems.any() => Ok(Scheduled {
                kind,
                times,
                duration,
                place,
                manager_name,
                manager_email,
                shared,
                agenda: self.agenda.trim().to_owned(),
                prep,
            }),
            _ => Err(problems),
        }
    }

    pub(super) fn is_shared(&self, goal: &Uuid) -> bool {
        self.goal.contains(&goal.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::testing::cases(300))]

        /// Whatever is typed, the scheduling form either says what to fix or
        /// gives values the database accepts (its CHECK constraints).
        #[test]
        fn the_scheduling_form_accepts_only_what_the_database_can_keep(
            kind in "\\PC{0,12}|initial|closing",
            date in "\\PC{0,12}|2031-05-0[1-9]",
            time in "\\PC{0,6}|1[0-7]:[0-5]0",
            duration in "\\PC{0,4}|30|45",
            place in "\\PC{0,320}",
            name in "\\PC{0,130}",
            email in "\\PC{0,30}|[a-z]{1,8}@example\\.com",
            agenda in "\\PC{0,60}",
            success in "\\PC{0,60}",
            opens in "\\PC{0,8}|coachee|manager",
            role in "\\PC{0,8}|observe",
        ) {
            let form = ScheduleForm {
                request_key: Uuid::new_v4().to_string(),
                kind,
                date1: date,
                time1: time,
                duration,
                place,
                manager_name: name,
                manager_email: email,
                agenda,
                success,
                opens: opens.clone(),
                closes: opens,
                coach_role: role,
                ..ScheduleForm::default()
            };
            let now = chrono::Utc::now();
            if let Ok(plan) = form.check(&[], "Europe/London", now) {
                prop_assert!(!plan.times.is_empty() && plan.times.iter().all(|t| *t > now));
                prop_assert!(DURATIONS.contains(&plan.duration));
                let place_len = plan.place.chars().count();
                prop_assert!((1..=300).contains(&place_len));
                prop_assert!(!plan.manager_name.is_empty() && plan.manager_name.chars().count() <= 120);
                prop_assert!(plan.manager_email.parse::<lettre::Address>().is_ok());
                prop_assert!(plan.agenda.chars().count() <= 2000);
                prop_assert!(Speaker::parse(&plan.prep.opens).is_some());
                prop_assert!(CoachRole::parse(&plan.prep.coach_role).is_some());
            }
        }
    }
}
