-- Several invitees (issue 18): a meeting invites the line manager and, where
-- there is one, another sponsor — up to three people, each with their own
-- link, answers, time zone and answer to the time.

alter table guest_invites
    -- Who the invitee is to the coachee. The one manager invite of a meeting
    -- is the one "invite a different manager" replaces; sponsors are added
    -- and removed one by one.
    add column role text not null default 'manager' check (role in ('manager', 'sponsor')),
    -- The time this invitee said works for them (accepted) or asked for
    -- (proposed). With several invitees an accept is a vote, not the time.
    add column rsvp_starts_at timestamptz;

-- An invitee taken off a meeting is 'removed': their link says so, and the
-- others' links keep working.
alter table guest_invites drop constraint guest_invites_revoked_reason_check;
alter table guest_invites add constraint guest_invites_revoked_reason_check
    check (revoked_reason in ('cancelled', 'replaced', 'removed'));

-- One live invite per person per meeting, rather than per meeting. How many
-- live invites a meeting may have (three) is counted by the app under the
-- meeting's planning lock; an index cannot count.
drop index guest_invites_live;
create unique index guest_invites_live on guest_invites (org_id, meeting_id, lower(email))
    where revoked_at is null;

-- Which invite proposed a time, when an invitee did (proposed_by = 'manager'
-- then stands for "an invitee"); a newer proposal of the same invitee
-- replaces theirs, not another's.
alter table alignment_candidate_times
    add column proposed_by_invite uuid,
    add constraint alignment_candidate_times_proposed_by_invite
        foreign key (org_id, proposed_by_invite) references guest_invites (org_id, id);

-- The rows already there. Row-level security is forced even for the owner,
-- and a migration has no organisation in scope, so the tables read and
-- written here let the owner through for this transaction only.
alter table guest_invites no force row level security;
alter table alignment_candidate_times no force row level security;
alter table outbox_messages no force row level security;

-- A time a manager proposed was theirs: the one invite of its meeting made
-- before it.
update alignment_candidate_times c
set proposed_by_invite = (
    select i.id from guest_invites i
    where i.org_id = c.org_id and i.meeting_id = c.meeting_id and i.created_at <= c.created_at
    order by i.created_at desc limit 1)
where c.proposed_by = 'manager' and c.proposed_by_invite is null;

-- The manager's answer keeps the time it was about, where one is set.
update guest_invites i
set rsvp_starts_at = m.starts_at
from alignment_meetings m
where m.org_id = i.org_id and m.id = i.meeting_id
  and i.rsvp = 'accepted' and i.rsvp_starts_at is null;

-- Mail still queued for the manager under the meeting-wide keys moves to the
-- keys of their invite, so the next change replaces it instead of sending a
-- second copy.
update outbox_messages o
set dedupe_key = 'alignment-' || i.meeting_id || '-' || k.kind || '-invite-' || i.id
from guest_invites i
cross join (values ('reminder'), ('calendar'), ('invitation')) as k (kind)
where o.status = 'queued'
  and o.org_id = i.org_id
  and i.revoked_at is null
  and o.dedupe_key = case k.kind
                         when 'invitation' then 'alignment-' || i.meeting_id || '-invitation'
                         else 'alignment-' || i.meeting_id || '-' || k.kind || '-manager'
                     end;

alter table guest_invites force row level security;
alter table alignment_candidate_times force row level security;
alter table outbox_messages force row level security;
