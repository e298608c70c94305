-- Attempt limits with growing delays (sign-in, password resets, current-password
-- guesses), replacing the hard lock on counted failures. One row per key (an
-- account, a client address, a device, …): how many attempts have counted
-- against it since it was last quiet, and when the next may be made. An
-- attempt is reserved — counted — before the password is checked, in the same
-- statement that checks the key is open, so a burst sent at once cannot slip
-- past the count.
create table attempt_limits (
    key text primary key,
    attempts integer not null,
    last_at timestamptz not null,
    next_at timestamptz not null
);
create index attempt_limits_by_last on attempt_limits (last_at);
grant select, insert, update, delete on attempt_limits to triad_app;

-- The wait after the `attempts`-th counted attempt: none while within `free`,
-- then `base` seconds, doubling with each attempt, up to `cap` seconds.
create function attempt_delay(attempts integer, free integer, base double precision, cap double precision)
returns interval
language sql immutable
as $$
    select make_interval(secs => case
        when attempts < free then 0
        else least(cap, base * power(2, least(attempts - free, 40)))
    end)
$$;
grant execute on function attempt_delay(integer, integer, double precision, double precision) to triad_app;

drop table sign_in_failures;
