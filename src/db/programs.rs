//! Programmes and the organisation's catalogue (skills, development
//! activities). Every query takes the tenant first and runs in its
//! tenant transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

/// How often an engagement expects a coaching session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    Fortnightly,
    Monthly,
    Quarterly,
}

impl Cadence {
    pub const ALL: [Cadence; 3] = [Cadence::Fortnightly, Cadence::Monthly, Cadence::Quarterly];

    pub fn as_str(&self) -> &'static str {
        match self {
            Cadence::Fortnightly => "fortnightly",
            Cadence::Monthly => "monthly",
            Cadence::Quarterly => "quarterly",
        }
    }

    pub fn parse(value: &str) -> Option<Cadence> {
        Cadence::ALL.into_iter().find(|c| c.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Cadence::Fortnightly => "Every two weeks",
            Cadence::Monthly => "Every month",
            Cadence::Quarterly => "Every three months",
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Program {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub cadence: String,
    pub sessions_included: i32,
    pub reporting_threshold: i32,
    pub archived_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    pub alignment: AlignmentRules,
    /// Weeks without a completed session before an engagement is listed as quiet.
    pub inactivity_weeks: i32,
    /// Whether coaches of quiet engagements are nudged automatically each week.
    pub auto_nudge: bool,
}

/// Whether a programme has alignment meetings, and their rules.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AlignmentRules {
    #[sqlx(rename = "alignment_enabled")]
    pub enabled: bool,
    /// Meetings each engagement may hold without asking.
    #[sqlx(rename = "alignment_included")]
    pub included: i32,
    /// Coaching sessions completed before the first meeting is recommended.
    #[sqlx(rename = "alignment_sessions_before")]
    pub sessions_before: i32,
    /// Whether the coachee prepares with the coach in a session first.
    #[sqlx(rename = "alignment_prep_expected")]
    pub prep_expected: bool,
    /// Days a manager's link keeps working after the meeting.
    #[sqlx(rename = "alignment_link_days")]
    pub link_days: i32,
    /// Hours before the meeting that everyone is reminded.
    #[sqlx(rename = "alignment_reminder_hours")]
    pub reminder_hours: i32,
}

impl Default for AlignmentRules {
    fn default() -> Self {
        AlignmentRules {
            enabled: false,
            included: 2,
            sessions_before: 2,
            prep_expected: true,
            link_days: 7,
            reminder_hours: 24,
        }
    }
}

/// Switches alignment meetings on or off for a programme and sets their rules.
pub async fn set_alignment_rules(
    conn: &mut PgConnection,
    org: TenantId,
    program: Uuid,
    rules: &AlignmentRules,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "update programs set alignment_enabled = $3, alignment_included = $4,
             alignment_sessions_before = $5, alignment_prep_expected = $6,
             alignment_link_days = $7, alignment_reminder_hours = $8
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(program)
    .bind(rules.enabled)
    .bind(rules.included)
    .bind(rules.sessions_before)
    .bind(rules.prep_expected)
    .bind(rules.link_days)
    .bind(rules.reminder_hours)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

impl Program {
    pub fn cadence_label(&self) -> &'static str {
        Cadence::parse(&self.cadence).map_or("", |c| c.label())
    }
}

/// What a programme form saves.
#[derive(Clone, Debug)]
pub struct ProgramFields {
    pub name: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub cadence: Cadence,
    pub sessions_included: i32,
    pub reporting_threshold: i32,
}

const PROGRAM_COLUMNS: &str = "id, name, description, starts_on, ends_on, cadence, sessions_included, reporting_threshold, archived_at, alignment_enabled, alignment_included, alignment_sessions_before, alignment_prep_expected, alignment_link_days, alignment_reminder_hours, inactivity_weeks, auto_nudge";

/// Current programmes first (by start), archived ones after.
pub async fn programs(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<Vec<Program>> {
    sqlx::query_as(&format!(
        "select {PROGRAM_COLUMNS} from programs where org_id = $1
         order by archived_at is not null, starts_on desc, name"
    ))
    .bind(org.0)
    .fetch_all(conn)
    .await
}

pub async fn program(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Program>> {
    sqlx::query_as(&format!(
        "select {PROGRAM_COLUMNS} from programs where org_id = $1 and id = $2"
    ))
    .bind(org.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn create_program(
    conn: &mut PgConnection,
    org: TenantId,
    fields: &ProgramFields,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into programs (org_id, id, name, description, starts_on, ends_on, cadence,
                               sessions_included, reporting_threshold)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(org.0)
    .bind(id)
    .bind(&fields.name)
    .bind(&fields.description)
    .bind(fields.starts_on)
    .bind(fields.ends_on)
    .bind(fields.cadence.as_str())
    .bind(fields.sessions_included)
    .bind(fields.reporting_threshold)
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn update_program(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    fields: &ProgramFields,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "update programs set name = $3, description = $4, starts_on = $5, ends_on = $6,
             cadence = $7, sessions_included = $8, reporting_threshold = $9
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(id)
    .bind(&fields.name)
    .bind(&fields.description)
    .bind(fields.starts_on)
    .bind(fields.ends_on)
    .bind(fields.cadence.as_str())
    .bind(fields.sessions_included)
    .bind(fields.reporting_threshold)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn set_program_archived(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    archived: bool,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "update programs set archived_at = case when $3 then now() else null end
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(id)
    .bind(archived)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

// ---------------------------------------------------------------------------
// Skills and development activities

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Skill {
    pub id: Uuid,
    pub name: String,
}

pub async fn skills(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<Vec<Skill>> {
    sqlx::query_as("select id, name from skills where org_id = $1 order by lower(name)")
        .bind(org.0)
        .fetch_all(conn)
        .await
}

/// Adds a skill; `None` when one of that name (in any case) exists already.
pub async fn add_skill(
    conn: &mut PgConnection,
    org: TenantId,
    name: &str,
) -> sqlx::Result<Option<Uuid>> {
    let id = Uuid::now_v7();
    let inserted = sqlx::query(
        "insert into skills (org_id, id, name) values ($1, $2, $3)
         on conflict (org_id, lower(name)) do nothing",
    )
    .bind(org.0)
    .bind(id)
    .bind(name)
    .execute(conn)
    .await?;
    Ok((inserted.rows_affected() == 1).then_some(id))
}

/// The kind of a development activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityKind {
    Course,
    Reading,
    Practice,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 3] = [
        ActivityKind::Course,
        ActivityKind::Reading,
        ActivityKind::Practice,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ActivityKind::Course => "course",
            ActivityKind::Reading => "reading",
            ActivityKind::Practice => "practice",
        }
    }

    pub fn parse(value: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            ActivityKind::Course => "Course",
            ActivityKind::Reading => "Reading",
            ActivityKind::Practice => "Practice",
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Activity {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub url: Option<String>,
    pub skill_id: Option<Uuid>,
    pub skill_name: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
}

impl Activity {
    pub fn kind_label(&self) -> &'static str {
        ActivityKind::parse(&self.kind).map_or("", |k| k.label())
    }
}

/// What an activity form saves.
#[derive(Clone, Debug)]
pub struct ActivityFields {
    pub title: String,
    pub kind: ActivityKind,
    pub url: Option<String>,
    pub skill_id: Option<Uuid>,
}

const ACTIVITY_QUERY: &str =
    "select a.id, a.title, a.kind, a.url, a.skill_id, s.name as skill_name, a.archived_at
     from development_activities a
     left join skills s on s.org_id = a.org_id and s.id = a.skill_id";

pub async fn activities(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<Vec<Activity>> {
    sqlx::query_as(&format!(
        "{ACTIVITY_QUERY} where a.org_id = $1 order by a.archived_at is not null, lower(a.title)"
    ))
    .bind(org.0)
    .fetch_all(conn)
    .await
}

pub async fn activity(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Activity>> {
    sqlx::query_as(&format!(
        "{ACTIVITY_QUERY} where a.org_id = $1 and a.id = $2"
    ))
    .bind(org.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// A skill id must be one of the organisation's, which the foreign key checks.
pub async fn create_activity(
    conn: &mut PgConnection,
    org: TenantId,
    fields: &ActivityFields,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into development_activities (org_id, id, title, kind, url, skill_id)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org.0)
    .bind(id)
    .bind(&fields.title)
    .bind(fields.kind.as_str())
    .bind(&fields.url)
    .bind(fields.skill_id)
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn update_activity(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    fields: &ActivityFields,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "update development_activities set title = $3, kind = $4, url = $5, skill_id = $6
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(id)
    .bind(&fields.title)
    .bind(fields.kind.as_str())
    .bind(&fields.url)
    .bind(fields.skill_id)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn set_activity_archived(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    archived: bool,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "update development_activities set archived_at = case when $3 then now() else null end
         where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(id)
    .bind(archived)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// When an engagement counts as quiet, and whether its coach is nudged weekly.
pub async fn set_accountability(
    conn: &mut PgConnection,
    org: TenantId,
    program: Uuid,
    inactivity_weeks: i32,
    auto_nudge: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "update programs set inactivity_weeks = $3, auto_nudge = $4 where org_id = $1 and id = $2",
    )
    .bind(org.0)
    .bind(program)
    .bind(inactivity_weeks)
    .bind(auto_nudge)
    .execute(conn)
    .await?;
    Ok(())
}
