//! The meeting row, read with the programme's rules and the coachee's and
//! coach's names, and the changes made to it: created, timed, cancelled, held.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::alignment::{Kind, Status};
use crate::db::TenantId;

/// A meeting with the people and rules around it.
#[derive(Clone, Debug)]
pub struct Meeting {
    pub id: Uuid,
    pub engagement_id: Uuid,
    pub kind: String,
    pub status: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub duration_minutes: i32,
    pub place: String,
    pub agenda: String,
    pub sequence: i32,
    pub created_at: DateTime<Utc>,
    pub outcome_at: Option<DateTime<Utc>>,
    pub program_id: Uuid,
    pub program_name: String,
    pub alignment_enabled: bool,
    pub link_days: i32,
    pub reminder_hours: i32,
    pub prep_expected: bool,
    pub coachee_id: Uuid,
    pub coachee_name: String,
    pub coachee_email: String,
    pub coachee_time_zone: String,
    /// The engagement's coach: none while the programme team is still
    /// matching one (a kickoff is held without a coach).
    pub coach_id: Option<Uuid>,
    pub coach_name: Option<String>,
    pub coach_email: Option<String>,
    pub coach_time_zone: Option<String>,
}

impl Meeting {
    /// The video call's address, when the place names one: shown as a
    /// "Join" link rather than text to copy.
    pub fn join_url(&self) -> Option<&str> {
        join_url(&self.place)
    }

    pub fn kind(&self) -> Kind {
        Kind::parse(&self.kind).unwrap_or(Kind::Initial)
    }

    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Proposed)
    }

    pub fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.starts_at
            .map(|at| at + chrono::Duration::minutes(i64::from(self.duration_minutes)))
    }

    /// The coach's name, or "the coach" while none is chosen yet.
    pub fn coach_or_the_coach(&self) -> &str {
        self.coach_name.as_deref().unwrap_or("the coach")
    }

    /// Why there is no coach at the meeting (a kickoff while one is
    /// matched); None when there is one.
    pub fn no_coach_note(&self) -> Option<String> {
        match self.coach_id {
            Some(_) => None,
            None => Some(crate::alignment::matching::no_coach_yet(&self.coachee_name)),
        }
    }

    /// Extra agenda items the coachee added, one per line.
    pub fn extra_agenda(&self) -> Vec<&str> {
        crate::db::coaching::CoachingSession::lines(&self.agenda)
    }
}

// The three readers below select the same columns, written out in each as the
// checked queries need a literal: change them together.

pub async fn meeting(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Meeting>> {
    sqlx::query_as!(
        Meeting,
        r#"select m.id, m.engagement_id, m.kind, m.status,
            m.starts_at as "starts_at: DateTime<Utc>",
            m.duration_minutes, m.place, m.agenda, m.sequence,
            m.created_at as "created_at: DateTime<Utc>",
            m.outcome_at as "outcome_at: DateTime<Utc>",
            p.id as program_id, p.name as program_name, p.alignment_enabled,
            p.alignment_link_days as link_days, p.alignment_reminder_hours as reminder_hours,
            p.alignment_prep_expected as prep_expected,
            e.coachee_id, coachee.name as coachee_name, coachee.email as coachee_email,
            coachee.time_zone as coachee_time_zone,
            e.coach_id as "coach_id?", coach.name as "coach_name?",
            coach.email as "coach_email?", coach.time_zone as "coach_time_zone?"
         from alignment_meetings m
         join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         join users coachee on coachee.id = e.coachee_id
         left join users coach on coach.id = e.coach_id
         where m.org_id = $1 and m.id = $2"#,
        org.0,
        id
    )
    .fetch_optional(conn)
    .await
}

/// The same, locked for a change: two people acting on one meeting at once
/// take turns.
pub async fn meeting_for_update(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Meeting>> {
    sqlx::query_as!(
        Meeting,
        r#"select m.id, m.engagement_id, m.kind, m.status,
            m.starts_at as "starts_at: DateTime<Utc>",
            m.duration_minutes, m.place, m.agenda, m.sequence,
            m.created_at as "created_at: DateTime<Utc>",
            m.outcome_at as "outcome_at: DateTime<Utc>",
            p.id as program_id, p.name as program_name, p.alignment_enabled,
            p.alignment_link_days as link_days, p.alignment_reminder_hours as reminder_hours,
            p.alignment_prep_expected as prep_expected,
            e.coachee_id, coachee.name as coachee_name, coachee.email as coachee_email,
            coachee.time_zone as coachee_time_zone,
            e.coach_id as "coach_id?", coach.name as "coach_name?",
            coach.email as "coach_email?", coach.time_zone as "coach_time_zone?"
         from alignment_meetings m
         join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         join users coachee on coachee.id = e.coachee_id
         left join users coach on coach.id = e.coach_id
         where m.org_id = $1 and m.id = $2 for update of m"#,
        org.0,
        id
    )
    .fetch_optional(conn)
    .await
}

pub async fn of_engagement(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<Vec<Meeting>> {
    sqlx::query_as!(
        Meeting,
        r#"select m.id, m.engagement_id, m.kind, m.status,
            m.starts_at as "starts_at: DateTime<Utc>",
            m.duration_minutes, m.place, m.agenda, m.sequence,
            m.created_at as "created_at: DateTime<Utc>",
            m.outcome_at as "outcome_at: DateTime<Utc>",
            p.id as program_id, p.name as program_name, p.alignment_enabled,
            p.alignment_link_days as link_days, p.alignment_reminder_hours as reminder_hours,
            p.alignment_prep_expected as prep_expected,
            e.coachee_id, coachee.name as coachee_name, coachee.email as coachee_email,
            coachee.time_zone as coachee_time_zone,
            e.coach_id as "coach_id?", coach.name as "coach_name?",
            coach.email as "coach_email?", coach.time_zone as "coach_time_zone?"
         from alignment_meetings m
         join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         join users coachee on coachee.id = e.coachee_id
         left join users coach on coach.id = e.coach_id
         where m.org_id = $1 and m.engagement_id = $2
         order by m.created_at desc"#,
        org.0,
        engagement
    )
    .fetch_all(conn)
    .await
}

/// What a new meeting is made of.
#[derive(Clone, Debug)]
pub struct NewMeeting {
    pub engagement_id: Uuid,
    pub kind: Kind,
    pub duration_minutes: i32,
    pub place: String,
    pub agenda: String,
    pub request_key: Uuid,
    pub created_by: Uuid,
}

/// Creates the meeting, or — when the same form was sent before — returns the
/// meeting it made then, with `false`.
pub async fn create(
    conn: &mut PgConnection,
    org: TenantId,
    new: &NewMeeting,
) -> sqlx::Result<(Uuid, bool)> {
    let id = Uuid::now_v7();
    let inserted = sqlx::query_scalar!(
        "insert into alignment_meetings
            (org_id, id, engagement_id, kind, duration_minutes, place, agenda, request_key, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (org_id, request_key) do nothing
         returning id",
        org.0,
        id,
        new.engagement_id,
        new.kind.as_str(),
        new.duration_minutes,
        new.place,
        new.agenda,
        new.request_key,
        new.created_by,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = inserted {
        return Ok((id, true));
    }
    // The conflict says the row is there, so this finds it.
    let existing = made_by_form(conn, org, new.request_key)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok((existing, false))
}

/// The meeting a planning form (by its one-time key) made, if it made one.
pub async fn made_by_form(
    conn: &mut PgConnection,
    org: TenantId,
    request_key: Uuid,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "select id from alignment_meetings where org_id = $1 and request_key = $2",
        org.0,
        request_key
    )
    .fetch_optional(conn)
    .await
}

/// Locks the engagement's row until the transaction ends, so that its
/// meetings are planned one at a time.
pub async fn lock_planning(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "select from engagements where org_id = $1 and id = $2 for update",
        org.0,
        engagement
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets the meeting's time (and optionally its length and place), raising its
/// calendar sequence.
pub async fn set_time(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    starts_at: DateTime<Utc>,
    duration_minutes: i32,
    place: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update alignment_meetings
         set starts_at = $3, duration_minutes = $4, place = $5, status = 'confirmed',
             sequence = sequence + 1
         where org_id = $1 and id = $2",
        org.0,
        meeting,
        starts_at as _,
        duration_minutes,
        place
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn cancel(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    by: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update alignment_meetings
         set status = 'cancelled', cancelled_at = now(), cancelled_by = $3, sequence = sequence + 1
         where org_id = $1 and id = $2",
        org.0,
        meeting,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records whether the meeting took place.
pub async fn set_outcome(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    held: bool,
) -> sqlx::Result<()> {
    let status = if held {
        Status::Completed.as_str()
    } else {
        Status::NotHeld.as_str()
    };
    sqlx::query!(
        "update alignment_meetings set status = $3, outcome_at = now()
         where org_id = $1 and id = $2",
        org.0,
        meeting,
        status
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_agenda(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    agenda: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update alignment_meetings set agenda = $3 where org_id = $1 and id = $2",
        org.0,
        meeting,
        agenda
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes back every queued email about the meetings of `program` (reminders
/// above all), when the programme's alignment meetings are switched off.
pub async fn withdraw_queued_emails(
    conn: &mut PgConnection,
    org: TenantId,
    program: Uuid,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "update outbox_messages o set status = 'superseded', lease_until = null
         where o.org_id = $1 and o.status = 'queued' and o.dedupe_key like 'alignment-%'
           and exists (
               select 1 from alignment_meetings m
               join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
               where m.org_id = o.org_id and e.program_id = $2
                 and o.dedupe_key like 'alignment-' || m.id || '-%')",
        org.0,
        program
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Meetings of `program` still to happen (proposed or confirmed): what
/// switching the programme's alignment meetings off would leave stranded.
pub async fn open_in_program(
    conn: &mut PgConnection,
    org: TenantId,
    program: Uuid,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from alignment_meetings m
           join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
           where m.org_id = $1 and e.program_id = $2
             and m.status in ('proposed', 'confirmed')"#,
        org.0,
        program
    )
    .fetch_one(conn)
    .await
}

/// The first web address in a place as typed ("Video call: https://…"), without
/// the punctuation a sentence may end it with.
fn join_url(place: &str) -> Option<&str> {
    place
        .split_whitespace()
        .find(|word| word.starts_with("https://") || word.starts_with("http://"))
        .map(|url| url.trim_end_matches(['.', ',', ';', ')']))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_video_place_gives_its_address_and_a_room_gives_none() {
        assert_eq!(
            super::join_url("Video call: https://meet.example/robin."),
            Some("https://meet.example/robin")
        );
        assert_eq!(super::join_url("Room 2.01"), None);
        assert_eq!(super::join_url("see javascript:alert(1)"), None);
    }
}
