//! Engagements: one coachee with one coach in a programme. Who may see one is
//! decided here, in the queries: a coach gets their own, a coachee theirs.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    Paused,
    Completed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Active,
        Status::Paused,
        Status::Completed,
        Status::Cancelled,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Paused => "paused",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Paused => "Paused",
            Status::Completed => "Completed",
            Status::Cancelled => "Cancelled",
        }
    }
}

/// An engagement with the names people read.
#[derive(Clone, Debug)]
pub struct Engagement {
    pub id: Uuid,
    pub program_id: Uuid,
    pub program_name: String,
    pub coachee_id: Uuid,
    pub coachee_name: String,
    /// None until a coach is assigned or chosen from a shortlist.
    pub coach_id: Option<Uuid>,
    pub coach_name: Option<String>,
    /// When the coach was settled, and by whom (`coachee` or `admin`).
    pub coach_chosen_at: Option<DateTime<Utc>>,
    pub coach_chosen_by: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: String,
    pub manager_name: String,
    pub manager_email: String,
    pub department: String,
}

impl Engagement {
    /// The coach's name, or what stands for it while there is none.
    pub fn coach_shown(&self) -> &str {
        self.coach_name.as_deref().unwrap_or("not chosen yet")
    }

    pub fn is_coach(&self, user: Uuid) -> bool {
        self.coach_id == Some(user)
    }

    pub fn status_label(&self) -> &'static str {
        Status::parse(&self.status).map_or("", |s| s.label())
    }
}

/// What an engagement form saves.
#[derive(Clone, Debug)]
pub struct EngagementFields {
    pub coachee_id: Uuid,
    /// None: no coach yet, the coachee will choose from a shortlist.
    pub coach_id: Option<Uuid>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: Status,
    pub manager_name: String,
    pub manager_email: String,
    pub department: String,
}

pub async fn of_program(
    conn: &mut PgConnection,
    org: TenantId,
    program: Uuid,
) -> sqlx::Result<Vec<Engagement>> {
    sqlx::query_as!(
        Engagement,
        r#"select e.id, e.program_id, p.name as program_name,
             e.coachee_id, coachee.name as coachee_name, e.coach_id as "coach_id?", coach.name as "coach_name?",
             e.coach_chosen_at as "coach_chosen_at: DateTime<Utc>", e.coach_chosen_by,
             e.starts_on as "starts_on: NaiveDate", e.ends_on as "ends_on: NaiveDate", e.status,
             e.manager_name, e.manager_email, e.department
         from engagements e
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         join users coachee on coachee.id = e.coachee_id
         left join users coach on coach.id = e.coach_id
         where e.org_id = $1 and e.program_id = $2 order by lower(coachee.name)"#,
        org.0,
        program,
    )
    .fetch_all(conn)
    .await
}

pub async fn of_coach(
    conn: &mut PgConnection,
    org: TenantId,
    coach: Uuid,
) -> sqlx::Result<Vec<Engagement>> {
    sqlx::query_as!(
        Engagement,
        r#"select e.id, e.program_id, p.name as program_name,
             e.coachee_id, coachee.name as coachee_name, e.coach_id as "coach_id?", coach.name as "coach_name?",
             e.coach_chosen_at as "coach_chosen_at: DateTime<Utc>", e.coach_chosen_by,
             e.starts_on as "starts_on: NaiveDate", e.ends_on as "ends_on: NaiveDate", e.status,
             e.manager_name, e.manager_email, e.department
         from engagements e
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         join users coachee on coachee.id = e.coachee_id
         left join users coach on coach.id = e.coach_id
         where e.org_id = $1 and e.coach_id = $2
         order by e.status <> 'active', lower(coachee.name)"#,
        org.0,
        coach,
    )
    .fetch_all(conn)
    .await
}

pub async fn of_coachee(
    conn: &mut PgConnection,
    org: TenantId,
    coachee: Uuid,
) -> sqlx::Result<Vec<Engagement>> {
    sqlx::query_as!(
        Engagement,
        r#"select e.id, e.program_id, p.name as program_name,
             e.coachee_id, coachee.name as coachee_name, e.coach_id as "coach_id?", coach.name as "coach_name?",
             e.coach_chosen_at as "coach_chosen_at: DateTime<Utc>", e.coach_chosen_by,
             e.starts_on as "starts_on: NaiveDate", e.ends_on as "ends_on: NaiveDate", e.status,
             e.manager_name, e.manager_email, e.department
         from engagements e
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         join users coachee on coachee.id = e.coachee_id
         left join users coach on coach.id = e.coach_id
         where e.org_id = $1 and e.coachee_id = $2
         order by e.status <> 'active', e.starts_on desc"#,
        org.0,
        coachee,
    )
    .fetch_all(conn)
    .await
}

pub async fn engagement(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
) -> sqlx::Result<Option<Engagement>> {
    sqlx::query_as!(
        Engagement,
        r#"select e.id, e.program_id, p.name as program_name,
             e.coachee_id, coachee.name as coachee_name, e.coach_id as "coach_id?", coach.name as "coach_name?",
             e.coach_chosen_at as "coach_chosen_at: DateTime<Utc>", e.coach_chosen_by,
             e.starts_on as "starts_on: NaiveDate", e.ends_on as "ends_on: NaiveDate", e.status,
             e.manager_name, e.manager_email, e.department
         from engagements e
         join programs p on p.org_id = e.org_id and p.id = e.program_id
         join users coachee on coachee.id = e.coachee_id
         left join users coach on coach.id = e.coach_id
         where e.org_id = $1 and e.id = $2"#,
        org.0,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// Engagements per programme, for the programme list: counts, no content.
pub async fn counts_by_program(
    conn: &mut PgConnection,
    org: TenantId,
) -> sqlx::Result<Vec<(Uuid, i64, i64)>> {
    let rows = sqlx::query!(
        r#"select program_id, count(*) as "engagements!",
               count(*) filter (where status = 'active') as "active!"
           from engagements where org_id = $1 group by program_id"#,
        org.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.program_id, row.engagements, row.active))
        .collect())
}

pub async fn create(
    conn: &mut PgConnection,
    org: TenantId,
    program: Uuid,
    fields: &EngagementFields,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into engagements (org_id, id, program_id, coachee_id, coach_id, starts_on, ends_on,
                                  status, manager_name, manager_email, department,
                                  coach_chosen_at, coach_chosen_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
                 case when $5::uuid is not null then now() end,
                 case when $5::uuid is not null then 'admin' end)",
        org.0,
        id,
        program,
        fields.coachee_id,
        fields.coach_id,
        fields.starts_on as _,
        fields.ends_on as _,
        fields.status.as_str(),
        &fields.manager_name,
        &fields.manager_email,
        &fields.department,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn update(
    conn: &mut PgConnection,
    org: TenantId,
    id: Uuid,
    fields: &EngagementFields,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update engagements set coachee_id = $3, coach_id = $4, starts_on = $5, ends_on = $6,
             status = $7, manager_name = $8, manager_email = $9, department = $10,
             -- A coach the admin sets or changes here is the admin's choice.
             coach_chosen_at = case when $4::uuid is null then null
                                    when coach_id is not distinct from $4 then coach_chosen_at
                                    else now() end,
             coach_chosen_by = case when $4::uuid is null then null
                                    when coach_id is not distinct from $4 then coach_chosen_by
                                    else 'admin' end
         where org_id = $1 and id = $2",
        org.0,
        id,
        fields.coachee_id,
        fields.coach_id,
        fields.starts_on as _,
        fields.ends_on as _,
        fields.status.as_str(),
        &fields.manager_name,
        &fields.manager_email,
        &fields.department,
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}
