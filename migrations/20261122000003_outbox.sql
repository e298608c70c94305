-- The outbox: every email Triad sends is first a row here, written in the same
-- transaction as the change that causes it. A worker delivers it afterwards.

create table outbox_messages (
    id uuid primary key,
    -- The organisation the message belongs to; null for platform mail (for
    -- example an operator's test message), which no organisation sees.
    org_id uuid references organizations (id) on delete cascade,
    -- Stable across retries, so a receiver can tell a repeat from a new message.
    message_id text not null unique,
    recipient_email text not null,
    recipient_name text not null default '',
    subject text not null,
    body_text text not null,
    body_html text not null,
    -- An iCalendar attachment and its METHOD (REQUEST or CANCEL), if any.
    calendar_ics text,
    calendar_method text check (calendar_method in ('REQUEST', 'CANCEL')),
    check ((calendar_ics is null) = (calendar_method is null)),
    -- Messages sharing a key replace each other while still queued: only the
    -- newest invite for a meeting goes out.
    dedupe_key text,
    -- The user whose action caused the message, to show them a delivery failure.
    caused_by uuid,
    status text not null default 'queued'
        check (status in ('queued', 'sending', 'sent', 'failed', 'superseded')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    -- While 'sending', the worker holding the row; past this time another may take it.
    lease_until timestamptz,
    last_error text,
    created_at timestamptz not null default now(),
    -- When the current round of attempts began: creation, or a person's retry.
    -- The worker gives up on transient failures a day after it.
    queued_at timestamptz not null default now(),
    sent_at timestamptz
);

-- What the worker looks for: due messages, oldest first.
create index outbox_due on outbox_messages (next_attempt_at) where status in ('queued', 'sending');
-- The delivery page of an organisation.
create index outbox_by_org on outbox_messages (org_id, status, created_at desc);
-- At most one queued message per dedupe key.
create unique index outbox_one_queued_per_key on outbox_messages (dedupe_key)
    where status = 'queued' and dedupe_key is not null;

-- Every delivery attempt, and how it ended.
create table outbox_attempts (
    id bigint generated always as identity primary key,
    message_id uuid not null references outbox_messages (id) on delete cascade,
    org_id uuid references organizations (id) on delete cascade,
    -- The attempt's number within its round (see queued_at).
    attempt integer not null,
    attempted_at timestamptz not null default now(),
    outcome text not null check (outcome in ('sent', 'retry', 'failed')),
    error text
);
create index outbox_attempts_of_message on outbox_attempts (message_id, attempted_at);

-- Tenants see their own messages. The delivery worker works across
-- organisations, and says so by opening its transactions with app.scope set to
-- 'delivery' (db::begin_delivery); nothing else sets it.
select enable_tenant_isolation('outbox_messages');
select enable_tenant_isolation('outbox_attempts');

create function app_in_delivery_scope() returns boolean
language sql stable
as $$ select coalesce(current_setting('app.scope', true), '') = 'delivery' $$;

create policy delivery_worker on outbox_messages
    using (app_in_delivery_scope()) with check (app_in_delivery_scope());
create policy delivery_worker on outbox_attempts
    using (app_in_delivery_scope()) with check (app_in_delivery_scope());

grant select, insert, update on outbox_messages to triad_app;
grant select, insert on outbox_attempts to triad_app;
