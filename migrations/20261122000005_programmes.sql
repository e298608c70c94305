-- Programmes, and the organisation's catalogue: the skills framework and the
-- development activities coaches assign from coaching sessions.

create table programs (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    name text not null check (length(btrim(name)) between 1 and 120),
    description text not null default '' check (length(description) <= 2000),
    starts_on date not null,
    ends_on date not null,
    cadence text not null check (cadence in ('fortnightly', 'monthly', 'quarterly')),
    sessions_included integer not null check (sessions_included between 1 and 100),
    -- Settings; later features add theirs beside these.
    -- Report figures about fewer people than this are suppressed (never below 3).
    reporting_threshold integer not null default 5 check (reporting_threshold between 3 and 100),
    archived_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    check (ends_on >= starts_on)
);
select enable_tenant_isolation('programs');
grant select, insert, update on programs to triad_app;

create table skills (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    name text not null check (length(btrim(name)) between 1 and 80),
    created_at timestamptz not null default now(),
    primary key (org_id, id)
);
create unique index skills_unique_name on skills (org_id, lower(name));
select enable_tenant_isolation('skills');
grant select, insert, update on skills to triad_app;

create table development_activities (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    title text not null check (length(btrim(title)) between 1 and 160),
    kind text not null check (kind in ('course', 'reading', 'practice')),
    url text check (url is null or (length(url) <= 500 and url ~ '^https?://')),
    skill_id uuid,
    archived_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    foreign key (org_id, skill_id) references skills (org_id, id)
);
select enable_tenant_isolation('development_activities');
grant select, insert, update on development_activities to triad_app;
