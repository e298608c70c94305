//! The report's aggregate queries: PostgreSQL counts, the app only arranges.
//! Every figure comes with the number of distinct coachees behind it, so the
//! report can hide what describes too few people. Nothing here selects a word
//! anyone wrote: skills are counted by their framework name, free-text focus
//! areas only as a number.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::TenantId;

mod quiet;
pub use quiet::{
    Quiet, organisations_nudging, quiet_engagement_for_nudge, quiet_engagements, record_nudge,
};

/// The programme and period a report is about, and how its departments group.
#[derive(Clone, Debug)]
pub struct Scope {
    pub org: TenantId,
    pub program: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The period as instants: from the start of `from` to the end of `to`.
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    /// Days between sessions that keep the programme's cadence.
    pub cadence_days: i32,
    /// (department, group) pairs; departments not listed report under their own name.
    pub groups: Vec<(String, String)>,
    /// The zone months are counted in.
    pub time_zone: String,
}

/// One figure for the whole programme (`grp` None) or for one group: over
/// the whole period (`month` None), or, for counts of things that happen,
/// one month of it. `key` is the sum of the counted records' keys (see
/// `reporting::noise`); `people` the distinct coachees behind the figure.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Figure {
    pub grp: Option<String>,
    pub metric: String,
    pub month: Option<String>,
    pub value: Option<f64>,
    pub people: i64,
    pub key: i64,
    /// The coachees behind a small figure ([`WHO`]).
    pub who: Option<Vec<Uuid>>,
}

/// A labelled count, for the programme as a whole: over the period (`month`
/// None) or one month of it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Tally {
    pub label: String,
    pub detail: String,
    pub month: Option<String>,
    pub value: i64,
    pub people: i64,
    pub key: i64,
    /// The coachees behind a small figure ([`WHO`]).
    pub who: Option<Vec<Uuid>>,
}

/// The coachees behind a figure of fewer than 100 (the highest threshold), so
/// small figures together count distinct people (`reporting::people_in`).
const WHO: &str =
    "case when count(distinct coachee_id) < 100 then array_agg(distinct coachee_id) end";

/// [`WHO`] over the rows where `filter` holds.
fn who(filter: &str) -> String {
    let people = format!("distinct coachee_id) filter (where {filter})");
    format!("case when count({people} < 100 then array_agg({people} end")
}

/// Plans the report's queries for the period at hand: a period runs from a
/// month to three years, and planning is cheap next to counting.
pub async fn plan_for_period(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query("set local plan_cache_mode = force_custom_plan")
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
    sqlx::query_as(
        "select department, count(distinct coachee_id) from engagements
         where org_id = $1 and program_id = $2 and starts_on <= $4 and ends_on >= $3
         group by department order by department",
    )
    .bind(org.0)
    .bind(program)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// The engagements of the report: in the programme, overlapping the period,
/// each with its department's group and its record key (`rk`).
const ENGAGEMENTS: &str = "
    groups (department, grp) as (select * from unnest($3::text[], $4::text[])),
    eng as materialized (
        select e.id, e.coachee_id, e.status, e.starts_on, coalesce(g.grp, e.department) as grp,
               e.report_key, report_record_key(e.report_key, e.id::text) as rk
        from engagements e left join groups g on g.department = e.department
        where e.org_id = $1 and e.program_id = $2 and e.starts_on <= $6 and e.ends_on >= $5
    )";

/// A query over the report's engagements (`ENGAGEMENTS`), with its first six
/// parameters bound: org, program, departments, groups, from, to.
fn over_engagements<'q, T>(
    sql: &'q str,
    scope: &Scope,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, T, sqlx::postgres::PgArguments>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let (departments, groups): (Vec<String>, Vec<String>) = scope.groups.iter().cloned().unzip();
    sqlx::query_as(sql)
        .bind(scope.org.0)
        .bind(scope.program)
        .bind(departments)
        .bind(groups)
        .bind(scope.from)
        .bind(scope.to)
}

/// A count of things that happen, for the programme and each group, over the
/// period and month by month: `value`, `people` and `key` are aggregates over
/// the rows of `source` where `filter` holds; `mon` is the row's month ('-'
/// for rows with none, which the filter leaves out).
fn happening(metric: &str, source: &str, filter: &str, mon: &str) -> String {
    format!(
        "select grp, '{metric}', case when grouping({mon}) = 0 then coalesce({mon}, '-') end,
                count(*) filter (where {filter})::float8,
                count(distinct coachee_id) filter (where {filter}),
                coalesce(sum(rk) filter (where {filter}), 0), {who}
           from {source} group by grouping sets ((grp), (), (grp, {mon}), ({mon}))",
        who = who(filter)
    )
}

/// An active engagement keeps the cadence: a completed session (or its start)
/// within the cadence before the end of the period.
const KEPT: &str = "coalesce(last_at, starts_on::timestamptz) >= $8 - make_interval(days => $9)";

/// Every figure of the report, for the programme and for each group, in one
/// statement. Binds: org, program, departments, groups, from, to, period start,
/// period end, cadence days, the zone months are counted in.
pub async fn figures(conn: &mut PgConnection, scope: &Scope) -> sqlx::Result<Vec<Figure>> {
    let month = |at: &str| format!("to_char({at} at time zone $10, 'YYYY-MM')");
    let sql = format!(
        "with {ENGAGEMENTS},
        assigned as materialized (
            select a.session_id, a.assigned_at, a.completed_at, eng.coachee_id, eng.grp,
                   report_record_key(eng.report_key, a.session_id::text || a.activity_id::text) as rk,
                   {assigned_mon} as assigned_mon, {completed_mon} as completed_mon
            from activity_assignments a join eng on a.engagement_id = eng.id
            where a.org_id = $1
        ),
        sess as materialized (
            select s.id, s.status, s.starts_at, eng.coachee_id, eng.grp,
                   report_record_key(eng.report_key, s.id::text) as rk, {session_mon} as mon,
                   s.id in (select session_id from assigned) as assigned
            from coaching_sessions s join eng on s.engagement_id = eng.id
            where s.org_id = $1 and s.starts_at >= $7 and s.starts_at < $8
        ),
        last_done as (
            select eng.id, eng.coachee_id, eng.grp, eng.starts_on, eng.rk,
                   (select max(s.starts_at) from coaching_sessions s
                     where s.org_id = $1 and s.engagement_id = eng.id
                       and s.status = 'completed' and s.starts_at < $8) as last_at
            from eng where eng.status = 'active'
        ),
        meet as materialized (
            select m.id, m.status, m.starts_at, m.engagement_id, eng.coachee_id, eng.grp,
                   report_record_key(eng.report_key, m.id::text) as rk, {meeting_mon} as mon,
                   coalesce(i.invited, false) as invited, coalesce(i.opened, false) as opened,
                   coalesce(i.accepted, false) or m.status = 'completed' as accepted
            from alignment_meetings m join eng on m.engagement_id = eng.id
            left join lateral (
                select true as invited, bool_or(first_opened_at is not null) as opened,
                       bool_or(rsvp = 'accepted') as accepted
                from guest_invites where org_id = m.org_id and meeting_id = m.id
                having count(*) > 0
            ) i on true
            where m.org_id = $1 and m.created_at >= $7 and m.created_at < $8
        ),
        first_held as (
            select eng.id, eng.coachee_id, eng.grp, eng.rk,
                   min(m.starts_at) filter (where m.status = 'completed') as held_at, eng.starts_on
            from eng left join alignment_meetings m
              on m.org_id = $1 and m.engagement_id = eng.id and m.starts_at < $8
            group by eng.id, eng.coachee_id, eng.grp, eng.rk, eng.starts_on
        ),
        req as (
            select r.status, eng.coachee_id, eng.grp,
                   report_record_key(eng.report_key, r.id::text) as rk, {request_mon} as mon
            from alignment_requests r join eng on r.engagement_id = eng.id
            where r.org_id = $1 and r.created_at >= $7 and r.created_at < $8
        )
        select grp, 'coachees' as metric, null::text as month,
               count(distinct coachee_id)::float8 as value,
               count(distinct coachee_id) as people, coalesce(sum(rk), 0) as key, {WHO} as who
          from eng group by grouping sets ((grp), ())
        union all
        select grp, 'engagements_' || st, null, count(e.id) filter (where e.status = st)::float8,
               count(distinct e.coachee_id) filter (where e.status = st),
               coalesce(sum(e.rk) filter (where e.status = st), 0), {who_st}
          from eng e cross join unnest(array['active', 'paused', 'completed', 'cancelled']) st
          group by grouping sets ((grp, st), (st))
        union all
        select grp, 'engagements', null, count(*)::float8, count(distinct coachee_id),
               coalesce(sum(rk), 0), {WHO}
          from eng group by grouping sets ((grp), ())
        union all
        {sessions_completed}
        union all
        {sessions_ended}
        union all
        {sessions_with_activity}
        union all
        select grp, 'cadence_kept', null,
               count(*) filter (where {kept})::float8,
               count(distinct coachee_id) filter (where {kept}),
               coalesce(sum(rk) filter (where {kept}), 0), {who_kept}
          from last_done group by grouping sets ((grp), ())
        union all
        {activities_assigned}
        union all
        {activities_completed}
        union all
        {meetings_invited}
        union all
        {meetings_opened}
        union all
        {meetings_accepted}
        union all
        {meetings_held}
        union all
        select grp, 'engagements_with_meeting_held', null,
               count(*) filter (where held_at is not null)::float8,
               count(distinct coachee_id) filter (where held_at is not null),
               coalesce(sum(rk) filter (where held_at is not null), 0), {who_held}
          from first_held group by grouping sets ((grp), ())
        union all
        select grp, 'days_to_first_meeting', null,
               percentile_cont(0.5) within group (order by (held_at::date - starts_on))
                 filter (where held_at is not null),
               count(distinct coachee_id) filter (where held_at is not null),
               coalesce(sum(rk) filter (where held_at is not null), 0), {who_held}
          from first_held group by grouping sets ((grp), ())
        union all
        select grp, 'requests_' || st, case when grouping(mon) = 0 then mon end,
               count(r.status) filter (where r.status = st)::float8,
               count(distinct r.coachee_id) filter (where r.status = st),
               coalesce(sum(r.rk) filter (where r.status = st), 0), {who_st}
          from req r cross join unnest(array['pending', 'approved', 'declined']) st
          group by grouping sets ((grp, st), (st), (grp, st, mon), (st, mon))",
        assigned_mon = month("a.assigned_at"),
        completed_mon = month("a.completed_at"),
        session_mon = month("s.starts_at"),
        meeting_mon = month("m.created_at"),
        request_mon = month("r.created_at"),
        kept = KEPT,
        who_kept = who(KEPT),
        who_st = who("status = st"),
        who_held = who("held_at is not null"),
        sessions_completed = happening("sessions_completed", "sess", "status = 'completed'", "mon"),
        sessions_ended = happening(
            "sessions_ended",
            "sess",
            "status in ('completed', 'cancelled', 'no_show')",
            "mon"
        ),
        sessions_with_activity = happening(
            "sessions_with_activity",
            "sess",
            "status = 'completed' and assigned",
            "mon"
        ),
        activities_assigned = happening(
            "activities_assigned",
            "assigned",
            "assigned_at >= $7 and assigned_at < $8",
            "assigned_mon"
        ),
        activities_completed = happening(
            "activities_completed",
            "assigned",
            "completed_at >= $7 and completed_at < $8",
            "completed_mon"
        ),
        meetings_invited = happening("meetings_invited", "meet", "invited", "mon"),
        meetings_opened = happening("meetings_opened", "meet", "opened", "mon"),
        meetings_accepted = happening("meetings_accepted", "meet", "accepted", "mon"),
        meetings_held = happening("meetings_held", "meet", "status = 'completed'", "mon"),
    );
    over_engagements(&sql, scope)
        .bind(scope.starts)
        .bind(scope.ends)
        .bind(scope.cadence_days)
        .bind(&scope.time_zone)
        .fetch_all(conn)
        .await
}

/// Completed coaching sessions per month of the period, each month a tally
/// of its own (its key the same as the month's in `figures`, so a month reads
/// the same in the chart as in the period's total).
pub async fn sessions_by_month(conn: &mut PgConnection, scope: &Scope) -> sqlx::Result<Vec<Tally>> {
    let sql = format!(
        "with {ENGAGEMENTS}
        select to_char(date_trunc('month', s.starts_at at time zone $7), 'YYYY-MM') as label,
               to_char(date_trunc('month', s.starts_at at time zone $7), 'Mon YYYY') as detail,
               null::text as month, count(*) as value, count(distinct eng.coachee_id) as people,
               coalesce(sum(report_record_key(eng.report_key, s.id::text)), 0) as key,
               case when count(distinct eng.coachee_id) < 100
                    then array_agg(distinct eng.coachee_id) end as who
        from coaching_sessions s join eng on s.engagement_id = eng.id
        where s.org_id = $1 and s.status = 'completed' and s.starts_at >= $8 and s.starts_at < $9
        group by 1, 2, 3 order by 1"
    );
    over_engagements(&sql, scope)
        .bind(&scope.time_zone)
        .bind(scope.starts)
        .bind(scope.ends)
        .fetch_all(conn)
        .await
}

/// Focus areas of the period's completed sessions, by skill, over the period
/// and month by month; sessions whose focus the coach wrote in their own
/// words are counted, never quoted, and so are those with no focus recorded,
/// so that the focus areas add up to the completed sessions.
pub async fn session_themes(conn: &mut PgConnection, scope: &Scope) -> sqlx::Result<Vec<Tally>> {
    let sql = format!(
        "with {ENGAGEMENTS},
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
        select label, '' as detail, case when grouping(mon) = 0 then mon end as month,
               count(*) as value, count(distinct coachee_id) as people,
               coalesce(sum(rk), 0) as key, {WHO} as who
        from themed group by grouping sets ((label), (label, mon))
        order by 1, 3 nulls first"
    );
    over_engagements(&sql, scope)
        .bind(scope.starts)
        .bind(scope.ends)
        .bind(&scope.time_zone)
        .fetch_all(conn)
        .await
}

/// Goals by skill and status at the end of the period (`detail` is the status),
/// all of a skill's goals whatever their status (`all`: its people are the
/// distinct coachees, not the sum over statuses, since one coachee may have
/// goals in several), plus, as status `achieved_in_period`, those achieved during it, over the
/// period and month by month.
pub async fn goals_by_skill(conn: &mut PgConnection, scope: &Scope) -> sqlx::Result<Vec<Tally>> {
    let sql = format!(
        "with {ENGAGEMENTS},
        g as (
            select coalesce(k.name, 'No skill chosen') as skill, g.status, g.updated_at,
                   eng.coachee_id, report_record_key(eng.report_key, g.id::text) as rk,
                   to_char(g.updated_at at time zone $9, 'YYYY-MM') as mon
            from goals g join eng on g.engagement_id = eng.id
            left join skills k on k.org_id = g.org_id and k.id = g.skill_id
            where g.org_id = $1 and g.created_at < $8
        )
        select skill as label, coalesce(status, 'all') as detail, null::text as month,
               count(*) as value, count(distinct coachee_id) as people,
               coalesce(sum(rk), 0) as key, {WHO} as who
        from g group by grouping sets ((skill, status), (skill))
        union all
        select skill, 'achieved_in_period', case when grouping(mon) = 0 then mon end,
               count(*), count(distinct coachee_id), coalesce(sum(rk), 0), {WHO}
        from g where status = 'achieved' and updated_at >= $7 and updated_at < $8
        group by grouping sets ((skill), (skill, mon))
        order by 1, 2, 3 nulls first"
    );
    over_engagements(&sql, scope)
        .bind(scope.starts)
        .bind(scope.ends)
        .bind(&scope.time_zone)
        .fetch_all(conn)
        .await
}
