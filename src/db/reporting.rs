//! The report's aggregate queries: PostgreSQL counts, the app only arranges.
//! Every figure comes with the number of distinct coachees behind it, so the
//! report can hide what describes too few people. Nothing here selects a word
//! anyone wrote: skills are counted by their framework name, free-text focus
//! areas only as a number.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

mod figures;
mod quiet;
mod scope;
pub use figures::figures;
pub use quiet::{
    Quiet, organisations_nudging, quiet_engagement_for_nudge, quiet_engagements, record_nudge,
};
use scope::group_arrays;
pub use scope::{Figure, Scope, Tally};

/// Plans the report's queries for the period at hand: a period runs from a
/// month to three years, and planning is cheap next to counting.
pub async fn plan_for_period(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("set local plan_cache_mode = force_custom_plan")
        .execute(conn)
        .await?;
    Ok(())
}

/// Coachees per department among the programme's engagements in the period.
pub async fn departments(
    conn: &mut PgConnection,
    org: TenantId,
    program: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query!(
        r#"select department, count(distinct coachee_id) as "coachees!" from engagements
           where org_id = $1 and program_id = $2 and starts_on <= $4 and ends_on >= $3
           group by department order by department"#,
        org.0,
        program,
        from as NaiveDate,
        to as NaiveDate,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.department, row.coachees))
        .collect())
}

// The tallies below and `figures` begin alike: `groups` maps departments to
// their groups, and `eng` is the report's engagements — in the programme,
// overlapping the period, each with its department's group and its record key
// (`rk`). Binds $1 to $6: org, program, departments, groups, from, to.

/// Completed coaching sessions per month of the period, each month a tally
/// of its own (its key the same as the month's in `figures`, so a month reads
/// the same in the chart as in the period's total).
pub async fn sessions_by_month(conn: &mut PgConnection, scope: &Scope) -> sqlx::Result<Vec<Tally>> {
    let (departments, groups) = group_arrays(scope);
    sqlx::query_as!(
        Tally,
        r#"with
        groups (department, grp) as (select * from unnest($3::text[], $4::text[])),
        eng as materialized (
            select e.id, e.coachee_id, e.status, e.starts_on, coalesce(g.grp, e.department) as grp,
                   e.report_key, report_record_key(e.report_key, e.id::text) as rk
            from engagements e left join groups g on g.department = e.department
            where e.org_id = $1 and e.program_id = $2 and e.starts_on <= $6 and e.ends_on >= $5
        )
        select to_char(date_trunc('month', s.starts_at at time zone $7), 'YYYY-MM') as "label!",
               to_char(date_trunc('month', s.starts_at at time zone $7), 'Mon YYYY') as "detail!",
               null::text as "month?", count(*) as "value!",
               count(distinct eng.coachee_id) as "people!",
               coalesce(sum(report_record_key(eng.report_key, s.id::text)), 0) as "key!",
               case when count(distinct eng.coachee_id) < 100
                    then array_agg(distinct eng.coachee_id) end as "who?"
        from coaching_sessions s join eng on s.engagement_id = eng.id
        where s.org_id = $1 and s.status = 'completed' and s.starts_at >= $8 and s.starts_at < $9
        group by 1, 2, 3 order by 1"#,
        scope.org.0,
        scope.program,
        &departments,
        &groups,
        scope.from as NaiveDate,
        scope.to as NaiveDate,
        scope.time_zone,
        scope.starts as DateTime<Utc>,
        scope.ends as DateTime<Utc>,
    )
    .fetch_all(conn)
    .await
}

/// Focus areas of the period's completed sessions, by skill, over the period
/// and month by month; sessions whose focus the coach wrote in their own
/// words are counted, never quoted, and so are those with no focus recorded,
/// so that the focus areas add up to the completed sessions.
pub async fn session_themes(conn: &mut PgConnection, scope: &Scope) -> sqlx::Result<Vec<Tally>> {
    let (departments, groups) = group_arrays(scope);
    sqlx::query_as!(
        Tally,
        r#"with
        groups (department, grp) as (select * from unnest($3::text[], $4::text[])),
        eng as materialized (
            select e.id, e.coachee_id, e.status, e.starts_on, coalesce(g.grp, e.department) as grp,
                   e.report_key, report_record_key(e.report_key, e.id::text) as rk
            from engagements e left join groups g on g.department = e.department
            where e.org_id = $1 and e.program_id = $2 and e.starts_on <= $6 and e.ends_on >= $5
        ),
        themed as (
            select case when s.focus_skill_id is not null then coalesce(k.name, 'No focus recorded')
                        when s.focus_area <> '' then 'Written in the coach''s own words'
                        else 'No focus recorded' end as label,
                   to_char(s.starts_at at time zone $9, 'YYYY-MM') as mon,
                   eng.coachee_id, report_record_key(eng.report_key, s.id::text) as rk
            from coaching_sessions s join eng on s.engagement_id = eng.id
            left join skills k on k.org_id = s.org_id and k.id = s.focus_skill_id
            where s.org_id = $1 and s.status = 'completed' and s.starts_at >= $7 and s.starts_at < $8
        )
        select label as "label!", '' as "detail!",
               case when grouping(mon) = 0 then mon end as "month?",
               count(*) as "value!", count(distinct coachee_id) as "people!",
               coalesce(sum(rk), 0) as "key!",
               case when count(distinct coachee_id) < 100
                    then array_agg(distinct coachee_id) end as "who?"
        from themed group by grouping sets ((label), (label, mon))
        order by 1, 3 nulls first"#,
        scope.org.0,
        scope.program,
        &departments,
        &groups,
        scope.from as NaiveDate,
        scope.to as NaiveDate,
        scope.starts as DateTime<Utc>,
        scope.ends as DateTime<Utc>,
        scope.time_zone,
    )
    .fetch_all(conn)
    .await
}

/// Goals by skill and status at the end of the period (`detail` is the status),
/// all of a skill's goals whatever their status (`all`: its people are the
/// distinct coachees, not the sum over statuses, since one coachee may have
/// goals in several), plus, as status `achieved_in_period`, those achieved during it, over the
/// period and month by month.
pub async fn goals_by_skill(conn: &mut PgConnection, scope: &Scope) -> sqlx::Result<Vec<Tally>> {
    let (departments, groups) = group_arrays(scope);
    sqlx::query_as!(
        Tally,
        r#"with
        groups (department, grp) as (select * from unnest($3::text[], $4::text[])),
        eng as materialized (
            select e.id, e.coachee_id, e.status, e.starts_on, coalesce(g.grp, e.department) as grp,
                   e.report_key, report_record_key(e.report_key, e.id::text) as rk
            from engagements e left join groups g on g.department = e.department
            where e.org_id = $1 and e.program_id = $2 and e.starts_on <= $6 and e.ends_on >= $5
        ),
        g as (
            select coalesce(k.name, 'No skill chosen') as skill, g.status, g.updated_at,
                   eng.coachee_id, report_record_key(eng.report_key, g.id::text) as rk,
                   to_char(g.updated_at at time zone $9, 'YYYY-MM') as mon
            from goals g join eng on g.engagement_id = eng.id
            left join skills k on k.org_id = g.org_id and k.id = g.skill_id
            where g.org_id = $1 and g.created_at < $8
        )
        select skill as "label!", coalesce(status, 'all') as "detail!", null::text as "month?",
               count(*) as "value!", count(distinct coachee_id) as "people!",
               coalesce(sum(rk), 0) as "key!",
               case when count(distinct coachee_id) < 100
                    then array_agg(distinct coachee_id) end as "who?"
        from g group by grouping sets ((skill, status), (skill))
        union all
        select skill, 'achieved_in_period', case when grouping(mon) = 0 then mon end,
               count(*), count(distinct coachee_id), coalesce(sum(rk), 0),
               case when count(distinct coachee_id) < 100
                    then array_agg(distinct coachee_id) end
        from g where status = 'achieved' and updated_at >= $7 and updated_at < $8
        group by grouping sets ((skill), (skill, mon))
        order by 1, 2, 3 nulls first"#,
        scope.org.0,
        scope.program,
        &departments,
        &groups,
        scope.from as NaiveDate,
        scope.to as NaiveDate,
        scope.starts as DateTime<Utc>,
        scope.ends as DateTime<Utc>,
        scope.time_zone,
    )
    .fetch_all(conn)
    .await
}
