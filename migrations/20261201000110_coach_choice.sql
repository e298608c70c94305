-- An engagement may begin before its coach is known: the kickoff brings the
-- coachee and their sponsor together while the programme team matches a
-- coach; then the admin offers a shortlist and the coachee chooses (or the
-- admin assigns one directly). Who settled the coach, and when, is kept so
-- the admin can see it.

alter table engagements
    alter column coach_id drop not null,
    add column coach_chosen_at timestamptz,
    add column coach_chosen_by text check (coach_chosen_by in ('coachee', 'admin'));

-- A coach's short profile, read by coachees choosing from a shortlist. Per
-- organisation: a coach working for several writes for each.
create table coach_profiles (
    org_id uuid not null references organizations (id) on delete cascade,
    user_id uuid not null,
    headline text not null default '' check (length(headline) <= 120),
    bio text not null default '' check (length(bio) <= 1000),
    updated_at timestamptz not null default now(),
    primary key (org_id, user_id),
    foreign key (org_id, user_id) references memberships (org_id, user_id) on delete cascade
);
select enable_tenant_isolation('coach_profiles');
grant select, insert, update on coach_profiles to triad_app;

-- The coaches offered to the coachee of an engagement with no coach yet.
-- Emptied when the coach is settled: the coaches not chosen keep no trace of
-- the coachee.
create table coach_offers (
    org_id uuid not null references organizations (id) on delete cascade,
    engagement_id uuid not null,
    coach_id uuid not null references users (id),
    offered_at timestamptz not null default now(),
    primary key (org_id, engagement_id, coach_id),
    foreign key (org_id, engagement_id) references engagements (org_id, id) on delete cascade
);
select enable_tenant_isolation('coach_offers');
grant select, insert, delete on coach_offers to triad_app;

-- The engagements already there were given their coach by an admin when they
-- were created. Row-level security is forced even for the owner and a
-- migration has no organisation in scope, so the owner is let through for
-- this transaction only (as in the progress-kinds migration).
alter table engagements no force row level security;

update engagements set coach_chosen_at = created_at, coach_chosen_by = 'admin'
where coach_id is not null;

alter table engagements force row level security;

-- Without a coach, nobody has chosen one.
alter table engagements add constraint engagements_no_coach_no_choice
    check (coach_id is not null or (coach_chosen_at is null and coach_chosen_by is null));
