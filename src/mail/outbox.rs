//! The outbox table: adding messages, and the worker's claims on them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::db::{self, TenantId};
use crate::mail::header::header_safe;
use crate::mail::kind::MailKind;

/// Who a message goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub name: String,
}

/// A calendar file to attach, with its iTIP method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarPart {
    pub method: crate::mail::calendar::Method,
    pub ics: String,
}

/// A rendered email, ready to queue.
#[derive(Clone, Debug)]
pub struct OutgoingEmail {
    pub to: Recipient,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub calendar: Option<CalendarPart>,
    /// Messages with the same key replace each other while queued.
    pub dedupe_key: Option<String>,
    /// The user whose action caused the message.
    pub caused_by: Option<Uuid>,
    /// Not before this instant (a reminder); None sends it as soon as possible.
    pub send_at: Option<DateTime<Utc>>,
    /// What it is about, for the delivery page.
    pub kind: MailKind,
}

#[derive(Debug, thiserror::Error)]
pub enum EnqueueError {
    #[error("{0:?} is not an email address we can send to")]
    BadRecipient(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("cannot write the email: {0}")]
    Render(String),
}

/// Adds `email` to the outbox inside the caller's transaction: `org` is the
/// organisation it belongs to (None for platform mail), `domain` the right-hand
/// side of its Message-ID. Returns the message's id.
///
/// An older queued message with the same dedupe key is marked superseded and
/// will not be sent.
pub async fn enqueue(
    conn: &mut PgConnection,
    org: Option<TenantId>,
    domain: &str,
    email: OutgoingEmail,
) -> Result<Uuid, EnqueueError> {
    let address = email.to.email.trim();
    if address.parse::<lettre::Address>().is_err() {
        return Err(EnqueueError::BadRecipient(email.to.email.clone()));
    }
    let id = Uuid::now_v7();
    if let Some(key) = &email.dedupe_key {
        sqlx::query!(
            "update outbox_messages set status = 'superseded', lease_until = null
             where dedupe_key = $1 and status = 'queued'",
            key,
        )
        .execute(&mut *conn)
        .await?;
    }
    let (ics, method) = match &email.calendar {
        Some(part) => (Some(part.ics.as_str()), Some(part.method.as_str())),
        None => (None, None),
    };
    // The clock, not the transaction's start: a transaction that waited for
    // a lock (a cancellation behind a reschedule of the same meeting) queues
    // its email after the one it waited for, and must be seen and sent after it.
    sqlx::query!(
        "insert into outbox_messages
            (id, org_id, message_id, recipient_email, recipient_name, subject, body_text,
             body_html, calendar_ics, calendar_method, dedupe_key, caused_by,
             created_at, next_attempt_at, queued_at, kind)
         select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                clock.at, coalesce($13, clock.at), coalesce($13, clock.at), $14
         from (select clock_timestamp() as at) clock",
        id,
        org.map(|org| org.0),
        format!("<{}@{}>", id.simple(), domain),
        address,
        header_safe(&email.to.name),
        header_safe(&email.subject),
        &email.text,
        &email.html,
        ics,
        method,
        email.dedupe_key.as_deref(),
        email.caused_by,
        email.send_at as _,
        email.kind.as_str(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Takes back a message that should no longer go out (a reminder for a
/// meeting that was cancelled), inside the caller's transaction. One being
/// sent right now is marked too, so a failed attempt is not retried.
pub async fn withdraw(conn: &mut PgConnection, dedupe_key: &str) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "update outbox_messages set status = 'superseded', lease_until = null
         where dedupe_key = $1 and status in ('queued', 'sending')",
        dedupe_key,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A message the worker holds, under lease, to deliver.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: Uuid,
    pub org_id: Option<Uuid>,
    pub message_id: String,
    pub recipient_email: String,
    pub recipient_name: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub calendar_ics: Option<String>,
    pub calendar_method: Option<String>,
    /// Attempts in this round, including the one now under way.
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    /// When this round of attempts began.
    pub queued_at: DateTime<Utc>,
}

/// Takes up to `batch` due messages for this worker. Rows another worker holds
/// are skipped, not waited for; a lease that ran out (its worker died) makes a
/// row due again.
pub async fn claim(pool: &PgPool, batch: i64, lease: Duration) -> sqlx::Result<Vec<Claimed>> {
    let mut tx = db::begin_delivery(pool).await?;
    let claimed = sqlx::query_as!(
        Claimed,
        r#"with due as (
             select id from outbox_messages
             where (status = 'queued' and next_attempt_at <= now())
                or (status = 'sending' and lease_until < now())
             order by next_attempt_at
             limit $1
             for update skip locked
         )
         update outbox_messages m
         set status = 'sending',
             lease_until = now() + make_interval(secs => $2),
             attempts = m.attempts + 1
         from due
         where m.id = due.id
         returning m.id, m.org_id, m.message_id, m.recipient_email, m.recipient_name,
                   m.subject, m.body_text, m.body_html, m.calendar_ics, m.calendar_method,
                   m.attempts, m.created_at as "created_at: DateTime<Utc>",
                   m.queued_at as "queued_at: DateTime<Utc>""#,
        batch,
        lease.as_secs_f64(),
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(claimed)
}

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Try again at this time.
    Retry {
        error: String,
        at: DateTime<Utc>,
    },
    /// Give up: the error needs a person.
    Failed {
        error: String,
    },
}

/// Records the end of an attempt on a message this worker holds.
pub async fn record(pool: &PgPool, message: &Claimed, outcome: &Outcome) -> sqlx::Result<()> {
    let mut tx = db::begin_delivery(pool).await?;
    let (label, error) = match outcome {
        Outcome::Sent => {
            sqlx::query!(
                "update outbox_messages
                 set status = 'sent', sent_at = now(), lease_until = null, last_error = null
                 where id = $1 and status = 'sending'",
                message.id,
            )
            .execute(&mut *tx)
            .await?;
            ("sent", None)
        }
        Outcome::Retry { error, at } => {
            sqlx::query!(
                "update outbox_messages
                 set status = 'queued', next_attempt_at = $2, lease_until = null, last_error = $3
                 where id = $1 and status = 'sending'",
                message.id,
                at as _,
                error,
            )
            .execute(&mut *tx)
            .await?;
            ("retry", Some(error.as_str()))
        }
        Outcome::Failed { error } => {
            sqlx::query!(
                "update outbox_messages
                 set status = 'failed', lease_until = null, last_error = $2
                 where id = $1 and status = 'sending'",
                message.id,
                error,
            )
            .execute(&mut *tx)
            .await?;
            ("failed", Some(error.as_str()))
        }
    };
    sqlx::query!(
        "insert into outbox_attempts (message_id, org_id, attempt, outcome, error)
         values ($1, $2, $3, $4, $5)",
        message.id,
        message.org_id,
        message.attempts,
        label,
        error,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Hands back messages claimed but not attempted (the worker is stopping), so
/// another worker can take them at once.
pub async fn release(pool: &PgPool, messages: &[Claimed]) -> sqlx::Result<()> {
    if messages.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = messages.iter().map(|m| m.id).collect();
    let mut tx = db::begin_delivery(pool).await?;
    sqlx::query!(
        "update outbox_messages
         set status = 'queued', lease_until = null, attempts = attempts - 1
         where id = any($1) and status = 'sending'",
        &ids,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Starts a new round of attempts for a failed or waiting message, now.
pub async fn retry_now(conn: &mut PgConnection, org: TenantId, id: Uuid) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update outbox_messages
         set status = 'queued', next_attempt_at = now(), queued_at = now(),
             attempts = 0, lease_until = null
         where org_id = $3 and id = $1 and status in ('failed', 'queued') and kind = any($2)",
        id,
        &listed_kinds(),
        org.0,
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// A message as the organisation's delivery page shows it: never its body.
#[derive(Clone, Debug)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub recipient_email: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// The kinds whose messages an admin may read one by one (recipient and
/// subject); every other kind is only counted.
fn listed_kinds() -> Vec<String> {
    [
        MailKind::Test,
        MailKind::Invitation,
        MailKind::PasswordReset,
        MailKind::Nudge,
    ]
    .into_iter()
    .filter(|kind| !kind.is_counted_only())
    .map(|kind| kind.as_str().to_owned())
    .collect()
}

/// Messages of the organisation that have not gone yet, or never will:
/// queued (with or without earlier failures), being sent, failed — only the
/// kinds an admin may read one by one.
pub async fn undelivered(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<Vec<DeliveryRow>> {
    sqlx::query_as!(
        DeliveryRow,
        r#"select id, recipient_email, subject, status, attempts, last_error,
             next_attempt_at as "next_attempt_at: DateTime<Utc>",
             created_at as "created_at: DateTime<Utc>"
         from outbox_messages
         where org_id = $1 and status in ('queued', 'sending', 'failed') and kind = any($2)
         order by created_at desc limit 500"#,
        org.0,
        &listed_kinds(),
    )
    .fetch_all(conn)
    .await
}

/// The state of a message as the delivery page names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeliveryState {
    Queued,
    Retrying,
    Sending,
    Failed,
}

impl DeliveryState {
    pub fn label(self) -> &'static str {
        match self {
            DeliveryState::Queued => "Queued",
            DeliveryState::Retrying => "Retrying",
            DeliveryState::Sending => "Sending",
            DeliveryState::Failed => "Failed",
        }
    }

    fn parse(value: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Queued,
            DeliveryState::Retrying,
            DeliveryState::Sending,
            DeliveryState::Failed,
        ]
        .into_iter()
        .find(|state| state.as_str() == value)
    }

    fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Queued => "queued",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Sending => "sending",
            DeliveryState::Failed => "failed",
        }
    }
}

/// How many undelivered messages of one counted-only kind are in one state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryCount {
    pub kind: MailKind,
    pub state: DeliveryState,
    pub messages: i64,
}

/// Undelivered messages of the kinds an admin sees only as counts: how many
/// of each kind are in each state, and nothing else — no recipient, subject
/// or time, any of which would tell about a meeting.
pub async fn undelivered_counts(
    conn: &mut PgConnection,
    org: TenantId,
) -> sqlx::Result<Vec<DeliveryCount>> {
    let rows = sqlx::query!(
        r#"select kind,
                case when status = 'queued' and attempts > 0 then 'retrying' else status end
                    as "state!",
                count(*) as "messages!"
         from outbox_messages
         where org_id = $1 and status in ('queued', 'sending', 'failed') and kind <> all($2)
         group by 1, 2"#,
        org.0,
        &listed_kinds(),
    )
    .fetch_all(conn)
    .await?;
    let mut counts: Vec<DeliveryCount> = rows
        .into_iter()
        .filter_map(|row| {
            Some(DeliveryCount {
                kind: MailKind::parse(&row.kind),
                state: DeliveryState::parse(&row.state)?,
                messages: row.messages,
            })
        })
        .collect();
    counts.sort_by_key(|count| (count.kind.label(), count.state));
    Ok(counts)
}

/// Sends again, now, every failed or retrying message of one counted-only
/// kind: the admin cannot pick them out one by one. Returns how many.
pub async fn retry_kind_now(
    conn: &mut PgConnection,
    org: TenantId,
    kind: MailKind,
) -> sqlx::Result<u64> {
    if !kind.is_counted_only() {
        return Ok(0);
    }
    let updated = sqlx::query!(
        "update outbox_messages
         set status = 'queued', next_attempt_at = now(), queued_at = now(),
             attempts = 0, lease_until = null
         where org_id = $1 and kind = $2
           and (status = 'failed' or (status = 'queued' and attempts > 0))",
        org.0,
        kind.as_str(),
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected())
}

/// Failed messages that `user` caused, so they learn an address was refused.
pub async fn failed_caused_by(
    conn: &mut PgConnection,
    org: TenantId,
    user: Uuid,
) -> sqlx::Result<Vec<DeliveryRow>> {
    sqlx::query_as!(
        DeliveryRow,
        r#"select id, recipient_email, subject, status, attempts, last_error,
             next_attempt_at as "next_attempt_at: DateTime<Utc>",
             created_at as "created_at: DateTime<Utc>"
         from outbox_messages
         where org_id = $1 and caused_by = $2 and status = 'failed'
         order by created_at desc limit 20"#,
        org.0,
        user,
    )
    .fetch_all(conn)
    .await
}
