//! Showing times to people: always in the viewer's own time zone, named.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The viewer's zone, or UTC for a name we do not know.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// "22 Nov 2026, 14:05 CET".
pub fn local_time(at: DateTime<Utc>, time_zone: &str) -> String {
    at.with_timezone(&zone(time_zone))
        .format("%-d %b %Y, %H:%M %Z")
        .to_string()
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
            "15 Jan 2026, 13:00 CET"
        );
        assert_eq!(
            local_time(summer, "Europe/Berlin"),
            "15 Jul 2026, 14:00 CEST"
        );
        assert_eq!(
            local_time(summer, "America/New_York"),
            "15 Jul 2026, 08:00 EDT"
        );
        assert_eq!(local_time(summer, "Not/AZone"), "15 Jul 2026, 12:00 UTC");
    }
}
