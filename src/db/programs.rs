//! Programmes and the organisation's catalogue (skills, development
//! activities). Every query takes the tenant first and runs in its
//! tenant transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::alignment::Kind;
use crate::db::TenantId;

mod catalogue;
mod expected;
pub use catalogue::{
    Activity, ActivityFields, ActivityKind, Skill, activities, activity, add_skill,
    create_activity, set_activity_archived, skills, update_activity,
};
pub use expected::{Unscheduled, unscheduled};

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

#[derive(Clone, Debug)]
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
    pub alignment: AlignmentRules,
    /// Weeks without a completed session before an engagement is listed as quiet.
    pub inactivity_weeks: i32,
    /// Whether coaches of quiet engagements are nudged automatically each week.
    pub auto_nudge: bool,
}

/// Whether a programme has alignment meetings, and their rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlignmentRules {
    pub enabled: bool,
    /// Meetings each engagement may hold without asking.
    pub included: i32,
    /// Coaching sessions completed before the first meeting is recommended.
    pub sessions_before: i32,
    /// Whether the coachee prepares with the coach in a session first.
    pub prep_expected: bool,
    /// Days a manager's link keeps working after the meeting.
    pub link_days: i32,
    /// Hours before the meeting that everyone is reminded.
    pub reminder_hours: i32,
    /// The kinds of meeting the programme includes, in journey order.
    pub kinds: Vec<Kind>,
    /// The included kinds every engagement is expected to hold.
    pub expected: Vec<Kind>,
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
            kinds: vec![Kind::Initial, Kind::Midpoint, Kind::Closing],
            expected: Vec::new(),
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
    let updated = sqlx::query!(
        "update programs set alignment_enabled = $3, alignment_included = $4,
             alignment_sessions_before = $5, alignment_prep_expected = $6,
             alignment_link_days = $7, alignment_reminder_hours = $8,
             alignment_kinds = $9, alignment_expected = $10
         where org_id = $1 and id = $2",
        org.0,
        program,
        rules.enabled,
        rules.included,
        rules.sessions_before,
        rules.prep_expected,
        rules.link_days,
        rules.reminder_hours,
        &names(&rules.kinds),
        &names(&rules.expected),
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

fn names(kinds: &[Kind]) -> Vec<String> {
    kinds.iter().map(|k| k.as_str().to_owned()).collect()
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

/// A `programs` row as selected, before the alignment columns are grouped
/// into [`AlignmentRules`] (the query macros fill flat structs only).
struct ProgramRow {
    id: Uuid,
    name: String,
    description: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    cadence: String,
    sessions_included: i32,
    reporting_threshold: i32,
    archived_at: Option<DateTime<Utc>>,
    alignment_enabled: bool,
    alignment_included: i32,
    alignment_sessions_before: i32,
    alignment_prep_expected: bool,
    alignment_link_days: i32,
    alignment_reminder_hours: i32,
    alignment_kinds: Vec<String>,
    alignment_expected: Vec<String>,
    inactivity_weeks: i32,
    auto_nudge: bool,
}

impl From<ProgramRow> for Program {
    fn from(row: ProgramRow) -> Self {
        Program {
            id: row.id,
            name: row.name,
            description: row.description,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            cadence: row.cadence,
            sessions_included: row.sessions_included,
            reporting_threshold: row.reporting_threshold,
            archived_at: row.archived_at,
            alignment: AlignmentRules {
                enabled: row.alignment_enabled,
                included: row.alignment_included,
                sessions_before: row.alignment_sessions_before,
                prep_expected: row.alignment_prep_expected,
                link_days: row.alignment_link_days,
                reminder_hours: row.alignment_reminder_hours,
                kinds: Kind::all_of(&row.alignment_kinds),
                expected: Kind::all_of(&row.alignment_expected),
            },
            inactivity_weeks: row.inactivity_weeks,
            auto_nudge: row.auto_nudge,
        }
    }
}

/// Current programmes first (by start), archived ones after.
pub async fn programs(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<Vec<Program>> {
    let rows = sqlx::query_as!(
        ProgramRow,
        r#"select id, name, description, starts_on as "starts_on: NaiveDate",
             ends_on as "ends_on: NaiveDate", cadence, sessions_included, reporting_threshold,
             archived_at as "archived_at: DateTime<Utc>", alignment_enabled, alignment_included,
             alignment_sessions_before, alignment_prep_expected, alignment_link_days,
             alignment_reminder_hours, alignment_kinds, alignment_expected, inactivity_weeks,
             auto_nudge
         from programs where org_id = $1
         order by archived_at is not null, starts_on desc, name"#,
        org.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Program::from).collect())
}

pub async fn program(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Program>> {
    let row = sqlx::query_as!(
        ProgramRow,
        r#"select id, name, description, starts_on as "starts_on: NaiveDate",
             ends_on as "ends_on: NaiveDate", cadence, sessions_included, reporting_threshold,
             archived_at as "archived_at: DateTime<Utc>", alignment_enabled, alignment_included,
             alignment_sessions_before, alignment_prep_expected, alignment_link_days,
             alignment_reminder_hours, alignment_kinds, alignment_expected, inactivity_weeks,
             auto_nudge
         from programs where org_id = $1 and id = $2"#,
        org.0,
        id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Program::from))
}

pub async fn create_program(
    conn: &mut PgConnection,
    org: TenantId,
    fields: &ProgramFields,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into programs (org_id, id, name, description, starts_on, ends_on, cadence,
                               sessions_included, reporting_threshold)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        org.0,
        id,
        &fields.name,
        &fields.description,
        fields.starts_on as _,
        fields.ends_on as _,
        fields.cadence.as_str(),
        fields.sessions_included,
        fields.reporting_threshold,
    )
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
    let updated = sqlx::query!(
        "update programs set name = $3, description = $4, starts_on = $5, ends_on = $6,
             cadence = $7, sessions_included = $8, reporting_threshold = $9
         where org_id = $1 and id = $2",
        org.0,
        id,
        &fields.name,
        &fields.description,
        fields.starts_on as _,
        fields.ends_on as _,
        fields.cadence.as_str(),
        fields.sessions_included,
        fields.reporting_threshold,
    )
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
    let updated = sqlx::query!(
        "update programs set archived_at = case when $3 then now() else null end
         where org_id = $1 and id = $2",
        org.0,
        id,
        archived,
    )
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
    sqlx::query!(
        "update programs set inactivity_weeks = $3, auto_nudge = $4 where org_id = $1 and id = $2",
        org.0,
        program,
        inactivity_weeks,
        auto_nudge,
    )
    .execute(conn)
    .await?;
    Ok(())
}
