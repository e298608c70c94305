//! The emails of an alignment meeting, each queued in the outbox inside the
//! transaction that changes the meeting: the manager's invitation, calendar
//! invites and updates for all three people, the cancellation, reminders, and
//! news of the manager's answer for the coachee and coach.
//!
//! Calendar files keep one `UID` per meeting and carry the meeting's
//! `SEQUENCE`, which every change raises. Reminders are queued for their
//! instant; a change replaces them (same dedupe key), a cancellation withdraws
//! them. Names, the programme and the place go into every sentence isolated
//! ([`typed::Typed`]), so none of them can reorder a subject or a line.
//!
//! `parts.rs` holds what the emails share (the calendar file, the details);
//! `news.rs` the cancellation, the withdrawal and the manager's answers;
//! `huddle.rs` the coachee and coach's huddle after the meeting; `removed.rs`
//! the note to one invitee taken off a meeting.
//!
//! A meeting may invite up to three people (the manager and other sponsors).
//! What concerns one invitee — their invitation, calendar invite, reminder —
//! is keyed by their invite ([`invitee_key`]), so a change for one never
//! replaces or withdraws another's mail.

use chrono::{DateTime, Duration, Utc};
use url::Url;
use uuid::Uuid;

use crate::alignment::link::GuestKeys;
use crate::db::TenantId;
use crate::db::alignment::{Candidate, Invite, Meeting};
use crate::format;
use crate::mail::MailKind;
use crate::mail::calendar::Method;
use crate::mail::outbox::{self, EnqueueError, OutgoingEmail, Recipient};
use crate::mail::templates::NoticeEmail;

mod huddle;
mod news;
mod parts;
mod removed;
mod typed;

use typed::Typed;

/// How a meeting came to have its time, for the words of the calendar emails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeChange {
    /// The manager chose one of the times offered.
    ChosenByManager,
    /// The coachee or coach set the first time.
    Set,
    /// The time changed.
    Moved,
}

/// What every alignment email needs to know about where it is sent from.
pub struct Mailer<'a> {
    pub org: TenantId,
    pub public_url: &'a Url,
    pub domain: &'a str,
    pub keys: &'a GuestKeys,
    pub now: DateTime<Utc>,
    /// The member whose action caused the emails, to show them failures.
    pub caused_by: Option<Uuid>,
}

/// One of the people of a meeting: the coachee, the coach, or an invitee
/// (the manager or another sponsor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Coachee,
    Coach,
    Manager,
}

/// The part of an outbox key that names one invitee's mail of a meeting:
/// `alignment-{meeting}-{what}-invite-{invite}`.
pub fn invitee_key(meeting: Uuid, what: &str, invite: Uuid) -> String {
    format!("alignment-{meeting}-{what}-invite-{invite}")
}

struct Addressee<'i> {
    who: Who,
    name: String,
    email: String,
    time_zone: String,
    /// The invite of an invitee.
    invite: Option<&'i Invite>,
}

impl Addressee<'_> {
    /// The outbox key of this person's `what` mail of `meeting`.
    fn key(&self, meeting: Uuid, what: &str) -> String {
        match (self.who, self.invite) {
            (Who::Coachee, _) => format!("alignment-{meeting}-{what}-coachee"),
            (Who::Coach, _) => format!("alignment-{meeting}-{what}-coach"),
            (Who::Manager, Some(invite)) => invitee_key(meeting, what, invite.id),
            (Who::Manager, None) => format!("alignment-{meeting}-{what}-manager"),
        }
    }

    fn short(&self) -> &'static str {
        match self.who {
            Who::Coachee => "coachee",
            Who::Coach => "coach",
            Who::Manager => "manager",
        }
    }
}

fn invitee(invite: &Invite) -> Addressee<'_> {
    Addressee {
        who: Who::Manager,
        name: invite.name.clone(),
        email: invite.email.clone(),
        time_zone: invite.time_zone.clone(),
        invite: Some(invite),
    }
}

/// The coachee, the coach (none while the programme team is still matching
/// one) and each of `invites`.
fn people<'i>(meeting: &Meeting, invites: &'i [Invite]) -> Vec<Addressee<'i>> {
    let mut people = vec![Addressee {
        who: Who::Coachee,
        name: meeting.coachee_name.clone(),
        email: meeting.coachee_email.clone(),
        time_zone: meeting.coachee_time_zone.clone(),
        invite: None,
    }];
    if let Some(email) = &meeting.coach_email {
        people.push(Addressee {
            who: Who::Coach,
            name: meeting.coach_name.clone().unwrap_or_default(),
            email: email.clone(),
            time_zone: meeting.coach_time_zone.clone().unwrap_or_default(),
            invite: None,
        });
    }
    people.extend(invites.iter().map(invitee));
    people
}

impl<'a> Mailer<'a> {
    /// The mailer of a running app, built from its configuration and guest
    /// keys, for `org`; `caused_by` is the acting member.
    pub fn of(
        config: &'a crate::config::Config,
        keys: &'a crate::alignment::link::GuestKeys,
        org: TenantId,
        caused_by: Option<Uuid>,
    ) -> Mailer<'a> {
        Mailer {
            org,
            public_url: &config.public_url,
            domain: config.mail_domain(),
            keys,
            now: Utc::now(),
            caused_by,
        }
    }
}

impl Mailer<'_> {
    /// The manager's link, or None when it was made with a retired key.
    pub fn guest_link(&self, invite: &Invite) -> Option<String> {
        self.keys
            .reissue(
                self.org.0,
                invite.id,
                &invite.secret_nonce,
                &invite.secret_hash,
            )
            .map(|token| self.absolute(&format!("/m/{token}")))
    }

    fn absolute(&self, path: &str) -> String {
        self.public_url
            .join(path)
            .map_or_else(|_| path.to_owned(), |url| url.to_string())
    }

    /// Where this person reads the meeting: an invitee's own guest link, the
    /// meeting page for the others.
    fn page_for(&self, person: &Addressee, meeting: &Meeting) -> Option<String> {
        match person.invite {
            Some(invite) => self.guest_link(invite),
            None => Some(self.absolute(&format!("/alignment/{}", meeting.id))),
        }
    }

    async fn send(
        &self,
        conn: &mut sqlx::PgConnection,
        mut email: OutgoingEmail,
        dedupe_key: Option<String>,
    ) -> Result<(), EnqueueError> {
        email.dedupe_key = dedupe_key;
        email.caused_by = email.caused_by.or(self.caused_by);
        outbox::enqueue(conn, Some(self.org), self.domain, email).await?;
        Ok(())
    }

    /// An invitee's invitation: why, with whom, the times to choose from and
    /// their own link. With exactly one time offered, a calendar invite comes
    /// along. `all` is every live invitee, `invite` among them.
    pub async fn invite_manager(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        invite: &Invite,
        all: &[Invite],
        candidates: &[Candidate],
    ) -> Result<(), EnqueueError> {
        let link = self.guest_link(invite);
        let typed = Typed::of(meeting, all);
        let mut message = NoticeEmail {
            kind: MailKind::MeetingInvitation,
            subject: match &typed.coach {
                Some(_) => format!(
                    "{} invites you to an alignment meeting with their coach",
                    typed.coachee
                ),
                None => format!("{} invites you to a coaching kickoff", typed.coachee),
            },
            name: invite.name.clone(),
            lead: match &typed.coach {
                Some(coach) => format!(
                    "{} is being coached by {coach} in {}, and would like you to join them for a short meeting {}",
                    typed.coachee,
                    typed.program,
                    meeting.kind().purpose()
                ),
                None => format!(
                    "{} is starting coaching in {}, and would like you to join them for a short meeting {} {}",
                    typed.coachee,
                    typed.program,
                    meeting.kind().purpose(),
                    super::matching::no_coach_yet(&typed.coachee)
                ),
            },
            details: self.details(meeting, all, None, &invite.time_zone),
            times_intro: if candidates.len() == 1 {
                format!("The time proposed ({}):", invite.time_zone)
            } else {
                format!("Choose the time that suits you ({}):", invite.time_zone)
            },
            times: candidates
                .iter()
                .map(|c| format::local_time(c.starts_at, &invite.time_zone))
                .collect(),
            paragraphs: vec![
                "This is not a performance review. What is said in coaching sessions stays between the coach and the coachee; you will see only the goals the coachee chose to share with you.".into(),
                "On the meeting page you can accept a time or propose another, and, if you like, answer a question or two about the coaching beforehand.".into(),
            ],
            link: link.clone().map(|l| ("Open the meeting page".to_owned(), l)),
            footnote: self.expiry_note(invite),
        }
        .email(Recipient {
            email: invite.email.clone(),
            name: invite.name.clone(),
        })
        .map_err(render_failed)?;
        if let [only] = candidates {
            message.calendar = Some(self.calendar(
                meeting,
                all,
                only.starts_at,
                Method::Request,
                link.as_deref(),
                Some(invite),
            ));
        }
        self.send(
            conn,
            message,
            Some(invitee_key(meeting.id, "invitation", invite.id)),
        )
        .await
    }

    /// The time is set (or moved): a calendar invite for the coachee, the
    /// coach and each live invitee, and their reminders queued for the right
    /// instant.
    pub async fn time_set(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        invites: &[Invite],
        change: TimeChange,
    ) -> Result<(), EnqueueError> {
        let Some(starts) = meeting.starts_at else {
            return Ok(());
        };
        let moved = change == TimeChange::Moved;
        let typed = Typed::of(meeting, invites);
        for person in people(meeting, invites) {
            let page = self.page_for(&person, meeting);
            let when = format::local_time(starts, &person.time_zone);
            let lead = if change == TimeChange::ChosenByManager && person.who != Who::Manager {
                format!(
                    "{} accepted {when} for the alignment meeting of {}. Add the calendar invite attached to your calendar.",
                    typed.manager, typed.coachee
                )
            } else if moved {
                format!(
                    "The alignment meeting of {} has a new time: {when}. The calendar invite attached replaces the earlier one.",
                    typed.coachee
                )
            } else {
                format!(
                    "The alignment meeting of {} is set for {when}. Add the calendar invite attached to your calendar.",
                    typed.coachee
                )
            };
            let mut message = NoticeEmail {
                kind: MailKind::MeetingTime,
                subject: if moved {
                    format!("Alignment meeting moved to {when}")
                } else {
                    format!("Alignment meeting set for {when}")
                },
                name: person.name.clone(),
                lead,
                details: self.details(meeting, invites, Some(starts), &person.time_zone),
                paragraphs: if person.who == Who::Manager && moved {
                    vec![
                        "Please open the meeting page to accept the new time or propose another."
                            .into(),
                    ]
                } else {
                    Vec::new()
                },
                link: page
                    .clone()
                    .map(|l| ("Open the meeting page".to_owned(), l)),
                footnote: person
                    .invite
                    .map(|invite| self.expiry_note(invite))
                    .unwrap_or_default(),
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
                Method::Request,
                page.as_deref(),
                person.invite,
            ));
            self.send(conn, message, Some(person.key(meeting.id, "calendar")))
                .await?;
            if person.who != Who::Manager {
                self.huddle(conn, meeting, &person, page.as_deref(), Method::Request)
                    .await?;
            }
            self.remind(conn, meeting, invites, &person, starts, page)
                .await?;
        }
        Ok(())
    }

    async fn remind(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        invites: &[Invite],
        person: &Addressee<'_>,
        starts: DateTime<Utc>,
        page: Option<String>,
    ) -> Result<(), EnqueueError> {
        let key = person.key(meeting.id, "reminder");
        let send_at = starts - Duration::hours(i64::from(meeting.reminder_hours));
        if send_at <= self.now {
            // Too close to remind ahead: the invite just sent is the reminder.
            outbox::withdraw(conn, &key).await?;
            return Ok(());
        }
        let when = format::local_time(starts, &person.time_zone);
        let mut paragraphs = Vec::new();
        match person.who {
            Who::Coachee => paragraphs.push(
                "Look over the goals you share and your preparation notes beforehand; your coach has them too.".to_owned(),
            ),
            Who::Coach => paragraphs.push(
                "The meeting page has the agenda, the facilitation guide, the coachee's preparation and the manager's answers.".to_owned(),
            ),
            Who::Manager => paragraphs.push(
                "If you have not yet, you can answer the short questions on the meeting page until the meeting starts.".to_owned(),
            ),
        }
        let mut message = NoticeEmail {
            kind: MailKind::MeetingReminder,
            subject: format!("Reminder: alignment meeting {when}"),
            name: person.name.clone(),
            lead: format!(
                "A reminder that the alignment meeting of {} is at {when}.",
                Typed::of(meeting, invites).coachee
            ),
            details: self.details(meeting, invites, Some(starts), &person.time_zone),
            paragraphs,
            link: page.map(|l| ("Open the meeting page".to_owned(), l)),
            ..NoticeEmail::default()
        }
        .email(Recipient {
            email: person.email.clone(),
            name: person.name.clone(),
        })
        .map_err(render_failed)?;
        message.send_at = Some(send_at);
        // Reminders are the system's, not the acting member's.
        message.caused_by = None;
        email_without_cause(self, conn, message, key).await
    }
}

impl Mailer<'_> {
    /// The huddle's calendar email for the coachee or the coach (never an
    /// invitee): added or moved with the meeting, or cancelled with it.
    async fn huddle(
        &self,
        conn: &mut sqlx::PgConnection,
        meeting: &Meeting,
        person: &Addressee<'_>,
        page: Option<&str>,
        method: Method,
    ) -> Result<(), EnqueueError> {
        let to = Recipient {
            email: person.email.clone(),
            name: person.name.clone(),
        };
        let email = huddle::email(
            meeting,
            to,
            &person.time_zone,
            page,
            method,
            self.domain,
            self.now,
        )
        .map_err(render_failed)?;
        match email {
            Some(email) => {
                let key = huddle::key(meeting.id, person.short());
                self.send(conn, email, Some(key)).await
            }
            None => Ok(()),
        }
    }
}

async fn email_without_cause(
    mailer: &Mailer<'_>,
    conn: &mut sqlx::PgConnection,
    mut email: OutgoingEmail,
    key: String,
) -> Result<(), EnqueueError> {
    email.dedupe_key = Some(key);
    outbox::enqueue(conn, Some(mailer.org), mailer.domain, email).await?;
    Ok(())
}

fn render_failed(err: askama::Error) -> EnqueueError {
    EnqueueError::Render(err.to_string())
}
