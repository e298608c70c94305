//! Every figure of the report in one statement, written out in full so the
//! build checks it against the schema.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::scope::{Figure, Scope, group_arrays};

/// Every figure of the report, for the programme and for each group, in one
/// statement. Binds: org, program, departments, groups, from, to, period start,
/// period end, cadence days, the zone months are counted in.
///
/// How to read it: `eng` is the report's engagements (as in the tallies of
/// `db::reporting`). Each figure is a branch of the `union all`; `value`,
/// `people` and `key` are aggregates over its rows where the figure's filter
/// holds, and `who` names the coachees behind it only when they are fewer
/// than 100 (the highest threshold), so small figures together count distinct
/// people (`reporting::people_in`). Counts of things that happen also come
/// month by month (`mon`, '-' for rows with none, which the filter leaves
/// out). An active engagement keeps the cadence when a completed session (or
/// its start) falls within the cadence before the end of the period.
pub async fn figures(conn: &mut PgConnection, scope: &Scope) -> sqlx::Result<Vec<Figure>> {
    let (departments, groups) = group_arrays(scope);
    sqlx::query_as!(
        Figure,
        r#"with
        groups (department, grp) as (select * from unnest($3::text[], $4::text[])),
        eng as materialized (
            select e.id, e.coachee_id, e.status, e.starts_on, coalesce(g.grp, e.department) as grp,
                   e.report_key, report_record_key(e.report_key, e.id::text) as rk
            from engagements e left join groups g on g.department = e.department
            where e.org_id = $1 and e.program_id = $2 and e.starts_on <= $6 and e.ends_on >= $5
        ),
        assigned as materialized (
            select a.session_id, a.assigned_at, a.completed_at, eng.coachee_id, eng.grp,
                   report_record_key(eng.report_key, a.session_id::text || a.activity_id::text) as rk,
                   to_char(a.assigned_at at time zone $10, 'YYYY-MM') as assigned_mon,
                   to_char(a.completed_at at time zone $10, 'YYYY-MM') as completed_mon
            from activity_assignments a join eng on a.engagement_id = eng.id
            where a.org_id = $1
        ),
        sess as materialized (
            select s.id, s.status, s.starts_at, eng.coachee_id, eng.grp,
                   report_record_key(eng.report_key, s.id::text) as rk,
                   to_char(s.starts_at at time zone $10, 'YYYY-MM') as mon,
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
                   report_record_key(eng.report_key, m.id::text) as rk,
                   to_char(m.created_at at time zone $10, 'YYYY-MM') as mon,
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
                   report_record_key(eng.report_key, r.id::text) as rk,
                   to_char(r.created_at at time zone $10, 'YYYY-MM') as mon
            from alignment_requests r join eng on r.engagement_id = eng.id
            where r.org_id = $1 and r.created_at >= $7 and r.created_at < $8
        )
        select grp as "grp?", 'coachees' as "metric!", null::text as "month?",
               count(distinct coachee_id)::float8 as "value?",
               count(distinct coachee_id) as "people!", coalesce(sum(rk), 0) as "key!",
               case when count(distinct coachee_id) < 100
                    then array_agg(distinct coachee_id) end as "who?"
          from eng group by grouping sets ((grp), ())
        union all
        select grp, 'engagements_' || st, null, count(e.id) filter (where e.status = st)::float8,
               count(distinct e.coachee_id) filter (where e.status = st),
               coalesce(sum(e.rk) filter (where e.status = st), 0),
               case when count(distinct coachee_id) filter (where status = st) < 100
                    then array_agg(distinct coachee_id) filter (where status = st) end
          from eng e cross join unnest(array['active', 'paused', 'completed', 'cancelled']) st
          group by grouping sets ((grp, st), (st))
        union all
        select grp, 'engagements', null, count(*)::float8, count(distinct coachee_id),
               coalesce(sum(rk), 0),
               case when count(distinct coachee_id) < 100
                    then array_agg(distinct coachee_id) end
          from eng group by grouping sets ((grp), ())
        union all
        select grp, 'sessions_completed', case when grouping(mon) = 0 then coalesce(mon, '-') end,
                count(*) filter (where status = 'completed')::float8,
                count(distinct coachee_id) filter (where status = 'completed'),
                coalesce(sum(rk) filter (where status = 'completed'), 0),
                case when count(distinct coachee_id) filter (where status = 'completed') < 100
                     then array_agg(distinct coachee_id) filter (where status = 'completed') end
           from sess group by grouping sets ((grp), (), (grp, mon), (mon))
        union all
        select grp, 'sessions_ended', case when grouping(mon) = 0 then coalesce(mon, '-') end,
                count(*) filter (where status in ('completed', 'cancelled', 'no_show'))::float8,
                count(distinct coachee_id)
                  filter (where status in ('completed', 'cancelled', 'no_show')),
                coalesce(sum(rk) filter (where status in ('completed', 'cancelled', 'no_show')), 0),
                case when count(distinct coachee_id)
                            filter (where status in ('completed', 'cancelled', 'no_show')) < 100
                     then array_agg(distinct coachee_id)
                            filter (where status in ('completed', 'cancelled', 'no_show')) end
           from sess group by grouping sets ((grp), (), (grp, mon), (mon))
        union all
        select grp, 'sessions_with_activity',
                case when grouping(mon) = 0 then coalesce(mon, '-') end,
                count(*) filter (where status = 'completed' and assigned)::float8,
                count(distinct coachee_id) filter (where status = 'completed' and assigned),
                coalesce(sum(rk) filter (where status = 'completed' and assigned), 0),
                case when count(distinct coachee_id)
                            filter (where status = 'completed' and assigned) < 100
                     then array_agg(distinct coachee_id)
                            filter (where status = 'completed' and assigned) end
           from sess group by grouping sets ((grp), (), (grp, mon), (mon))
        union all
        select grp, 'cadence_kept', null,
               count(*) filter (where coalesce(last_at, starts_on::timestamptz)
                                      >= $8 - make_interval(days => $9))::float8,
               count(distinct coachee_id) filter (where coalesce(last_at, starts_on::timestamptz)
                                                      >= $8 - make_interval(days => $9)),
               coalesce(sum(rk) filter (where coalesce(last_at, starts_on::timestamptz)
                                              >= $8 - make_interval(days => $9)), 0),
               case when count(distinct coachee_id)
                           filter (where coalesce(last_at, starts_on::timestamptz)
                                         >= $8 - make_interval(days => $9)) < 100
                    then array_agg(distinct coachee_id)
                           filter (where coalesce(last_at, starts_on::timestamptz)
                                         >= $8 - make_interval(days => $9)) end
          from last_done group by grouping sets ((grp), ())
        union all
        select grp, 'activities_assigned',
                case when grouping(assigned_mon) = 0 then coalesce(assigned_mon, '-') end,
                count(*) filter (where assigned_at >= $7 and assigned_at < $8)::float8,
                count(distinct coachee_id) filter (where assigned_at >= $7 and assigned_at < $8),
                coalesce(sum(rk) filter (where assigned_at >= $7 and assigned_at < $8), 0),
                case when count(distinct coachee_id)
                            filter (where assigned_at >= $7 and assigned_at < $8) < 100
                     then array_agg(distinct coachee_id)
                            filter (where assigned_at >= $7 and assigned_at < $8) end
           from assigned group by grouping sets ((grp), (), (grp, assigned_mon), (assigned_mon))
        union all
        select grp, 'activities_completed',
                case when grouping(completed_mon) = 0 then coalesce(completed_mon, '-') end,
                count(*) filter (where completed_at >= $7 and completed_at < $8)::float8,
                count(distinct coachee_id) filter (where completed_at >= $7 and completed_at < $8),
                coalesce(sum(rk) filter (where completed_at >= $7 and completed_at < $8), 0),
                case when count(distinct coachee_id)
                            filter (where completed_at >= $7 and completed_at < $8) < 100
                     then array_agg(distinct coachee_id)
                            filter (where completed_at >= $7 and completed_at < $8) end
           from assigned
           group by grouping sets ((grp), (), (grp, completed_mon), (completed_mon))
        union all
        select grp, 'meetings_invited', case when grouping(mon) = 0 then coalesce(mon, '-') end,
                count(*) filter (where invited)::float8,
                count(distinct coachee_id) filter (where invited),
                coalesce(sum(rk) filter (where invited), 0),
                case when count(distinct coachee_id) filter (where invited) < 100
                     then array_agg(distinct coachee_id) filter (where invited) end
           from meet group by grouping sets ((grp), (), (grp, mon), (mon))
        union all
        select grp, 'meetings_opened', case when grouping(mon) = 0 then coalesce(mon, '-') end,
                count(*) filter (where opened)::float8,
                count(distinct coachee_id) filter (where opened),
                coalesce(sum(rk) filter (where opened), 0),
                case when count(distinct coachee_id) filter (where opened) < 100
                     then array_agg(distinct coachee_id) filter (where opened) end
           from meet group by grouping sets ((grp), (), (grp, mon), (mon))
        union all
        select grp, 'meetings_accepted', case when grouping(mon) = 0 then coalesce(mon, '-') end,
                count(*) filter (where accepted)::float8,
                count(distinct coachee_id) filter (where accepted),
                coalesce(sum(rk) filter (where accepted), 0),
                case when count(distinct coachee_id) filter (where accepted) < 100
                     then array_agg(distinct coachee_id) filter (where accepted) end
           from meet group by grouping sets ((grp), (), (grp, mon), (mon))
        union all
        select grp, 'meetings_held', case when grouping(mon) = 0 then coalesce(mon, '-') end,
                count(*) filter (where status = 'completed')::float8,
                count(distinct coachee_id) filter (where status = 'completed'),
                coalesce(sum(rk) filter (where status = 'completed'), 0),
                case when count(distinct coachee_id) filter (where status = 'completed') < 100
                     then array_agg(distinct coachee_id) filter (where status = 'completed') end
           from meet group by grouping sets ((grp), (), (grp, mon), (mon))
        union all
        select grp, 'engagements_with_meeting_held', null,
               count(*) filter (where held_at is not null)::float8,
               count(distinct coachee_id) filter (where held_at is not null),
               coalesce(sum(rk) filter (where held_at is not null), 0),
               case when count(distinct coachee_id) filter (where held_at is not null) < 100
                    then array_agg(distinct coachee_id) filter (where held_at is not null) end
          from first_held group by grouping sets ((grp), ())
        union all
        select grp, 'days_to_first_meeting', null,
               percentile_cont(0.5) within group (order by (held_at::date - starts_on))
                 filter (where held_at is not null),
               count(distinct coachee_id) filter (where held_at is not null),
               coalesce(sum(rk) filter (where held_at is not null), 0),
               case when count(distinct coachee_id) filter (where held_at is not null) < 100
                    then array_agg(distinct coachee_id) filter (where held_at is not null) end
          from first_held group by grouping sets ((grp), ())
        union all
        select grp, 'requests_' || st, case when grouping(mon) = 0 then mon end,
               count(r.status) filter (where r.status = st)::float8,
               count(distinct r.coachee_id) filter (where r.status = st),
               coalesce(sum(r.rk) filter (where r.status = st), 0),
               case when count(distinct coachee_id) filter (where status = st) < 100
                    then array_agg(distinct coachee_id) filter (where status = st) end
          from req r cross join unnest(array['pending', 'approved', 'declined']) st
          group by grouping sets ((grp, st), (st), (grp, st, mon), (st, mon))"#,
        scope.org.0,
        scope.program,
        &departments,
        &groups,
        scope.from as NaiveDate,
        scope.to as NaiveDate,
        scope.starts as DateTime<Utc>,
        scope.ends as DateTime<Utc>,
        scope.cadence_days,
        scope.time_zone,
    )
    .fetch_all(conn)
    .await
}
