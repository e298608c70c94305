//! A coaching session's mail. When a session is scheduled the coachee and the
//! coach each get a calendar invite (`REQUEST`) and, a day ahead, a reminder;
//! when it is cancelled each gets a `CANCEL` of the same `UID` and the
//! reminders are withdrawn. Everything goes through the outbox in the
//! transaction that changed the session, under keys that let a later message
//! replace one still queued.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;
use crate::db::coaching::{self, SessionInvite};
use crate::format;
use crate::mail::MailKind;
use crate::mail::calendar::{self, Attendee, Invitation, Method, Person};
use crate::mail::outbox::{self, CalendarPart, EnqueueError, Recipient};
use crate::mail::templates::NoticeEmail;
use crate::mail::typed::isolate;

/// How long before a session its reminder goes out.
const REMINDER_HOURS: i64 = 24;

/// Writes a session's mail for one organisation.
pub struct SessionMail<'a> {
    org: TenantId,
    public_url: &'a url::Url,
    domain: &'a str,
    now: DateTime<Utc>,
    caused_by: Option<Uuid>,
}

/// One of the two people in a session, and the other one.
struct Side<'a> {
    role: &'static str,
    name: &'a str,
    email: &'a str,
    time_zone: &'a str,
    other: &'a str,
}

fn sides(s: &SessionInvite) -> [Side<'_>; 2] {
    [
        Side {
            role: "coachee",
            name: &s.coachee_name,
            email: &s.coachee_email,
            time_zone: &s.coachee_time_zone,
            other: &s.coach_name,
        },
        Side {
            role: "coach",
            name: &s.coach_name,
            email: &s.coach_email,
            time_zone: &s.coach_time_zone,
            other: &s.coachee_name,
        },
    ]
}

fn key(session: Uuid, role: &str, what: &str) -> String {
    format!("coaching-session-{}-{role}-{what}", session.simple())
}

impl<'a> SessionMail<'a> {
    pub fn of(
        config: &'a crate::config::Config,
        org: TenantId,
        caused_by: Option<Uuid>,
    ) -> SessionMail<'a> {
        SessionMail {
            org,
            public_url: &config.public_url,
            domain: config.mail_domain(),
            now: Utc::now(),
            caused_by,
        }
    }

    /// The session was scheduled: an invite and a reminder for each.
    pub async fn scheduled(&self, conn: &mut PgConnection, id: Uuid) -> Result<(), EnqueueError> {
        let Some(session) = coaching::session_invite(conn, self.org, id).await? else {
            return Ok(());
        };
        for side in sides(&session) {
            let when = format::local_time(session.starts_at, side.time_zone);
            let notice = NoticeEmail {
                kind: MailKind::CoachingSession,
                subject: format!("Coaching session with {}: {when}", isolate(side.other)),
                name: side.name.to_owned(),
                lead: format!(
                    "Your coaching session with {} is set for {when}. Add the calendar invite attached to your calendar.",
                    isolate(side.other)
                ),
                details: self.details(&session, side.time_zone),
                link: Some(("Open the session".into(), self.page(id))),
                ..NoticeEmail::default()
            };
            let calendar = self.calendar(&session, Method::Request);
            self.send(
                conn,
                notice,
                &side,
                Some(calendar),
                key(id, side.role, "calendar"),
                None,
            )
            .await?;

            let reminder_key = key(id, side.role, "reminder");
            let send_at = session.starts_at - Duration::hours(REMINDER_HOURS);
            if send_at <= self.now {
                // Too close to remind ahead: the invite just sent does.
                outbox::withdraw(conn, &reminder_key).await?;
                continue;
            }
            let reminder = NoticeEmail {
                kind: MailKind::CoachingSessionReminder,
                subject: format!("Tomorrow: coaching session with {}", isolate(side.other)),
                name: side.name.to_owned(),
                lead: format!(
                    "A reminder: your coaching session with {} is at {when}.",
                    isolate(side.other)
                ),
                details: self.details(&session, side.time_zone),
                link: Some(("Open the session".into(), self.page(id))),
                ..NoticeEmail::default()
            };
            self.send(conn, reminder, &side, None, reminder_key, Some(send_at))
                .await?;
        }
        Ok(())
    }

    /// The session was called off: a calendar cancellation for each, and no
    /// reminder after it.
    pub async fn cancelled(&self, conn: &mut PgConnection, id: Uuid) -> Result<(), EnqueueError> {
        self.withdraw_reminders(conn, id).await?;
        let Some(session) = coaching::session_invite(conn, self.org, id).await? else {
            return Ok(());
        };
        for side in sides(&session) {
            let when = format::local_time(session.starts_at, side.time_zone);
            let notice = NoticeEmail {
                kind: MailKind::CoachingSession,
                subject: format!(
                    "Cancelled: coaching session with {}, {when}",
                    isolate(side.other)
                ),
                name: side.name.to_owned(),
                lead: format!(
                    "Your coaching session with {} at {when} is cancelled. The calendar entry attached removes it from your calendar.",
                    isolate(side.other)
                ),
                ..NoticeEmail::default()
            };
            let calendar = self.calendar(&session, Method::Cancel);
            self.send(
                conn,
                notice,
                &side,
                Some(calendar),
                key(id, side.role, "calendar"),
                None,
            )
            .await?;
        }
        Ok(())
    }

    /// The session is over or off: whatever reminder is queued stays unsent.
    pub async fn withdraw_reminders(
        &self,
        conn: &mut PgConnection,
        id: Uuid,
    ) -> Result<(), EnqueueError> {
        for role in ["coachee", "coach"] {
            outbox::withdraw(conn, &key(id, role, "reminder")).await?;
        }
        Ok(())
    }

    async fn send(
        &self,
        conn: &mut PgConnection,
        notice: NoticeEmail,
        side: &Side<'_>,
        calendar: Option<CalendarPart>,
        dedupe_key: String,
        send_at: Option<DateTime<Utc>>,
    ) -> Result<(), EnqueueError> {
        let mut email = notice
            .email(Recipient {
                email: side.email.to_owned(),
                name: side.name.to_owned(),
            })
            .map_err(|err| EnqueueError::Render(err.to_string()))?;
        email.calendar = calendar;
        email.dedupe_key = Some(dedupe_key);
        email.send_at = send_at;
        // A reminder is the system's, not the acting member's.
        email.caused_by = if send_at.is_some() {
            None
        } else {
            self.caused_by
        };
        outbox::enqueue(conn, Some(self.org), self.domain, email).await?;
        Ok(())
    }

    fn page(&self, id: Uuid) -> String {
        let path = format!("/sessions/{id}");
        self.public_url
            .join(&path)
            .map_or(path, |url| url.to_string())
    }

    fn details(&self, session: &SessionInvite, time_zone: &str) -> Vec<(String, String)> {
        vec![
            (
                "When".into(),
                format::local_time(session.starts_at, time_zone),
            ),
            (
                "Length".into(),
                format!("{} minutes", session.duration_minutes),
            ),
            (
                "With".into(),
                format!(
                    "{} (coachee), {} (coach)",
                    isolate(&session.coachee_name),
                    isolate(&session.coach_name)
                ),
            ),
        ]
    }

    /// One `UID` for the session's life; the cancellation is one change on
    /// (sessions are not moved, so the invite is sequence 0).
    fn calendar(&self, session: &SessionInvite, method: Method) -> CalendarPart {
        let invitation = Invitation {
            uid: format!("session-{}@{}", session.id, self.domain),
            sequence: match method {
                Method::Cancel => 1,
                Method::Request | Method::Publish => 0,
            },
            method,
            starts: session.starts_at,
            ends: session.starts_at + Duration::minutes(i64::from(session.duration_minutes)),
            summary: format!(
                "Coaching session: {} with {}",
                isolate(&session.coachee_name),
                isolate(&session.coach_name)
            ),
            description: format!("Session page: {}", self.page(session.id)),
            location: None,
            url: Some(self.page(session.id)),
            // The coach runs the session and so organizes it.
            organizer: Person {
                name: session.coach_name.clone(),
                email: session.coach_email.clone(),
            },
            attendees: vec![Attendee::needs_action(
                session.coachee_name.clone(),
                session.coachee_email.clone(),
            )],
        };
        CalendarPart {
            method,
            ics: calendar::ics(&invitation, self.now),
        }
    }
}
