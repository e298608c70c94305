//! Quiet engagements: active engagements with no completed coaching session
//! for their programme's quiet weeks, and the nudges sent to their coaches.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

/// An active engagement with no completed coaching session for the
/// programme's inactivity weeks, for the accountability list.
#[derive(Clone, Debug)]
pub struct Quiet {
    pub engagement_id: Uuid,
    pub program_name: String,
    pub coach_id: Uuid,
    pub coach_name: String,
    pub coach_email: String,
    pub coachee_name: String,
    pub last_completed: Option<DateTime<Utc>>,
    pub starts_on: NaiveDate,
    pub last_nudged: Option<DateTime<Utc>>,
    pub inactivity_weeks: i32,
}

/// Quiet engagements of the organisation (or one programme), by coach.
pub async fn quiet_engagements(
    conn: &mut PgConnection,
    org: TenantId,
    program: Option<Uuid>,
) -> sqlx::Result<Vec<Quiet>> {
    // Quiet is counted in whole weeks, Monday to Monday (UTC): an engagement
    // joins the list at the start of a week, so watching the list tells an
    // admin neither the day nor the hour of anyone's last session. The query
    // is repeated below for one engagement; keep the two alike.
    sqlx::query_as!(
        Quiet,
        r#"select e.id as engagement_id, p.name as program_name, e.coach_id as "coach_id!",
               coach.name as coach_name, coach.email as coach_email, coachee.name as coachee_name,
               last.at as "last_completed: DateTime<Utc>", e.starts_on as "starts_on: NaiveDate",
               (select max(n.sent_at) from engagement_nudges n
                 where n.org_id = e.org_id and n.engagement_id = e.id) as "last_nudged: DateTime<Utc>",
               p.inactivity_weeks
           from engagements e
           join programs p on p.org_id = e.org_id and p.id = e.program_id
           join users coach on coach.id = e.coach_id
           join users coachee on coachee.id = e.coachee_id
           left join lateral (
               select max(s.starts_at) as at from coaching_sessions s
               where s.org_id = e.org_id and s.engagement_id = e.id and s.status = 'completed'
           ) last on true
           where e.org_id = $1 and e.status = 'active' and p.archived_at is null
             and date_trunc('week', coalesce(last.at, e.starts_on::timestamptz), 'UTC')
                 < date_trunc('week', now(), 'UTC') - make_interval(weeks => p.inactivity_weeks)
             and ($2::uuid is null or e.program_id = $2)
           order by lower(coach.name), last.at nulls first"#,
        org.0,
        program,
    )
    .fetch_all(conn)
    .await
}

/// One quiet engagement, locked against a second nudge at the same moment.
pub async fn quiet_engagement_for_nudge(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
) -> sqlx::Result<Option<Quiet>> {
    sqlx::query!(
        "select 1 as locked from engagements where org_id = $1 and id = $2 for update",
        org.0,
        engagement,
    )
    .fetch_optional(&mut *conn)
    .await?;
    // The query of `quiet_engagements`, for one engagement.
    sqlx::query_as!(
        Quiet,
        r#"select e.id as engagement_id, p.name as program_name, e.coach_id as "coach_id!",
               coach.name as coach_name, coach.email as coach_email, coachee.name as coachee_name,
               last.at as "last_completed: DateTime<Utc>", e.starts_on as "starts_on: NaiveDate",
               (select max(n.sent_at) from engagement_nudges n
                 where n.org_id = e.org_id and n.engagement_id = e.id) as "last_nudged: DateTime<Utc>",
               p.inactivity_weeks
           from engagements e
           join programs p on p.org_id = e.org_id and p.id = e.program_id
           join users coach on coach.id = e.coach_id
           join users coachee on coachee.id = e.coachee_id
           left join lateral (
               select max(s.starts_at) as at from coaching_sessions s
               where s.org_id = e.org_id and s.engagement_id = e.id and s.status = 'completed'
           ) last on true
           where e.org_id = $1 and e.status = 'active' and p.archived_at is null
             and date_trunc('week', coalesce(last.at, e.starts_on::timestamptz), 'UTC')
                 < date_trunc('week', now(), 'UTC') - make_interval(weeks => p.inactivity_weeks)
             and e.id = $2"#,
        org.0,
        engagement,
    )
    .fetch_optional(conn)
    .await
}

pub async fn record_nudge(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    by: Option<Uuid>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into engagement_nudges (org_id, id, engagement_id, sent_by) values ($1, $2, $3, $4)",
        org.0,
        Uuid::now_v7(),
        engagement,
        by,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Organisations with a programme that nudges automatically, read in the
/// scope that sees only those programmes.
pub async fn organisations_nudging(pool: &sqlx::PgPool) -> sqlx::Result<Vec<Uuid>> {
    let mut tx = pool.begin().await?;
    sqlx::query!("select set_config('app.scope', 'nudges', true)")
        .fetch_one(&mut *tx)
        .await?;
    let orgs = sqlx::query_scalar!("select distinct org_id from programs where auto_nudge")
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(orgs)
}
