-- Which kinds of alignment meeting an engagement has used and held, the kind
-- of the one being arranged, and how many goals it could share: what
-- readiness needs to tell the kinds apart (a held kickoff is not a held goal
-- alignment) and to wait for a goal as well as for sessions. Kept in the
-- engagement's progress row, like the counts beside them, so the dashboards
-- still read one row per engagement.

alter table engagement_progress
    -- Kinds of the meetings that count against the allowance (proposed,
    -- confirmed or held), and of those held; each kind once, in name order.
    add column kinds_used text[] not null default '{}',
    add column kinds_held text[] not null default '{}',
    add column open_kind text,
    -- Goals still being worked on (draft or active).
    add column goals_to_share integer not null default 0;

-- The view gains the same columns, in the same order, at its end.
create or replace view engagement_progress_computed as
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
         as open_latest_offer,
       m.kinds_used,
       m.kinds_held,
       open.kind as open_kind,
       (select count(*) from goals g
         where g.org_id = e.org_id and g.engagement_id = e.id
           and g.status in ('draft', 'active'))::integer as goals_to_share
from engagements e
left join lateral (
    select s.starts_at, s.agreed_actions from coaching_sessions s
    where s.org_id = e.org_id and s.engagement_id = e.id and s.status = 'completed'
    order by s.starts_at desc limit 1
) last on true
cross join lateral (
    select count(*) filter (where status in ('proposed', 'confirmed', 'completed')) as used,
           count(*) filter (where status = 'completed') as held,
           max(starts_at) filter (where status = 'completed') as last_held_at,
           coalesce(array_agg(distinct kind order by kind)
                    filter (where status in ('proposed', 'confirmed', 'completed')), '{}')
             as kinds_used,
           coalesce(array_agg(distinct kind order by kind) filter (where status = 'completed'),
                    '{}') as kinds_held
    from alignment_meetings where org_id = e.org_id and engagement_id = e.id
) m
cross join lateral (
    select count(*) filter (where status = 'approved') as approved,
           bool_or(status = 'pending') as pending
    from alignment_requests where org_id = e.org_id and engagement_id = e.id
) r
left join lateral (
    select id, starts_at, kind from alignment_meetings
    where org_id = e.org_id and engagement_id = e.id and status in ('proposed', 'confirmed')
    order by created_at desc limit 1
) open on true;

create or replace function refresh_engagement_progress(orgs uuid[], engagements uuid[]) returns void
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
        open_latest_offer = excluded.open_latest_offer,
        kinds_used = excluded.kinds_used,
        kinds_held = excluded.kinds_held,
        open_kind = excluded.open_kind,
        goals_to_share = excluded.goals_to_share
$$;
revoke execute on function refresh_engagement_progress(uuid[], uuid[]) from public;

-- Goals are facts of the row now: the same three triggers as the other tables.
create trigger goals_progress_insert after insert on goals referencing new table as new_rows
    for each statement execute function engagement_facts_changed();
create trigger goals_progress_update after update on goals referencing old table as old_rows
    new table as new_rows for each statement execute function engagement_facts_changed();
create trigger goals_progress_delete after delete on goals referencing old table as old_rows
    for each statement execute function engagement_facts_changed();

-- The rows already there, written afresh. Row-level security is forced even
-- for the owner, and a migration has no organisation in scope, so the tables
-- read and written here let the owner through for this transaction only
-- (without this, a non-superuser owner would silently change nothing).
alter table engagements no force row level security;
alter table coaching_sessions no force row level security;
alter table activity_assignments no force row level security;
alter table alignment_meetings no force row level security;
alter table alignment_requests no force row level security;
alter table alignment_candidate_times no force row level security;
alter table goals no force row level security;
alter table engagement_progress no force row level security;

select refresh_engagement_progress(array_agg(org_id order by org_id, id),
                                   array_agg(id order by org_id, id))
from engagements;

alter table engagements force row level security;
alter table coaching_sessions force row level security;
alter table activity_assignments force row level security;
alter table alignment_meetings force row level security;
alter table alignment_requests force row level security;
alter table alignment_candidate_times force row level security;
alter table goals force row level security;
alter table engagement_progress force row level security;
