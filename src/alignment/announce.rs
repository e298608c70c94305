//! Two emails beside `notify`'s, queued in the outbox inside the transaction
//! that makes the change: the coach told, as soon as a meeting is planned, of
//! its kind, the times on offer and the preparation waiting for them; and an
//! invitee who accepted told that the agenda changed.
//!
//! Agenda news waits a few minutes before it goes ([`AGENDA_SETTLES_MINUTES`])
//! under one outbox key per invite, so a newer edit replaces it while it is
//! still queued: several edits in a row send one email, with the agenda as it
//! ended up.

use chrono::{DateTime, Duration, Utc};

use super::agenda::AgendaLine;
use super::notify::Mailer;
use crate::db::alignment::{Candidate, Invite, Meeting};
use crate::format;
use crate::mail::MailKind;
use crate::mail::outbox::{self, EnqueueError, Recipient};
use crate::mail::templates::NoticeEmail;
use crate::mail::typed::isolate;

/// How long agenda news waits for further edits before it is sent.
pub const AGENDA_SETTLES_MINUTES: i64 = 5;

/// "Tuesday 12 May 2026, 10:00 CEST": a time offered, with its weekday, in
/// the reader's zone (UTC when theirs is unknown).
pub fn with_weekday(at: DateTime<Utc>, time_zone: &str) -> String {
    at.with_timezone(&format::zone(time_zone))
        .format("%A %-d %b %Y, %H:%M %Z")
        .to_string()
}

/// The outbox key of the agenda news for one invite.
pub fn agenda_news_key(meeting: &Meeting, invite: &Invite) -> String {
    format!("alignment-{}-agenda-{}", meeting.id, invite.id)
}

fn render_failed(err: askama::Error) -> EnqueueError {
    EnqueueError::Render(err.to_string())
}

impl Mailer<'_> {
    fn meeting_page(&self, meeting: &Meeting) -> String {
        let path = format!("/alignment/{}", meeting.id);
        self.public_url
            .join(&path)
            .map_or(path, |url| url.to_string())
    }

    /// The coach learns of a meeting the moment the coachee plans it: its
    /// kind, the times offered (in the coach's zone), and that its
    /// preparation waits on the meeting page. The manager gets no copy.
    pub async fn tell_coach_planned(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        invite: &Invite,
        candidates: &[Candidate],
    ) -> Result<(), EnqueueError> {
        // No coach yet (a kickoff while one is matched): nobody to tell.
        let (Some(coach_name), Some(coach_email)) =
            (meeting.coach_name.clone(), meeting.coach_email.clone())
        else {
            return Ok(());
        };
        let coachee = isolate(&meeting.coachee_name);
        let manager = isolate(&invite.name);
        let zone = format::zone(meeting.coach_time_zone.as_deref().unwrap_or_default()).name();
        let mut paragraphs = vec![format!(
            "The preparation is waiting on the meeting page: the agenda, which you and {coachee} can change until the meeting starts, {coachee}'s preparation as they write it, the facilitation guide, and your private notes."
        )];
        if meeting.prep_expected {
            paragraphs.push(
                "Your programme expects a coaching session to prepare for the meeting. When you plan it, mark it on the session's page as the preparation for this meeting.".into(),
            );
        }
        paragraphs.push(format!(
            "You will get a calendar invite as soon as {manager} accepts a time."
        ));
        let mut message = NoticeEmail {
            kind: MailKind::MeetingPlanned,
            subject: format!("{} meeting planned by {coachee}", meeting.kind().label()),
            name: coach_name.clone(),
            lead: format!(
                "{coachee} has planned a {} meeting with {manager}, and you as their coach. {manager} has been asked to choose one of the times below.",
                meeting.kind().label().to_lowercase()
            ),
            details: vec![
                ("Meeting".into(), meeting.kind().label().to_owned()),
                (
                    "Length".into(),
                    format!("{} minutes", meeting.duration_minutes),
                ),
                ("Where".into(), isolate(&meeting.place)),
            ],
            times_intro: format!("Times offered ({zone}):"),
            times: candidates
                .iter()
                .map(|c| with_weekday(c.starts_at, zone))
                .collect(),
            paragraphs,
            link: Some(("Open the meeting page".into(), self.meeting_page(meeting))),
            ..NoticeEmail::default()
        }
        .email(Recipient {
            email: coach_email,
            name: coach_name,
        })
        .map_err(render_failed)?;
        message.dedupe_key = Some(format!("alignment-{}-planned-coach", meeting.id));
        message.caused_by = self.caused_by;
        outbox::enqueue(conn, Some(self.org), self.domain, message).await?;
        Ok(())
    }

    /// Takes back agenda news still waiting for `invite`: the meeting was
    /// cancelled, or the invitee replaced.
    pub async fn withdraw_agenda_news(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        invite: &Invite,
    ) -> Result<(), EnqueueError> {
        outbox::withdraw(conn, &agenda_news_key(meeting, invite)).await?;
        Ok(())
    }

    /// Tells an invitee who accepted that the agenda changed, with the agenda
    /// as it stands. Queued to go in a few minutes; a later edit replaces it.
    pub async fn agenda_changed(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        invite: &Invite,
        agenda: &[AgendaLine],
    ) -> Result<(), EnqueueError> {
        let coachee = isolate(&meeting.coachee_name);
        let who = match meeting.coach_name.as_deref() {
            Some(coach) => format!("{coachee} and {} have", isolate(coach)),
            None => format!("{coachee} has"),
        };
        let mut details = vec![("Meeting".into(), meeting.kind().label().to_owned())];
        if let Some(at) = meeting.starts_at {
            details.push(("When".into(), with_weekday(at, &invite.time_zone)));
        }
        details.push(("Where".into(), isolate(&meeting.place)));
        let mut message = NoticeEmail {
            kind: MailKind::MeetingAgenda,
            subject: format!("Agenda updated: alignment meeting with {coachee}"),
            name: invite.name.clone(),
            lead: format!(
                "{who} updated the agenda of the meeting you accepted. The time and your answer stay as they were."
            ),
            details,
            times_intro: "The agenda now:".into(),
            times: agenda
                .iter()
                .map(|line| match line.minutes {
                    Some(minutes) => format!("{} ({minutes} min)", isolate(&line.title)),
                    None => isolate(&line.title),
                })
                .collect(),
            link: self
                .guest_link(invite)
                .map(|l| ("Open the meeting page".to_owned(), l)),
            footnote: "This link is for you alone and needs no account. Please do not forward it."
                .into(),
            ..NoticeEmail::default()
        }
        .email(Recipient {
            email: invite.email.clone(),
            name: invite.name.clone(),
        })
        .map_err(render_failed)?;
        // Settled edits, but never after the meeting has begun.
        let settled = self.now + Duration::minutes(AGENDA_SETTLES_MINUTES);
        message.send_at = Some(meeting.starts_at.map_or(settled, |at| settled.min(at)));
        message.dedupe_key = Some(agenda_news_key(meeting, invite));
        message.caused_by = self.caused_by;
        outbox::enqueue(conn, Some(self.org), self.domain, message).await?;
        Ok(())
    }
}
