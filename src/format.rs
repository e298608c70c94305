//! Showing times to people: always in the viewer's own time zone, named.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The viewer's zone, or UTC for a name we do not know.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// "Sun 22 Nov 2026, 14:05 CET": the viewer's zone, named, and the day of the
/// week, which tells at a glance when a moment is.
pub fn local_time(at: DateTime<Utc>, time_zone: &str) -> String {
    at.with_timezone(&zone(time_zone))
        .format("%a %-d %b %Y, %H:%M %Z")
        .to_string()
}

/// The clock in `time_zone` at `at` ("Tue 05:00 EST"), and whether that is
/// outside a working day there (before 08:00 or from 18:00 on).
pub fn clock_there(at: DateTime<Utc>, time_zone: &str) -> (String, bool) {
    use chrono::Timelike;
    let there = at.with_timezone(&zone(time_zone));
    let outside = there.hour() < 8 || there.hour() >= 18;
    (there.format("%a %H:%M %Z").to_string(), outside)
}

/// The zones most people pick from, west to east: a short list to search,
/// where any other zone's name can still be typed.
pub const COMMON_ZONES: &[&str] = &[
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Toronto",
    "America/Mexico_City",
    "America/Bogota",
    "America/Sao_Paulo",
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Amsterdam",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Zurich",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
];

/// The short list of zones, with `current` among them, each with what the
/// clock says there now ("Tue 14:05"), so the right one is recognised.
pub fn zones_with_local_time(current: &str, now: DateTime<Utc>) -> Vec<(String, String)> {
    let mut names: Vec<&str> = COMMON_ZONES.to_vec();
    if !names.contains(&current) && all_zones().any(|z| z == current) {
        names.insert(0, current);
    }
    names
        .into_iter()
        .map(|name| {
            let there = now
                .with_timezone(&zone(name))
                .format("%a %H:%M")
                .to_string();
            (name.to_owned(), there)
        })
        .collect()
}

/// Every zone, for a select list.
pub fn all_zones() -> impl Iterator<Item = &'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_the_viewers_zone_across_daylight_saving() {
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap();
        assert_eq!(
            local_time(winter, "Europe/Berlin"),
            "Thu 15 Jan 2026, 13:00 CET"
        );
        assert_eq!(
            local_time(summer, "Europe/Berlin"),
            "Wed 15 Jul 2026, 14:00 CEST"
        );
        assert_eq!(
            local_time(summer, "America/New_York"),
            "Wed 15 Jul 2026, 08:00 EDT"
        );
        assert_eq!(
            local_time(summer, "Not/AZone"),
            "Wed 15 Jul 2026, 12:00 UTC"
        );
    }
}

/// A date and time typed in `time_zone`, as an instant. Times that do not
/// exist or happen twice (daylight-saving changes) are refused with words that
/// say so, never shifted silently.
pub fn instant_from_local(
    date: &str,
    time: &str,
    time_zone: &str,
) -> Result<DateTime<Utc>, String> {
    use chrono::{LocalResult, NaiveDate, NaiveTime, TimeZone};
    let (Ok(date), Ok(time)) = (
        NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d"),
        NaiveTime::parse_from_str(time.trim(), "%H:%M"),
    ) else {
        return Err("Enter a date like 2026-03-29 and a time like 14:30.".into());
    };
    let tz = zone(time_zone);
    match tz.from_local_datetime(&date.and_time(time)) {
        LocalResult::Single(at) => Ok(at.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{} does not exist on {} in {}: the clocks go forward then. Choose another time.",
            time.format("%H:%M"),
            date.format("%a %-d %b %Y"),
            tz.name()
        )),
        LocalResult::Ambiguous(_, _) => Err(format!(
            "{} happens twice on {} in {}: the clocks go back then. Choose a time outside that hour.",
            time.format("%H:%M"),
            date.format("%a %-d %b %Y"),
            tz.name()
        )),
    }
}

#[cfg(test)]
mod local_input_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn local_times_become_instants_and_daylight_saving_gaps_are_named() {
        let at = instant_from_local("2026-07-15", "14:00", "Europe/London").unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 7, 15, 13, 0, 0).unwrap());
        let at = instant_from_local("2026-07-15", "14:00", "Asia/Kolkata").unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 7, 15, 8, 30, 0).unwrap());
        // Clocks go forward in London at 01:00 on 29 March 2026.
        let gap = instant_from_local("2026-03-29", "01:30", "Europe/London").unwrap_err();
        assert!(
            gap.contains("does not exist") && gap.contains("Europe/London"),
            "{gap}"
        );
        // And back at 02:00 on 25 October 2026: 01:30 happens twice.
        let twice = instant_from_local("2026-10-25", "01:30", "Europe/London").unwrap_err();
        assert!(twice.contains("happens twice"), "{twice}");
        assert!(instant_from_local("29/03/2026", "1pm", "UTC").is_err());
    }

    mod properties {
        use super::*;
        use chrono::{NaiveDate, NaiveTime, Timelike};
        use proptest::prelude::*;

        const ZONES: [&str; 8] = [
            "Europe/London",
            "America/New_York",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "Pacific/Chatham",
            "America/St_Johns",
            "Europe/Berlin",
            "UTC",
        ];

        proptest! {
            #![proptest_config(crate::testing::cases(500))]

            /// A local time either is one instant, which shows as that same
            /// local time again, or is refused for a daylight-saving reason.
            #[test]
            fn local_times_convert_and_back_or_are_refused_for_a_reason(
                days in 0i64..(366 * 4),
                minute_of_day in 0u32..(24 * 60),
                zone in prop::sample::select(ZONES.to_vec()),
            ) {
                let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(days);
                let time = NaiveTime::from_hms_opt(minute_of_day / 60, minute_of_day % 60, 0).unwrap();
                let typed_date = date.format("%Y-%m-%d").to_string();
                let typed_time = time.format("%H:%M").to_string();
                match instant_from_local(&typed_date, &typed_time, zone) {
                    Ok(at) => {
                        let back = at.with_timezone(&zone_of(zone));
                        prop_assert_eq!(back.date_naive(), date);
                        prop_assert_eq!((back.hour(), back.minute()), (time.hour(), time.minute()));
                    }
                    Err(reason) => {
                        prop_assert!(
                            reason.contains("does not exist") || reason.contains("happens twice"),
                            "{}", reason
                        );
                        prop_assert!(zone != "UTC" && zone != "Asia/Kolkata");
                    }
                }
            }

            #[test]
            fn anything_typed_is_an_instant_or_a_sentence_never_a_panic(
                date in "\\PC{0,20}",
                time in "\\PC{0,10}",
            ) {
                if let Err(reason) = instant_from_local(&date, &time, "Europe/London") {
                    prop_assert!(reason.ends_with('.'));
                }
            }
        }

        fn zone_of(name: &str) -> chrono_tz::Tz {
            zone(name)
        }
    }
}
