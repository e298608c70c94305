-- Invitations to people who already have an account. Such a person joins an
-- organisation only when they accept from their own sign-in; until then the
-- inviting organisation holds what its admin typed (name and email) and
-- nothing of the account: not the name another organisation knows them by,
-- not whether they have a password. A pending invitation is not a membership,
-- so nothing that counts, lists or admits members sees it.
create table membership_invitations (
    org_id uuid not null references organizations (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    -- As the admin typed them.
    name text not null check (length(btrim(name)) between 1 and 200),
    email text not null check (length(email) between 3 and 254),
    is_admin boolean not null default false,
    is_coach boolean not null default false,
    is_coachee boolean not null default false,
    invited_by uuid references users (id),
    created_at timestamptz not null default now(),
    primary key (org_id, user_id),
    check (is_admin or is_coach or is_coachee)
);
create index membership_invitations_of_user on membership_invitations (user_id);
select enable_tenant_isolation('membership_invitations');
-- The invited person sees their own invitations, across organisations, and
-- may decline them.
create policy own_invitations on membership_invitations for select
    using (user_id = app_current_user());
create policy decline_own_invitations on membership_invitations for delete
    using (user_id = app_current_user());
grant select, insert, update, delete on membership_invitations to triad_app;

-- ... and the names of the organisations that invite them.
create policy invited_organisations on organizations for select
    using (exists (select 1 from membership_invitations i
                   where i.org_id = organizations.id and i.user_id = app_current_user()));
