//! The note to one invitee taken off a meeting: their link stops working, and
//! whatever their calendar holds of the meeting is cancelled. The other
//! invitees hear nothing of it; their links and mail stay as they were.

use chrono::Duration;

use super::typed::Typed;
use super::{Mailer, invitee_key, render_failed};
use crate::db::alignment::{Invite, Meeting};
use crate::mail::MailKind;
use crate::mail::calendar::Method;
use crate::mail::outbox::{self, EnqueueError, Recipient};
use crate::mail::templates::NoticeEmail;

impl Mailer<'_> {
    /// Tells `old`, just removed from `meeting`, that they are no longer
    /// expected. With `had_calendar` (they were sent a calendar invite) a
    /// `METHOD:CANCEL` comes along; otherwise the note is plain.
    pub async fn removed(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        old: &Invite,
        had_calendar: bool,
    ) -> Result<(), EnqueueError> {
        // Nothing still queued for them goes out after this note.
        for what in ["reminder", "invitation", "calendar"] {
            outbox::withdraw(conn, &invitee_key(meeting.id, what, old.id)).await?;
        }
        let only = std::slice::from_ref(old);
        let coachee = Typed::of(meeting, only).coachee;
        let mut message = NoticeEmail {
            kind: MailKind::MeetingWithdrawn,
            subject: format!("Alignment meeting of {coachee}: your invitation is withdrawn"),
            name: old.name.clone(),
            lead: format!(
                "{coachee} has taken you off the list of people invited to their alignment meeting, so your invitation and its link no longer apply."
            ),
            paragraphs: vec![if had_calendar {
                "The calendar entry attached removes the meeting from your calendar.".to_owned()
            } else {
                "No time had been set, so there is nothing to remove from your calendar.".to_owned()
            }],
            footnote: "Thank you for the time you gave it. If you think this is a mistake, ask the coachee."
                .into(),
            ..NoticeEmail::default()
        }
        .email(Recipient {
            email: old.email.clone(),
            name: old.name.clone(),
        })
        .map_err(render_failed)?;
        if had_calendar {
            let starts = meeting
                .starts_at
                .unwrap_or(meeting.created_at + Duration::days(7));
            message.calendar =
                Some(self.calendar(meeting, only, starts, Method::Cancel, None, Some(old)));
        }
        self.send(
            conn,
            message,
            Some(invitee_key(meeting.id, "removed", old.id)),
        )
        .await
    }
}
