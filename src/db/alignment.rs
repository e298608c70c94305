//! Alignment meetings, their candidate times, the coachee's preparation, the
//! coach's notes, the debrief, the manager's invite and requests for extra
//! meetings. The manager's page reads through `Meeting`, `Candidate`, `Invite`
//! and the shared goals only; preparation, notes and debrief have their own
//! queries, which no guest handler calls.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::alignment::link::Issued;
use crate::alignment::{EngagementAlignment, Kind, Status};
use crate::db::TenantId;

/// A meeting with the people and rules around it.
#[derive(Clone, Debug, sqlx::FromRow)]
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
    pub coach_id: Uuid,
    pub coach_name: String,
    pub coach_email: String,
    pub coach_time_zone: String,
}

impl Meeting {
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

    /// Extra agenda items the coachee added, one per line.
    pub fn extra_agenda(&self) -> Vec<&str> {
        crate::db::coaching::CoachingSession::lines(&self.agenda)
    }
}

const MEETING_QUERY: &str = "select m.id, m.engagement_id, m.kind, m.status, m.starts_at,
        m.duration_minutes, m.place, m.agenda, m.sequence, m.created_at, m.outcome_at,
        p.id as program_id, p.name as program_name, p.alignment_enabled,
        p.alignment_link_days as link_days, p.alignment_reminder_hours as reminder_hours,
        p.alignment_prep_expected as prep_expected,
        e.coachee_id, coachee.name as coachee_name, coachee.email as coachee_email,
        coachee.time_zone as coachee_time_zone,
        e.coach_id, coach.name as coach_name, coach.email as coach_email,
        coach.time_zone as coach_time_zone
     from alignment_meetings m
     join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
     join programs p on p.org_id = e.org_id and p.id = e.program_id
     join users coachee on coachee.id = e.coachee_id
     join users coach on coach.id = e.coach_id";

pub async fn meeting(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Meeting>> {
    sqlx::query_as(&format!(
        "{MEETING_QUERY} where m.org_id = $1 and m.id = $2"
    ))
    .bind(org.0)
    .bind(id)
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
    sqlx::query_as(&format!(
        "{MEETING_QUERY} where m.org_id = $1 and m.id = $2 for update of m"
    ))
    .bind(org.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn of_engagement(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<Vec<Meeting>> {
    sqlx::query_as(&format!(
        "{MEETING_QUERY} where m.org_id = $1 and m.engagement_id = $2
         order by m.created_at desc"
    ))
    .bind(org.0)
    .bind(engagement)
    .fetch_all(conn)
    .await
}

/// The readiness inputs of an engagement `e` of programme `p`, with its
/// progress row `g` (left joined: a missing row reads as nothing done yet).
pub const READINESS_COLUMNS: &str = "e.id as engagement_id, p.alignment_enabled as enabled,
    e.status as engagement_status, e.starts_on, e.ends_on,
    p.alignment_sessions_before as sessions_before, p.alignment_included as included,
    coalesce(g.completed_sessions, 0)::bigint as completed_sessions,
    e.alignment_advised_at is not null as advised,
    coalesce(g.meetings_used, 0)::bigint as used,
    coalesce(g.meetings_held, 0)::bigint as held,
    coalesce(g.extra_approved, 0)::bigint as approved_extra,
    coalesce(g.extra_pending, false) as pending_request,
    g.open_meeting, g.open_starts_at, g.open_latest_offer, g.last_held_at";

/// Readiness inputs for each engagement, in one query however many: the
/// counts come from the engagement's progress row, which the database keeps
/// up to date as meetings, requests, offered times and sessions change. The
/// pool plans each statement once for every organisation (see
/// `db::app_connect_options`), and such a plan cannot know that one
/// organisation's programme holds thousands of engagements: so the engagements
/// are picked first by their keys, behind a materialised step the planner
/// cannot reorder, and the organisation's programmes are read once, up front.
pub async fn states(
    conn: &mut PgConnection,
    org: TenantId,
    engagements: &[Uuid],
) -> sqlx::Result<Vec<EngagementAlignment>> {
    sqlx::query_as(&format!(
        "with chosen as materialized (
             select * from engagements
             where org_id = $1 and id in (select unnest($2::uuid[]))
         ),
         programs_here as materialized (
             select id, alignment_enabled, alignment_sessions_before, alignment_included
             from programs where org_id = $1
         )
         select {READINESS_COLUMNS}
         from chosen e
         join programs_here p on p.id = e.program_id
         left join engagement_progress g on g.org_id = e.org_id and g.engagement_id = e.id"
    ))
    .bind(org.0)
    .bind(engagements)
    .fetch_all(conn)
    .await
}

/// A time offered for a meeting.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Candidate {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub proposed_by: String,
    pub note: String,
}

/// The times still on offer, soonest first.
pub async fn candidates(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Vec<Candidate>> {
    sqlx::query_as(
        "select id, starts_at, proposed_by, note from alignment_candidate_times
         where org_id = $1 and meeting_id = $2 and withdrawn_at is null
         order by starts_at",
    )
    .bind(org.0)
    .bind(meeting)
    .fetch_all(conn)
    .await
}

pub async fn add_candidate(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    starts_at: DateTime<Utc>,
    proposed_by: &str,
    note: &str,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into alignment_candidate_times (org_id, id, meeting_id, starts_at, proposed_by, note)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org.0)
    .bind(id)
    .bind(meeting)
    .bind(starts_at)
    .bind(proposed_by)
    .bind(note)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Takes every offered time off the table (a time was set, or new ones replace them).
pub async fn withdraw_candidates(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<()> {
    sqlx::query(
        "update alignment_candidate_times set withdrawn_at = now()
         where org_id = $1 and meeting_id = $2 and withdrawn_at is null",
    )
    .bind(org.0)
    .bind(meeting)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes back the times one party offered (a manager's new proposal replaces
/// their last).
pub async fn withdraw_candidates_by(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    proposed_by: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update alignment_candidate_times set withdrawn_at = now()
         where org_id = $1 and meeting_id = $2 and proposed_by = $3 and withdrawn_at is null",
    )
    .bind(org.0)
    .bind(meeting)
    .bind(proposed_by)
    .execute(conn)
    .await?;
    Ok(())
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
    let inserted: Option<Uuid> = sqlx::query_scalar(
        "insert into alignment_meetings
            (org_id, id, engagement_id, kind, duration_minutes, place, agenda, request_key, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (org_id, request_key) do nothing
         returning id",
    )
    .bind(org.0)
    .bind(id)
    .bind(new.engagement_id)
    .bind(new.kind.as_str())
    .bind(new.duration_minutes)
    .bind(&new.place)
    .bind(&new.agenda)
    .bind(new.request_key)
    .bind(new.created_by)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = inserted {
        return Ok((id, true));
    }
    let existing = sqlx::query_scalar(
        "select id from alignment_meetings where org_id = $1 and request_key = $2",
    )
    .bind(org.0)
    .bind(new.request_key)
    .fetch_one(conn)
    .await?;
    Ok((existing, false))
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
    sqlx::query(
        "update alignment_meetings
         set starts_at = $3, duration_minutes = $4, place = $5, status = 'confirmed',
             sequence = sequence + 1
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(meeting)
    .bind(starts_at)
    .bind(duration_minutes)
    .bind(place)
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
    sqlx::query(
        "update alignment_meetings
         set status = 'cancelled', cancelled_at = now(), cancelled_by = $3, sequence = sequence + 1
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(meeting)
    .bind(by)
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
    sqlx::query(
        "update alignment_meetings set status = $3, outcome_at = now()
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(meeting)
    .bind(if held {
        Status::Completed.as_str()
    } else {
        Status::NotHeld.as_str()
    })
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
    sqlx::query("update alignment_meetings set agenda = $3 where org_id = $1 and id = $2")
        .bind(org.0)
        .bind(meeting)
        .bind(agenda)
        .execute(conn)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The coachee's preparation, the coach's notes, the debrief

/// The coachee's worksheet, for their coach.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Preparation {
    pub success: String,
    pub from_manager: String,
    pub off_limits: String,
    pub concerns: String,
    pub opens: String,
    pub closes: String,
    pub coach_role: String,
}

pub async fn preparation(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Option<Preparation>> {
    sqlx::query_as(
        "select success, from_manager, off_limits, concerns, opens, closes, coach_role
         from alignment_preparations where org_id = $1 and meeting_id = $2",
    )
    .bind(org.0)
    .bind(meeting)
    .fetch_optional(conn)
    .await
}

pub async fn save_preparation(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    prep: &Preparation,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into alignment_preparations
            (org_id, meeting_id, success, from_manager, off_limits, concerns, opens, closes, coach_role)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (org_id, meeting_id) do update set
            success = excluded.success, from_manager = excluded.from_manager,
            off_limits = excluded.off_limits, concerns = excluded.concerns,
            opens = excluded.opens, closes = excluded.closes,
            coach_role = excluded.coach_role, updated_at = now()",
    )
    .bind(org.0)
    .bind(meeting)
    .bind(&prep.success)
    .bind(&prep.from_manager)
    .bind(&prep.off_limits)
    .bind(&prep.concerns)
    .bind(&prep.opens)
    .bind(&prep.closes)
    .bind(&prep.coach_role)
    .execute(conn)
    .await?;
    Ok(())
}

/// The coach's private preparation notes. Call only for the meeting's coach.
pub async fn coach_notes(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<String> {
    let body: Option<String> = sqlx::query_scalar(
        "select body from alignment_coach_notes where org_id = $1 and meeting_id = $2",
    )
    .bind(org.0)
    .bind(meeting)
    .fetch_optional(conn)
    .await?;
    Ok(body.unwrap_or_default())
}

pub async fn save_coach_notes(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into alignment_coach_notes (org_id, meeting_id, body) values ($1, $2, $3)
         on conflict (org_id, meeting_id) do update set body = excluded.body, updated_at = now()",
    )
    .bind(org.0)
    .bind(meeting)
    .bind(body)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Debrief {
    pub how_it_went: String,
    pub stood_out: String,
    pub coaching_changes: String,
}

pub async fn debrief(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Option<Debrief>> {
    sqlx::query_as(
        "select how_it_went, stood_out, coaching_changes
         from alignment_debriefs where org_id = $1 and meeting_id = $2",
    )
    .bind(org.0)
    .bind(meeting)
    .fetch_optional(conn)
    .await
}

pub async fn save_debrief(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    debrief: &Debrief,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into alignment_debriefs (org_id, meeting_id, how_it_went, stood_out, coaching_changes)
         values ($1, $2, $3, $4, $5)
         on conflict (org_id, meeting_id) do update set
            how_it_went = excluded.how_it_went, stood_out = excluded.stood_out,
            coaching_changes = excluded.coaching_changes, updated_at = now()",
    )
    .bind(org.0)
    .bind(meeting)
    .bind(&debrief.how_it_went)
    .bind(&debrief.stood_out)
    .bind(&debrief.coaching_changes)
    .execute(conn)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The manager's invite

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Invite {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub email: String,
    pub name: String,
    pub secret_nonce: Vec<u8>,
    pub secret_hash: Vec<u8>,
    pub time_zone: String,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub rsvp: String,
    pub rsvp_note: String,
    pub rsvp_at: Option<DateTime<Utc>>,
    pub first_opened_at: Option<DateTime<Utc>>,
    pub last_opened_at: Option<DateTime<Utc>>,
    pub strengths: String,
    pub growth: String,
    pub support: String,
    pub answered_at: Option<DateTime<Utc>>,
}

impl Invite {
    pub fn rsvp_label(&self) -> &'static str {
        match self.rsvp.as_str() {
            "accepted" => "Accepted",
            "declined" => "Declined",
            "proposed" => "Proposed another time",
            _ => "Not answered yet",
        }
    }

    pub fn has_answers(&self) -> bool {
        self.answered_at.is_some()
    }
}

const INVITE_COLUMNS: &str =
    "id, meeting_id, email, name, secret_nonce, secret_hash, time_zone, expires_at,
    revoked_at, revoked_reason, rsvp, rsvp_note, rsvp_at, first_opened_at, last_opened_at,
    strengths, growth, support, answered_at";

pub async fn invite(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Invite>> {
    sqlx::query_as(&format!(
        "select {INVITE_COLUMNS} from guest_invites where org_id = $1 and id = $2"
    ))
    .bind(org.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The invite for a change, locked.
pub async fn invite_for_update(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Invite>> {
    sqlx::query_as(&format!(
        "select {INVITE_COLUMNS} from guest_invites where org_id = $1 and id = $2 for update"
    ))
    .bind(org.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The meeting's current invite: the live one, or the last one revoked.
pub async fn current_invite(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
) -> sqlx::Result<Option<Invite>> {
    sqlx::query_as(&format!(
        "select {INVITE_COLUMNS} from guest_invites where org_id = $1 and meeting_id = $2
         order by revoked_at is null desc, created_at desc limit 1"
    ))
    .bind(org.0)
    .bind(meeting)
    .fetch_optional(conn)
    .await
}

/// Stores a new invite; `id` is the one its link was issued for.
#[allow(clippy::too_many_arguments)]
pub async fn create_invite(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    meeting: Uuid,
    name: &str,
    email: &str,
    link: &Issued,
    time_zone: &str,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into guest_invites
            (org_id, id, meeting_id, name, email, secret_nonce, secret_hash, time_zone, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(org.0)
    .bind(id)
    .bind(meeting)
    .bind(name)
    .bind(email)
    .bind(&link.nonce)
    .bind(&link.secret_hash)
    .bind(time_zone)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn revoke_invites(
    conn: &mut PgConnection,
    org: TenantId,
    meeting: Uuid,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update guest_invites set revoked_at = now(), revoked_reason = $3
         where org_id = $1 and meeting_id = $2 and revoked_at is null",
    )
    .bind(org.0)
    .bind(meeting)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_invite_expiry(
    conn: &mut PgConnection,
    org: TenantId,
    invite: Uuid,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("update guest_invites set expires_at = $3 where org_id = $1 and id = $2")
        .bind(org.0)
        .bind(invite)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Notes that the manager opened their link.
pub async fn mark_opened(conn: &mut PgConnection, org: TenantId, invite: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "update guest_invites set first_opened_at = coalesce(first_opened_at, now()),
             last_opened_at = now()
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(invite)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_rsvp(
    conn: &mut PgConnection,
    org: TenantId,
    invite: Uuid,
    rsvp: &str,
    note: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update guest_invites set rsvp = $3, rsvp_note = $4, rsvp_at = now()
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(invite)
    .bind(rsvp)
    .bind(note)
    .execute(conn)
    .await?;
    Ok(())
}

/// Back to "not answered", after the time changed under the manager.
pub async fn reset_rsvp(conn: &mut PgConnection, org: TenantId, meeting: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "update guest_invites set rsvp = 'pending', rsvp_note = '', rsvp_at = null
         where org_id = $1 and meeting_id = $2 and revoked_at is null",
    )
    .bind(org.0)
    .bind(meeting)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_invite_time_zone(
    conn: &mut PgConnection,
    org: TenantId,
    invite: Uuid,
    time_zone: &str,
) -> sqlx::Result<()> {
    sqlx::query("update guest_invites set time_zone = $3 where org_id = $1 and id = $2")
        .bind(org.0)
        .bind(invite)
        .bind(time_zone)
        .execute(conn)
        .await?;
    Ok(())
}

/// The manager's answers to the questions about the coachee. Returns whether
/// anything changed.
pub async fn save_answers(
    conn: &mut PgConnection,
    org: TenantId,
    invite: Uuid,
    strengths: &str,
    growth: &str,
    support: &str,
) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "update guest_invites set strengths = $3, growth = $4, support = $5, answered_at = now()
         where org_id = $1 and id = $2
           and (strengths, growth, support) is distinct from ($3, $4, $5)",
    )
    .bind(org.0)
    .bind(invite)
    .bind(strengths)
    .bind(growth)
    .bind(support)
    .execute(conn)
    .await?;
    Ok(changed.rows_affected() == 1)
}

// ---------------------------------------------------------------------------
// Extra meetings

pub async fn request_extra(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    reason: &str,
    by: Uuid,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "insert into alignment_requests (org_id, id, engagement_id, reason, requested_by)
         values ($1, $2, $3, $4, $5)
         on conflict (org_id, engagement_id) where status = 'pending' do nothing",
    )
    .bind(org.0)
    .bind(Uuid::now_v7())
    .bind(engagement)
    .bind(reason)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// A request, as the programme team sees it: names and numbers, no coaching content.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExtraRequest {
    pub id: Uuid,
    pub engagement_id: Uuid,
    pub program_name: String,
    pub coachee_name: String,
    pub coachee_email: String,
    pub coach_name: String,
    pub reason: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub included: i32,
    pub held: i64,
}

/// Pending requests first, then the last decided ones.
pub async fn extra_requests(
    conn: &mut PgConnection,
    org: TenantId,
) -> sqlx::Result<Vec<ExtraRequest>> {
    sqlx::query_as(
        "select r.id, r.engagement_id, p.name as program_name, coachee.name as coachee_name,
                coachee.email as coachee_email, coach.name as coach_name, r.reason, r.status, r.created_at, r.decided_at,
                p.alignment_included as included,
                (select count(*) from alignment_meetings m
                  where m.org_id = r.org_id and m.engagement_id = r.engagement_id
                    and m.status = 'completed') as held
         from alignment_requests r
         join engagements e on e.org_id = r.org_id and e.id = r.engagement_id
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         join users coachee on coachee.id = e.coachee_id
         join users coach on coach.id = e.coach_id
         where r.org_id = $1 and p.alignment_enabled
         order by r.status <> 'pending', coalesce(r.decided_at, r.created_at) desc
         limit 100",
    )
    .bind(org.0)
    .fetch_all(conn)
    .await
}

/// Decides a pending request; false when it was not pending (decided already).
pub async fn decide_request(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    approve: bool,
    by: Uuid,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "update alignment_requests set status = $3, decided_by = $4, decided_at = now()
         where org_id = $1 and id = $2 and status = 'pending'
         returning engagement_id",
    )
    .bind(org.0)
    .bind(id)
    .bind(if approve { "approved" } else { "declined" })
    .bind(by)
    .fetch_optional(conn)
    .await
}

pub async fn pending_request_count(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "select count(*) from alignment_requests r
         join engagements e on e.org_id = r.org_id and e.id = r.engagement_id
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         where r.org_id = $1 and r.status = 'pending' and p.alignment_enabled",
    )
    .bind(org.0)
    .fetch_one(conn)
    .await
}

pub async fn set_advised(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    advised: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "update engagements set alignment_advised_at = case when $3 then now() end
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(engagement)
    .bind(advised)
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
    let done = sqlx::query(
        "update outbox_messages o set status = 'superseded', lease_until = null
         where o.org_id = $1 and o.status = 'queued' and o.dedupe_key like 'alignment-%'
           and exists (
               select 1 from alignment_meetings m
               join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
               where m.org_id = o.org_id and e.program_id = $2
                 and o.dedupe_key like 'alignment-' || m.id || '-%')",
    )
    .bind(org.0)
    .bind(program)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
