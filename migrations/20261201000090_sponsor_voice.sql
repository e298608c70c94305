-- The sponsor's voice, and the coach in it from the start (issue 18).
--
-- A manager or other sponsor answers questions that follow the meeting's
-- kind, so answers are kept per invite and question rather than in three
-- fixed columns: a meeting with several invitees gives each their own. The
-- coachee and coach may rewrite the agenda until the meeting starts. A
-- coaching session may be the preparation for a named meeting.

create table guest_answers (
    org_id uuid not null references organizations (id) on delete cascade,
    invite_id uuid not null,
    -- The question's stable key (alignment::questions), never its wording,
    -- so rewording a question keeps its answers.
    question text not null check (question ~ '^[a-z_]{1,40}$'),
    answer text not null check (length(answer) <= 2000),
    updated_at timestamptz not null default now(),
    primary key (org_id, invite_id, question),
    foreign key (org_id, invite_id) references guest_invites (org_id, id)
);
select enable_tenant_isolation('guest_answers');
grant select, insert, update, delete on guest_answers to triad_app;

alter table alignment_meetings
    -- The agenda as the coachee or coach rewrote it, one item per line, an
    -- item perhaps ending in its minutes ("(10 min)"). Null: the kind's
    -- standard agenda, followed by the coachee's extra items in `agenda`.
    add column agenda_lines text check (length(agenda_lines) <= 4000),
    add column agenda_changed_at timestamptz;

alter table coaching_sessions
    -- The alignment meeting this session prepares the coachee for, if any:
    -- of the same organisation (the key says so) and engagement (the app).
    add column prepares_meeting_id uuid,
    add constraint coaching_sessions_prepares_meeting
        foreign key (org_id, prepares_meeting_id) references alignment_meetings (org_id, id);
create index coaching_sessions_preparing on coaching_sessions (org_id, prepares_meeting_id)
    where prepares_meeting_id is not null;

-- The answers already given move to the new table, under the keys of the
-- three questions that were asked then. Row-level security is forced even
-- for the owner, and a migration has no organisation in scope, so the two
-- tables let the owner through for this transaction only.
alter table guest_invites no force row level security;
alter table guest_answers no force row level security;

insert into guest_answers (org_id, invite_id, question, answer, updated_at)
select i.org_id, i.id, a.question, a.answer, coalesce(i.answered_at, i.created_at)
from guest_invites i
cross join lateral (values ('strengths', i.strengths), ('growth', i.growth),
                           ('support', i.support)) as a (question, answer)
where a.answer <> '';

alter table guest_invites force row level security;
alter table guest_answers force row level security;

-- Nothing reads the old columns any more; dropping them keeps anyone from
-- writing answers nobody would see.
alter table guest_invites
    drop column strengths,
    drop column growth,
    drop column support;
