#!/usr/bin/env python3
"""Where one page's time goes: a companion to the benchmark for profiling.

    python3 bench/profile.py [--statements] [--connections N] [--seconds S] PAGE...

Needs what `bash bench/run` leaves behind (the release build and the load data
at scale 1 under target/bench). Starts Triad on that data, signs in the same
people as the benchmark, then drives each named page (a prefix of its name in
the benchmark's table, e.g. "coach dashboard") with wrk and prints req/s, p50
and p99, and the CPU each request cost Triad and PostgreSQL.

With --statements it also loads PostgreSQL's pg_stat_statements for the run
and prints the statements that took the most time, with calls and mean time
in microseconds; the setting is taken out again afterwards, so benchmark runs
never carry it.
"""

import argparse
import subprocess

from bench import (
    COUNTED, LARGE_ORG, REFERENCE_ADDR, SESSIONS_PER_ROLE, WORK, cast, cpu_seconds,
    guest_cookie, pages, sign_in, sql, start_reference, start_triad, wrk,
)


def set_statement_statistics(data_dir, on):
    """Loads or unloads pg_stat_statements: a preload library, so the cluster
    restarts (Triad starts and stops it)."""
    triad = start_triad(data_dir, "profile-setup")
    try:
        if on:
            sql(data_dir, "alter system set shared_preload_libraries = 'pg_stat_statements'")
        else:
            sql(data_dir, "alter system reset shared_preload_libraries")
    finally:
        triad.stop()


def top_statements(data_dir, limit=12):
    return sql(data_dir, f"""
        select calls, round(mean_exec_time::numeric * 1000, 1),
               left(regexp_replace(query, '\\s+', ' ', 'g'), 120)
        from pg_stat_statements
        where query not like '%pg_stat_statements%'
        order by total_exec_time desc limit {limit}""")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", metavar="PAGE")
    parser.add_argument("--statements", action="store_true")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()

    data_dir = WORK / "scale-1"
    if not (data_dir / "loaded.txt").exists():
        raise SystemExit("no load data at scale 1: run `bash bench/run` first")
    if args.statements:
        set_statement_statistics(data_dir, True)
    try:
        triad = start_triad(data_dir, "profile")
        reference = start_reference(data_dir)
        try:
            if args.statements:
                sql(data_dir, "create extension if not exists pg_stat_statements")
            who = cast(data_dir, True)
            who["sessions"] = {
                "coachee": [sign_in(e) for e in who["coachee_emails"]],
                "coach": [sign_in(who["coach_email"]) for _ in range(SESSIONS_PER_ROLE)],
                "admin": [sign_in(f"admin1@{LARGE_ORG}.example")
                          for _ in range(SESSIONS_PER_ROLE)],
            }
            who["guest"] = guest_cookie(data_dir, who)
            known = pages(who)
            for want in args.pages:
                matches = [p for p in known if p[0].startswith(want)]
                if not matches:
                    raise SystemExit(f"no page named {want!r}; pages: "
                                     + ", ".join(p[0] for p in known))
                name, addr, path, cookies, body, _ = matches[0]
                addr = addr or REFERENCE_ADDR
                fresh = name.startswith(COUNTED)
                wrk(addr, path, cookies, body, args.connections, 2, fresh)
                if args.statements:
                    sql(data_dir, "select pg_stat_statements_reset()")
                before = cpu_seconds()
                run = wrk(addr, path, cookies, body, args.connections, args.seconds, fresh)
                after = cpu_seconds()
                server, postgres = ((a - b) * 1e6 / max(1, run["requests"])
                                    for a, b in zip(after, before))
                print(f"{name}: {run['rps']:,.0f} req/s, p50 {run['p50_us'] / 1000:.1f} ms, "
                      f"p99 {run['p99_us'] / 1000:.1f} ms, CPU per request: "
                      f"server {server:,.0f} µs + PostgreSQL {postgres:,.0f} µs", flush=True)
                if args.statements:
                    print("    calls   mean µs  statement")
                    for calls, mean, query in top_statements(data_dir):
                        print(f"    {calls:>6}  {mean:>8}  {query}", flush=True)
        finally:
            reference.stop()
            triad.stop()
    finally:
        if args.statements:
            set_statement_statistics(data_dir, False)


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as err:
        raise SystemExit(f"{err.cmd[0]} failed: {err.stderr or err}")
