-- Which kinds of alignment meeting a programme includes, and which of those it
-- expects every engagement to hold. Readiness walks the included kinds in
-- journey order (kickoff, goal alignment, midpoint, closing); the admin sees
-- how many engagements have not yet scheduled each expected kind. The
-- coachee still chooses when.

alter table programs
    add column alignment_kinds text[] not null
        default '{initial,midpoint,closing}'
        check (cardinality(alignment_kinds) between 1 and 4
               and alignment_kinds <@ array['kickoff', 'initial', 'midpoint', 'closing']),
    add column alignment_expected text[] not null default '{}',
    add constraint programs_expected_kinds_included check (alignment_expected <@ alignment_kinds);

-- A programme that has held or planned a kickoff keeps offering it: before
-- this migration every programme offered every kind.
alter table programs no force row level security;
alter table engagements no force row level security;
alter table alignment_meetings no force row level security;

update programs p set alignment_kinds = '{kickoff,initial,midpoint,closing}'
where exists (
    select 1 from alignment_meetings m
    join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
    where e.org_id = p.org_id and e.program_id = p.id and m.kind = 'kickoff');

alter table programs force row level security;
alter table engagements force row level security;
alter table alignment_meetings force row level security;
