-- Login sessions, stored by tower-sessions' PostgreSQL store. The shape is the
-- store's own; creating it here keeps every table under our migrations, and lets
-- the application role use it without owning it.
create schema if not exists tower_sessions;
create table tower_sessions.session (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);
create index session_expiry on tower_sessions.session (expiry_date);

grant usage on schema tower_sessions to triad_app;
grant select, insert, update, delete on tower_sessions.session to triad_app;
