-- Goals: the coachee's development goals for an engagement. Only the coachee
-- decides whether each one is shared with their manager.

create table goals (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    engagement_id uuid not null,
    title text not null check (length(btrim(title)) between 1 and 160),
    description text not null default '' check (length(description) <= 1000),
    skill_id uuid,
    status text not null default 'draft' check (status in ('draft', 'active', 'achieved', 'dropped')),
    progress integer not null default 0 check (progress between 0 and 100),
    position integer not null,
    shared_with_manager boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (org_id, id),
    foreign key (org_id, engagement_id) references engagements (org_id, id),
    foreign key (org_id, skill_id) references skills (org_id, id)
);
create index goals_of_engagement on goals (org_id, engagement_id, position);
select enable_tenant_isolation('goals');
grant select, insert, update on goals to triad_app;
