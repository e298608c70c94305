//! The kinds of alignment meeting, what each is for, and its standard agenda.

/// The kinds of alignment meeting, in the order an engagement meets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Kickoff,
    Initial,
    Midpoint,
    Closing,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Kickoff, Kind::Initial, Kind::Midpoint, Kind::Closing];

    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Kickoff => "kickoff",
            Kind::Initial => "initial",
            Kind::Midpoint => "midpoint",
            Kind::Closing => "closing",
        }
    }

    pub fn parse(value: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Kind::Kickoff => "Kickoff",
            Kind::Initial => "Goal alignment",
            Kind::Midpoint => "Midpoint check-in",
            Kind::Closing => "Closing review",
        }
    }

    /// Where the kind comes in the journey: 0 for the kickoff.
    pub fn position(&self) -> usize {
        Kind::ALL.iter().position(|k| k == self).unwrap_or(0)
    }

    /// How long this kind of meeting usually takes, in minutes: the length
    /// the planning form starts with.
    pub fn default_minutes(&self) -> i32 {
        match self {
            Kind::Kickoff => 60,
            Kind::Initial | Kind::Closing => 45,
            Kind::Midpoint => 30,
        }
    }

    /// The kinds named in `values`, in journey order, unknown names skipped.
    pub fn all_of(values: &[String]) -> Vec<Kind> {
        Kind::ALL
            .into_iter()
            .filter(|kind| values.iter().any(|v| v == kind.as_str()))
            .collect()
    }

    /// One sentence a manager reads: what this meeting is for.
    pub fn purpose(&self) -> &'static str {
        match self {
            Kind::Kickoff => {
                "to start the coaching together: hear what the programme offers, how the three of you will work, and what the coaching could help with."
            }
            Kind::Initial => {
                "to agree on the development goals the coaching will work on, and how you can support them at work."
            }
            Kind::Midpoint => {
                "to look at progress on the shared goals halfway through, and adjust them if work or priorities have changed."
            }
            Kind::Closing => {
                "to look back on what has changed, and agree how the progress will be kept up once the coaching ends."
            }
        }
    }

    /// The standard agenda: each item with its share of the meeting, in percent.
    fn items(&self) -> &'static [(&'static str, u32)] {
        match self {
            Kind::Kickoff => &[
                ("Welcome and introductions", 15),
                ("How coaching works, and what stays confidential", 20),
                ("Why this development matters now", 30),
                ("First hopes for the coaching", 20),
                ("How we keep in touch; wrap-up", 15),
            ],
            Kind::Initial => &[
                ("Welcome, and each person's role today", 10),
                ("Why the manager supported coaching", 15),
                ("The goals the coachee proposes", 35),
                ("The manager's view: strengths, growth, support", 25),
                ("How we keep in touch; wrap-up", 15),
            ],
            Kind::Midpoint => &[
                ("Welcome and what today is for", 10),
                ("Progress the coachee has noticed", 30),
                ("What the manager has noticed", 25),
                ("Adjusting the goals for the second half", 20),
                ("Next steps; wrap-up", 15),
            ],
            Kind::Closing => &[
                ("Welcome and what today is for", 10),
                ("What has changed since the start", 30),
                ("The manager's view of the progress", 25),
                ("Keeping it going after the coaching", 25),
                ("Thanks and wrap-up", 10),
            ],
        }
    }

    /// The standard agenda for a meeting of `minutes`, in whole minutes that
    /// add up to the meeting (the largest remainders get the spare minutes).
    pub fn agenda(&self, minutes: i32) -> Vec<AgendaItem> {
        let total = u32::try_from(minutes).unwrap_or(0);
        let items = self.items();
        let mut shown: Vec<AgendaItem> = items
            .iter()
            .map(|(title, share)| AgendaItem {
                title,
                minutes: total * share / 100,
            })
            .collect();
        let spare = total - shown.iter().map(|i| i.minutes).sum::<u32>();
        let mut by_remainder: Vec<usize> = (0..items.len()).collect();
        by_remainder.sort_by_key(|&i| std::cmp::Reverse(total * items[i].1 % 100));
        for &i in by_remainder.iter().take(spare as usize) {
            shown[i].minutes += 1;
        }
        shown
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgendaItem {
    pub title: &'static str,
    pub minutes: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agenda_timings_scale_with_the_meeting() {
        for kind in Kind::ALL {
            for minutes in [20, 30, 45, 60, 90] {
                let sum: u32 = kind.agenda(minutes).iter().map(|i| i.minutes).sum();
                assert_eq!(sum, minutes as u32, "{kind:?} {minutes}");
            }
        }
        let thirty: Vec<u32> = Kind::Initial.agenda(30).iter().map(|i| i.minutes).collect();
        assert_eq!(thirty, [3, 5, 11, 7, 4]);
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
            let share: u32 = kind.items().iter().map(|(_, s)| s).sum();
            assert_eq!(share, 100, "{kind:?}");
        }
    }
}
