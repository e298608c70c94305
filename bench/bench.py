#!/usr/bin/env python3
"""Triad's benchmark: what `bench/run` does after building.

Loads (or reuses) the load platform at scale 1, 1/10 and 1/100, each in its own
embedded PostgreSQL cluster under target/bench; starts the release build of
Triad on it, and the yardstick server from bench/reference beside it; signs in
sample people of the large organisation ("Load Large Corp"); counts each key
page's SQL statements from the database's own statement log; then drives every
page with wrk at 16 and 64 connections, three times after a warm-up, and prints
and writes the table (target/bench/results.md).

Settings (environment): BENCH_SECONDS per measured run (default 5),
BENCH_WARMUP seconds (default 2), BENCH_DIR (default target/bench).
"""

import datetime
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIAD = ROOT / "target/release/triad"
REFERENCE = ROOT / "target/release/triad-bench-reference"
WRK_SCRIPT = ROOT / "bench/wrk.lua"
WORK = Path(os.environ.get("BENCH_DIR", ROOT / "target/bench")).resolve()
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
REPEATS = 3
CONNECTIONS = (16, 64)
GROWTH_CONNECTIONS = 16
PASSWORD = "load test password, not for real use"
LARGE_ORG = "load-000"
TRIAD_ADDR = ("127.0.0.1", 3900)
REFERENCE_ADDR = ("127.0.0.1", 3901)
# The report as admins see it (counted figures are kept for five minutes),
# and counted afresh on every request (a new period each time).
REPORT = "programme report, 1 year"
COUNTED = "programme report counted afresh"
FLOOR = "organisation chooser (lightest signed-in page)"
# Separate sessions per role, so concurrent requests do not all touch one
# session row, as many people would not.
SESSIONS_PER_ROLE = 8


def say(text):
    print(text, flush=True)


# ---------------------------------------------------------------- HTTP ----


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def cookies(self):
        """The name=value of every cookie this answer sets."""
        return [
            value.split(";", 1)[0]
            for key, value in self.headers
            if key.lower() == "set-cookie"
        ]


def call(addr, method, path, cookies=(), form=None):
    conn = http.client.HTTPConnection(*addr, timeout=120)
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    answer = Answer(
        response.status,
        response.getheaders(),
        response.read().decode("utf-8", "replace"),
    )
    conn.close()
    return answer


def hidden(html, name):
    found = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    if not found:
        raise SystemExit(f"no {name} field on the page")
    return found.group(1)


def expect(answer, status, what):
    if answer.status != status:
        raise SystemExit(
            f"{what}: expected {status}, got {answer.status}\n{answer.body[:600]}"
        )


# The device cookies each person's browsers got on signing in: returning
# browsers, whose sign-ins are counted each on its own (src/auth/throttle.rs).
DEVICES = {}


def sign_in(email):
    """A login session cookie for `email`, through the sign-in form."""
    page = call(TRIAD_ADDR, "GET", "/sign-in")
    expect(page, 200, "the sign-in page")
    fresh = page.cookies()
    answer = call(
        TRIAD_ADDR,
        "POST",
        "/sign-in",
        cookies=fresh,
        form={
            "_csrf": hidden(page.body, "_csrf"),
            "_once": hidden(page.body, "_once"),
            "email": email,
            "password": PASSWORD,
        },
    )
    expect(answer, 303, f"signing in as {email}")
    session = [c for c in answer.cookies() if c.startswith("triad_session=")]
    if not session:
        raise SystemExit(f"signing in as {email} set no session cookie")
    DEVICES.setdefault(email, []).extend(
        c for c in answer.cookies() if c.startswith("triad_device="))
    return session[0]


# ------------------------------------------------------------ processes ----


def socket_dir(data_dir):
    """Where Triad's embedded cluster for `data_dir` puts its socket (the rule
    of src/embedded_pg.rs: the cluster's directory, or a short one under the
    temporary directory when that path would not fit a socket address)."""
    root = (data_dir / "postgres").resolve()
    if len(str(root / ".s.PGSQL.5432").encode()) <= 100:
        return root
    digest = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"triad-pg-{digest}"


def sql(data_dir, query):
    """Rows of `query` on the running cluster, as lists of strings."""
    out = subprocess.run(
        ["psql", "-h", str(socket_dir(data_dir)), "-U", "triad", "-d", "triad",
         "-AtX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query],
        check=True, capture_output=True, text=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def triad_env(data_dir, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIAD_")}
    env.pop("DATABASE_URL", None)
    env.update(
        TRIAD_DATA_DIR=str(data_dir),
        TRIAD_BIND="%s:%d" % TRIAD_ADDR,
        NO_COLOR="1",
    )
    # Triad's own default log filter unless BENCH_RUST_LOG says otherwise.
    env.pop("RUST_LOG", None)
    if "BENCH_RUST_LOG" in env:
        env["RUST_LOG"] = env["BENCH_RUST_LOG"]
    env.update(extra)
    return env


def load(scale):
    """The data directory holding the platform at `scale`, loaded once."""
    data_dir = WORK / f"scale-{scale:g}"
    marker = data_dir / "loaded.txt"
    if marker.exists():
        say(f"Reusing the load data at scale {scale:g} ({data_dir}).")
        return data_dir
    if data_dir.exists():
        shutil.rmtree(data_dir)  # a load that did not finish
    data_dir.mkdir(parents=True)
    say(f"Loading the platform at scale {scale:g} into {data_dir} ...")
    run = subprocess.run(
        [str(TRIAD), "seed-load", "--scale", f"{scale:g}"],
        env=triad_env(data_dir, RUST_LOG="warn,sqlx=error"),
        stdout=subprocess.PIPE, text=True,
    )
    if run.returncode != 0:
        raise SystemExit(f"triad seed-load failed:\n{run.stdout}")
    say(run.stdout.strip())
    marker.write_text(run.stdout)
    return data_dir


class Process:
    def __init__(self, args, env, log, ready_addr, ready_path):
        self.log = log
        self.proc = subprocess.Popen(
            args, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 300
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"{args[0]} stopped; see {log}")
            try:
                if call(ready_addr, "GET", ready_path).status == 200:
                    return
            except OSError:
                pass
            if time.time() > deadline:
                raise SystemExit(f"{args[0]} did not become ready; see {log}")
            time.sleep(0.5)

    def peak_rss_kib(self):
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_triad(data_dir, name, **extra):
    return Process(
        [str(TRIAD), "serve"], triad_env(data_dir, **extra),
        WORK / f"{name}.log", TRIAD_ADDR, "/readyz",
    )


def start_reference(data_dir):
    url = "postgres://triad@localhost/triad?host=" + urllib.parse.quote(
        str(socket_dir(data_dir)), safe="")
    return Process(
        [str(REFERENCE), "%s:%d" % REFERENCE_ADDR, url, LARGE_ORG],
        dict(os.environ), WORK / "reference.log", REFERENCE_ADDR, "/plain",
    )


# ------------------------------------------------------------ the cast ----


def cast(data_dir, full=True):
    """The people and things of the large organisation the pages are about
    (without a manager's meeting unless `full`)."""
    needs_meeting = """
        and exists (
            select 1 from alignment_meetings m
            join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
            where e.coach_id = c.coach_id and e.status = 'active' and m.status = 'proposed')
    """ if full else ""
    coach = sql(data_dir, f"""
        with counts as (
            select e.coach_id, count(distinct e.coachee_id) as coachees
            from engagements e join organizations o on o.id = e.org_id
            where o.slug = '{LARGE_ORG}'
            group by e.coach_id)
        select c.coach_id, c.coachees, u.email
        from counts c join users u on u.id = c.coach_id
        where true {needs_meeting}
        order by abs(c.coachees - 40), c.coach_id limit 1""")[0]
    coach_id, coachees, coach_email = coach
    meeting_id, coachee_email = None, None
    if full:
        meeting_id, coachee_email = sql(data_dir, f"""
        select m.id, u.email
        from alignment_meetings m
        join engagements e on e.org_id = m.org_id and e.id = m.engagement_id
        join users u on u.id = e.coachee_id
        where e.coach_id = '{coach_id}' and e.status = 'active' and m.status = 'proposed'
          and not exists (select 1 from alignment_candidate_times t
                          where t.meeting_id = m.id and t.starts_at < now())
        order by m.id limit 1""")[0]
    coachees_emails = [row[0] for row in sql(data_dir, f"""
        select u.email from engagements e join users u on u.id = e.coachee_id
        where e.coach_id = '{coach_id}' and e.status = 'active'
          and u.email <> '{coachee_email or ""}'
        order by u.email limit {SESSIONS_PER_ROLE}""")]
    if coachee_email:
        coachees_emails = [coachee_email] + coachees_emails[:SESSIONS_PER_ROLE - 1]
    program_id, engagements = sql(data_dir, f"""
        select e.program_id, count(*) from engagements e
        join organizations o on o.id = e.org_id
        where o.slug = '{LARGE_ORG}' group by e.program_id
        order by count(*) desc, e.program_id limit 1""")[0]
    sizes = sql(data_dir, f"""
        select (select count(*) from coaching_sessions),
               (select count(*) from coaching_sessions s
                join engagements e on e.org_id = s.org_id and e.id = s.engagement_id
                where e.program_id = '{program_id}'
                  and s.starts_at >= now() - interval '1 year' and s.starts_at < now())""")[0]
    return {
        "coach_email": coach_email,
        "coach_coachees": int(coachees),
        "meeting_id": meeting_id,
        "coachee_emails": coachees_emails,
        "program_id": program_id,
        "program_engagements": int(engagements),
        "platform_sessions": int(sizes[0]),
        "report_sessions": int(sizes[1]),
    }


def guest_cookie(data_dir, who):
    """The coachee invites a (new) manager to their meeting; the manager's
    email holds the link; opening it gives the guest visit's address and
    cookie."""
    meeting = f"/alignment/{who['meeting_id']}"
    coachee = who["sessions"]["coachee"][0]
    page = call(TRIAD_ADDR, "GET", meeting, cookies=[coachee])
    expect(page, 200, "the coachee's meeting page")
    manager = f"bench.manager.{int(time.time())}@{LARGE_ORG}.example"
    answer = call(TRIAD_ADDR, "POST", meeting + "/manager", cookies=[coachee], form={
        "_csrf": hidden(page.body, "_csrf"),
        "_once": hidden(page.body, "_once"),
        "manager_name": "Bench Manager",
        "manager_email": manager,
    })
    expect(answer, 303, "inviting the manager")
    bodies = sql(data_dir, f"""
        select body_text from outbox_messages
        where recipient_email = '{manager}' order by created_at desc""")
    link = None
    for (body,) in bodies:
        found = re.search(r"https?://[^/\s]+(/m/[^\s]+)", body)
        if found:
            link = found.group(1)
            break
    if not link:
        raise SystemExit(f"no guest link in the email to {manager}")
    opened = call(TRIAD_ADDR, "GET", link)
    expect(opened, 303, "opening the guest link")
    cookie = [c for c in opened.cookies() if c.startswith("triad_guest_")]
    if not cookie:
        raise SystemExit("the guest link set no guest cookie")
    # The visit's own address: /guest/{invite}.
    path = opened.header("location")
    # The manager's browser also keeps the login-session cookie its first page
    # sets (for the forms' token), as every later request would send it.
    page = call(TRIAD_ADDR, "GET", path, cookies=cookie)
    expect(page, 200, "the manager's page")
    return path, "; ".join(
        cookie + [c for c in page.cookies() if c.startswith("triad_session=")])


def pages(who):
    """Each key page: (name, path, cookies, POST body or None, expected status)."""
    year_ago = (datetime.date.today() - datetime.timedelta(days=365)).isoformat()
    today = datetime.date.today().isoformat()
    s = who["sessions"]
    sign_in_body = urllib.parse.urlencode(
        {"email": who["coachee_emails"][0], "password": PASSWORD})
    # Signing in again from browsers that have signed in before: one per
    # connection of the storm, as a room of people would (one browser signing
    # in many times at once is limited like a guesser).
    device = DEVICES[who["coachee_emails"][0]]
    return [
        ("plain-text reference", None, "/plain", [], None, 200),
        ("three-query reference", None, "/three", [], None, 200),
        # Not a key page: the lightest signed-in page, as a floor (the login
        # session, the person, their organisations in a transaction scoped to
        # that person, a small template).
        (FLOOR, TRIAD_ADDR, "/organisations", s["coachee"], None, 200),
        ("coachee dashboard", TRIAD_ADDR, "/home", s["coachee"], None, 200),
        (f"coach dashboard ({who['coach_coachees']} coachees)", TRIAD_ADDR, "/home",
         s["coach"], None, 200),
    ] + ([
        ("manager guest page", TRIAD_ADDR, who["guest"][0], [who["guest"][1]], None, 200),
        ("alignment meeting (coach)", TRIAD_ADDR, f"/alignment/{who['meeting_id']}",
         s["coach"], None, 200),
    ] if who.get("meeting_id") else []) + [
        (f"{REPORT} ({who['report_sessions']} sessions)", TRIAD_ADDR,
         f"/admin/programmes/{who['program_id']}/report?from={year_ago}&to={today}",
         s["admin"], None, 200),
        (f"{COUNTED} ({who['report_sessions']} sessions)", TRIAD_ADDR,
         f"/admin/programmes/{who['program_id']}/report?from={year_ago}&to={today}",
         s["admin"], None, 200),
        ("sign-in POST", TRIAD_ADDR, "/sign-in", device, sign_in_body, 303),
    ]


# ---------------------------------------------------------------- wrk ----


# Starts at 1: period 0 (the year to today) is the cached page's own.
FRESH_PERIODS = iter(range(1, 10**9))


def fresh_report_paths(path, count):
    """`count` report addresses, each for a one-year period no earlier request
    asked for, so every one is counted afresh rather than kept."""
    base = path.split("?")[0]
    today = datetime.date.today()
    paths = []
    for _ in range(count):
        n = next(FRESH_PERIODS)
        to = today - datetime.timedelta(days=n % 300)
        start = to - datetime.timedelta(days=365 + n // 300)
        paths.append(f"{base}?from={start.isoformat()}&to={to.isoformat()}")
    return paths


def wrk(addr, path, cookies, body, connections, seconds, fresh=False):
    url = "http://%s:%d%s" % (addr[0], addr[1], path)
    threads = "1" if fresh else "2"
    args = ["wrk", "-t", threads, "-c", str(connections), "-d", f"{seconds}s",
            "--timeout", "30s", "-s", str(WRK_SCRIPT), url, "--",
            "|".join(cookies) or "-", body or "-"]
    if fresh:
        listing = WORK / "fresh-paths.txt"
        listing.write_text("\n".join(fresh_report_paths(path, 5000)) + "\n")
        args.append(str(listing))
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def cpu_seconds():
    """CPU time used so far by the server under test (Triad or the yardstick,
    whichever runs) and by PostgreSQL's processes, read from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    server = postgres = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        # utime + stime, and cutime + cstime: the time of children already
        # ended (PostgreSQL's postmaster gathers its backends' this way).
        used = sum(int(f) for f in fields[11:15])
        if name.startswith("triad"):
            server += used
        elif name == "postgres":
            postgres += used
    return server / tick, postgres / tick


def measure(page, connections):
    name, addr, path, cookies, body, _ = page
    addr = addr or REFERENCE_ADDR
    fresh = name.startswith(COUNTED)
    wrk(addr, path, cookies, body, connections, WARMUP, fresh)
    before = cpu_seconds()
    runs = [wrk(addr, path, cookies, body, connections, SECONDS, fresh)
            for _ in range(REPEATS)]
    after = cpu_seconds()
    requests = max(1, sum(r["requests"] for r in runs))
    failed = sum(r["errors"] + r["bad_status"] for r in runs)
    return {
        "rps": [r["rps"] for r in runs],
        "p50_ms": statistics.median(r["p50_us"] for r in runs) / 1000,
        "p99_ms": statistics.median(r["p99_us"] for r in runs) / 1000,
        "failed": failed,
        # CPU per request, in microseconds: the server's and PostgreSQL's.
        "cpu_us": tuple((a - b) * 1e6 / requests for a, b in zip(after, before)),
    }


def check_pages(all_pages):
    for name, addr, path, cookies, body, status in all_pages:
        answer = call(addr or REFERENCE_ADDR, "POST" if body else "GET", path,
                      cookies=cookies[:1],
                      form=dict(urllib.parse.parse_qsl(body)) if body else None)
        expect(answer, status, name)


# ----------------------------------------------------- statements/page ----


def statements_per_request(data_dir, all_pages):
    """SQL statements the database receives for one request of each page,
    counted in the cluster's own statement log (only this Triad, with the
    mail worker off, and the yardstick server talk to it meanwhile)."""
    log = data_dir / "postgres/server.log"
    sql(data_dir, "alter system set log_statement = 'all'")
    sql(data_dir, "select pg_reload_conf()")
    time.sleep(1)
    counts = {}
    try:
        for name, addr, path, cookies, body, _ in all_pages:
            addr = addr or REFERENCE_ADDR
            seen = []
            for _ in range(3):
                before = log.stat().st_size
                form = dict(urllib.parse.parse_qsl(body)) if body else None
                if form is not None:
                    form["_once"] = str(uuid.uuid4())
                if name.startswith(COUNTED):
                    path = fresh_report_paths(path, 1)[0]
                call(addr, "POST" if body else "GET", path, cookies=cookies[:1], form=form)
                time.sleep(0.3)
                with open(log, "rb") as f:
                    f.seek(before)
                    text = f.read().decode("utf-8", "replace")
                seen.append(len(re.findall(r"LOG:  (?:statement|execute [^:]*):", text)))
            counts[name] = min(seen)
    finally:
        sql(data_dir, "alter system reset log_statement")
        sql(data_dir, "select pg_reload_conf()")
    return counts


# ------------------------------------------------------------- the run ----


def prepare(data_dir, name, full=True):
    """Starts Triad (mail worker off while counting statements), signs the cast
    in, counts statements; returns the cast and the page list."""
    probe = start_triad(data_dir, f"{name}-probe", TRIAD_MAIL_WORKER="off")
    reference = None
    try:
        reference = start_reference(data_dir)
        who = cast(data_dir, full)
        say(f"  signing in {SESSIONS_PER_ROLE} sessions each for a coachee, "
            f"{who['coach_email']} and an admin ...")
        who["sessions"] = {
            "coachee": [sign_in(e) for e in who["coachee_emails"]],
            "coach": [sign_in(who["coach_email"]) for _ in range(SESSIONS_PER_ROLE)],
            "admin": [sign_in(f"admin1@{LARGE_ORG}.example")
                      for _ in range(SESSIONS_PER_ROLE)],
        }
        first = who["coachee_emails"][0]
        while len(DEVICES.get(first, [])) < 64:
            sign_in(first)
        if full:
            who["guest"] = guest_cookie(data_dir, who)
        all_pages = pages(who)
        check_pages(all_pages)
        statements = statements_per_request(data_dir, all_pages)
    finally:
        if reference:
            reference.stop()
        probe.stop()
    return who, all_pages, statements


def fmt_rps(rps):
    return f"{statistics.median(rps):,.0f} ({min(rps):,.0f}–{max(rps):,.0f})"


def main():
    for tool in ("wrk", "psql"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: bench/run installs it")
    WORK.mkdir(parents=True, exist_ok=True)
    lines = []

    def out(text=""):
        say(text)
        lines.append(text)

    data_dir = load(1.0)
    say("Preparing the run at scale 1 ...")
    who, all_pages, statements = prepare(data_dir, "scale-1")
    triad = start_triad(data_dir, "scale-1")
    reference = start_reference(data_dir)
    results = {}
    try:
        check_pages(all_pages)
        for page in all_pages:
            for connections in CONNECTIONS:
                say(f"  {page[0]} at {connections} connections ...")
                results[(page[0], connections)] = measure(page, connections)
        # The sign-in storm: the coachee dashboard at 16 connections while 64
        # connections sign in.
        say("  coachee dashboard during a storm of 64 concurrent sign-ins ...")
        dashboard = next(p for p in all_pages if p[0] == "coachee dashboard")
        sign_in_page = next(p for p in all_pages if p[0] == "sign-in POST")
        storm_runs = []
        for _ in range(REPEATS):
            storm = subprocess.Popen(
                ["wrk", "-t", "1", "-c", "64", "-d", f"{SECONDS + 2}s", "--timeout", "30s",
                 "-s", str(WRK_SCRIPT), "http://%s:%d/sign-in" % TRIAD_ADDR, "--",
                 "|".join(sign_in_page[3]), sign_in_page[4]],
                stdout=subprocess.DEVNULL)
            time.sleep(1)
            storm_runs.append(wrk(TRIAD_ADDR, dashboard[2], dashboard[3], None, 16, SECONDS))
            storm.wait()
        peak_kib = triad.peak_rss_kib()
    finally:
        reference.stop()
        triad.stop()

    ref = results[("three-query reference", 16)]
    ref64 = results[("three-query reference", 64)]
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    out(f"# Triad benchmark, {stamp}")
    out()
    out(f"Platform: {who['platform_sessions']:,} coaching sessions; large organisation "
        f"{LARGE_ORG}. Each figure: {REPEATS} runs of {SECONDS} s after a {WARMUP} s "
        f"warm-up, wrk with 2 threads; rps as median (min–max), latency as the median "
        f"of the runs' percentiles. Ratios against the three-query reference at the "
        f"same connections. CPU per request: what the server under test (Triad or "
        f"the yardstick) and PostgreSQL used over the measured runs, from /proc, "
        f"divided by the requests answered; the machine has {os.cpu_count()} cores.")
    out()
    out("| page | conns | req/s median (min–max) | × ref | p50 ms | p99 ms | p99 × ref | SQL/request | CPU µs/request: server + PostgreSQL | failed |")
    out("|---|---|---|---|---|---|---|---|---|---|")
    for page in all_pages:
        name = page[0]
        for connections in CONNECTIONS:
            r = results[(name, connections)]
            base = ref if connections == 16 else ref64
            ratio = statistics.median(r["rps"]) / statistics.median(base["rps"])
            p99_ratio = r["p99_ms"] / base["p99_ms"] if base["p99_ms"] else 0
            sql_count = statements[name]
            server_us, postgres_us = r["cpu_us"]
            out(f"| {name} | {connections} | {fmt_rps(r['rps'])} | {ratio:.2f} | "
                f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {p99_ratio:.2f} | "
                f"{sql_count} | {server_us:,.0f} + {postgres_us:,.0f} | {r['failed']} |")
    out()
    alone = results[("coachee dashboard", 16)]["p99_ms"]
    during = statistics.median(r["p99_us"] for r in storm_runs) / 1000
    during_rps = statistics.median(r["rps"] for r in storm_runs)
    out(f"Sign-in storm: coachee dashboard p99 at 16 connections {alone:.1f} ms alone, "
        f"{during:.1f} ms during 64 concurrent sign-ins ({during / alone:.2f}×; "
        f"{during_rps:,.0f} req/s).")
    out(f"Triad's peak resident memory over the whole run: {peak_kib / 1024:.1f} MiB.")
    out()

    # Growth: the report and the coach dashboard at 1, 1/10 and 1/100 of the load.
    growth = [(1.0, who, results)]
    for scale in (0.1, 0.01):
        small_dir = load(scale)
        say(f"Preparing the run at scale {scale:g} ...")
        small_who, small_pages, small_statements = prepare(
            small_dir, f"scale-{scale:g}", full=False)
        triad = start_triad(small_dir, f"scale-{scale:g}")
        small_results = {}
        try:
            check_pages(small_pages[2:])  # the yardstick is not running here
            for page in small_pages:
                if page[0].startswith(("coach dashboard", COUNTED)):
                    say(f"  {page[0]} at {GROWTH_CONNECTIONS} connections ...")
                    small_results[(page[0], GROWTH_CONNECTIONS)] = measure(page, GROWTH_CONNECTIONS)
                    small_results[(page[0], "sql")] = small_statements[page[0]]
        finally:
            triad.stop()
        growth.append((scale, small_who, small_results))
    for (name, conns), r in list(results.items()):
        if name.startswith(("coach dashboard", COUNTED)) and conns == GROWTH_CONNECTIONS:
            results[(name, "sql")] = statements[name]

    out(f"Growth ({GROWTH_CONNECTIONS} connections): how cost follows the data.")
    out()
    out("| scale | platform sessions | page | rows it covers | req/s median | p50 ms | p99 ms | SQL/request |")
    out("|---|---|---|---|---|---|---|---|")
    for scale, w, r in growth:
        for (name, conns), m in r.items():
            if conns != GROWTH_CONNECTIONS or not name.startswith(("coach dashboard", COUNTED)):
                continue
            covers = (f"{w['coach_coachees']} coachees" if name.startswith("coach")
                      else f"{w['report_sessions']:,} sessions, "
                           f"{w['program_engagements']:,} engagements")
            out(f"| {scale:g} | {w['platform_sessions']:,} | {name.split(' (')[0]} | {covers} | "
                f"{statistics.median(m['rps']):,.0f} | {m['p50_ms']:.1f} | {m['p99_ms']:.1f} | "
                f"{r[(name, 'sql')]} |")
    out()
    out("Targets (from this run):")
    out()

    def verdict(met):
        return "met" if met else "MISSED"

    def ratio_of(name, connections=64):
        base = ref if connections == 16 else ref64
        return (statistics.median(results[(name, connections)]["rps"])
                / statistics.median(base["rps"]))

    for page in all_pages:
        name = page[0]
        if name.startswith(("plain", "three", "sign-in", FLOOR, REPORT, COUNTED)):
            continue
        worst = min(ratio_of(name, 16), ratio_of(name, 64))
        p99 = results[(name, 64)]["p99_ms"] / ref64["p99_ms"]
        out(f"- {name}: req/s ≥ 0.5× the yardstick: {worst:.2f}× "
            f"({verdict(worst >= 0.5)}); p99 at 64 ≤ 3×: {p99:.2f}× ({verdict(p99 <= 3)})")
    for page in all_pages:
        if page[0].startswith((REPORT, COUNTED)):
            worst = min(ratio_of(page[0], 16), ratio_of(page[0], 64))
            out(f"- {page[0]}: req/s ≥ 0.1× the yardstick: {worst:.3f}× ({verdict(worst >= 0.1)})")
    out(f"- dashboard p99 during the sign-in storm ≤ 2× without: {during / alone:.2f}× "
        f"({verdict(during / alone <= 2)})")
    out(f"- peak resident memory < 100 MiB: {peak_kib / 1024:.1f} MiB "
        f"({verdict(peak_kib < 100 * 1024)})")
    for name in ("coach dashboard", COUNTED):
        counts = sorted({r[(n, "sql")] for _, _, r in growth for (n, c) in r
                         if c == "sql" and n.startswith(name)})
        out(f"- {name}: the same statements at every scale: {counts} "
            f"({verdict(len(counts) == 1)})")
    results_file = WORK / "results.md"
    results_file.write_text("\n".join(lines) + "\n")
    say(f"\nThe table is in {results_file}.")


if __name__ == "__main__":
    main()
