//! The pieces several of a meeting's emails share: the names people typed,
//! set apart for a sentence; the calendar file; the rows of details; the note
//! on the manager's link.

use chrono::{DateTime, Duration, Utc};

use super::Mailer;
use super::typed::Typed;
use crate::db::alignment::{Invite, Meeting};
use crate::format;
use crate::mail::calendar::{self, Attendee, Method, PartStat, Person};
use crate::mail::outbox::CalendarPart;

impl Mailer<'_> {
    /// The meeting's calendar file. Everyone invited is named in its text;
    /// as attendees, an invitee's own copy (`for_invite`) lists only the coach
    /// and them (and the coachee, who organizes), so no invitee learns
    /// another's address from it.
    pub fn calendar(
        &self,
        meeting: &Meeting,
        invites: &[Invite],
        starts: DateTime<Utc>,
        method: Method,
        page: Option<&str>,
        for_invite: Option<&Invite>,
    ) -> CalendarPart {
        let attending: &[Invite] = match for_invite {
            Some(invite) => std::slice::from_ref(invite),
            None => invites,
        };
        // An invitee's page is their signed link, theirs alone; a calendar
        // entry travels further than the email (shared calendars, forwarded
        // entries), so only members' copies carry the meeting page.
        let page = page.filter(|_| for_invite.is_none());
        let typed = Typed::of(meeting, invites);
        let ends = starts + Duration::minutes(i64::from(meeting.duration_minutes));
        let mut description = format!(
            "{} with {}: {}",
            meeting.kind().label(),
            typed.everyone(),
            meeting.kind().purpose()
        );
        if let Some(page) = page {
            description.push_str(&format!("\n\nMeeting page: {page}"));
        }
        let invitation = calendar::Invitation {
            uid: format!("alignment-{}@{}", meeting.id.simple(), self.domain),
            sequence: u32::try_from(meeting.sequence).unwrap_or(0),
            method,
            starts,
            ends,
            summary: match &typed.coach {
                Some(coach) => format!(
                    "{}: {} and {} with {coach}",
                    meeting.kind().label(),
                    typed.coachee,
                    typed.manager,
                ),
                None => format!(
                    "{}: {} and {}",
                    meeting.kind().label(),
                    typed.coachee,
                    typed.manager,
                ),
            },
            description,
            location: Some(typed.place),
            url: page.map(str::to_owned),
            organizer: Person {
                name: meeting.coachee_name.clone(),
                email: meeting.coachee_email.clone(),
            },
            // No coach attendee while the coach is still being matched.
            attendees: meeting
                .coach_email
                .iter()
                .map(|email| {
                    let name = meeting.coach_name.clone().unwrap_or_default();
                    Attendee::needs_action(name, email.clone())
                })
                .chain(attending.iter().map(|invite| {
                    let partstat = match invite.rsvp.as_str() {
                        "accepted" => PartStat::Accepted,
                        "declined" => PartStat::Declined,
                        _ => PartStat::NeedsAction,
                    };
                    Attendee::new(invite.name.clone(), invite.email.clone(), partstat)
                }))
                .collect(),
        };
        CalendarPart {
            method,
            ics: calendar::ics(&invitation, self.now),
        }
    }

    pub(super) fn details(
        &self,
        meeting: &Meeting,
        invites: &[Invite],
        at: Option<DateTime<Utc>>,
        time_zone: &str,
    ) -> Vec<(String, String)> {
        let typed = Typed::of(meeting, invites);
        let mut rows = vec![("Meeting".to_owned(), meeting.kind().label().to_owned())];
        if let Some(at) = at {
            rows.push(("When".into(), format::local_time(at, time_zone)));
        }
        rows.push((
            "Length".into(),
            format!("{} minutes", meeting.duration_minutes),
        ));
        rows.push(("Where".into(), typed.place));
        let mut with = match &typed.coach {
            Some(coach) => format!("{} (coachee), {coach} (coach)", typed.coachee),
            None => format!("{} (coachee)", typed.coachee),
        };
        for invite in invites {
            with.push_str(&format!(
                ", {} ({})",
                crate::mail::typed::isolate(&invite.name),
                invite.role_label()
            ));
        }
        if typed.coach.is_none() {
            with.push_str("; the coach is still being matched");
        }
        rows.push(("With".into(), with));
        rows
    }

    pub(super) fn expiry_note(&self, invite: &Invite) -> String {
        format!(
            "This link is for you alone and needs no account. It works until {}. Please do not forward it.",
            format::local_time(invite.expires_at, &invite.time_zone)
        )
    }
}
