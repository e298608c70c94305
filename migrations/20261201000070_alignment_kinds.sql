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
