-- Tenancy: organisations, the role the application works through, and the
-- row-level security that keeps every organisation's rows to itself.
--
-- Every tenant table carries org_id (leading its keys) and a policy comparing it
-- with the transaction-local setting app.org_id. When that setting is unset the
-- comparison is null and no row is visible or writable: the rules fail closed.

-- The application's role: not a superuser, owns nothing, cannot bypass RLS.
-- Migrations run as the owner of the schema and grant this role what it needs;
-- at start-up Triad gives it a login (see db::ensure_app_login) and the
-- application's connections log in as it, so they cannot switch back.
do $$
begin
    create role triad_app nologin nosuperuser nocreatedb nocreaterole nobypassrls noinherit;
exception
    when duplicate_object then null;
end
$$;
grant usage on schema public to triad_app;

-- The organisation of the current transaction, or null when none was set.
create function app_current_org() returns uuid
language sql stable
as $$ select nullif(current_setting('app.org_id', true), '')::uuid $$;

-- Turns on the tenant rules for a table: row-level security, forced even for
-- the table's owner, with one policy comparing the organisation column with the
-- current organisation for reads and writes alike. Every tenant table calls it.
create function enable_tenant_isolation(tbl regclass, org_column name default 'org_id')
returns void
language plpgsql
as $$
begin
    execute format('alter table %s enable row level security', tbl);
    execute format('alter table %s force row level security', tbl);
    execute format(
        'create policy tenant_isolation on %s using (%I = app_current_org()) with check (%I = app_current_org())',
        tbl, org_column, org_column
    );
end
$$;

create table organizations (
    id uuid primary key,
    name text not null check (length(btrim(name)) between 1 and 200),
    slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    created_at timestamptz not null default now()
);

-- The tenant itself: visible only from inside its own scope.
select enable_tenant_isolation('organizations', 'id');
grant select, update on organizations to triad_app;

-- Who did what, when. Guest link opens and actions, sign-ins and administrative
-- changes are written here by later features.
create table audit_events (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    occurred_at timestamptz not null default now(),
    actor text not null,
    action text not null,
    subject text,
    primary key (org_id, id)
);
create index audit_events_by_time on audit_events (org_id, occurred_at desc);

select enable_tenant_isolation('audit_events');
grant select, insert on audit_events to triad_app;
