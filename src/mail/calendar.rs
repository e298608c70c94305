//! Calendar invitations (RFC 5545 with the iTIP methods of RFC 5546).
//!
//! One meeting keeps one `UID` for life. Every change raises its `SEQUENCE`, so
//! calendar programs replace the entry instead of adding a second one, and a
//! cancellation is the same `UID` with `METHOD:CANCEL`. Times are written in UTC;
//! each person's calendar shows them in their own time zone.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

/// The iTIP method of a calendar file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A new or changed meeting.
    Request,
    /// A cancelled meeting.
    Cancel,
}

impl Method {
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }

    pub fn parse(value: &str) -> Option<Method> {
        match value {
            "REQUEST" => Some(Method::Request),
            "CANCEL" => Some(Method::Cancel),
            _ => None,
        }
    }
}

/// Someone in the invitation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
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
    pub organizer: Person,
    pub attendees: Vec<Person>,
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
            Method::Request => EventStatus::Confirmed,
            Method::Cancel => EventStatus::Cancelled,
        });
    if let Some(location) = &invitation.location {
        event.location(&single_line(location));
    }
    if let Some(url) = &invitation.url {
        event.url(url);
    }
    event.append_property(person("ORGANIZER", &invitation.organizer));
    for attendee in &invitation.attendees {
        let mut property = person("ATTENDEE", attendee);
        property
            .add_parameter("ROLE", "REQ-PARTICIPANT")
            .add_parameter("PARTSTAT", "NEEDS-ACTION")
            .add_parameter("RSVP", "TRUE");
        event.append_multi_property(property);
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

/// Folds every content line at 75 octets (RFC 5545 §3.1), never inside a
/// character and, where it can, not beside a space: a first line of at most 75 octets, continuation lines of a space
/// and at most 74. (The `icalendar` crate's own folding lets a continuation
/// line reach 76 octets, so its output is unfolded and folded again here.)
fn refold(text: &str) -> String {
    let unfolded = text.replace("\r\n ", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 20);
    for line in unfolded.split_terminator("\r\n") {
        let mut rest = line;
        let mut limit = 75;
        loop {
            if rest.len() <= limit {
                out.push_str(rest);
                out.push_str("\r\n");
                break;
            }
            // Not inside a character, and not next to a space: some readers
            // trim the ends of folded lines, and a space there would be lost.
            let fits = |cut: usize| {
                rest.is_char_boundary(cut)
                    && !rest[..cut].ends_with(char::is_whitespace)
                    && !rest[cut..].starts_with(char::is_whitespace)
            };
            let mut cut = limit;
            while cut > limit / 2 && !fits(cut) {
                cut -= 1;
            }
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(&rest[..cut]);
            out.push_str("\r\n ");
            rest = &rest[cut..];
            limit = 74;
        }
    }
    out
}

/// `ORGANIZER`/`ATTENDEE` with a `CN`. A parameter value may not hold a double
/// quote or a control character at all (RFC 5545 §3.1), so those are dropped,
/// and so are direction controls and invisible characters (see `mail::typed`).
fn person(key: &str, person: &Person) -> Property {
    let name: String = single_line(&crate::mail::typed::visible(&person.name))
        .chars()
        .filter(|c| *c != '"')
        .collect();
    let mut property = Property::new(key, format!("mailto:{}", person.email.trim()));
    if !name.is_empty() {
        property.add_parameter("CN", &name);
    }
    property.done()
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
                Person {
                    name: "Dana \"DJ\" O'Neil, Head of Sales".into(),
                    email: "dana@example.com".into(),
                },
                Person {
                    name: "Élodie Ünal".into(),
                    email: "elodie@example.com".into(),
                },
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
        assert_eq!(attendees.len(), 2);
        assert_eq!(
            attendees[0].value.as_deref(),
            Some("mailto:dana@example.com")
        );
        let params = attendees[0].params.as_ref().expect("attendee parameters");
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

    #[test]
    fn line_breaks_and_control_characters_cannot_add_properties() {
        let mut hostile = invitation(Method::Request, 0);
        hostile.description = "Notes\rATTENDEE:mailto:evil@example.com\u{0}\u{b}".into();
        hostile.summary = "Hello\r\nATTENDEE:mailto:evil@example.com".into();
        hostile.attendees[0].name = "Eve\r\nMETHOD:CANCEL".into();
        let text = ics(&hostile, Utc::now());
        let calendar = parse(&text);
        assert_eq!(value(&calendar.properties, "METHOD"), "REQUEST");
        let event = &calendar.events[0].properties;
        assert_eq!(event.iter().filter(|p| p.name == "ATTENDEE").count(), 2);
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
                invitation.attendees[0].name = name;
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
