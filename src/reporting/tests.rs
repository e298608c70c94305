//! Suppression and publishing, by example and by property.
use super::*;

fn cell(value: i64, people: i64) -> Cell {
    Cell::new(Some(value as f64), people)
}

/// The people numbered in `bits` (of 64), as a figure's coachees.
fn ids(bits: u64) -> Option<Vec<uuid::Uuid>> {
    Some(
        (0..64)
            .filter(|i| bits >> i & 1 == 1)
            .map(|i| uuid::Uuid::from_u128(i + 1))
            .collect(),
    )
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

    // Two small parts of different people that together reach the
    // threshold: the split stays unknown, the total can show.
    let mut cells = vec![
        cell(7, 7).among(ids(0b111_1111)),
        cell(3, 3).among(ids(0b000_0111)),
        cell(4, 4).among(ids(0b111_1000)),
    ];
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

#[test]
fn the_same_people_behind_several_hidden_parts_count_once() {
    let sum = Rule::Sum {
        total: 0,
        parts: vec![1, 2, 3, 4],
    };
    let everyone = (1u64 << 18) - 1;
    let two = 0b11;
    // 18 people's sessions: most on one theme, and the same two people's on
    // three more. The three describe two people, not six: the total less the
    // big theme would be those two people's sessions, so one of them goes.
    let mut cells = vec![
        cell(60, 18).among(ids(everyone)),
        cell(54, 18).among(ids(everyone)),
        cell(2, 2).among(ids(two)),
        cell(2, 2).among(ids(two)),
        cell(2, 2).among(ids(two)),
    ];
    protect(&mut cells, std::slice::from_ref(&sum), 5);
    assert!(cells[1].hidden, "{cells:?}");
    assert!(!cells[0].hidden);
    // Without knowing who, only the largest hidden part
    // is sure to count: still two people, and the big theme goes.
    let mut cells = vec![
        cell(60, 18),
        cell(54, 18),
        cell(2, 2),
        cell(2, 2),
        cell(2, 2),
    ];
    protect(&mut cells, &[sum], 5);
    assert!(cells[1].hidden, "{cells:?}");
    assert_eq!(people_in(&cells, &[2, 3, 4]), 2);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::testing::cases(500))]

        /// In any table of parts adding up to row and column totals, where
        /// the same people may be behind several parts, once protected no
        /// shown total gives away hidden figures: where something is hidden
        /// under a shown total, the hidden parts together are about at least
        /// the threshold of distinct people.
        #[test]
        fn no_hidden_figure_can_be_worked_out_from_shown_ones(
            table in prop::collection::vec(
                prop::collection::vec(prop::collection::vec(0u32..12, 0..5), 1..5),
                1..5,
            ),
            threshold in 3i64..7,
            known in any::<bool>(),
        ) {
            let rows = table.len();
            let cols = table[0].len();
            // Each part: the people (of twelve) behind it.
            let grid: Vec<Vec<u64>> = table.iter().map(|r| {
                let mut r: Vec<u64> = r.iter().map(|p| p.iter().fold(0, |w, i| w | 1 << i)).collect();
                r.resize(cols, 0);
                r
            }).collect();
            let of = |who: u64| {
                let n = i64::from(who.count_ones());
                let cell = Cell::new(Some(n as f64), n);
                if known { cell.among(ids(who)) } else { cell }
            };
            // cells: the parts, then row totals, then column totals, then the grand total.
            let mut cells: Vec<Cell> = Vec::new();
            let mut truly: Vec<u64> = Vec::new();
            let mut push = |who: u64, cells: &mut Vec<Cell>| {
                cells.push(of(who));
                truly.push(who);
            };
            for row in &grid {
                for &who in row {
                    push(who, &mut cells);
                }
            }
            let row_total = cells.len();
            for row in &grid {
                push(row.iter().fold(0, |w, p| w | p), &mut cells);
            }
            let col_total = cells.len();
            for c in 0..cols {
                push(grid.iter().fold(0, |w, r| w | r[c]), &mut cells);
            }
            let grand = cells.len();
            push(grid.iter().flatten().fold(0, |w, p| w | p), &mut cells);
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
                let hidden = parts.iter().filter(|&&i| cells[i].hidden).fold(0u64, |w, &i| w | truly[i]);
                let people = i64::from(hidden.count_ones());
                prop_assert!(people == 0 || people >= threshold, "{:?}", cells);
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
