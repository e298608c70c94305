-- Where each engagement stands, kept up to date as its facts change.
--
-- The dashboards show, for every engagement, its next session, the last one
-- completed and what was agreed there, the open activities, and where the
-- alignment meetings stand. Worked out from the facts on every page view that
-- is a handful of index look-ups per engagement — forty engagements, a few
-- hundred look-ups, milliseconds of database time for one coach's dashboard.
-- Instead the database keeps one row per engagement, written again whenever a
-- statement changes its sessions, activities, meetings, offered times or
-- requests for another meeting. Pages read that row; nothing else writes it.
--
-- The row is derived, never entered: `engagement_progress_computed` says how
-- it follows from the facts, the triggers below apply it to the engagements a
-- statement touched, and a test holds the two against each other.

create table engagement_progress (
    org_id uuid not null,
    engagement_id uuid not null,
    -- Every scheduled session's start, soonest first; the page picks the
    -- first one still ahead, as "next" moves with the clock.
    scheduled_starts timestamptz[] not null default '{}',
    completed_sessions integer not null default 0,
    last_completed_at timestamptz,
    last_agreed_actions text,
    open_activities integer not null default 0,
    -- Alignment meetings that count against the programme's allowance
    -- (proposed, confirmed or held), those held, and the last held.
    meetings_used integer not null default 0,
    meetings_held integer not null default 0,
    last_held_at timestamptz,
    -- Requests for a meeting beyond the allowance.
    extra_approved integer not null default 0,
    extra_pending boolean not null default false,
    -- The meeting being arranged or about to happen, if any.
    open_meeting uuid,
    open_starts_at timestamptz,
    open_latest_offer timestamptz,
    primary key (org_id, engagement_id),
    foreign key (org_id, engagement_id) references engagements (org_id, id) on delete cascade
);

select enable_tenant_isolation('engagement_progress');
-- Read by the application; written only by the triggers' function.
grant select on engagement_progress to triad_app;

-- How the row follows from the facts (not granted to the application).
create view engagement_progress_computed as
select e.org_id,
       e.id as engagement_id,
       coalesce((select array_agg(s.starts_at order by s.starts_at)
                 from coaching_sessions s
                 where s.org_id = e.org_id and s.engagement_id = e.id
                   and s.status = 'scheduled' and s.starts_at is not null), '{}') as scheduled_starts,
       (select count(*) from coaching_sessions s
         where s.org_id = e.org_id and s.engagement_id = e.id and s.status = 'completed')::integer
         as completed_sessions,
       last.starts_at as last_completed_at,
       last.agreed_actions as last_agreed_actions,
       (select count(*) from activity_assignments a
         where a.org_id = e.org_id and a.engagement_id = e.id and a.completed_at is null)::integer
         as open_activities,
       m.used::integer as meetings_used,
       m.held::integer as meetings_held,
       m.last_held_at,
       r.approved::integer as extra_approved,
       coalesce(r.pending, false) as extra_pending,
       open.id as open_meeting,
       open.starts_at as open_starts_at,
       (select max(c.starts_at) from alignment_candidate_times c
         where c.org_id = e.org_id and c.meeting_id = open.id and c.withdrawn_at is null)
         as open_latest_offer
from engagements e
left join lateral (
    select s.starts_at, s.agreed_actions from coaching_sessions s
    where s.org_id = e.org_id and s.engagement_id = e.id and s.status = 'completed'
    order by s.starts_at desc limit 1
) last on true
cross join lateral (
    select count(*) filter (where status in ('proposed', 'confirmed', 'completed')) as used,
           count(*) filter (where status = 'completed') as held,
           max(starts_at) filter (where status = 'completed') as last_held_at
    from alignment_meetings where org_id = e.org_id and engagement_id = e.id
) m
cross join lateral (
    select count(*) filter (where status = 'approved') as approved,
           bool_or(status = 'pending') as pending
    from alignment_requests where org_id = e.org_id and engagement_id = e.id
) r
left join lateral (
    select id, starts_at from alignment_meetings
    where org_id = e.org_id and engagement_id = e.id and status in ('proposed', 'confirmed')
    order by created_at desc limit 1
) open on true;

-- Writes the rows of the given engagements afresh.
create function refresh_engagement_progress(orgs uuid[], engagements uuid[]) returns void
language sql
as $$
    insert into engagement_progress as p
    select c.* from engagement_progress_computed c
    join unnest(orgs, engagements) as changed (org_id, engagement_id)
      on changed.org_id = c.org_id and changed.engagement_id = c.engagement_id
    on conflict (org_id, engagement_id) do update set
        scheduled_starts = excluded.scheduled_starts,
        completed_sessions = excluded.completed_sessions,
        last_completed_at = excluded.last_completed_at,
        last_agreed_actions = excluded.last_agreed_actions,
        open_activities = excluded.open_activities,
        meetings_used = excluded.meetings_used,
        meetings_held = excluded.meetings_held,
        last_held_at = excluded.last_held_at,
        extra_approved = excluded.extra_approved,
        extra_pending = excluded.extra_pending,
        open_meeting = excluded.open_meeting,
        open_starts_at = excluded.open_starts_at,
        open_latest_offer = excluded.open_latest_offer
$$;
revoke execute on function refresh_engagement_progress(uuid[], uuid[]) from public;

-- After each statement on a table of an engagement's facts: refresh the
-- engagements of the rows it inserted, changed (before and after) or deleted.
-- Once per statement, so a bulk load refreshes each engagement once. Offered
-- times name their meeting, not the engagement: their triggers pass
-- 'by meeting'.
--
-- Two transactions may change one engagement's facts at once, and each works
-- out the row from what it can see. So that the later one sees the earlier
-- one's facts, and does not write its older picture over theirs, the row is
-- locked first and worked out by a later statement, whose snapshot is taken
-- once the lock is held (at read committed, the level Triad runs at), after
-- the other transaction has committed. The engagement is locked before its
-- row (key share, as a foreign key check would), so that scheduling a
-- meeting, which locks the engagement first, and another change of the same
-- engagement take their locks in one order and wait rather than deadlock.
--
-- These trigger functions run as the schema's owner, so the application
-- needs no write grant on the rows. Unless that owner is a superuser (as in
-- the embedded cluster), row-level security holds inside them too; either
-- way they only touch engagements whose facts the statement could change.
create function engagement_facts_changed() returns trigger
language plpgsql
security definer
set search_path = public, pg_temp
as $$
declare
    touched text := case when tg_nargs > 0 and tg_argv[0] = 'by meeting'
        then 'select m.org_id, m.engagement_id from %1$I r
              join alignment_meetings m on m.org_id = r.org_id and m.id = r.meeting_id'
        else 'select org_id, engagement_id from %1$I' end;
    changed text := case tg_op
        when 'INSERT' then format(touched, 'new_rows')
        when 'DELETE' then format(touched, 'old_rows')
        else format(touched, 'new_rows') || ' union ' || format(touched, 'old_rows') end;
    orgs uuid[];
    engagements uuid[];
begin
    execute format('select array_agg(org_id order by org_id, engagement_id),
                           array_agg(engagement_id order by org_id, engagement_id)
                    from (select distinct org_id, engagement_id from (%s) r) d', changed)
        into orgs, engagements;
    if engagements is null then
        return null;
    end if;
    perform 1 from engagements e
    join unnest(orgs, engagements) as c (org_id, id) on c.org_id = e.org_id and c.id = e.id
    order by e.org_id, e.id
    for key share of e;
    perform 1 from engagement_progress p
    join unnest(orgs, engagements) as c (org_id, id) on c.org_id = p.org_id and c.id = p.engagement_id
    order by p.org_id, p.engagement_id
    for update of p;
    perform refresh_engagement_progress(orgs, engagements);
    return null;
end
$$;

-- A new engagement starts with the row of an engagement with nothing done.
create function engagements_added() returns trigger
language plpgsql
security definer
set search_path = public, pg_temp
as $$
begin
    insert into engagement_progress (org_id, engagement_id)
    select org_id, id from new_rows
    on conflict do nothing;
    return null;
end
$$;

revoke execute on function engagement_facts_changed() from public;
revoke execute on function engagements_added() from public;

create trigger engagements_progress_insert after insert on engagements
    referencing new table as new_rows for each statement execute function engagements_added();

-- PostgreSQL allows transition tables on one event per trigger, hence three
-- triggers per table.
do $$
declare
    tbl text;
    arg text;
begin
    foreach tbl in array array['coaching_sessions', 'activity_assignments', 'alignment_meetings',
                               'alignment_requests', 'alignment_candidate_times'] loop
        arg := case tbl when 'alignment_candidate_times' then '''by meeting''' else '' end;
        execute format('create trigger %I after insert on %I referencing new table as new_rows
                        for each statement execute function engagement_facts_changed(%s)',
                       tbl || '_progress_insert', tbl, arg);
        execute format('create trigger %I after update on %I referencing old table as old_rows
                        new table as new_rows for each statement execute function engagement_facts_changed(%s)',
                       tbl || '_progress_update', tbl, arg);
        execute format('create trigger %I after delete on %I referencing old table as old_rows
                        for each statement execute function engagement_facts_changed(%s)',
                       tbl || '_progress_delete', tbl, arg);
    end loop;
end
$$;

-- The rows for the engagements already there. Row-level security is forced
-- even for the owner, and a migration has no organisation in scope, so the
-- tables read here let the owner through for this transaction only.
alter table engagements no force row level security;
alter table coaching_sessions no force row level security;
alter table activity_assignments no force row level security;
alter table alignment_meetings no force row level security;
alter table alignment_requests no force row level security;
alter table alignment_candidate_times no force row level security;
alter table engagement_progress no force row level security;

insert into engagement_progress select * from engagement_progress_computed;

alter table engagements force row level security;
alter table coaching_sessions force row level security;
alter table activity_assignments force row level security;
alter table alignment_meetings force row level security;
alter table alignment_requests force row level security;
alter table alignment_candidate_times force row level security;
alter table engagement_progress force row level security;
