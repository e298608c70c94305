-- Coaching sessions and their light documentation: focus area, key points,
-- agreed actions and the development activities assigned from them. A coach's
-- private notes live in a table of their own, which no query for anyone but
-- that coach ever reads.

create table coaching_sessions (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    engagement_id uuid not null,
    starts_at timestamptz not null,
    duration_minutes integer not null check (duration_minutes between 15 and 240),
    status text not null default 'scheduled'
        check (status in ('scheduled', 'completed', 'cancelled', 'no_show')),
    -- Documentation, written by the coach.
    focus_skill_id uuid,
    focus_area text not null default '' check (length(focus_area) <= 120),
    key_points text not null default '' check (length(key_points) <= 2000),
    agreed_actions text not null default '' check (length(agreed_actions) <= 2000),
    documented_at timestamptz,
    scheduled_by uuid references users (id),
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    foreign key (org_id, engagement_id) references engagements (org_id, id),
    foreign key (org_id, focus_skill_id) references skills (org_id, id)
);
create index coaching_sessions_of_engagement on coaching_sessions (org_id, engagement_id, starts_at);
select enable_tenant_isolation('coaching_sessions');
grant select, insert, update on coaching_sessions to triad_app;

create table coaching_session_notes (
    org_id uuid not null references organizations (id) on delete cascade,
    session_id uuid not null,
    coach_id uuid not null references users (id),
    notes text not null check (length(notes) <= 5000),
    updated_at timestamptz not null default now(),
    primary key (org_id, session_id),
    foreign key (org_id, session_id) references coaching_sessions (org_id, id)
);
select enable_tenant_isolation('coaching_session_notes');
grant select, insert, update on coaching_session_notes to triad_app;

create table activity_assignments (
    org_id uuid not null references organizations (id) on delete cascade,
    session_id uuid not null,
    activity_id uuid not null,
    engagement_id uuid not null,
    assigned_at timestamptz not null default now(),
    completed_at timestamptz,
    primary key (org_id, session_id, activity_id),
    foreign key (org_id, session_id) references coaching_sessions (org_id, id),
    foreign key (org_id, activity_id) references development_activities (org_id, id),
    foreign key (org_id, engagement_id) references engagements (org_id, id)
);
create index activity_assignments_of_engagement on activity_assignments (org_id, engagement_id);
select enable_tenant_isolation('activity_assignments');
grant select, insert, update, delete on activity_assignments to triad_app;
