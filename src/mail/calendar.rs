//! Calendar invitations (RFC 5545 with the iTIP methods of RFC 5546).
//!
//! One meeting keeps one `UID` for life. Every change raises its `SEQUENCE`, so
//! calendar programs replace the entry instead of adding a second one, and a
//! cancellation is the same `UID` with `METHOD:CANCEL`. Times are written in UTC;
//! each person's calendar shows them in their own time zone.
//!
//! A `REQUEST` or `CANCEL` names the organizer and each person once as an
//! `ATTENDEE` with where they stand (`PARTSTAT`); a `PUBLISH` (a file someone
//! downloads to add to their calendar) names no attendees, as RFC 5546 asks,
//! so it invites no replies and carries nobody's address but the organizer's.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

mod fold;
mod people;

use fold::refold;
use people::property as person;
pub use people::{Attendee, PartStat, Person};

/// The iTIP method of a calendar file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A new or changed meeting.
    Request,
    /// A cancelled meeting.
    Cancel,
    /// A copy to add to a calendar, not a scheduling message.
    Publish,
}

impl Method {
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
            Method::Publish => "PUBLISH",
        }
    }

    pub fn parse(value: &str) -> Option<Method> {
        match value {
            "REQUEST" => Some(Method::Request),
            "CANCEL" => Some(Method::Cancel),
            "PUBLISH" => Some(Method::Publish),
            _ => None,
        }
    }
}

/// One meeting, as a calendar sees it.
#[derive(Clone, Debug)]
pub struct Invitation {
    /// Stable for the meeting's whole life, e.g. `meeting-<uuid>@triad.example.com`.
    pub uid: String,
    /// Rises with every change to the meeting.
    pub sequence: u32,
    pub method: Method,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    pub url: Option<String>,
    /// Listed as an attendee too, who has accepted: the meeting is theirs.
    pub organizer: Person,
    /// Everyone else, once each (the organizer's address is skipped here).
    pub attendees: Vec<Attendee>,
}

/// The `.ics` text of `invitation`, stamped at `now`.
pub fn ics(invitation: &Invitation, now: DateTime<Utc>) -> String {
    let mut event = Event::new();
    event
        .uid(&invitation.uid)
        .sequence(invitation.sequence)
        .timestamp(now)
        .starts(invitation.starts)
        .ends(invitation.ends)
        .summary(&single_line(&invitation.summary))
        .description(&multi_line(&invitation.description))
        .status(match invitation.method {
            Method::Request | Method::Publish => EventStatus::Confirmed,
            Method::Cancel => EventStatus::Cancelled,
        });
    if let Some(location) = &invitation.location {
        event.location(&single_line(location));
    }
    if let Some(url) = &invitation.url {
        event.url(url);
    }
    event.append_property(person("ORGANIZER", &invitation.organizer));
    if invitation.method != Method::Publish {
        let organizer = Attendee {
            person: invitation.organizer.clone(),
            partstat: PartStat::Accepted,
        };
        let key = |p: &Person| p.email.trim().to_lowercase();
        let mut seen = std::collections::HashSet::new();
        for attendee in std::iter::once(&organizer).chain(&invitation.attendees) {
            if !seen.insert(key(&attendee.person)) {
                continue;
            }
            let mut property = person("ATTENDEE", &attendee.person);
            property
                .add_parameter("ROLE", "REQ-PARTICIPANT")
                .add_parameter("PARTSTAT", attendee.partstat.as_str());
            // Only someone who has not answered is asked to.
            if attendee.partstat == PartStat::NeedsAction && invitation.method == Method::Request {
                property.add_parameter("RSVP", "TRUE");
            }
            event.append_multi_property(property);
        }
    }

    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("PRODID", "-//Triad//Alignment meetings//EN"))
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", invitation.method.as_str()))
        .push(event.done());
    refold(&calendar.done().to_string())
}

fn single_line(value: &str) -> String {
    crate::mail::header::header_safe(value)
}

/// A TEXT value that may hold line breaks: every break becomes one `\n`
/// (which the encoder writes as the escaped `\\n`), a tab a space, and every
/// other control character is dropped. A bare CR left in place would be a
/// line break to some readers, and so a way to add a property of one's own.
fn multi_line(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn invitation(method: Method, sequence: u32) -> Invitation {
        Invitation {
            uid: "meeting-0193@triad.example.com".into(),
            sequence,
            method,
            starts: Utc.with_ymd_and_hms(2026, 12, 3, 14, 30, 0).unwrap(),
            ends: Utc.with_ymd_and_hms(2026, 12, 3, 15, 0, 0).unwrap(),
            summary: "Alignment meeting: Ana, Ben; and \"Chris\"".into(),
            description: "Agenda:\n1. Goals, in order; then next steps\\review".into(),
            location: Some("Room 4, second floor".into()),
            url: Some("https://triad.example.com/guest/abc".into()),
            organizer: Person {
                name: "Triad".into(),
                email: "no-reply@triad.example.com".into(),
            },
            attendees: vec![
                Attendee::needs_action("Dana \"DJ\" O'Neil, Head of Sales", "dana@example.com"),
                Attendee::new("Élodie Ünal", "elodie@example.com", PartStat::Declined),
            ],
        }
    }

    /// Reads our output back with an independent parser (the `ical` crate).
    fn parse(text: &str) -> ical::parser::ical::component::IcalCalendar {
        let mut parser = ical::IcalParser::new(text.as_bytes());
        let calendar = parser.next().expect("one calendar").expect("it parses");
        assert!(parser.next().is_none(), "exactly one calendar");
        calendar
    }

    fn value<'a>(properties: &'a [ical::property::Property], name: &str) -> &'a str {
        properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.as_deref())
            .unwrap_or_else(|| panic!("no {name}"))
    }

    fn unescape(value: &str) -> String {
        let mut out = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn request_round_trips_through_an_independent_parser() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let text = ics(&invitation(Method::Request, 2), now);
        let calendar = parse(&text);
        assert_eq!(value(&calendar.properties, "METHOD"), "REQUEST");
        assert_eq!(value(&calendar.properties, "VERSION"), "2.0");
        assert_eq!(calendar.events.len(), 1);
        let event = &calendar.events[0].properties;
        assert_eq!(value(event, "UID"), "meeting-0193@triad.example.com");
        assert_eq!(value(event, "SEQUENCE"), "2");
        assert_eq!(value(event, "DTSTART"), "20261203T143000Z");
        assert_eq!(value(event, "DTEND"), "20261203T150000Z");
        assert_eq!(value(event, "DTSTAMP"), "20261122T090000Z");
        assert_eq!(value(event, "STATUS"), "CONFIRMED");
        assert_eq!(
            unescape(value(event, "SUMMARY")),
            "Alignment meeting: Ana, Ben; and \"Chris\""
        );
        assert_eq!(
            unescape(value(event, "DESCRIPTION")),
            "Agenda:\n1. Goals, in order; then next steps\\review"
        );
        assert_eq!(
            value(event, "ORGANIZER"),
            "mailto:no-reply@triad.example.com"
        );

        let attendees: Vec<_> = event.iter().filter(|p| p.name == "ATTENDEE").collect();
        assert_eq!(attendees.len(), 3, "the organizer and two invitees");
        assert_eq!(
            attendees[1].value.as_deref(),
            Some("mailto:dana@example.com")
        );
        let params = attendees[1].params.as_ref().expect("attendee parameters");
        let cn = &params.iter().find(|(k, _)| k == "CN").expect("a CN").1;
        assert_eq!(cn.join(","), "Dana DJ O'Neil, Head of Sales");
        let rsvp = &params.iter().find(|(k, _)| k == "RSVP").expect("RSVP").1;
        assert_eq!(rsvp, &vec!["TRUE".to_string()]);
    }

    #[test]
    fn lines_are_folded_at_75_octets_and_end_in_crlf() {
        let mut long = invitation(Method::Request, 0);
        // No trailing space: the `ical` parser trims line ends, a quirk of its own.
        long.description = "Ünïcödé text that goes on and on "
            .repeat(12)
            .trim_end()
            .to_owned();
        let text = ics(&long, Utc::now());
        assert!(text.contains("\r\n "), "a long line was folded");
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "line of {} octets: {line:?}", line.len());
            assert!(!line.contains('\n'), "bare line feed in {line:?}");
        }
        let calendar = parse(&text);
        let event = &calendar.events[0].properties;
        assert_eq!(unescape(value(event, "DESCRIPTION")), long.description);
    }

    #[test]
    fn cancellation_keeps_the_uid_and_says_cancel() {
        let text = ics(&invitation(Method::Cancel, 3), Utc::now());
        let calendar = parse(&text);
        assert_eq!(value(&calendar.properties, "METHOD"), "CANCEL");
        let event = &calendar.events[0].properties;
        assert_eq!(value(event, "UID"), "meeting-0193@triad.example.com");
        assert_eq!(value(event, "SEQUENCE"), "3");
        assert_eq!(value(event, "STATUS"), "CANCELLED");
    }

    /// A second, independent reader (Stalwart's `calcard`): the method, the
    /// stamp, the organizer, and each attendee once with where they stand.
    fn calcard_view(text: &str) -> (String, bool, String, Vec<(String, String, bool)>) {
        use calcard::icalendar::{
            ICalendar, ICalendarComponentType as C, ICalendarParameterName as N,
            ICalendarParameterValue as V, ICalendarProperty as P,
        };
        let calendar = ICalendar::parse(text).expect("calcard parses it");
        let root = &calendar.components[0];
        let event = calendar
            .components
            .iter()
            .find(|c| c.component_type == C::VEvent)
            .expect("an event");
        let text_of = |c: &calcard::icalendar::ICalendarComponent, p: &P| {
            c.property(p)
                .and_then(|e| e.values.first())
                .and_then(|v| v.as_text())
                .unwrap_or_default()
                .to_owned()
        };
        let attendees = event
            .properties(&P::Attendee)
            .map(|entry| {
                let partstat = match entry.parameter(&N::Partstat) {
                    Some(V::Partstat(p)) => format!("{p:?}"),
                    other => format!("{other:?}"),
                };
                let rsvp = entry
                    .parameter(&N::Rsvp)
                    .is_some_and(|v| v.as_bool() == Some(true));
                (text_of_entry(entry), partstat, rsvp)
            })
            .collect();
        fn text_of_entry(e: &calcard::icalendar::ICalendarEntry) -> String {
            e.values
                .first()
                .and_then(|v| v.as_text())
                .unwrap_or_default()
                .to_owned()
        }
        (
            text_of(root, &P::Method),
            event.has_property(&P::Dtstamp),
            text_of(event, &P::Organizer),
            attendees,
        )
    }

    #[test]
    fn every_method_reads_the_same_in_both_parsers() {
        for method in [Method::Request, Method::Cancel, Method::Publish] {
            let text = ics(&invitation(method, 1), Utc::now());
            let (parsed, stamped, organizer, attendees) = calcard_view(&text);
            assert_eq!(parsed, method.as_str());
            assert!(stamped, "DTSTAMP in {method:?}");
            assert_eq!(organizer, "mailto:no-reply@triad.example.com");
            let ours = parse(&text);
            assert_eq!(value(&ours.properties, "METHOD"), method.as_str());
            assert_eq!(value(&ours.events[0].properties, "ORGANIZER"), organizer);
            assert!(!value(&ours.events[0].properties, "DTSTAMP").is_empty());
            if method == Method::Publish {
                assert!(attendees.is_empty(), "a published copy invites nobody");
                continue;
            }
            let request = method == Method::Request;
            let expected = [
                ("mailto:no-reply@triad.example.com", "Accepted", false),
                ("mailto:dana@example.com", "NeedsAction", request),
                ("mailto:elodie@example.com", "Declined", false),
            ];
            let expected: Vec<_> = expected
                .iter()
                .map(|(a, p, r)| (a.to_string(), p.to_string(), *r))
                .collect();
            assert_eq!(attendees, expected, "{method:?}");
        }
    }

    #[test]
    fn the_organizer_is_one_attendee_even_when_listed_again() {
        let mut twice = invitation(Method::Request, 0);
        twice.attendees.push(Attendee::needs_action(
            "Triad",
            "No-Reply@triad.example.com",
        ));
        let (_, _, _, attendees) = calcard_view(&ics(&twice, Utc::now()));
        assert_eq!(attendees.len(), 3);
    }

    #[test]
    fn line_breaks_and_control_characters_cannot_add_properties() {
        let mut hostile = invitation(Method::Request, 0);
        hostile.description = "Notes\rATTENDEE:mailto:evil@example.com\u{0}\u{b}".into();
        hostile.summary = "Hello\r\nATTENDEE:mailto:evil@example.com".into();
        hostile.attendees[0].person.name = "Eve\r\nMETHOD:CANCEL".into();
        let text = ics(&hostile, Utc::now());
        let calendar = parse(&text);
        assert_eq!(value(&calendar.properties, "METHOD"), "REQUEST");
        let event = &calendar.events[0].properties;
        assert_eq!(event.iter().filter(|p| p.name == "ATTENDEE").count(), 3);
        assert!(!text.contains("\r\nATTENDEE:mailto:evil"));
        // No CR but the one ending each line, and no other control character.
        assert!(!text.replace("\r\n", "").contains('\r'), "{text:?}");
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\r' && c != '\n'),
            "{text:?}"
        );
        let description = unescape(value(event, "DESCRIPTION"));
        assert!(
            description.starts_with("Notes\nATTENDEE:"),
            "{description:?}"
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(crate::testing::cases(200))]

            /// Whatever people type — line breaks, quotes, semicolons, commas,
            /// control characters, emoji — the file parses with an independent
            /// parser into one event whose fields say what was written.
            #[test]
            fn any_text_round_trips_through_an_independent_parser(
                summary in "\\PC{0,120}",
                description in "(\\PC|\n|\r|\t|\u{0}|\u{85}|;|,|\\\\){0,300}",
                location in "\\PC{0,80}",
                name in "\\PC{0,60}",
                sequence in 0u32..1000,
                minutes in 0i64..(60 * 24 * 365 * 3),
            ) {
                let starts = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
                    + chrono::Duration::minutes(minutes);
                let mut invitation = invitation(Method::Request, sequence);
                invitation.summary = summary.clone();
                invitation.description = description.clone();
                invitation.location = Some(location.clone());
                invitation.starts = starts;
                invitation.ends = starts + chrono::Duration::minutes(30);
                invitation.attendees[0].person.name = name;
                let text = ics(&invitation, Utc::now());
                let calendar = parse(&text);
                prop_assert_eq!(calendar.events.len(), 1);
                let event = &calendar.events[0];
                prop_assert_eq!(value(&event.properties, "UID"), invitation.uid.as_str());
                prop_assert_eq!(value(&event.properties, "SEQUENCE"), sequence.to_string());
                prop_assert_eq!(
                    value(&event.properties, "DTSTART"),
                    starts.format("%Y%m%dT%H%M%SZ").to_string()
                );
                let single = crate::mail::header::header_safe(&summary);
                // The `ical` crate reads "SUMMARY::x" as starting after the
                // second colon, a quirk of its own (RFC 5545 allows the value).
                prop_assume!(!single.starts_with(':'));
                let parsed_summary = event
                    .properties
                    .iter()
                    .find(|p| p.name == "SUMMARY")
                    .and_then(|p| p.value.as_deref())
                    .map(unescape)
                    .unwrap_or_default();
                prop_assert_eq!(parsed_summary.trim_end(), single.trim_end());
                // No line of the file is longer than 75 octets.
                prop_assert!(text.split("\r\n").all(|line| line.len() <= 75));
                // A CR only ends a line; no other control character at all.
                prop_assert!(!text.replace("\r\n", "").chars().any(char::is_control));
            }
        }
    }
}
