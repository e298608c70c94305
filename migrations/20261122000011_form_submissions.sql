-- Forms sent twice at once (a double click, two tabs) have one result: every
-- form carries a one-time key, and the first request to use it claims it here.
-- Not tenant data — a random key and where its form led — so no row-level
-- security; rows are swept after a day.
create table form_submissions (
    key text primary key check (length(key) <= 400),
    -- Where the first submission's answer sent the browser; null while it runs.
    location text check (length(location) <= 2000),
    created_at timestamptz not null default now()
);
create index form_submissions_by_age on form_submissions (created_at);
grant select, insert, update, delete on form_submissions to triad_app;
