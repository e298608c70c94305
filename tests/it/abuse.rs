//! The abuse suite: hostile input through every form of every role, the
//! limits on what a request may be, races on the same form, guest-link
//! guessing, and confidential words that must never leak. The forms are found
//! by reading the pages the router serves, not from a list kept by hand. The
//! suite keeps going after a failure and ends by printing its figures.

use std::collections::BTreeSet;
use std::io::Write;

use crate::support::{Who, World, concrete, location, queries, registered_routes, world};

/// What the suite tried and found.
#[derive(Default)]
struct Figures {
    routes_roles: BTreeSet<(String, String, String)>,
    forms: usize,
    fields: usize,
    submissions: usize,
    pages_checked: usize,
    emails_checked: usize,
    limits: usize,
    races: usize,
    faults: usize,
    memory_growth_mib: u64,
    passed: usize,
    failed: Vec<String>,
}

impl Figures {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if ok {
            self.passed += 1;
        } else {
            self.failed.push(what());
        }
    }

    /// Written to the terminal directly, so it shows even when the test passes.
    fn print(&self, payloads: usize) {
        let mut out = std::io::stderr().lock();
        let _ = writeln!(
            out,
            "\n── abuse suite ──────────────────────────────────────────\n\
             routes × roles covered     {}\n\
             forms found in pages       {}\n\
             payloads × fields          {} × {} = {} submissions\n\
             pages checked afterwards   {}\n\
             emails and calendars read  {}\n\
             limits tried               {} (memory grew {} MiB over 100 MiB refused)\n\
             races run                  {}\n\
             faults injected            {}\n\
             {} passed, {} failed\n",
            self.routes_roles.len(),
            self.forms,
            payloads,
            self.fields,
            self.submissions,
            self.pages_checked,
            self.emails_checked,
            self.limits,
            self.memory_growth_mib,
            self.races,
            self.faults,
            self.passed,
            self.failed.len()
        );
        for failure in self.failed.iter().take(40) {
            let _ = writeln!(out, "  FAILED {failure}");
        }
    }
}

/// Hostile values, each with the text that must never come back raw in HTML.
const PAYLOADS: &[(&str, Option<&str>)] = &[
    ("<script>alert(\"x1\")</script>", Some("<script>alert(")),
    (
        "\"><img src=x onerror=alert(2)>",
        Some("<img src=x onerror"),
    ),
    ("' onmouseover='alert(3)", Some("' onmouseover='")),
    ("javascript:alert(4)", Some("href=\"javascript:")),
    ("{{ 7*7 }}{% if true %}T{% endif %}", None),
    ("'; DROP TABLE users; --", None),
    ("Subject line\r\nBcc: victim@evil.example", None),
    ("\u{202E}gnp.exe\u{200B}\u{2066}", None),
    ("🧭🙂👩🏽‍💻 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", None),
    ("=HYPERLINK(\"http://evil.example\",\"x\")", None),
    ("a\u{0}b", None),
];

fn long_payload() -> String {
    "x".repeat(20_000)
}

/// A form as a page offers it.
#[derive(Clone, Debug)]
struct FoundForm {
    action: String,
    fields: Vec<(String, String)>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + end]))
}

fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The POST forms of a page, with the values they would send.
fn forms_in(html: &str) -> Vec<FoundForm> {
    let mut forms = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let after = &rest[start..];
        let Some(end) = after.find("</form>") else {
            break;
        };
        let body = &after[..end];
        let open = &body[..body.find('>').unwrap_or(body.len())];
        rest = &after[end..];
        if attr(open, "method").as_deref() != Some("post") {
            continue;
        }
        let Some(action) = attr(open, "action") else {
            continue;
        };
        let mut fields = Vec::new();
        let mut inner = body;
        while let Some(i) = inner.find('<') {
            let tag_end = inner[i..].find('>').map_or(inner.len(), |e| i + e + 1);
            let tag = &inner[i..tag_end];
            if let Some(name) = attr(tag, "name") {
                if tag.starts_with("<input") {
                    let kind = attr(tag, "type").unwrap_or_default();
                    let checked = tag.contains(" checked");
                    if (kind != "checkbox" && kind != "radio") || checked {
                        fields.push((name, attr(tag, "value").unwrap_or_default()));
                    }
                } else if tag.starts_with("<textarea") {
                    let text_end = inner[tag_end..].find("</textarea>").unwrap_or(0);
                    fields.push((name, unescape(&inner[tag_end..tag_end + text_end])));
                } else if tag.starts_with("<select") {
                    let select_end = inner[tag_end..].find("</select>").unwrap_or(0);
                    let options = &inner[tag_end..tag_end + select_end];
                    let chosen = options
                        .split("<option")
                        .skip(1)
                        .find(|o| o.contains(" selected"))
                        .or_else(|| options.split("<option").nth(1))
                        .and_then(|o| attr(&format!(" {o}"), "value"))
                        .unwrap_or_default();
                    fields.push((name, chosen));
                }
            }
            inner = &inner[tag_end.min(inner.len())..];
            if tag_end == 0 {
                break;
            }
        }
        forms.push(FoundForm { action, fields });
    }
    forms
}

/// Every GET page each person can open, with its HTML.
async fn pages(world: &World, figures: &mut Figures) -> Vec<(Who, String, String)> {
    let mut found = Vec::new();
    for (method, path) in registered_routes() {
        if method != "GET"
            || path.contains("{token}")
            || path.ends_with(".csv")
            || path.contains("/raw")
        {
            continue;
        }
        for (who, visitor) in &world.visitors {
            let url = concrete(&path, world);
            let response = visitor.get(&url).await;
            figures
                .routes_roles
                .insert((method.clone(), path.clone(), format!("{who:?}")));
            let status = response.status().as_u16();
            let html = response.text().await.unwrap_or_default();
            figures.check(status < 500, || format!("GET {url} as {who:?}: {status}"));
            if status == 200 {
                found.push((*who, url, html));
            }
        }
    }
    found
}

fn raw_markup(html: &str) -> Option<&'static str> {
    PAYLOADS
        .iter()
        .filter_map(|(_, raw)| *raw)
        .find(|raw| html.contains(raw))
}

async fn hostile_input(world: &World, figures: &mut Figures) {
    let found = pages(world, figures).await;
    let mut seen = BTreeSet::new();
    let mut forms = Vec::new();
    for (who, page, html) in &found {
        for form in forms_in(html) {
            if form.action == "/sign-out" {
                continue;
            }
            let names: Vec<&str> = form.fields.iter().map(|(n, _)| n.as_str()).collect();
            if seen.insert((format!("{who:?}"), form.action.clone(), names.join(","))) {
                forms.push((*who, page.clone(), form));
            }
        }
    }
    figures.forms = forms.len();
    let long = long_payload();
    for (who, page, form) in &forms {
        let visitor = &world.visitors.iter().find(|(w, _)| w == who).unwrap().1;
        for (index, (name, _)) in form.fields.iter().enumerate() {
            if name == "_csrf" {
                continue;
            }
            figures.fields += 1;
            let mut values: Vec<&str> = PAYLOADS.iter().map(|(p, _)| *p).collect();
            values.push(&long);
            for value in values {
                let mut fields = form.fields.clone();
                fields[index].1 = value.to_owned();
                // Each value is a new fill of the form, with a key of its own
                // (unless the key itself is the field under attack).
                for (field, key) in fields.iter_mut() {
                    if field == "_once" && field != name {
                        *key = uuid::Uuid::new_v4().to_string();
                    }
                }
                let response = visitor
                    .client
                    .post(visitor.url(&form.action))
                    .form(&fields)
                    .send()
                    .await
                    .expect("POST");
                figures.submissions += 1;
                let status = response.status().as_u16();
                let html = response.text().await.unwrap_or_default();
                figures.check(status < 500, || {
                    format!(
                        "POST {} field {name} as {who:?} (from {page}): {status}",
                        form.action
                    )
                });
                if let Some(raw) = raw_markup(&html) {
                    figures.check(false, || {
                        format!(
                            "POST {} field {name} as {who:?}: {raw:?} came back raw",
                            form.action
                        )
                    });
                }
            }
        }
    }

    // Afterwards, everything that shows what was written: pages, emails,
    // calendar files, the CSV.
    let after = pages(world, figures).await;
    for (who, url, html) in &after {
        figures.pages_checked += 1;
        if let Some(raw) = raw_markup(html) {
            figures.check(false, || format!("GET {url} as {who:?} shows {raw:?} raw"));
        } else {
            figures.passed += 1;
        }
    }
    let mut conn = world.app.owner_connection().await;
    let emails: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "select recipient_email, subject, body_html, calendar_ics from outbox_messages",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (to, subject, html, ics) in &emails {
        figures.emails_checked += 1;
        figures.check(!subject.contains(['\r', '\n']), || {
            format!("email to {to}: a line break in the subject {subject:?}")
        });
        figures.check(!to.contains("evil.example"), || {
            format!("email sent to {to}")
        });
        if let Some(raw) = raw_markup(html) {
            figures.check(false, || format!("email to {to} shows {raw:?} raw"));
        }
        if let Some(ics) = ics {
            let parsed = ical::IcalParser::new(ics.as_bytes()).next();
            figures.check(matches!(parsed, Some(Ok(_))), || {
                format!("calendar file to {to} does not parse")
            });
        }
    }
    let admin = &world
        .visitors
        .iter()
        .find(|(w, _)| *w == Who::Admin)
        .unwrap()
        .1;
    let csv = admin
        .text(&format!(
            "/admin/programmes/{}/report.csv",
            world.target_programme
        ))
        .await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records().flatten() {
        for cell in record.iter() {
            figures.check(!cell.starts_with(['=', '+', '-', '@']), || {
                format!("CSV cell {cell:?} starts like a formula")
            });
        }
    }
    // SQL text went in as text: the tables are all still there.
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    figures.check(users > 0, || "the users table is gone".into());

    // Bytes that are not UTF-8, and broken percent-encoding, to every POST route.
    for (method, path) in registered_routes() {
        if method != "POST" || path == "/sign-out" {
            continue;
        }
        let url = admin.url(&concrete(&path, world));
        let token = admin.csrf().await;
        for body in [
            format!("_csrf={token}&name=%FF%FE%80&title=%C3%28"),
            format!("_csrf={token}&name=%ZZ%&title=%"),
        ] {
            let response = admin
                .client
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            figures.submissions += 1;
            let status = response.status().as_u16();
            figures.check(status < 500, || {
                format!("POST {path} with bad bytes: {status}")
            });
        }
    }
}

async fn limits(world: &World, figures: &mut Figures) {
    let visitor = world.app.visitor();
    let token = visitor.csrf().await;
    // A body far over the limit is refused, quickly.
    let started = std::time::Instant::now();
    let big = format!("_csrf={token}&email={}", "a".repeat(2 * 1024 * 1024));
    let response = visitor
        .client
        .post(visitor.url("/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big)
        .send()
        .await;
    figures.limits += 1;
    let status = response.map(|r| r.status().as_u16()).unwrap_or(413);
    figures.check(status == 413, || format!("a 2 MiB body got {status}"));
    figures.check(
        started.elapsed() < std::time::Duration::from_secs(5),
        || "refusing a big body took over 5 s".into(),
    );
    // Many more, at once: refused without reading them, so memory stays flat.
    let before = resident_kib();
    let mut big_ones = Vec::new();
    let addr = world.app.base.trim_start_matches("http://").to_owned();
    for _ in 0..50 {
        let addr = addr.clone();
        // Written from one small buffer over a raw connection, so the test's
        // own memory stays out of the measurement.
        big_ones.push(tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let Ok(mut stream) = tokio::net::TcpStream::connect(&addr).await else {
                return 0;
            };
            let head = format!(
                "POST /sign-in HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
                2 * 1024 * 1024
            );
            if stream.write_all(head.as_bytes()).await.is_err() {
                return 0;
            }
            let chunk = [b'b'; 64 * 1024];
            for _ in 0..32 {
                if stream.write_all(&chunk).await.is_err() {
                    break;
                }
            }
            let mut answer = [0u8; 12];
            let _ = stream.read_exact(&mut answer).await;
            String::from_utf8_lossy(&answer[9..12]).parse::<u16>().unwrap_or(0)
        }));
    }
    let mut refused = 0;
    for big in big_ones {
        if big.await.unwrap() == 413 {
            refused += 1;
        }
    }
    let growth_mib = resident_kib().saturating_sub(before) / 1024;
    figures.limits += 1;
    figures.memory_growth_mib = growth_mib;
    figures.check(refused == 50, || {
        format!("{refused} of 50 big bodies refused")
    });
    // The test process holds the app, its own 100 MiB of bodies and other
    // tests: "flat" is far less than the 100 MiB the app was sent.
    figures.check(growth_mib < 64, || {
        format!("resident memory grew {growth_mib} MiB over 50 refused 2 MiB bodies")
    });
    // Too many fields.
    let mut many = format!("_csrf={token}");
    for i in 0..2000 {
        many.push_str(&format!("&f{i}=x"));
    }
    let response = visitor
        .client
        .post(visitor.url("/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(many)
        .send()
        .await
        .unwrap();
    figures.limits += 1;
    let status = response.status().as_u16();
    figures.check(status == 413, || format!("2,000 fields got {status}"));
    // Slow clients hold connections open without a whole request; others are
    // still served at once.
    let addr = world.app.base.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..40 {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(&addr).await {
            use tokio::io::AsyncWriteExt;
            let _ = stream
                .write_all(b"POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nem")
                .await;
            slow.push(stream);
        }
    }
    // One that sends part of a body and stalls is answered within the body
    // timeout, not held on to.
    let stalled = {
        let addr = addr.clone();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let started = std::time::Instant::now();
            let mut stream = tokio::net::TcpStream::connect(&addr).await.ok()?;
            stream
                .write_all(b"POST /forgot-password HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=")
                .await
                .ok()?;
            let mut answer = [0u8; 12];
            tokio::time::timeout(
                std::time::Duration::from_secs(20),
                stream.read_exact(&mut answer),
            )
            .await
            .ok()?
            .ok()?;
            Some((
                String::from_utf8_lossy(&answer[9..12]).to_string(),
                started.elapsed(),
            ))
        })
    };
    let started = std::time::Instant::now();
    let response = world.app.visitor().get("/healthz").await;
    figures.limits += 1;
    figures.check(
        response.status() == 200 && started.elapsed() < std::time::Duration::from_secs(2),
        || {
            format!(
                "with 40 slow clients, /healthz took {:?}",
                started.elapsed()
            )
        },
    );
    drop(slow);
    let stalled = stalled.await.unwrap();
    figures.limits += 1;
    figures.check(
        stalled.as_ref().is_some_and(|(status, took)| {
            status == "408" && *took < std::time::Duration::from_secs(15)
        }),
        || format!("a stalled body got {stalled:?}"),
    );
    // Guessing guest links from one address is throttled.
    let guesser = world.app.visitor();
    let mut last = 0;
    for i in 0..25 {
        let token = format!(
            "{}.{}.00.00",
            world.acme.0.simple(),
            uuid::Uuid::from_u128(i).simple()
        );
        last = guesser.get(&format!("/m/{token}")).await.status().as_u16();
    }
    figures.limits += 1;
    figures.check(last == 429, || format!("the 25th wrong link got {last}"));
}

/// This process's resident memory, in KiB.
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

async fn races(world: &World, figures: &mut Figures) {
    // The same goal form sent five times at once, as by an impatient double click.
    let coachee = &world
        .visitors
        .iter()
        .find(|(w, _)| *w == Who::Coachee)
        .unwrap()
        .1;
    let path = format!("/engagements/{}/goals/new", world.target_engagement);
    let page = coachee.text(&path).await;
    let form = forms_in(&page)
        .into_iter()
        .find(|f| f.action == path)
        .expect("the goal form");
    let mut fields = form.fields.clone();
    for (name, value) in fields.iter_mut() {
        if name == "title" {
            *value = "Race goal: exactly once".into();
        }
    }
    let mut sends = Vec::new();
    for _ in 0..5 {
        let client = coachee.client.clone();
        let url = coachee.url(&path);
        let fields = fields.clone();
        sends.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&fields)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut responses = Vec::new();
    for send in sends {
        responses.push(send.await.unwrap());
    }
    figures.races += 1;
    figures.check(responses.iter().all(|s| *s > 0 && *s < 500), || {
        format!("racing goal forms: {responses:?}")
    });
    let goals: i64 =
        sqlx::query_scalar("select count(*) from goals where title = 'Race goal: exactly once'")
            .fetch_one(&mut world.app.owner_connection().await)
            .await
            .unwrap();
    figures.check(goals == 1, || {
        format!("five identical goal forms made {goals} goals")
    });
}

/// The manager and the coachee act on one meeting at the same moment —
/// accept against reschedule against cancel. Whatever wins, the meeting ends
/// in one consistent state and everyone's last calendar email says the same.
async fn meeting_races(world: &World, figures: &mut Figures) {
    use triad::db::alignment as meetings;
    let coachee = &world
        .visitors
        .iter()
        .find(|(w, _)| *w == Who::Coachee)
        .unwrap()
        .1;
    let keys = crate::support::guest_keys();
    let day = (chrono::Utc::now() + chrono::Duration::days(20))
        .format("%Y-%m-%d")
        .to_string();
    for round in 0..3 {
        // A fresh meeting waiting for the manager, behind the app's back.
        let mut tx = triad::db::begin_tenant(&world.app.pool, world.acme)
            .await
            .unwrap();
        sqlx::query("update alignment_meetings set status = 'cancelled' where status in ('proposed', 'confirmed')")
            .execute(&mut *tx)
            .await
            .unwrap();
        let creator: uuid::Uuid =
            sqlx::query_scalar("select coachee_id from engagements where id = $1")
                .bind(world.target_engagement)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        let (meeting, _) = meetings::create(
            &mut tx,
            world.acme,
            &meetings::NewMeeting {
                engagement_id: world.target_engagement,
                kind: triad::alignment::Kind::Initial,
                duration_minutes: 30,
                place: "Race room".into(),
                agenda: String::new(),
                request_key: uuid::Uuid::new_v4(),
                created_by: creator,
            },
        )
        .await
        .unwrap();
        let at = chrono::Utc::now() + chrono::Duration::days(10);
        meetings::add_candidate(&mut tx, world.acme, meeting, at, "coachee", "")
            .await
            .unwrap();
        let invite = uuid::Uuid::now_v7();
        let link = keys.issue(world.acme.0, invite);
        meetings::create_invite(
            &mut tx,
            world.acme,
            invite,
            meeting,
            "Race Manager",
            "race.manager@example.com",
            &link,
            "UTC",
            at + chrono::Duration::days(30),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let manager = world.app.visitor();
        let opened = manager.get(&format!("/m/{}", link.token)).await;
        let guest_page = crate::support::location(&opened);
        let page = manager.text(&guest_page).await;
        let accept = format!("{guest_page}/accept");
        let form = forms_in(&page)
            .into_iter()
            .find(|f| f.action == accept)
            .expect("the accept form");
        let coachee_token = coachee.csrf().await;
        let mut actions = Vec::new();
        {
            let client = manager.client.clone();
            let url = manager.url(&accept);
            let fields = form.fields.clone();
            actions.push(tokio::spawn(async move {
                client
                    .post(url)
                    .form(&fields)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }));
        }
        if round != 1 {
            let client = coachee.client.clone();
            let url = coachee.url(&format!("/alignment/{meeting}/reschedule"));
            let fields = vec![
                ("_csrf", coachee_token.clone()),
                ("date", day.clone()),
                ("time", "15:00".to_owned()),
                ("duration", "30".to_owned()),
                ("place", "Race room".to_owned()),
            ];
            actions.push(tokio::spawn(async move {
                client
                    .post(url)
                    .form(&fields)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }));
        }
        if round != 0 {
            let client = coachee.client.clone();
            let url = coachee.url(&format!("/alignment/{meeting}/cancel"));
            let fields = vec![("_csrf", coachee_token.clone())];
            actions.push(tokio::spawn(async move {
                client
                    .post(url)
                    .form(&fields)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }));
        }
        let mut statuses = Vec::new();
        for action in actions {
            statuses.push(action.await.unwrap());
        }
        figures.races += 1;
        figures.check(statuses.iter().all(|s| *s > 0 && *s < 500), || {
            format!("meeting race {round}: {statuses:?}")
        });
        let mut conn = world.app.owner_connection().await;
        let (status, starts_at, sequence): (String, Option<chrono::DateTime<chrono::Utc>>, i32) =
            sqlx::query_as(
                "select status, starts_at, sequence from alignment_meetings where id = $1",
            )
            .bind(meeting)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        let revoked: bool =
            sqlx::query_scalar("select revoked_at is not null from guest_invites where id = $1")
                .bind(invite)
                .fetch_one(&mut conn)
                .await
                .unwrap();
        figures.check((status == "cancelled") == revoked, || {
            format!("race {round}: meeting {status}, link revoked {revoked}")
        });
        // The last calendar email each person got matches the final state.
        let latest: Vec<(String, String, String)> = sqlx::query_as(
            "select distinct on (recipient_email) recipient_email, calendar_method, calendar_ics
             from outbox_messages
             where dedupe_key like $1 and status <> 'superseded'
             order by recipient_email, created_at desc",
        )
        .bind(format!("alignment-{meeting}-calendar-%"))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for (to, method, ics) in &latest {
            let ok = match (status.as_str(), starts_at) {
                ("cancelled", _) => method == "CANCEL",
                ("confirmed", Some(at)) => {
                    method == "REQUEST"
                        && ics.contains(&format!("DTSTART:{}", at.format("%Y%m%dT%H%M%SZ")))
                        && ics.contains(&format!("SEQUENCE:{sequence}"))
                }
                _ => false,
            };
            figures.check(ok, || {
                format!("race {round}: {to}'s last calendar email is {method} while the meeting is {status}")
            });
        }
        figures.check(status == "cancelled" || latest.len() == 3, || {
            format!(
                "race {round}: {} people have a calendar entry for a {status} meeting",
                latest.len()
            )
        });
    }
    // However the writes interleaved, each engagement's progress row (the
    // dashboards' readiness) follows from its meetings and offered times.
    let compared = world.app.assert_progress_follows_facts().await;
    figures.check(compared > 0, || "no engagement to compare".to_owned());
}

/// Confidential words planted behind the app's back must show only to the
/// people allowed to read them, and never in logs or error pages.
async fn privacy(world: &World, figures: &mut Figures) {
    const PAIR: &str = "PAIR-ONLY-k4w";
    const COACH: &str = "COACH-ONLY-j8m";
    let mut conn = world.app.owner_connection().await;
    sqlx::query("select set_config('app.org_id', $1, false)")
        .bind(world.acme.0.to_string())
        .execute(&mut conn)
        .await
        .unwrap();
    // The words go in as bound values: the test's own statements must not
    // put them in the log it is about to search.
    for (sql, marker) in [
        (
            "update coaching_sessions set key_points = $1, agreed_actions = $1, status = 'completed'",
            PAIR,
        ),
        ("update goals set description = $1", PAIR),
        (
            "insert into coaching_session_notes (org_id, session_id, coach_id, notes)
             select org_id, id, (select coach_id from engagements limit 1), $1 from coaching_sessions
             on conflict (org_id, session_id) do update set notes = excluded.notes",
            COACH,
        ),
        (
            "insert into alignment_preparations (org_id, meeting_id, success)
             select org_id, id, $1 from alignment_meetings
             on conflict (org_id, meeting_id) do update set success = excluded.success",
            PAIR,
        ),
        (
            "insert into alignment_coach_notes (org_id, meeting_id, body)
             select org_id, id, $1 from alignment_meetings
             on conflict (org_id, meeting_id) do update set body = excluded.body",
            COACH,
        ),
    ] {
        sqlx::query(sql).bind(marker).execute(&mut conn).await.unwrap();
    }
    let found = pages(world, figures).await;
    for (who, url, html) in &found {
        let pair_ok = matches!(who, Who::Coach | Who::Coachee);
        figures.check(pair_ok || !html.contains(PAIR), || {
            format!("{url} shows {PAIR} to {who:?}")
        });
        figures.check(*who == Who::Coach || !html.contains(COACH), || {
            format!("{url} shows {COACH} to {who:?}")
        });
    }
    // The words are really on the pages of those allowed to read them.
    figures.check(
        found
            .iter()
            .any(|(w, _, h)| *w == Who::Coach && h.contains(COACH)),
        || "the coach's own notes are not on the coach's pages".into(),
    );
    figures.check(
        found
            .iter()
            .any(|(w, _, h)| *w == Who::Coachee && h.contains(PAIR)),
        || "the coachee's own session record is not on their pages".into(),
    );
    // Error pages never echo anything confidential.
    for (who, visitor) in &world.visitors {
        let response = visitor
            .get(&format!("/sessions/{}", uuid::Uuid::now_v7()))
            .await;
        let body = response.text().await.unwrap_or_default();
        figures.check(!body.contains(PAIR) && !body.contains(COACH), || {
            format!("a 404 page shows a marker to {who:?}")
        });
    }
    figures.check(!queries::logged(PAIR) && !queries::logged(COACH), || {
        "a confidential marker reached the logs".into()
    });
    // Nor do secrets: a password, a session id, a form token.
    let visitor = world.app.visitor();
    let email = "logged.secrets@acme.test";
    world
        .app
        .seed_member(
            world.acme,
            email,
            "Secret Keeper",
            crate::support::roles(false, false, true),
        )
        .await;
    let response = visitor.sign_in(email, crate::support::PASSWORD).await;
    let session = crate::support::session_cookie(&response).unwrap_or_default();
    let token = visitor.csrf().await;
    figures.check(session.len() > 10 && token.len() > 10, || {
        "no session or token to look for".into()
    });
    for (what, secret) in [
        ("the password", crate::support::PASSWORD.to_owned()),
        ("a session id", session),
        ("a form token", token),
    ] {
        figures.check(!queries::logged(&secret), || {
            format!("{what} reached the logs")
        });
    }
    let _ = location;
}

/// PostgreSQL stopped in the middle of traffic and started again.
async fn database_restart(figures: &mut Figures) {
    use triad::embedded_pg::{Durability, EmbeddedPostgres};
    let root = std::env::temp_dir().join(format!("triad-fault-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let start = {
        let root = root.clone();
        move || EmbeddedPostgres::start(&root, "triad_faults", Durability::Throwaway)
    };
    let cluster = tokio::task::spawn_blocking(start.clone())
        .await
        .unwrap()
        .expect("a cluster of our own to restart");
    crate::support::remove_when_process_ends(&cluster);
    let owner = cluster.connect_options("triad_faults");
    let data = tempfile::tempdir().unwrap();
    let config = crate::support::test_config(data.path());
    triad::db::migrate(&owner).await.unwrap();
    triad::db::ensure_app_login(&owner, &config.secret_key().unwrap())
        .await
        .unwrap();
    let app = crate::support::TestApp::spawn_on(owner.clone()).await;
    let org = app.create_org("Faulty").await;
    let (admin, _) = app
        .signed_in(
            org,
            "admin@faulty.test",
            crate::support::roles(true, false, false),
        )
        .await;
    figures.check(admin.get("/home").await.status() == 200, || {
        "home before the fault".into()
    });
    let token = admin.csrf().await;

    figures.faults += 1;
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .unwrap();
    // While it is down: the 503 page with its request id, /readyz says so,
    // and a form sent now leaves nothing behind.
    let response = admin.get("/home").await;
    let status = response.status().as_u16();
    let id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.text().await.unwrap_or_default();
    figures.check(
        status == 503 && !id.is_empty() && body.contains(&id),
        || format!("with the database down, /home gave {status}"),
    );
    let ready = app.get("/readyz").await.status().as_u16();
    figures.check(ready == 503, || {
        format!("/readyz said {ready} with the database down")
    });
    let response = admin
        .client
        .post(admin.url("/admin/programmes/new"))
        .form(&[
            ("_csrf", token.as_str()),
            ("name", "Written during the outage"),
            ("starts_on", "2026-01-01"),
            ("ends_on", "2026-12-31"),
            ("cadence", "monthly"),
            ("sessions_included", "6"),
            ("reporting_threshold", "5"),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    figures.check(status == 503, || {
        format!("a form during the outage got {status}")
    });

    let cluster = tokio::task::spawn_blocking(start).await.unwrap().unwrap();
    // Back without restarting Triad.
    let mut recovered = false;
    for _ in 0..100 {
        if app.get("/readyz").await.status() == 200 && admin.get("/home").await.status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    figures.check(recovered, || {
        "Triad did not recover after the database came back".into()
    });
    let written: i64 = sqlx::query_scalar("select count(*) from programs")
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap_or(-1);
    figures.check(written == 0, || {
        format!("{written} programmes from the outage")
    });
    drop(app);
    let _ = tokio::task::spawn_blocking(move || cluster.stop()).await;
}

/// Every connection held by queries stuck behind a lock: others wait a bounded
/// time and get the 503 page; when the lock goes, everything finishes.
async fn pool_exhausted(figures: &mut Figures) {
    let app = crate::support::TestApp::spawn().await;
    let org = app.create_org("Busy").await;
    let (admin, _) = app
        .signed_in(
            org,
            "admin@busy.test",
            crate::support::roles(true, false, false),
        )
        .await;
    figures.faults += 1;
    let mut holder = app.owner_connection().await;
    sqlx::query("begin").execute(&mut holder).await.unwrap();
    sqlx::query("lock table memberships in access exclusive mode")
        .execute(&mut holder)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut requests = Vec::new();
    for _ in 0..40 {
        let client = admin.client.clone();
        let url = admin.url("/home");
        requests.push(tokio::spawn(async move {
            let response = client.get(url).send().await;
            (
                response.map(|r| r.status().as_u16()).unwrap_or(0),
                std::time::Instant::now(),
            )
        }));
    }
    // Past the pool's wait, the ones without a connection have had their answer.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    sqlx::query("rollback").execute(&mut holder).await.unwrap();
    let mut statuses = Vec::new();
    let mut slowest_refusal = std::time::Duration::ZERO;
    for request in requests {
        let (status, at) = request.await.unwrap();
        if status == 503 {
            slowest_refusal = slowest_refusal.max(at - started);
        }
        statuses.push(status);
    }
    let refused = statuses.iter().filter(|s| **s == 503).count();
    let served = statuses.iter().filter(|s| **s == 200).count();
    figures.check(refused > 0 && served > 0 && refused + served == 40, || {
        format!("with the pool held: {statuses:?}")
    });
    figures.check(slowest_refusal < std::time::Duration::from_secs(7), || {
        format!("a request waited {slowest_refusal:?} for its 503")
    });
    let after = admin.get("/home").await.status().as_u16();
    figures.check(after == 200, || {
        format!("after the lock, /home gave {after}")
    });
}

/// Stopped (as by SIGTERM) while emails are being asked for: every request
/// that got in is answered, and every email is sent once — by this process or
/// the next.
async fn stopped_under_load(figures: &mut Figures) {
    use crate::support::smtp::SmtpSink;
    let sink = SmtpSink::start();
    let smtp = sink.url();
    // Behind a proxy, so that thirty people ask from thirty addresses (from
    // one, the reset limit would stop most of them).
    let mut app = crate::support::TestApp::spawn_with({
        let smtp = smtp.clone();
        move |config| {
            config.smtp_url = Some(smtp);
            config.trusted_proxies = triad::config::TrustedProxies::parse("127.0.0.1").unwrap();
        }
    })
    .await;
    let org = app.create_org("Stopping").await;
    for i in 0..30 {
        app.seed_member(
            org,
            &format!("p{i}@stopping.test"),
            "P",
            crate::support::roles(false, false, true),
        )
        .await;
    }
    figures.faults += 1;
    let mut requests = Vec::new();
    for i in 0..30 {
        let visitor = app.visitor_from(&format!("198.51.100.{i}"));
        requests.push(tokio::spawn(async move {
            let email = format!("p{i}@stopping.test");
            let response = visitor
                .post("/forgot-password", &[("email", email.as_str())])
                .await;
            response.status().as_u16()
        }));
        if i == 15 {
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let _ = app.stop_serving().await;
    let mut answered = 0;
    for request in requests {
        // A request the stopped listener never took fails to connect; one it
        // took is answered in full.
        if let Ok(status) = request.await {
            figures.check(status == 200, || {
                format!("a request in flight got {status}")
            });
            answered += 1;
        }
    }
    let owner = app.owner.clone();
    let next =
        crate::support::TestApp::spawn_on_with(owner, move |config| config.smtp_url = Some(smtp))
            .await;
    let queued: i64 = sqlx::query_scalar("select count(*) from outbox_messages")
        .fetch_one(&mut next.owner_connection().await)
        .await
        .unwrap();
    crate::support::eventually(30, "the outbox to drain", || async {
        let pending: i64 = sqlx::query_scalar(
            "select count(*) from outbox_messages where status in ('queued', 'sending')",
        )
        .fetch_one(&mut next.owner_connection().await)
        .await
        .unwrap();
        (pending == 0).then_some(())
    })
    .await;
    let received = sink.received();
    let mut ids: Vec<String> = received
        .iter()
        .filter_map(|m| m.parsed().message_id().map(str::to_owned))
        .collect();
    let all = ids.len();
    ids.sort();
    ids.dedup();
    figures.check(
        answered > 0 && queued as usize == ids.len() && all == ids.len(),
        || {
            format!(
                "{answered} answered, {queued} emails queued, {all} received, {} distinct",
                ids.len()
            )
        },
    );
    drop(next);
    drop(app);
}

#[tokio::test]
async fn the_abuse_suite_finds_no_500_no_raw_markup_and_no_leak() {
    let world = world().await;
    let mut figures = Figures::default();
    privacy(&world, &mut figures).await;
    races(&world, &mut figures).await;
    meeting_races(&world, &mut figures).await;
    hostile_input(&world, &mut figures).await;
    limits(&world, &mut figures).await;
    database_restart(&mut figures).await;
    pool_exhausted(&mut figures).await;
    stopped_under_load(&mut figures).await;
    figures.print(PAYLOADS.len() + 1);
    assert!(
        figures.failed.is_empty(),
        "{} failed:\n{}",
        figures.failed.len(),
        figures.failed.join("\n")
    );
}
