//! News of a meeting for its people: the cancellation, the withdrawal of a
//! replaced manager, and what the manager answered.

use chrono::Duration;

use super::typed::Typed;
use super::{Mailer, Who, invitee_key, people, render_failed};
use crate::db::alignment::{Invite, Meeting};
use crate::mail::MailKind;
use crate::mail::calendar::Method;
use crate::mail::outbox::{self, EnqueueError, Recipient};
use crate::mail::templates::NoticeEmail;
use crate::mail::typed::isolate;

impl Mailer<'_> {
    /// The meeting is off: a calendar cancellation for the coachee, the coach
    /// and each invitee still invited (and of the huddle for the coachee and
    /// coach), and no reminders.
    pub async fn cancelled(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        invites: &[Invite],
        by_name: &str,
    ) -> Result<(), EnqueueError> {
        let starts = meeting
            .starts_at
            .unwrap_or(meeting.created_at + Duration::days(7));
        let typed = Typed::of(meeting, invites);
        let by_name = isolate(by_name);
        for person in people(meeting, invites) {
            outbox::withdraw(conn, &person.key(meeting.id, "reminder")).await?;
            let mut message = NoticeEmail {
                kind: MailKind::MeetingCancelled,
                subject: format!("Cancelled: alignment meeting of {}", typed.coachee),
                name: person.name.clone(),
                lead: format!(
                    "{by_name} cancelled the alignment meeting of {}. The calendar entry attached removes it from your calendar.",
                    typed.coachee
                ),
                details: self.details(meeting, invites, meeting.starts_at, &person.time_zone),
                paragraphs: if person.who == Who::Manager {
                    vec!["The meeting link no longer works. If a new meeting is planned, you will receive a new invitation.".into()]
                } else {
                    Vec::new()
                },
                ..NoticeEmail::default()
            }
            .email(Recipient {
                email: person.email.clone(),
                name: person.name.clone(),
            })
            .map_err(render_failed)?;
            message.calendar = Some(self.calendar(
                meeting,
                invites,
                starts,
                Method::Cancel,
                None,
                person.invite,
            ));
            self.send(conn, message, Some(person.key(meeting.id, "calendar")))
                .await?;
            if person.who != Who::Manager {
                self.huddle(conn, meeting, &person, None, Method::Cancel)
                    .await?;
            }
        }
        Ok(())
    }

    /// Tells a manager who was replaced that the meeting is no longer theirs,
    /// with a calendar cancellation for whatever their calendar holds.
    pub async fn withdrawn(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        old: &Invite,
    ) -> Result<(), EnqueueError> {
        // Nothing still queued for them goes out after this note.
        for what in ["reminder", "invitation", "calendar"] {
            outbox::withdraw(conn, &invitee_key(meeting.id, what, old.id)).await?;
        }
        let starts = meeting
            .starts_at
            .unwrap_or(meeting.created_at + Duration::days(7));
        let coachee = Typed::of(meeting, std::slice::from_ref(old)).coachee;
        let mut message = NoticeEmail {
            kind: MailKind::MeetingWithdrawn,
            subject: format!("Alignment meeting of {coachee}: no longer needed from you"),
            name: old.name.clone(),
            lead: format!(
                "{coachee} has invited someone else to their alignment meeting, so your invitation and its link no longer apply. Thank you all the same.",
            ),
            ..NoticeEmail::default()
        }
        .email(Recipient {
            email: old.email.clone(),
            name: old.name.clone(),
        })
        .map_err(render_failed)?;
        message.calendar = Some(self.calendar(
            meeting,
            std::slice::from_ref(old),
            starts,
            Method::Cancel,
            None,
            Some(old),
        ));
        self.send(conn, message, None).await
    }

    /// Tells the coachee and the coach what an invitee did. `detail` writes
    /// a further paragraph for a reader in a given time zone. With `batch`,
    /// the news waits a couple of minutes and a newer answer of the same kind
    /// replaces it, so a manager trying times one after another sends one email.
    pub async fn manager_answered(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        invite: &Invite,
        what: &str,
        detail: &(dyn Fn(&str) -> Option<String> + Sync),
        batch: Option<&str>,
    ) -> Result<(), EnqueueError> {
        let typed = Typed::of(meeting, std::slice::from_ref(invite));
        for person in people(meeting, &[])
            .into_iter()
            .filter(|p| p.who != Who::Manager)
        {
            let page = self.page_for(&person, meeting);
            let message = NoticeEmail {
                kind: MailKind::MeetingAnswer,
                subject: format!("{} {what}", typed.manager),
                name: person.name.clone(),
                lead: format!(
                    "{} {what} for the alignment meeting of {}.",
                    typed.manager, typed.coachee
                ),
                paragraphs: detail(&person.time_zone).into_iter().collect(),
                link: page.map(|l| ("Open the meeting page".to_owned(), l)),
                ..NoticeEmail::default()
            }
            .email(Recipient {
                email: person.email.clone(),
                name: person.name.clone(),
            })
            .map_err(render_failed)?;
            let key = match batch {
                Some(batch) => {
                    let mut message = message;
                    message.send_at = Some(self.now + Duration::minutes(2));
                    // Per invite: one invitee's news never replaces another's.
                    let key = format!(
                        "{}-{}",
                        person.key(meeting.id, &format!("answer-{batch}")),
                        invite.id.simple()
                    );
                    self.send(conn, message, Some(key)).await?;
                    continue;
                }
                // Each answer is news of its own: nothing to replace.
                None => None,
            };
            self.send(conn, message, key).await?;
        }
        Ok(())
    }
}
