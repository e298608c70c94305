//! The cell-key method, as the Australian Bureau of Statistics' TableBuilder
//! and the UK's 2021 Census outputs use it. Every engagement holds a permanent
//! random key; every record a figure counts takes a key derived from it (in
//! the database, `report_record_key`), and a figure's key is the sum of its
//! records' keys. The key picks a small amount from a fixed table, and the
//! figure is moved by it. So the same records always give the same published
//! figure — asking again, or for an overlapping period, tells nothing new —
//! while figures over different records are moved independently, and the
//! difference of two of them cannot be trusted to one or two either way.
//!
//! Counts of things that happen (sessions, meetings, activities, requests) are
//! protected month by month, and a period's figure is the sum of its months'
//! protected figures: two periods then differ by exactly the protected figures
//! of the months between them, which are no more exact than any other — and
//! no number of overlapping periods gives more than one look at a month.

/// The most a count is moved, per month for counts of things that happen.
pub const MOST: i64 = 2;

/// The amounts a key picks from: zero on average, mostly small, never more
/// than [`MOST`]. Sixteen entries, picked by the key's last four bits.
const AMOUNTS: [i64; 16] = [0, 0, 0, 0, 1, 1, 1, 1, -1, -1, -1, -1, 2, 2, -2, -2];

/// The amount a cell key moves its figure by.
pub fn amount(key: i64) -> i64 {
    AMOUNTS[key.rem_euclid(AMOUNTS.len() as i64) as usize]
}

/// A month's count as protected. Nothing stays nothing (a month without a
/// record has no key to draw from); anything else is moved, and never below
/// zero. A month of one record can read 0, 1, 2 or 3, so even a month known to
/// hold something small is never pinned by its protected figure.
pub fn month(value: i64, key: i64) -> i64 {
    if value <= 0 {
        0
    } else {
        (value + amount(key)).max(0)
    }
}

/// A count as published. Zero stays zero; a count shown at all describes at
/// least `threshold` people, and is never printed below the threshold, so a
/// printed figure near it does not pin the count either.
pub fn count(value: i64, key: i64, threshold: i64) -> i64 {
    if value <= 0 {
        0
    } else {
        (value + amount(key)).max(threshold)
    }
}

/// A period's count as published: the sum of its months as protected.
pub fn months(months: &[(i64, i64)], threshold: i64) -> i64 {
    let true_total: i64 = months.iter().map(|(v, _)| v).sum();
    let total: i64 = months.iter().map(|&(v, k)| month(v, k)).sum();
    if true_total <= 0 {
        0
    } else {
        total.max(threshold)
    }
}

/// A median number of days as published: moved by up to twice [`MOST`] days,
/// then rounded to whole weeks, so two medians over nearly the same people do
/// not differ by what one person added.
pub fn days(value: f64, key: i64) -> f64 {
    let moved = value + 2.0 * amount(key) as f64;
    ((moved / 7.0).round() * 7.0).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_amounts_average_to_nothing() {
        assert_eq!(AMOUNTS.iter().sum::<i64>(), 0);
        assert!(AMOUNTS.iter().all(|a| a.abs() <= MOST));
    }

    proptest! {
        #![proptest_config(crate::testing::cases(2000))]

        /// The same records (the same key) always publish the same figure,
        /// never negative, never further than `MOST` from the truth.
        #[test]
        fn a_published_count_is_stable_close_and_never_negative(
            value in 0i64..10_000,
            key in any::<i64>(),
            threshold in 3i64..20,
        ) {
            let value = if value > 0 { value.max(threshold) } else { 0 };
            let shown = count(value, key, threshold);
            prop_assert_eq!(shown, count(value, key, threshold));
            prop_assert!(shown >= 0);
            prop_assert!((shown - value).abs() <= MOST);
            prop_assert_eq!(shown == 0, value == 0);
        }

        /// A period's figure is within `MOST` per month of the truth, and
        /// two periods differ by exactly the protected months between them.
        #[test]
        fn periods_are_sums_of_their_protected_months(
            months_of in prop::collection::vec((0i64..40, any::<i64>()), 1..36),
            cut in 0usize..36,
        ) {
            let threshold = 5;
            let truth: i64 = months_of.iter().map(|(v, _)| v).sum();
            let shown = months(&months_of, threshold);
            prop_assert!((shown - truth).abs() <= MOST * months_of.len() as i64 || shown == threshold);
            prop_assert!(shown >= 0);
            let cut = cut.min(months_of.len());
            let (early, late) = months_of.split_at(cut);
            let sum = |m: &[(i64, i64)]| m.iter().map(|&(v, k)| month(v, k)).sum::<i64>();
            prop_assert_eq!(sum(&months_of), sum(early) + sum(late));
        }

        /// A month known to hold something small is never pinned: every
        /// protected figure it can read is one at least two true figures can.
        #[test]
        fn a_small_month_is_never_pinned(key in any::<i64>(), value in 1i64..5) {
            let shown = month(value, key);
            let could_be: Vec<i64> = (1..=value + 2 * MOST)
                .filter(|&v| (0..16).any(|k| month(v, k) == shown))
                .collect();
            prop_assert!(could_be.len() >= 2, "{} from {}", shown, value);
        }
    }
}
