-- The report's figures are protected by the cell-key method: every engagement
-- holds a permanent random key, never shown to anyone. Each record the report
-- counts (the engagement, its sessions, meetings, goals…) takes a key derived
-- from it, a figure's key is the sum of its records' keys, and the figure is
-- moved by a small amount looked up from that key. The same records always
-- give the same figure; a change of even one record draws a new amount, so the
-- difference of two figures says little about the records between them.
alter table engagements
    add column report_key uuid not null default gen_random_uuid();

-- A key that changed would draw new amounts for old figures, which could then
-- be compared with the old ones: it is kept for good.
create function keep_report_key() returns trigger
language plpgsql
as $$
begin
    new.report_key := old.report_key;
    return new;
end
$$;
create trigger engagements_keep_report_key before update of report_key on engagements
    for each row execute function keep_report_key();

-- The key of one record: 28 bits from a digest of the engagement's key and the
-- record's identity (its id, or its key columns as text), so sums of many stay
-- well within a bigint.
create function report_record_key(engagement_key uuid, record text) returns integer
language sql immutable parallel safe
as $$ select ('x' || left(md5(engagement_key::text || record), 7))::bit(28)::integer $$;
