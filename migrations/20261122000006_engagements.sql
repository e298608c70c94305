-- Engagements: one coachee with one coach inside a programme, with the
-- coachee's manager of record (who has no account) and their department.

create table engagements (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    program_id uuid not null,
    coachee_id uuid not null references users (id),
    coach_id uuid not null references users (id),
    starts_on date not null,
    ends_on date not null,
    status text not null default 'active'
        check (status in ('active', 'paused', 'completed', 'cancelled')),
    manager_name text not null check (length(btrim(manager_name)) between 1 and 120),
    manager_email text not null check (length(manager_email) between 3 and 254),
    department text not null default '' check (length(department) <= 80),
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    foreign key (org_id, program_id) references programs (org_id, id),
    check (ends_on >= starts_on),
    check (coachee_id <> coach_id)
);
create index engagements_of_coach on engagements (org_id, coach_id);
create index engagements_of_coachee on engagements (org_id, coachee_id);
create index engagements_of_program on engagements (org_id, program_id);
select enable_tenant_isolation('engagements');
grant select, insert, update on engagements to triad_app;
