-- Alignment meetings: the coachee, their coach and their manager align on the
-- coachee's development goals. The manager has no account and arrives through
-- a signed guest link (guest_invites). What the coachee prepares, what the coach
-- notes privately and the debrief each live in their own table, so that the
-- queries behind the manager's page cannot select them by accident.

-- The programme's switch and rules.
alter table programs
    add column alignment_enabled boolean not null default false,
    -- Meetings each engagement may hold without asking the programme team.
    add column alignment_included integer not null default 2 check (alignment_included between 1 and 10),
    -- Coaching sessions completed before the first meeting is recommended.
    add column alignment_sessions_before integer not null default 2 check (alignment_sessions_before between 0 and 20),
    -- Whether the coachee is expected to prepare with the coach in a session.
    add column alignment_prep_expected boolean not null default true,
    -- How long a manager's link keeps working after the meeting.
    add column alignment_link_days integer not null default 7 check (alignment_link_days between 1 and 90),
    -- How long before the meeting everyone is reminded.
    add column alignment_reminder_hours integer not null default 24 check (alignment_reminder_hours between 1 and 168);

-- The coach may tell a coachee they are ready before the recommended sessions are done.
alter table engagements add column alignment_advised_at timestamptz;

create table alignment_meetings (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    engagement_id uuid not null,
    kind text not null check (kind in ('kickoff', 'initial', 'midpoint', 'closing')),
    -- proposed: waiting for a time to be agreed; confirmed: the time is set;
    -- completed: held; not_held: the time passed without the meeting.
    status text not null default 'proposed'
        check (status in ('proposed', 'confirmed', 'completed', 'not_held', 'cancelled')),
    starts_at timestamptz,
    duration_minutes integer not null default 30 check (duration_minutes between 15 and 180),
    place text not null check (length(btrim(place)) between 1 and 300),
    agenda text not null check (length(agenda) <= 4000),
    -- Rises with every change a calendar must learn about (RFC 5545 SEQUENCE).
    sequence integer not null default 0,
    -- The form's one-time key: the same form sent twice makes one meeting.
    request_key uuid not null,
    created_by uuid not null references users (id),
    created_at timestamptz not null default now(),
    cancelled_at timestamptz,
    cancelled_by uuid references users (id),
    outcome_at timestamptz,
    primary key (org_id, id),
    foreign key (org_id, engagement_id) references engagements (org_id, id),
    check ((status in ('confirmed', 'completed', 'not_held')) <= (starts_at is not null)),
    unique (org_id, request_key)
);
create index alignment_meetings_of_engagement on alignment_meetings (org_id, engagement_id, created_at);
select enable_tenant_isolation('alignment_meetings');
grant select, insert, update on alignment_meetings to triad_app;

-- Times offered for a meeting: up to three from the coachee, or one the manager proposes.
create table alignment_candidate_times (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    meeting_id uuid not null,
    starts_at timestamptz not null,
    proposed_by text not null check (proposed_by in ('coachee', 'coach', 'manager')),
    note text not null default '' check (length(note) <= 500),
    withdrawn_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    foreign key (org_id, meeting_id) references alignment_meetings (org_id, id)
);
create index alignment_candidates_of_meeting on alignment_candidate_times (org_id, meeting_id, starts_at);
select enable_tenant_isolation('alignment_candidate_times');
grant select, insert, update on alignment_candidate_times to triad_app;

-- The coachee's preparation worksheet: read by the coachee and the coach only.
create table alignment_preparations (
    org_id uuid not null references organizations (id) on delete cascade,
    meeting_id uuid not null,
    success text not null default '' check (length(success) <= 2000),
    from_manager text not null default '' check (length(from_manager) <= 2000),
    off_limits text not null default '' check (length(off_limits) <= 2000),
    concerns text not null default '' check (length(concerns) <= 2000),
    opens text not null default 'coachee' check (opens in ('coachee', 'coach', 'manager')),
    closes text not null default 'coachee' check (closes in ('coachee', 'coach', 'manager')),
    coach_role text not null default 'facilitate' check (coach_role in ('facilitate', 'observe', 'clarify')),
    updated_at timestamptz not null default now(),
    primary key (org_id, meeting_id),
    foreign key (org_id, meeting_id) references alignment_meetings (org_id, id)
);
select enable_tenant_isolation('alignment_preparations');
grant select, insert, update on alignment_preparations to triad_app;

-- The coach's own preparation notes: read by the coach only.
create table alignment_coach_notes (
    org_id uuid not null references organizations (id) on delete cascade,
    meeting_id uuid not null,
    body text not null check (length(body) <= 4000),
    updated_at timestamptz not null default now(),
    primary key (org_id, meeting_id),
    foreign key (org_id, meeting_id) references alignment_meetings (org_id, id)
);
select enable_tenant_isolation('alignment_coach_notes');
grant select, insert, update on alignment_coach_notes to triad_app;

-- What the coach and coachee take from the meeting: never shown to the manager.
create table alignment_debriefs (
    org_id uuid not null references organizations (id) on delete cascade,
    meeting_id uuid not null,
    how_it_went text not null default '' check (length(how_it_went) <= 2000),
    stood_out text not null default '' check (length(stood_out) <= 2000),
    coaching_changes text not null default '' check (length(coaching_changes) <= 2000),
    updated_at timestamptz not null default now(),
    primary key (org_id, meeting_id),
    foreign key (org_id, meeting_id) references alignment_meetings (org_id, id)
);
select enable_tenant_isolation('alignment_debriefs');
grant select, insert, update on alignment_debriefs to triad_app;

-- One manager's invitation to one meeting, reached by a signed link.
create table guest_invites (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    meeting_id uuid not null,
    email text not null check (length(email) between 3 and 254),
    name text not null check (length(btrim(name)) between 1 and 120),
    -- The link's secret is derived from the server key and this nonce; only
    -- the secret's hash is kept (see alignment::link).
    secret_nonce bytea not null,
    secret_hash bytea not null,
    -- The zone the manager reads times in; they can change it.
    time_zone text not null,
    expires_at timestamptz not null,
    revoked_at timestamptz,
    revoked_reason text check (revoked_reason in ('cancelled', 'replaced')),
    rsvp text not null default 'pending' check (rsvp in ('pending', 'accepted', 'declined', 'proposed')),
    rsvp_note text not null default '' check (length(rsvp_note) <= 500),
    rsvp_at timestamptz,
    first_opened_at timestamptz,
    last_opened_at timestamptz,
    -- The optional questions about the coachee, answered before the meeting.
    strengths text not null default '' check (length(strengths) <= 2000),
    growth text not null default '' check (length(growth) <= 2000),
    support text not null default '' check (length(support) <= 2000),
    answered_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    foreign key (org_id, meeting_id) references alignment_meetings (org_id, id)
);
-- At most one live invite per meeting.
create unique index guest_invites_live on guest_invites (org_id, meeting_id) where revoked_at is null;
select enable_tenant_isolation('guest_invites');
grant select, insert, update on guest_invites to triad_app;

-- A coachee's request for a meeting beyond the programme's included number.
create table alignment_requests (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    engagement_id uuid not null,
    reason text not null default '' check (length(reason) <= 1000),
    status text not null default 'pending' check (status in ('pending', 'approved', 'declined')),
    requested_by uuid not null references users (id),
    decided_by uuid references users (id),
    decided_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    foreign key (org_id, engagement_id) references engagements (org_id, id)
);
-- One open request per engagement at a time.
create unique index alignment_requests_pending on alignment_requests (org_id, engagement_id) where status = 'pending';
select enable_tenant_isolation('alignment_requests');
grant select, insert, update on alignment_requests to triad_app;
