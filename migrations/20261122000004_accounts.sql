-- People: users (one login each), their memberships in organisations, the
-- one-time links that set passwords, and the record of failed sign-ins.

-- A user is a person, across organisations; not a tenant row. The application
-- finds users by email to sign them in, before any organisation is chosen.
create table users (
    id uuid primary key,
    email text not null check (length(email) between 3 and 254),
    name text not null check (length(btrim(name)) between 1 and 200),
    time_zone text not null default 'UTC',
    -- Null until the person sets a password through their invitation.
    password_hash text,
    -- Login sessions remember the epoch they began in; a password change moves
    -- it on, which ends every other session of the user at once.
    session_epoch integer not null default 0,
    created_at timestamptz not null default now()
);
create unique index users_email_unique on users (lower(email));
grant select, insert, update on users to triad_app;

-- The user a transaction acts for, when it is about the person rather than
-- one organisation (which organisations am I in?). Set by db::begin_user.
create function app_current_user() returns uuid
language sql stable
as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

-- What a user may do in one organisation.
create table memberships (
    org_id uuid not null references organizations (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    is_admin boolean not null default false,
    is_coach boolean not null default false,
    is_coachee boolean not null default false,
    -- Disabled members keep their history but cannot act in the organisation.
    disabled_at timestamptz,
    invited_by uuid references users (id),
    created_at timestamptz not null default now(),
    primary key (org_id, user_id),
    check (is_admin or is_coach or is_coachee)
);
create index memberships_of_user on memberships (user_id);
select enable_tenant_isolation('memberships');
-- A person may list their own memberships in every organisation.
create policy own_memberships on memberships for select
    using (user_id = app_current_user());
grant select, insert, update on memberships to triad_app;

-- A person may see the names of the organisations they belong to.
create policy member_organisations on organizations for select
    using (exists (select 1 from memberships m
                   where m.org_id = organizations.id and m.user_id = app_current_user()));

-- One-time links: invitations (set a first password) and password resets.
-- Only a hash of the token is kept; the token itself lives in one email.
create table account_tokens (
    id uuid primary key,
    user_id uuid not null references users (id) on delete cascade,
    purpose text not null check (purpose in ('invite', 'reset')),
    token_hash bytea not null unique,
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null default now()
);
create index account_tokens_of_user on account_tokens (user_id, purpose);
grant select, insert, update on account_tokens to triad_app;

-- Failed sign-ins, by account and by client address, for throttling that holds
-- across restarts and processes. Old rows are pruned as new ones arrive.
create table sign_in_failures (
    key text not null,
    failed_at timestamptz not null default now()
);
create index sign_in_failures_by_key on sign_in_failures (key, failed_at);
grant select, insert, delete on sign_in_failures to triad_app;

-- Audit events say where a request came from.
alter table audit_events add column client_addr text;
alter table audit_events add column actor_user_id uuid references users (id);
