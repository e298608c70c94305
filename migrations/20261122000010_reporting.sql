-- What the programme team needs to see a programme from above: the settings
-- behind the accountability list, the nudges sent to coaches, and indexes for
-- the report's aggregate queries.

alter table programs
    -- An active engagement with no completed coaching session for this long is
    -- listed for the programme team, and flagged on the coach's dashboard.
    add column inactivity_weeks integer not null default 6 check (inactivity_weeks between 2 and 26),
    -- Nudge the coaches of such engagements automatically, at most weekly.
    add column auto_nudge boolean not null default false;

-- A reminder to a coach that an engagement has gone quiet. At most one per
-- engagement per week, by hand or automatically (sent_by null).
create table engagement_nudges (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    engagement_id uuid not null,
    sent_by uuid references users (id),
    sent_at timestamptz not null default now(),
    primary key (org_id, id),
    foreign key (org_id, engagement_id) references engagements (org_id, id)
);
create index engagement_nudges_latest on engagement_nudges (org_id, engagement_id, sent_at desc);
select enable_tenant_isolation('engagement_nudges');
grant select, insert on engagement_nudges to triad_app;

-- The weekly automatic nudge looks across organisations for programmes that
-- asked for it, in a scope of its own that sees only those programmes' rows.
create policy automatic_nudges on programs for select
    using (current_setting('app.scope', true) = 'nudges' and auto_nudge);

-- The report counts per programme and period.
create index guest_invites_of_meeting on guest_invites (org_id, meeting_id);
create index alignment_requests_of_engagement on alignment_requests (org_id, engagement_id);
create index goals_by_skill on goals (org_id, skill_id);
