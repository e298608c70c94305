//! The huddle: once the invitees leave, the coachee and coach stay on for a
//! quarter of an hour to talk the meeting over (the debrief's pulse check).
//!
//! It is a calendar entry of its own, with its own stable `UID` and the
//! meeting's `SEQUENCE`, sent to the coachee and coach alone in an email of its
//! own, and moved and cancelled with the meeting. Not a second event in the
//! meeting's own calendar file: iTIP allows one `UID` per scheduling message,
//! and calendar programs that read only a file's first event would drop it.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::db::alignment::Meeting;
use crate::format;
use crate::mail::MailKind;
use crate::mail::calendar::{self, Attendee, Method, Person};
use crate::mail::outbox::{CalendarPart, OutgoingEmail, Recipient};
use crate::mail::templates::NoticeEmail;
use crate::mail::typed::isolate;

/// How long the huddle lasts.
pub const HUDDLE_MINUTES: i64 = 15;

/// The outbox key of one person's huddle email: a newer one replaces it.
pub(super) fn key(meeting: Uuid, who: &str) -> String {
    format!("alignment-{meeting}-huddle-{who}")
}

/// The huddle's `UID`: stable for the meeting's life, unlike the meeting's own.
fn uid(meeting: Uuid, domain: &str) -> String {
    format!("huddle-{}@{domain}", meeting.simple())
}

/// The huddle's calendar file, or None while the meeting has no time.
pub(super) fn calendar(
    meeting: &Meeting,
    method: Method,
    page: Option<&str>,
    domain: &str,
    now: DateTime<Utc>,
) -> Option<CalendarPart> {
    let starts = meeting.ends_at()?;
    // No coach yet (a kickoff while the coach is being matched): no huddle.
    let (coach_name, coach_email) = (meeting.coach_name.clone()?, meeting.coach_email.clone()?);
    let (coachee, coach) = (isolate(&meeting.coachee_name), isolate(&coach_name));
    let mut description = format!(
        "{coachee} and {coach} stay on after the {} meeting, once the invitees have left: how {coachee} is feeling, what stood out to them and to the invitees, what to do with it, how it changes the coaching, and whether the next session goes deeper.",
        meeting.kind().label()
    );
    if let Some(page) = page {
        description.push_str(&format!("\n\nMeeting page: {page}"));
    }
    let invitation = calendar::Invitation {
        uid: uid(meeting.id, domain),
        sequence: u32::try_from(meeting.sequence).unwrap_or(0),
        method,
        starts,
        ends: starts + Duration::minutes(HUDDLE_MINUTES),
        summary: format!(
            "Huddle after the {} meeting: {coachee} and {coach}",
            meeting.kind().label()
        ),
        description,
        location: Some(isolate(&meeting.place)),
        url: page.map(str::to_owned),
        organizer: Person {
            name: meeting.coachee_name.clone(),
            email: meeting.coachee_email.clone(),
        },
        attendees: vec![Attendee::needs_action(coach_name, coach_email)],
    };
    Some(CalendarPart {
        method,
        ics: calendar::ics(&invitation, now),
    })
}

/// The huddle's email to the coachee or the coach, with its calendar file;
/// None while the meeting has no time.
pub(super) fn email(
    meeting: &Meeting,
    to: Recipient,
    time_zone: &str,
    page: Option<&str>,
    method: Method,
    domain: &str,
    now: DateTime<Utc>,
) -> askama::Result<Option<OutgoingEmail>> {
    let (Some(starts), Some(part)) = (
        meeting.ends_at(),
        calendar(meeting, method, page, domain, now),
    ) else {
        return Ok(None);
    };
    let coachee = isolate(&meeting.coachee_name);
    let when = format::local_time(starts, time_zone);
    let cancelled = method == Method::Cancel;
    let mut message = NoticeEmail {
        kind: if cancelled {
            MailKind::MeetingCancelled
        } else {
            MailKind::MeetingTime
        },
        subject: if cancelled {
            format!("Cancelled: huddle after the alignment meeting of {coachee}")
        } else {
            format!("Huddle after the alignment meeting, {when}")
        },
        name: to.name.clone(),
        lead: if cancelled {
            format!(
                "The alignment meeting of {coachee} is cancelled, and so is the huddle after it. The calendar entry attached removes it from your calendar."
            )
        } else {
            format!(
                "When the invitees leave the alignment meeting of {coachee}, {coachee} and {} stay on for {HUDDLE_MINUTES} minutes, from {when}. Add the calendar invite attached to your calendar; it moves with the meeting.",
                isolate(meeting.coach_name.as_deref().unwrap_or_default())
            )
        },
        paragraphs: if cancelled {
            Vec::new()
        } else {
            vec![
                "A short pulse check while it is fresh: how the coachee is feeling, what stood out to them and to the invitees, what they want to do with it, how it changes the coaching, and whether the next session should go deeper. The coach records it as the debrief on the meeting page.".into(),
                "The invitees do not get this invite.".into(),
            ]
        },
        link: page
            .filter(|_| !cancelled)
            .map(|l| ("Open the meeting page".to_owned(), l.to_owned())),
        ..NoticeEmail::default()
    }
    .email(to)?;
    message.calendar = Some(part);
    Ok(Some(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn meeting() -> Meeting {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 14, 30, 0).unwrap();
        Meeting {
            id: Uuid::from_u128(0x0193),
            engagement_id: Uuid::nil(),
            kind: "initial".into(),
            status: "confirmed".into(),
            starts_at: Some(at),
            duration_minutes: 30,
            place: "Room 4".into(),
            agenda: String::new(),
            sequence: 2,
            created_at: at,
            outcome_at: None,
            program_id: Uuid::nil(),
            program_name: "Leading Teams".into(),
            alignment_enabled: true,
            link_days: 7,
            reminder_hours: 24,
            prep_expected: false,
            coachee_id: Uuid::nil(),
            coachee_name: "Robin Rivera".into(),
            coachee_email: "robin@acme.test".into(),
            coachee_time_zone: "Europe/Berlin".into(),
            coach_id: Some(Uuid::nil()),
            coach_name: Some("Casey Coach".into()),
            coach_email: Some("casey@acme.test".into()),
            coach_time_zone: Some("UTC".into()),
        }
    }

    fn value<'a>(properties: &'a [ical::property::Property], name: &str) -> &'a str {
        properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.as_deref())
            .unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn the_huddle_follows_the_meeting_for_fifteen_minutes_with_its_own_uid() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let part = calendar(&meeting(), Method::Request, None, "triad.test", now).unwrap();
        let calendar = ical::IcalParser::new(part.ics.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(value(&calendar.properties, "METHOD"), "REQUEST");
        assert_eq!(calendar.events.len(), 1, "one UID per scheduling message");
        let event = &calendar.events[0].properties;
        assert_eq!(
            value(event, "UID"),
            "huddle-00000000000000000000000000000193@triad.test"
        );
        assert_eq!(value(event, "SEQUENCE"), "2");
        assert_eq!(value(event, "DTSTART"), "20261203T150000Z");
        assert_eq!(value(event, "DTEND"), "20261203T151500Z");
        let attendees: Vec<_> = event
            .iter()
            .filter(|p| p.name == "ATTENDEE")
            .filter_map(|p| p.value.as_deref())
            .collect();
        assert_eq!(
            attendees,
            ["mailto:robin@acme.test", "mailto:casey@acme.test"],
            "the coachee who organizes and the coach; no invitee in it"
        );
    }

    #[test]
    fn cancelling_keeps_the_uid_and_a_meeting_without_a_time_has_no_huddle() {
        let now = Utc::now();
        let request = calendar(&meeting(), Method::Request, None, "t.test", now).unwrap();
        let cancel = calendar(&meeting(), Method::Cancel, None, "t.test", now).unwrap();
        let uid = |ics: &str| {
            ics.lines()
                .find(|l| l.starts_with("UID:"))
                .map(str::to_owned)
        };
        assert_eq!(uid(&request.ics), uid(&cancel.ics));
        assert!(cancel.ics.contains("METHOD:CANCEL") && cancel.ics.contains("STATUS:CANCELLED"));
        let untimed = Meeting {
            starts_at: None,
            ..meeting()
        };
        assert!(calendar(&untimed, Method::Request, None, "t.test", now).is_none());
    }
}
