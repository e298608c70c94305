//! The programme seen from L&D: figures about groups of people, never about a
//! person. This module decides what may be shown: departments too small to
//! stand alone are merged, and a figure describing fewer people than the
//! programme's threshold is hidden — together with enough neighbouring figures
//! that nobody can subtract their way back to it — and every figure shown is
//! protected by the cell-key method (`noise`), rates worked out from the
//! protected counts. Queries are in `db::reporting`, the page and the CSV in
//! `web::admin::report`.

pub mod cache;
pub mod noise;
pub mod nudges;
pub mod report;

use std::collections::HashSet;

use uuid::Uuid;

/// The label of departments merged because each is too small on its own.
pub const OTHER_DEPARTMENTS: &str = "Other departments";
/// The label of engagements with no department recorded.
pub const NO_DEPARTMENT: &str = "No department";

/// How a figure reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Count,
    Percent,
    Days,
}

/// One figure, with how many people it describes.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// None when there is nothing to measure (a rate over nobody). Once
    /// [`publish`]ed: the figure as protected, and None when hidden.
    pub value: Option<f64>,
    /// The distinct coachees behind the figure.
    pub people: i64,
    /// Who they are, for a figure about fewer than 100 (the highest
    /// threshold): so that several figures about the same people count them
    /// once. None when not known.
    pub who: Option<Vec<Uuid>>,
    pub hidden: bool,
    /// Hidden because it describes too few people (not only to protect another).
    pub small: bool,
    /// How the figure is protected before it is shown.
    pub noise: Noise,
}

/// How a figure is protected (see [`noise`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Noise {
    /// A count, moved by the amount its cell key picks.
    Count { key: i64 },
    /// A count of things that happen in the period: the sum of its months
    /// (value, key), each protected on its own.
    Months(Vec<(i64, i64)>),
    /// A median number of days, moved by its key and rounded to weeks.
    Days { key: i64 },
    /// Worked out from protected figures ([`rate`]), or already published.
    Settled,
}

impl Cell {
    /// A count of the records whose keys add up to `key`.
    pub fn count(value: i64, people: i64, key: i64) -> Cell {
        Cell::with(Some(value as f64), people, Noise::Count { key })
    }

    /// A count of things that happen, month by month: (value, key) per month.
    pub fn over_months(people: i64, months: Vec<(i64, i64)>) -> Cell {
        let value = months.iter().map(|(v, _)| v).sum::<i64>();
        Cell::with(Some(value as f64), people, Noise::Months(months))
    }

    /// A median number of days over the records whose keys add up to `key`.
    pub fn days(value: Option<f64>, people: i64, key: i64) -> Cell {
        Cell::with(value, people, Noise::Days { key })
    }

    fn with(value: Option<f64>, people: i64, noise: Noise) -> Cell {
        Cell {
            value,
            people,
            who: None,
            hidden: false,
            small: false,
            noise,
        }
    }

    /// A count with the key 0, for tests of suppression alone.
    #[cfg(test)]
    pub fn new(value: Option<f64>, people: i64) -> Cell {
        Cell::with(value, people, Noise::Count { key: 0 })
    }

    pub fn empty() -> Cell {
        Cell::count(0, 0, 0)
    }

    /// The same figure, with who is behind it.
    pub fn among(self, who: Option<Vec<Uuid>>) -> Cell {
        Cell { who, ..self }
    }

    /// Hidden on its own account: about some people, but fewer than the threshold.
    fn too_few(&self, threshold: i64) -> bool {
        self.people > 0 && self.people < threshold
    }

    /// The figure as shown: a number, "fewer than 5", "not shown" (hidden so
    /// that a small figure next to it cannot be worked out), or a dash.
    pub fn text(&self, measure: Measure, threshold: i32) -> String {
        if self.small {
            return format!("fewer than {threshold}");
        }
        if self.hidden {
            return "not shown".to_owned();
        }
        match (self.value, measure) {
            (None, _) => "—".to_owned(),
            (Some(v), Measure::Count) => format!("{}", v.round() as i64),
            (Some(v), Measure::Percent) => format!("{}%", v.round() as i64),
            (Some(v), Measure::Days) => match (v / 7.0).round() as i64 {
                0 => "under a week".to_owned(),
                1 => "about 1 week".to_owned(),
                weeks => format!("about {weeks} weeks"),
            },
        }
    }

    /// The number to draw, unless hidden.
    pub fn shown(&self) -> Option<f64> {
        if self.hidden { None } else { self.value }
    }
}

/// Replaces every figure by the figure as published, once [`protect`] has
/// decided what to hide: hidden figures lose their value altogether, counts
/// and medians are moved by their cell keys. Nothing true is left in the cells
/// for a page, a chart or a CSV to show by mistake.
pub fn publish(cells: &mut [Cell], threshold: i64) {
    for cell in cells.iter_mut() {
        let noise = std::mem::replace(&mut cell.noise, Noise::Settled);
        if cell.hidden {
            cell.value = None;
            continue;
        }
        cell.value = match (cell.value, noise) {
            (Some(v), Noise::Count { key }) => {
                Some(noise::count(v.round() as i64, key, threshold) as f64)
            }
            (Some(_), Noise::Months(months)) => Some(noise::months(&months, threshold) as f64),
            (Some(v), Noise::Days { key }) => Some(noise::days(v, key)),
            (value, _) => value,
        };
    }
}

/// The share of one published count in another, as a percentage: hidden when
/// either is ("fewer than" when either is about too few people), a dash over
/// nothing, and never above 100 (the two counts are moved separately).
pub fn rate(numerator: &Cell, denominator: &Cell) -> Cell {
    let small = numerator.small || denominator.small;
    let hidden = small || numerator.hidden || denominator.hidden;
    let value = match (numerator.value, denominator.value) {
        _ if hidden => None,
        (Some(n), Some(d)) if d > 0.0 => Some((100.0 * n / d).min(100.0)),
        _ => None,
    };
    Cell {
        value,
        people: denominator.people,
        who: None,
        hidden,
        small,
        noise: Noise::Settled,
    }
}

/// Which group each department reports under: its own name when it has at
/// least `threshold` coachees, otherwise "Other departments" — and when that
/// group is still too small, the smallest named departments join it until it
/// is not (or everything is in it). Returns (department, group) pairs.
pub fn department_groups(departments: &[(String, i64)], threshold: i64) -> Vec<(String, String)> {
    let label = |d: &str| {
        if d.trim().is_empty() {
            NO_DEPARTMENT.to_owned()
        } else {
            d.to_owned()
        }
    };
    let mut named: Vec<(String, i64)> = departments
        .iter()
        .filter(|(_, n)| *n >= threshold)
        .cloned()
        .collect();
    let mut other: Vec<(String, i64)> = departments
        .iter()
        .filter(|(_, n)| *n < threshold)
        .cloned()
        .collect();
    let mut other_size: i64 = other.iter().map(|(_, n)| n).sum();
    while !other.is_empty() && other_size < threshold && !named.is_empty() {
        named.sort_by_key(|(d, n)| (std::cmp::Reverse(*n), d.clone()));
        let smallest = named.pop().expect("not empty");
        other_size += smallest.1;
        other.push(smallest);
    }
    let mut groups: Vec<(String, String)> = named
        .into_iter()
        .map(|(d, _)| (d.clone(), label(&d)))
        .collect();
    // A lone small department merged with nothing keeps its people out of sight
    // under the neutral label all the same.
    groups.extend(
        other
            .into_iter()
            .map(|(d, _)| (d, OTHER_DEPARTMENTS.to_owned())),
    );
    groups
}

/// A rule that figures of a report must obey together.
#[derive(Clone, Debug)]
pub enum Rule {
    /// The figures at these indexes add up to the one at `total`: hiding one
    /// of them must not let the total, minus the rest, give it away.
    Sum { total: usize, parts: Vec<usize> },
}

/// The fewest distinct people the figures at `parts` can be about together:
/// the same coachee behind several of them counts once. The people known
/// behind them give a lower bound, and so does the largest of them alone.
pub fn people_in(cells: &[Cell], parts: &[usize]) -> i64 {
    let known: HashSet<&Uuid> = parts
        .iter()
        .filter_map(|&i| cells[i].who.as_ref())
        .flatten()
        .collect();
    let largest = parts.iter().map(|&i| cells[i].people).max().unwrap_or(0);
    (known.len() as i64).max(largest)
}

/// Decides which figures to hide. Every figure about some people but fewer
/// than `threshold` is hidden. Then, for each sum, while the hidden parts
/// together describe fewer distinct people than the threshold (so the total
/// minus the shown parts would reveal them) — the same people behind several
/// hidden parts counted once ([`people_in`]) — the smallest shown part is
/// hidden as well, or the total, when no part is left. Rules are applied
/// again until nothing changes, since hiding a figure for one sum can matter
/// to another.
pub fn protect(cells: &mut [Cell], rules: &[Rule], threshold: i64) {
    for cell in cells.iter_mut() {
        if cell.too_few(threshold) {
            cell.hidden = true;
            cell.small = true;
        }
    }
    let mut changed = true;
    while changed {
        changed = false;
        for Rule::Sum { total, parts } in rules {
            loop {
                let hidden: Vec<usize> =
                    parts.iter().copied().filter(|&i| cells[i].hidden).collect();
                let hidden_people = people_in(cells, &hidden);
                if hidden.is_empty() || cells[*total].hidden || hidden_people >= threshold {
                    break;
                }
                let next = parts
                    .iter()
                    .copied()
                    .filter(|&i| !cells[i].hidden && cells[i].people > 0)
                    .min_by_key(|&i| cells[i].people);
                match next {
                    Some(i) => cells[i].hidden = true,
                    None => cells[*total].hidden = true,
                }
                changed = true;
            }
        }
    }
}

#[cfg(test)]
mod tests;
