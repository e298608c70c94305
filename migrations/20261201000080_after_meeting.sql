-- After the meeting: the debrief follows the pulse check the coach and coachee
-- hold once the invitees have left, and a meeting's page can show what its
-- invitees did (the trail) without reading the whole audit log.

-- The pulse check. The earlier debrief's three fields stay: `stood_out` is what
-- stood out to the coachee, `coaching_changes` how the coaching changes, and
-- `how_it_went` — asked by the first debrief form only — is kept and shown
-- as it was written, but no longer asked.
alter table alignment_debriefs
    add column feeling text not null default '' check (length(feeling) <= 2000),
    add column others_stood_out text not null default ''
        check (length(others_stood_out) <= 2000),
    add column next_steps text not null default '' check (length(next_steps) <= 2000),
    -- Whether the next coaching session goes deeper into what came up; null
    -- while the coachee has not decided.
    add column go_deeper boolean;

-- Which meeting and which invite a guest's action was about. Not foreign keys:
-- the audit log records what happened and outlives nothing it refers to, and
-- an entry is never refused for the sake of a reference.
alter table audit_events
    add column meeting_id uuid,
    add column invite_id uuid;
create index audit_events_by_meeting on audit_events (org_id, meeting_id, occurred_at)
    where meeting_id is not null;

-- The guest entries written before these columns named their meeting only in
-- words: the manager's name and email as the actor, the meeting's kind and the
-- coachee's name as the subject. Each is matched to the newest invite of that
-- person, for that kind and coachee, made before the entry; an entry that
-- matches nothing (a name changed since) keeps no meeting.
--
-- Row-level security is forced for the tables' owner, and a migration has no
-- organisation in scope, so these tables let the owner through for this
-- transaction only.
alter table audit_events no force row level security;
alter table guest_invites no force row level security;
alter table alignment_meetings no force row level security;
alter table engagements no force row level security;

-- Each invite's words are written once and joined to the entries by equality
-- (a hash join), rather than searched for each entry.
update audit_events e
set meeting_id = found.meeting_id, invite_id = found.invite_id
from (
    with spoken as (
        select i.org_id, i.meeting_id, i.id as invite_id, i.created_at,
               i.name || ' <' || i.email || '> (manager, guest link)' as actor,
               (case m.kind
                    when 'kickoff' then 'Kickoff'
                    when 'initial' then 'Goal alignment'
                    when 'midpoint' then 'Midpoint check-in'
                    when 'closing' then 'Closing review'
                end) || ' alignment meeting of ' || coachee.name as subject
        from guest_invites i
        join alignment_meetings m on m.org_id = i.org_id and m.id = i.meeting_id
        join engagements en on en.org_id = m.org_id and en.id = m.engagement_id
        join users coachee on coachee.id = en.coachee_id
    )
    select distinct on (a.org_id, a.id) a.org_id, a.id, s.meeting_id, s.invite_id
    from audit_events a
    join spoken s
      on s.org_id = a.org_id and s.actor = a.actor and s.subject = a.subject
     and s.created_at <= a.occurred_at
    where a.action like 'guest.%' and a.meeting_id is null
    order by a.org_id, a.id, s.created_at desc
) found
where e.org_id = found.org_id and e.id = found.id;

alter table audit_events force row level security;
alter table guest_invites force row level security;
alter table alignment_meetings force row level security;
alter table engagements force row level security;
