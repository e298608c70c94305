//! The programme seen from L&D: figures about groups of people, never about a
//! person. This module decides what may be shown: departments too small to
//! stand alone are merged, and a figure describing fewer people than the
//! programme's threshold is hidden — together with enough neighbouring figures
//! that nobody can subtract their way back to it — and every figure shown is
//! protected by the cell-key method (`noise`), rates worked out from the
//! protected counts. Queries are in `db::reporting`, the page and the CSV in
//! `web::admin::report`.

pub mod noise;

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

/// Decides which figures to hide. Every figure about some people but fewer
/// than `threshold` is hidden. Then, for each sum, while the hidden parts
/// together describe fewer people than the threshold (so the total minus the
/// shown parts would reveal them), the smallest shown part is hidden as well —
/// or the total, when no part is left. Rules are applied again until nothing
/// changes, since hiding a figure for one sum can matter to another.
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
                let hidden_people: i64 = hidden.iter().map(|&i| cells[i].people).sum();
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
mod tests {
    use super::*;

    fn cell(value: i64, people: i64) -> Cell {
        Cell::new(Some(value as f64), people)
    }

    #[test]
    fn small_departments_merge_until_the_merged_group_is_big_enough() {
        let depts = vec![
            ("Sales".to_owned(), 12),
            ("Ops".to_owned(), 6),
            ("Legal".to_owned(), 2),
            ("".to_owned(), 1),
        ];
        let groups = department_groups(&depts, 5);
        let of = |d: &str| groups.iter().find(|(x, _)| x == d).unwrap().1.clone();
        assert_eq!(of("Sales"), "Sales");
        // Legal and the unassigned make 3: Ops (the smallest named) joins them.
        assert_eq!(of("Legal"), OTHER_DEPARTMENTS);
        assert_eq!(of(""), OTHER_DEPARTMENTS);
        assert_eq!(of("Ops"), OTHER_DEPARTMENTS);
        let groups = department_groups(&[("Sales".into(), 12), ("Ops".into(), 7)], 5);
        assert!(groups.iter().all(|(d, g)| d == g));
    }

    #[test]
    fn one_hidden_part_takes_another_with_it_so_the_total_gives_nothing_away() {
        let sum = |total, parts: &[usize]| Rule::Sum {
            total,
            parts: parts.to_vec(),
        };
        // total 20 = 2 + 8 + 10
        let mut cells = vec![cell(20, 20), cell(2, 2), cell(8, 8), cell(10, 10)];
        protect(&mut cells, &[sum(0, &[1, 2, 3])], 5);
        let hidden: Vec<bool> = cells.iter().map(|c| c.hidden).collect();
        assert_eq!(
            hidden,
            [false, true, true, false],
            "2 alone could be subtracted"
        );
        assert_eq!(cells[1].text(Measure::Count, 5), "fewer than 5");
        assert_eq!(cells[2].text(Measure::Count, 5), "not shown");

        // Two tiny parts together still under the threshold take a third.
        let mut cells = vec![
            cell(20, 20),
            cell(1, 1),
            cell(2, 2),
            cell(7, 7),
            cell(10, 10),
        ];
        protect(&mut cells, &[sum(0, &[1, 2, 3, 4])], 5);
        let hidden: Vec<bool> = cells.iter().map(|c| c.hidden).collect();
        assert_eq!(hidden, [false, true, true, true, false]);

        // Two small parts that together reach the threshold: the split stays
        // unknown, the total can show.
        let mut cells = vec![cell(7, 7), cell(3, 3), cell(4, 4)];
        protect(&mut cells, &[sum(0, &[1, 2])], 5);
        let hidden: Vec<bool> = cells.iter().map(|c| c.hidden).collect();
        assert_eq!(hidden, [false, true, true]);

        // Nothing left to hide with it (the rest describes nobody): the total goes.
        let mut cells = vec![cell(7, 7), cell(2, 2), cell(0, 0)];
        protect(&mut cells, &[sum(0, &[1, 2])], 5);
        let hidden: Vec<bool> = cells.iter().map(|c| c.hidden).collect();
        assert_eq!(hidden, [true, true, false]);

        // Zero is shown: it describes nobody.
        let mut cells = vec![cell(10, 10), cell(0, 0), cell(10, 10)];
        protect(&mut cells, &[sum(0, &[1, 2])], 5);
        assert!(cells.iter().all(|c| !c.hidden));

        // A table: rows and columns both add up. Hiding for a row makes a
        // column need another hidden figure, and the rules run until settled.
        //            total  A   B
        // all          30  15  15
        // active       27  13  14
        // paused        3   2   1
        let mut cells = vec![
            cell(30, 30),
            cell(15, 15),
            cell(15, 15),
            cell(27, 27),
            cell(13, 13),
            cell(14, 14),
            cell(3, 3),
            cell(2, 2),
            cell(1, 1),
        ];
        let rules = [
            sum(0, &[1, 2]),
            sum(3, &[4, 5]),
            sum(6, &[7, 8]),
            sum(0, &[3, 6]),
            sum(1, &[4, 7]),
            sum(2, &[5, 8]),
        ];
        protect(&mut cells, &rules, 5);
        // No hidden figure can be worked out from the shown ones.
        for rule in &rules {
            let Rule::Sum { total, parts } = rule;
            let hidden: Vec<&usize> = parts.iter().filter(|&&i| cells[i].hidden).collect();
            if !cells[*total].hidden && hidden.len() == 1 {
                panic!("cell {} could be subtracted: {cells:?}", hidden[0]);
            }
        }
        assert!(cells[6].hidden && cells[7].hidden && cells[8].hidden);
        assert!(!cells[0].hidden);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            /// In any table of parts adding up to row and column totals, once
            /// protected, no shown total gives away hidden figures: where
            /// something is hidden under a shown total, the hidden part is
            /// about at least the threshold of people.
            #[test]
            fn no_hidden_figure_can_be_worked_out_from_shown_ones(
                table in prop::collection::vec(prop::collection::vec(0i64..12, 1..5), 1..5),
                threshold in 3i64..7,
            ) {
                let rows = table.len();
                let cols = table[0].len();
                let grid: Vec<Vec<i64>> = table.iter().map(|r| {
                    let mut r = r.clone();
                    r.resize(cols, 0);
                    r
                }).collect();
                // cells: the parts, then row totals, then column totals, then the grand total.
                let mut cells: Vec<Cell> = Vec::new();
                for row in &grid {
                    for &v in row {
                        cells.push(Cell::new(Some(v as f64), v));
                    }
                }
                let row_total = cells.len();
                for row in &grid {
                    let sum: i64 = row.iter().sum();
                    cells.push(Cell::new(Some(sum as f64), sum));
                }
                let col_total = cells.len();
                for c in 0..cols {
                    let sum: i64 = grid.iter().map(|r| r[c]).sum();
                    cells.push(Cell::new(Some(sum as f64), sum));
                }
                let grand = cells.len();
                let all: i64 = grid.iter().flatten().sum();
                cells.push(Cell::new(Some(all as f64), all));
                let mut rules = Vec::new();
                for r in 0..rows {
                    rules.push(Rule::Sum { total: row_total + r, parts: (0..cols).map(|c| r * cols + c).collect() });
                }
                for c in 0..cols {
                    rules.push(Rule::Sum { total: col_total + c, parts: (0..rows).map(|r| r * cols + c).collect() });
                }
                rules.push(Rule::Sum { total: grand, parts: (0..rows).map(|r| row_total + r).collect() });
                rules.push(Rule::Sum { total: grand, parts: (0..cols).map(|c| col_total + c).collect() });
                protect(&mut cells, &rules, threshold);
                for cell in &cells {
                    if cell.people > 0 && cell.people < threshold {
                        prop_assert!(cell.hidden && cell.small);
                    }
                }
                for rule in &rules {
                    let Rule::Sum { total, parts } = rule;
                    if cells[*total].hidden {
                        continue;
                    }
                    let hidden: i64 = parts.iter().filter(|&&i| cells[i].hidden).map(|&i| cells[i].people).sum();
                    prop_assert!(hidden == 0 || hidden >= threshold, "{:?}", cells);
                }
            }

            /// Once published, a hidden figure has no value left to leak, a
            /// shown count is never negative, and a rate is never shown where
            /// its numerator or denominator is hidden.
            #[test]
            fn published_figures_keep_nothing_hidden_and_rates_follow_their_counts(
                parts in prop::collection::vec((0i64..30, any::<i64>()), 2..6),
                threshold in 3i64..7,
            ) {
                let mut cells: Vec<Cell> = parts
                    .iter()
                    .map(|&(v, key)| Cell::count(v, v, key))
                    .collect();
                let total: i64 = parts.iter().map(|(v, _)| v).sum();
                let key: i64 = parts.iter().map(|(_, k)| k.wrapping_rem(1 << 40)).sum();
                cells.push(Cell::count(total, total, key));
                let rules = [Rule::Sum { total: parts.len(), parts: (0..parts.len()).collect() }];
                protect(&mut cells, &rules, threshold);
                let again = cells.clone();
                publish(&mut cells, threshold);
                let mut twice = again;
                publish(&mut twice, threshold);
                prop_assert_eq!(&cells, &twice, "the same records publish the same figures");
                for cell in &cells {
                    if cell.hidden {
                        prop_assert!(cell.value.is_none());
                    } else {
                        prop_assert!(cell.value.unwrap() >= 0.0);
                    }
                }
                for (i, part) in cells[..parts.len()].iter().enumerate() {
                    let share = rate(part, &cells[parts.len()]);
                    if part.hidden || cells[parts.len()].hidden {
                        prop_assert!(share.hidden && share.value.is_none(), "{}: {:?}", i, share);
                    } else if let Some(v) = share.value {
                        prop_assert!((0.0..=100.0).contains(&v));
                    }
                }
            }

            #[test]
            fn merged_departments_are_each_big_enough(
                sizes in prop::collection::vec(0i64..15, 0..8),
                threshold in 3i64..7,
            ) {
                let departments: Vec<(String, i64)> = sizes
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (format!("D{i}"), *n))
                    .collect();
                let groups = department_groups(&departments, threshold);
                prop_assert_eq!(groups.len(), departments.len());
                let mut totals: std::collections::HashMap<String, i64> = Default::default();
                for (department, group) in &groups {
                    let n = departments.iter().find(|(d, _)| d == department).unwrap().1;
                    *totals.entry(group.clone()).or_default() += n;
                }
                // Every group stands alone, unless it is the only one (the
                // whole programme, whose own size the report checks).
                if totals.len() > 1 {
                    for (group, n) in &totals {
                        prop_assert!(*n >= threshold || *n == 0, "{} has {}", group, n);
                    }
                }
            }
        }
    }
}
