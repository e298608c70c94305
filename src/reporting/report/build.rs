//! The report decided: every figure counted, hidden where it must be, and
//! protected by the cell-key method before anything reads it. Rates are worked
//! out last, from the protected counts, and hide with either of them.

use std::collections::HashMap;

use crate::db::programs::Program;
use crate::db::reporting::{Figure, Tally};
use crate::reporting::{self, Cell, Measure, Noise, Rule};

use super::{Line, Listed, Report, Section, SkillRow};

/// A figure of a section: its metric in the query, its label, how it reads.
type Metric = (&'static str, &'static str, Measure);

/// The sections of the report: title, what they count, their figures.
const SECTIONS: &[(&str, &str, &[Metric])] = &[
    (
        "Engagements",
        "Engagements of the programme that overlap the period, by their status today.",
        &[
            ("coachees", "Coachees", Measure::Count),
            ("engagements", "Engagements", Measure::Count),
            ("engagements_active", "Active", Measure::Count),
            ("engagements_paused", "Paused", Measure::Count),
            ("engagements_completed", "Completed", Measure::Count),
            ("engagements_cancelled", "Cancelled", Measure::Count),
        ],
    ),
    (
        "Coaching sessions",
        "Sessions whose time falls in the period. Completion counts completed against completed, cancelled and no-show; cadence kept is the share of active engagements with a completed session within their cadence at the end of the period.",
        &[
            ("sessions_completed", "Completed sessions", Measure::Count),
            ("completion_rate", "Completion rate", Measure::Percent),
            ("cadence_kept_rate", "Cadence kept", Measure::Percent),
        ],
    ),
    (
        "Alignment meetings",
        "Meetings planned in the period: invited, link opened by the manager, accepted, held. Requests for an extra meeting made in the period.",
        &[
            ("meetings_invited", "Managers invited", Measure::Count),
            ("meetings_opened", "Link opened", Measure::Count),
            ("meetings_accepted", "Accepted", Measure::Count),
            ("meetings_held", "Held", Measure::Count),
            (
                "meeting_held_rate",
                "Engagements with a meeting held",
                Measure::Percent,
            ),
            (
                "days_to_first_meeting",
                "Median time from start to first meeting",
                Measure::Days,
            ),
            (
                "requests_pending",
                "Extra meetings requested, waiting",
                Measure::Count,
            ),
            (
                "requests_approved",
                "Extra meetings approved",
                Measure::Count,
            ),
            (
                "requests_declined",
                "Extra meetings declined",
                Measure::Count,
            ),
        ],
    ),
    (
        "Development activities",
        "Activities assigned from coaching sessions, and completed, in the period.",
        &[
            (
                "activity_rate",
                "Completed sessions that assigned an activity",
                Measure::Percent,
            ),
            ("activities_assigned", "Activities assigned", Measure::Count),
            (
                "activities_completed",
                "Activities completed",
                Measure::Count,
            ),
        ],
    ),
];

/// Figures that add up to another, per column: (total, parts).
const SUMS: &[(&str, &[&str])] = &[(
    "engagements",
    &[
        "engagements_active",
        "engagements_paused",
        "engagements_completed",
        "engagements_cancelled",
    ],
)];

const GOAL_STATUSES: [&str; 4] = ["draft", "active", "achieved", "dropped"];

/// Rates as shares of two counts: (line, numerator, denominator). The counts
/// need not be lines of their own. Each count is protected by its own records'
/// keys alone (pure cell-key): a count whose records did not change prints the
/// same however much else changed, so no change the admin makes elsewhere —
/// pausing or activating another engagement — draws it afresh.
const RATES: &[(&str, &str, &str)] = &[
    ("completion_rate", "sessions_completed", "sessions_ended"),
    ("cadence_kept_rate", "cadence_kept", "engagements_active"),
    (
        "meeting_held_rate",
        "engagements_with_meeting_held",
        "engagements",
    ),
    (
        "activity_rate",
        "sessions_with_activity",
        "sessions_completed",
    ),
];

/// The cells of a report as they are gathered: each (metric, group) once.
struct Cells {
    cells: Vec<Cell>,
    index_of: HashMap<(String, Option<String>), usize>,
}

impl Cells {
    fn push(&mut self, cell: Cell) -> usize {
        self.cells.push(cell);
        self.cells.len() - 1
    }

    /// The cell of `metric` for `grp` (None: the whole programme), gathered
    /// from its rows the first time it is asked for.
    fn of(&mut self, rows: &[Figure], metric: &str, grp: Option<&str>) -> usize {
        let key = (metric.to_owned(), grp.map(str::to_owned));
        if let Some(&at) = self.index_of.get(&key) {
            return at;
        }
        let cell = if RATES.iter().any(|(line, ..)| *line == metric) {
            // Worked out once the counts are protected.
            Cell {
                noise: Noise::Settled,
                ..Cell::empty()
            }
        } else {
            gather(rows, metric, grp)
        };
        let at = self.push(cell);
        self.index_of.insert(key, at);
        at
    }
}

/// One figure from the query's rows: a count over its months when it has
/// months, a median, or a plain count.
fn gather(rows: &[Figure], metric: &str, grp: Option<&str>) -> Cell {
    let mine = |r: &&Figure| r.metric == metric && r.grp.as_deref() == grp;
    let Some(period) = rows.iter().filter(mine).find(|r| r.month.is_none()) else {
        return Cell::empty();
    };
    let months: Vec<(i64, i64)> = rows
        .iter()
        .filter(mine)
        .filter(|r| r.month.is_some())
        .map(|r| (whole(r.value), r.key))
        .collect();
    let cell = if metric == "days_to_first_meeting" {
        Cell::days(period.value, period.people, period.key)
    } else if months.is_empty() {
        Cell::count(whole(period.value), period.people, period.key)
    } else {
        Cell::over_months(period.people, months)
    };
    cell.among(period.who.clone())
}

fn whole(value: Option<f64>) -> i64 {
    value.unwrap_or(0.0).round() as i64
}

/// Tallies of one label: a count over its months when it has months.
fn tally(tallies: &[Tally], label: &str, detail: &str) -> Cell {
    let mine = |t: &&Tally| t.label == label && t.detail == detail;
    let Some(period) = tallies.iter().filter(mine).find(|t| t.month.is_none()) else {
        return Cell::empty();
    };
    let months: Vec<(i64, i64)> = tallies
        .iter()
        .filter(mine)
        .filter(|t| t.month.is_some())
        .map(|t| (t.value, t.key))
        .collect();
    let cell = if months.is_empty() {
        Cell::count(period.value, period.people, period.key)
    } else {
        Cell::over_months(period.people, months)
    };
    cell.among(period.who.clone())
}

impl Report {
    pub fn build(
        program: &Program,
        groups: Vec<String>,
        rows: Vec<Figure>,
        months: Vec<Tally>,
        themes: Vec<Tally>,
        goals: Vec<Tally>,
    ) -> Report {
        let threshold = i64::from(program.reporting_threshold);
        let mut at = Cells {
            cells: Vec::new(),
            index_of: HashMap::new(),
        };
        let mut rules: Vec<Rule> = Vec::new();
        let columns: Vec<Option<&str>> = std::iter::once(None)
            .chain(groups.iter().map(|g| Some(g.as_str())))
            .collect();
        let mut sections = Vec::new();
        for (title, note, lines) in SECTIONS {
            let mut shown = Vec::new();
            for (metric, label, measure) in lines.iter() {
                let cells: Vec<usize> = columns.iter().map(|g| at.of(&rows, metric, *g)).collect();
                // Counts split into groups add up to the whole.
                if *measure == Measure::Count && *metric != "coachees" && !groups.is_empty() {
                    rules.push(Rule::Sum {
                        total: cells[0],
                        parts: cells[1..].to_vec(),
                    });
                }
                shown.push(Line {
                    label,
                    measure: *measure,
                    cells,
                });
            }
            sections.push(Section {
                title,
                note,
                lines: shown,
            });
        }
        for (total, parts) in SUMS {
            for grp in &columns {
                let total = at.of(&rows, total, *grp);
                let parts = parts.iter().map(|p| at.of(&rows, p, *grp)).collect();
                rules.push(Rule::Sum { total, parts });
            }
        }
        let mut rates = Vec::new();
        for (line, numerator, denominator) in RATES {
            for grp in &columns {
                let rate = at.of(&rows, line, *grp);
                let n = at.of(&rows, numerator, *grp);
                let d = at.of(&rows, denominator, *grp);
                rates.push((rate, n, d));
            }
            // A share hidden for one group must not be left to the
            // programme's share less the other groups': the counts behind
            // the shares add up across groups like any other.
            if !groups.is_empty() {
                for count in [numerator, denominator] {
                    let cells: Vec<usize> =
                        columns.iter().map(|g| at.of(&rows, count, *g)).collect();
                    rules.push(Rule::Sum {
                        total: cells[0],
                        parts: cells[1..].to_vec(),
                    });
                }
            }
        }
        let listed = |tallies: &[Tally], at: &mut Cells| -> Vec<Listed> {
            let mut labels: Vec<(String, String)> = tallies
                .iter()
                .filter(|t| t.month.is_none())
                .map(|t| (t.label.clone(), t.detail.clone()))
                .collect();
            labels.dedup();
            labels
                .into_iter()
                .map(|(label, detail)| {
                    let cell = at.push(tally(tallies, &label, &detail));
                    Listed {
                        label: if detail.is_empty() { label } else { detail },
                        cell,
                    }
                })
                .collect()
        };
        // Months, and focus areas, each add up to the period's completed sessions.
        let completed = at.of(&rows, "sessions_completed", None);
        let months = listed(&months, &mut at);
        rules.push(Rule::Sum {
            total: completed,
            parts: months.iter().map(|m| m.cell).collect(),
        });
        let themes = listed(&themes, &mut at);
        rules.push(Rule::Sum {
            total: completed,
            parts: themes.iter().map(|t| t.cell).collect(),
        });
        let mut skill_names: Vec<String> = goals.iter().map(|g| g.label.clone()).collect();
        skill_names.dedup();
        let mut skills = Vec::new();
        for skill in skill_names {
            let start = at.cells.len();
            for status in GOAL_STATUSES {
                at.push(tally(&goals, &skill, status));
            }
            // All the skill's goals: its people counted once, however many
            // statuses their goals are in.
            at.push(tally(&goals, &skill, "all"));
            at.push(tally(&goals, &skill, "achieved_in_period"));
            rules.push(Rule::Sum {
                total: start + 4,
                parts: (start..start + 4).collect(),
            });
            skills.push(SkillRow {
                skill,
                cells: [start, start + 1, start + 2, start + 3, start + 4, start + 5],
            });
        }
        let coachees = at.of(&rows, "coachees", None);
        let mut cells = at.cells;
        let too_small = cells[coachees].people < threshold;
        if too_small {
            for cell in &mut cells {
                cell.hidden = true;
                cell.small = true;
            }
        } else {
            reporting::protect(&mut cells, &rules, threshold);
        }
        reporting::publish(&mut cells, threshold);
        for (rate, n, d) in rates {
            let worked_out = reporting::rate(&cells[n], &cells[d]);
            cells[rate] = Cell {
                hidden: worked_out.hidden || too_small,
                small: worked_out.small || too_small,
                value: if too_small { None } else { worked_out.value },
                ..worked_out
            };
        }
        Report {
            threshold: program.reporting_threshold,
            groups,
            cells,
            sections,
            months,
            themes,
            skills,
            too_small,
        }
    }
}
