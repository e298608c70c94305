//! Alignment meetings end to end over HTTP: readiness, scheduling, the
//! manager's signed guest link, the manager's answers, times across daylight
//! saving, reschedule and cancel with their emails, the feature switched off,
//! and requests for an extra meeting.

use chrono::{Datelike, Duration, Utc};

use crate::support::{TestApp, Visitor, location, queries, roles};

/// A coachee, their coach and an admin of one organisation, signed in; other
/// test modules borrow it to reach a meeting the way its people do.
pub(crate) struct Trio {
    pub(crate) app: TestApp,
    pub(crate) admin: Visitor,
    coach: Visitor,
    coachee: Visitor,
    org: triad::db::TenantId,
    programme: uuid::Uuid,
    engagement: uuid::Uuid,
    coachee_id: uuid::Uuid,
}

pub(crate) const MANAGER: &str = "morgan.manager@example.com";

/// Robin (Europe/London) coached by Casey (Europe/Berlin) in a programme with
/// alignment meetings switched on or off; one goal shared, one private.
pub(crate) async fn trio(enabled: bool) -> Trio {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    let (coach, coach_id) = app
        .signed_in(org, "casey@acme.test", roles(false, true, false))
        .await;
    let (coachee, coachee_id) = app
        .signed_in(org, "robin@acme.test", roles(false, false, true))
        .await;
    for (id, zone, name) in [
        (coach_id, "Europe/Berlin", "Casey Coach"),
        (coachee_id, "Europe/London", "Robin Rivera"),
    ] {
        sqlx::query("update users set time_zone = $2, name = $3 where id = $1")
            .bind(id)
            .bind(zone)
            .bind(name)
            .execute(&mut app.owner_connection().await)
            .await
            .unwrap();
    }
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let (programme, engagement) = crate::support::programme_and_engagement(
        &mut tx,
        org,
        "Leading Teams",
        coachee_id,
        coach_id,
    )
    .await;
    for (title, shared) in [
        ("Shared goal: run calmer meetings", true),
        ("Private goal: stop dreading Mondays", false),
    ] {
        let goal = triad::db::goals::create(
            &mut tx,
            org,
            engagement,
            &triad::db::goals::GoalFields {
                title: title.into(),
                description: String::new(),
                skill_id: None,
                status: triad::db::goals::GoalStatus::Active,
                progress: 20,
            },
        )
        .await
        .unwrap();
        triad::db::goals::set_shared(&mut tx, org, goal, shared)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let trio = Trio {
        app,
        admin,
        coach,
        coachee,
        org,
        programme,
        engagement,
        coachee_id,
    };
    if enabled {
        trio.switch(true).await;
    }
    trio
}

impl Trio {
    /// The admin sets the switch through the programme page's form.
    async fn switch(&self, on: bool) {
        let mut fields = vec![
            ("included", "2"),
            ("sessions_before", "2"),
            ("prep_expected", "on"),
            ("link_days", "7"),
            ("reminder_hours", "24"),
        ];
        if on {
            fields.push(("enabled", "on"));
        }
        let response = self
            .admin
            .post(
                &format!("/admin/programmes/{}/alignment", self.programme),
                &fields,
            )
            .await;
        assert_eq!(response.status(), 303);
    }

    /// The coachee sends the scheduling form with `times` (date, time in
    /// London); returns the meeting's page path and the form's fields.
    pub(crate) async fn schedule(&self, times: &[(String, &str)]) -> String {
        let page = self
            .coachee
            .text(&format!("/engagements/{}/alignment", self.engagement))
            .await;
        let fields = schedule_fields(&page, times);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = self
            .coachee
            .post(
                &format!("/engagements/{}/alignment", self.engagement),
                &fields,
            )
            .await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        location(&response)
    }

    pub(crate) async fn scalar_i64(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&mut self.app.owner_connection().await)
            .await
            .unwrap()
    }

    /// The token in the newest email to the manager.
    async fn manager_token(&self, to: &str) -> String {
        let link = crate::support::link_in_mail(&self.app, to, "/m/").await;
        link.rsplit("/m/").next().unwrap().to_owned()
    }

    /// A browser-less manager with no account, through the link.
    async fn manager(&self, token: &str) -> Visitor {
        let manager = self.app.visitor();
        let response = manager.get(&format!("/m/{token}")).await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), guest(token));
        manager
    }
}

/// The manager's page for the invite a link names: `/guest/{invite}`.
fn guest(token: &str) -> String {
    format!("/guest/{}", token.split('.').nth(1).unwrap())
}

/// A guest form's fields: every one says which invite's page showed it.
fn shown_on<'a>(token: &'a str, fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![("invite", token.split('.').nth(1).unwrap())];
    all.extend_from_slice(fields);
    all
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the hidden field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

fn schedule_fields(page: &str, times: &[(String, &str)]) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("request_key", hidden(page, "request_key")),
        ("kind", "initial".to_owned()),
        ("duration", "30".to_owned()),
        ("place", "Room 2.01".to_owned()),
        ("manager_name", "Morgan Manager".to_owned()),
        ("manager_email", MANAGER.to_owned()),
        (
            "success",
            "PREP-SECRET two goals my manager recognises".to_owned(),
        ),
        ("opens", "coachee".to_owned()),
        ("closes", "coach".to_owned()),
        ("coach_role", "facilitate".to_owned()),
    ];
    for ((date, time), (d, t)) in
        times
            .iter()
            .zip([("date1", "time1"), ("date2", "time2"), ("date3", "time3")])
    {
        fields.push((d, date.clone()));
        fields.push((t, (*time).to_owned()));
    }
    // The shared goal stays ticked, as the form offers it.
    let marker = "name=\"goal\" value=\"";
    let mut rest = page;
    while let Some(at) = rest.find(marker) {
        let start = at + marker.len();
        let id = &rest[start..start + 36];
        let checked = rest[start..start + 60].contains("checked");
        if checked {
            fields.push(("goal", id.to_owned()));
        }
        rest = &rest[start..];
    }
    fields
}

pub(crate) fn day(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test]
async fn the_coachee_is_told_where_they_stand_and_a_double_submission_makes_one_meeting() {
    let t = trio(true).await;
    let home = t.coachee.text("/home").await;
    assert!(home.contains("Not yet"), "{home}");
    assert!(
        home.contains("0 of 2 recommended coaching sessions done"),
        "{home}"
    );

    // The coach sees the same state, and can advise scheduling now.
    let coach_home = t.coach.text("/home").await;
    assert!(coach_home.contains("Not yet"), "{coach_home}");
    let response = t
        .coach
        .post(
            &format!("/engagements/{}/alignment/advice", t.engagement),
            &[("advised", "yes")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let home = t.coachee.text("/home").await;
    assert!(home.contains("Ready to schedule"), "{home}");
    assert!(home.contains("coach advised"), "{home}");

    // A form with mistakes comes back with the reasons and what was typed.
    let page = t
        .coachee
        .text(&format!("/engagements/{}/alignment", t.engagement))
        .await;
    assert!(page.contains("Morgan") || page.contains("Leading Teams Manager"));
    let key = hidden(&page, "request_key");
    let response = t
        .coachee
        .post(
            &format!("/engagements/{}/alignment", t.engagement),
            &[
                ("request_key", key.as_str()),
                ("kind", "initial"),
                ("duration", "30"),
                ("place", "Room typed before the mistake"),
                ("manager_name", "Morgan"),
                ("manager_email", "not an address"),
                ("date1", "2020-01-01"),
                ("time1", "10:00"),
                ("opens", "coachee"),
                ("closes", "coach"),
                ("coach_role", "observe"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("has already passed"), "{body}");
    assert!(
        body.contains("manager&#39;s email address")
            || body.contains("manager's email address")
            || body.contains("manager&#x27;s email address"),
        "{body}"
    );
    assert!(body.contains("Room typed before the mistake"), "{body}");
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings")
            .await,
        0
    );

    // The same form sent twice (a double click) makes one meeting and one email.
    let page = t
        .coachee
        .text(&format!("/engagements/{}/alignment", t.engagement))
        .await;
    let fields = schedule_fields(&page, &[(day(10), "10:00"), (day(11), "14:30")]);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let path = format!("/engagements/{}/alignment", t.engagement);
    let (first, second) = tokio::join!(
        t.coachee.post(&path, &fields),
        t.coachee.post(&path, &fields)
    );
    assert_eq!(first.status(), 303);
    assert_eq!(second.status(), 303);
    assert_eq!(location(&first), location(&second));
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings")
            .await,
        1
    );
    assert_eq!(
        t.scalar_i64(&format!(
            "select count(*) from outbox_messages where recipient_email = '{MANAGER}'"
        ))
        .await,
        1
    );
    let home = t.coachee.text("/home").await;
    assert!(home.contains("Scheduled"), "{home}");
    assert!(home.contains("Waiting for the manager"), "{home}");

    // The manager's invitation: why, the two times in their zone, the link, no .ics yet.
    let (text, ics): (String, Option<String>) = sqlx::query_as(
        "select body_text, calendar_ics from outbox_messages where recipient_email = $1",
    )
    .bind(MANAGER)
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert!(text.contains("Robin"), "{text}");
    assert!(text.contains("not a performance review"), "{text}");
    assert!(text.contains("/m/"), "{text}");
    assert!(
        text.contains(":00 GMT") || text.contains(":00 BST"),
        "{text}"
    );
    assert!(text.contains("14:30"), "{text}");
    assert!(ics.is_none());
    assert!(!text.contains("PREP-SECRET"), "{text}");
    // The meeting is open with two times on offer: its progress row knows.
    assert_eq!(t.app.assert_progress_follows_facts().await, 1);
}

#[tokio::test]
async fn the_managers_link_opens_one_meeting_and_a_bare_open_changes_nothing_else() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00"), (day(12), "09:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let outbox_before = t.scalar_i64("select count(*) from outbox_messages").await;

    // A mail scanner's GET: a redirect to a URL without the token, a cookie
    // only for the guest pages, and nothing changed but the open time.
    let scanner = t.app.visitor();
    let response = scanner.get(&format!("/m/{token}")).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), guest(&token));
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| {
            c.starts_with(&format!(
                "triad_guest_{}=",
                token.split('.').nth(1).unwrap()
            ))
        })
        .expect("a guest cookie");
    assert!(cookie.contains("Path=/guest"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(!cookie.contains(&token), "the cookie is not the link");
    assert_eq!(
        t.scalar_i64("select count(*) from outbox_messages").await,
        outbox_before
    );
    let (rsvp, opened): (String, Option<chrono::DateTime<Utc>>) =
        sqlx::query_as("select rsvp, first_opened_at from guest_invites")
            .fetch_one(&mut t.app.owner_connection().await)
            .await
            .unwrap();
    assert_eq!(rsvp, "pending");
    assert!(opened.is_some());
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings where status = 'proposed'")
            .await,
        1
    );
    assert_eq!(
        t.scalar_i64("select count(*) from audit_events where action = 'guest.opened'")
            .await,
        1
    );

    // The manager's page: private, with the shared goal only.
    let response = scanner.get(&guest(&token)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    assert!(
        response.headers()["x-robots-tag"]
            .to_str()
            .unwrap()
            .contains("noindex")
    );
    let page = response.text().await.unwrap();
    assert!(page.contains("Shared goal: run calmer meetings"), "{page}");
    assert!(!page.contains("Private goal"), "{page}");
    assert!(!page.contains("PREP-SECRET"), "{page}");
    assert!(page.contains("Casey Coach"), "the coach's name: {page}");
    assert!(
        page.contains("not a performance review") || page.contains("A performance review"),
        "{page}"
    );

    // Un-sharing takes effect at once.
    let goal: uuid::Uuid = sqlx::query_scalar("select id from goals where shared_with_manager")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t
        .coachee
        .post(&format!("/goals/{goal}/share"), &[("shared", "no")])
        .await;
    assert_eq!(response.status(), 303);
    let page = scanner.text(&guest(&token)).await;
    assert!(!page.contains("Shared goal: run calmer meetings"), "{page}");

    // The coachee and coach see that the link was opened.
    for visitor in [&t.coachee, &t.coach] {
        let page = visitor.text(&meeting_path).await;
        assert!(page.contains("last opened"), "{page}");
    }

    // The guest cookie opens nothing else.
    let value = cookie.split(';').next().unwrap().to_owned();
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        "/home",
        &meeting_path,
        &format!("/engagements/{}", t.engagement),
        "/account",
    ] {
        let response = bare
            .get(t.app.url(path))
            .header("cookie", &value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{path}");
        assert!(location(&response).starts_with("/sign-in"), "{path}");
    }

    // The token never reached the logs.
    assert!(queries::logged_lines() > 0);
    let secret = token.split('.').nth(2).unwrap();
    assert!(!queries::logged(secret), "the link's secret was logged");
    assert!(!queries::logged(&token[..40]), "the link was logged");
}

#[tokio::test]
async fn forged_truncated_and_foreign_links_are_refused_with_no_data() {
    let t = trio(true).await;
    t.schedule(&[(day(10), "10:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let refused = |body: &str| {
        body.contains("This link does not work")
            && !body.contains("Robin")
            && !body.contains("robin")
    };
    let mut forged = Vec::new();
    for at in [0, 40, 70, token.len() - 1] {
        let mut chars: Vec<char> = token.chars().collect();
        chars[at] = if chars[at] == '0' { '1' } else { '0' };
        forged.push(chars.into_iter().collect::<String>());
    }
    forged.push(token[..token.len() - 3].to_owned());
    forged.push(token.split('.').take(3).collect::<Vec<_>>().join("."));
    // The same secret and signature presented for another invite id.
    let parts: Vec<&str> = token.split('.').collect();
    forged.push(format!(
        "{}.{}.{}.{}",
        parts[0],
        uuid::Uuid::now_v7().simple(),
        parts[2],
        parts[3]
    ));
    // A validly signed link for an invite that does not exist here.
    let keys = crate::support::guest_keys();
    forged.push(keys.issue(t.org.0, uuid::Uuid::now_v7()).token);
    for (i, bad) in forged.iter().enumerate() {
        let response = t.app.visitor().get(&format!("/m/{bad}")).await;
        assert_eq!(response.status(), 404, "{bad}");
        // The signature is checked first: a forged link costs no query. (The
        // last one is signed properly, so it is looked up — and not found.)
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        if i < forged.len() - 1 {
            assert_eq!(queries::count_for(&request_id), 0, "{bad}");
        } else {
            assert!(queries::count_for(&request_id) > 0, "{bad}");
        }
        let body = response.text().await.unwrap();
        assert!(refused(&body), "{bad}: {body}");
    }
    assert_eq!(
        t.scalar_i64("select count(*) from guest_invites where first_opened_at is not null")
            .await,
        0
    );
    // Without the cookie, the guest page — and the old address, which names
    // no meeting — says how to get back in.
    for path in [guest(&token), "/guest".to_owned()] {
        let response = t.app.visitor().get(&path).await;
        assert_eq!(response.status(), 401);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Open your meeting link again")
        );
    }
}

#[tokio::test]
async fn expired_replaced_and_cancelled_links_say_what_happened() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00")]).await;
    let first = t.manager_token(MANAGER).await;

    // Expired.
    sqlx::query("update guest_invites set expires_at = now() - interval '1 minute'")
        .execute(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t.app.visitor().get(&format!("/m/{first}")).await;
    assert_eq!(response.status(), 410);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("This link has expired") && !body.contains("Robin"),
        "{body}"
    );
    sqlx::query("update guest_invites set expires_at = now() + interval '20 days'")
        .execute(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let first_manager = t.manager(&first).await;

    // Replaced: the coachee invites someone else; the old link and visit stop.
    let response = t
        .coachee
        .post(
            &format!("{meeting_path}/manager"),
            &[
                ("manager_name", "Dana Deputy"),
                ("manager_email", "dana@example.com"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    for response in [
        t.app.visitor().get(&format!("/m/{first}")).await,
        first_manager.get(&guest(&first)).await,
    ] {
        assert_eq!(response.status(), 410);
        assert!(response.text().await.unwrap().contains("passed on"));
    }
    let second = t.manager_token("dana@example.com").await;
    let dana = t.manager(&second).await;
    assert!(
        dana.text(&guest(&second))
            .await
            .contains("Hello Dana Deputy")
    );

    // Cancelled by the coachee: the link is revoked, everyone gets a CANCEL.
    let response = t.coachee.post(&format!("{meeting_path}/cancel"), &[]).await;
    assert_eq!(response.status(), 303);
    for response in [
        t.app.visitor().get(&format!("/m/{second}")).await,
        dana.get(&guest(&second)).await,
        dana.post(
            &format!("{}/accept", guest(&second)),
            &shown_on(&second, &[]),
        )
        .await,
    ] {
        assert_eq!(response.status(), 410);
        let body = response.text().await.unwrap();
        assert!(
            body.contains("This meeting was cancelled") && !body.contains("Robin"),
            "{body}"
        );
    }
    let cancels: Vec<(String, String)> = sqlx::query_as(
        "select recipient_email, calendar_ics from outbox_messages where calendar_method = 'CANCEL'",
    )
    .fetch_all(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let mut to: Vec<&str> = cancels.iter().map(|(r, _)| r.as_str()).collect();
    to.sort();
    // Everyone, and the manager replaced before, whose calendar had it too.
    assert_eq!(
        to,
        [
            "casey@acme.test",
            "dana@example.com",
            MANAGER,
            "robin@acme.test"
        ]
    );
    assert!(cancels.iter().all(|(_, ics)| ics.contains("METHOD:CANCEL")));
}

#[tokio::test]
async fn the_manager_picks_a_time_answers_and_a_replayed_answer_changes_nothing() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00"), (day(11), "15:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    let page = manager.text(&guest(&token)).await;
    let candidate = hidden(&page, "candidate");
    let sequence = hidden(&page, "sequence");

    let response = manager
        .post(
            &format!("{}/accept", guest(&token)),
            &shown_on(
                &token,
                &[("candidate", &candidate), ("sequence", &sequence)],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    let calendar: Vec<String> = sqlx::query_scalar(
        "select recipient_email from outbox_messages where calendar_method = 'REQUEST' order by 1",
    )
    .fetch_all(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert_eq!(calendar, ["casey@acme.test", MANAGER, "robin@acme.test"]);
    let news: String = sqlx::query_scalar(
        "select body_text from outbox_messages where recipient_email = 'robin@acme.test' and calendar_method = 'REQUEST'",
    )
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert!(
        news.contains("\u{2068}Morgan Manager\u{2069} accepted"),
        "{news}"
    );
    let outbox = t.scalar_i64("select count(*) from outbox_messages").await;

    // The same button again, and the answers twice: one change each.
    let response = manager
        .post(
            &format!("{}/accept", guest(&token)),
            &shown_on(
                &token,
                &[("candidate", &candidate), ("sequence", &sequence)],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    let answers = [
        ("strengths", "MANAGER-ANSWER calm with customers"),
        ("growth", "Delegating the weekly report"),
        ("support", "A monthly check-in"),
    ];
    for _ in 0..2 {
        let response = manager
            .post(
                &format!("{}/answers", guest(&token)),
                &shown_on(&token, &answers),
            )
            .await;
        assert_eq!(response.status(), 303);
    }
    assert_eq!(
        t.scalar_i64("select count(*) from audit_events where action = 'guest.answered'")
            .await,
        1
    );
    assert_eq!(
        t.scalar_i64("select count(*) from audit_events where action = 'guest.accepted'")
            .await,
        1
    );
    // One new email each to the coachee and coach about the answers, nothing else.
    assert_eq!(
        t.scalar_i64("select count(*) from outbox_messages").await,
        outbox + 2
    );
    assert_eq!(
        t.scalar_i64(
            "select count(*) from alignment_meetings where status = 'confirmed' and sequence = 1"
        )
        .await,
        1
    );

    // The coachee and coach read the answers; the manager sees them as typed.
    for visitor in [&t.coachee, &t.coach] {
        let page = visitor.text(&meeting_path).await;
        assert!(
            page.contains("MANAGER-ANSWER calm with customers"),
            "{page}"
        );
        assert!(page.contains("Accepted"), "{page}");
    }
    assert!(
        manager
            .text(&guest(&token))
            .await
            .contains("MANAGER-ANSWER")
    );

    // A time proposed twice is one proposal.
    for _ in 0..2 {
        let response = manager
            .post(
                &format!("{}/propose", guest(&token)),
                &shown_on(
                    &token,
                    &[
                        ("date", &day(14)),
                        ("time", "08:00"),
                        ("note", "Mornings suit me"),
                    ],
                ),
            )
            .await;
        assert_eq!(response.status(), 303);
    }
    assert_eq!(
        t.scalar_i64(
            "select count(*) from alignment_candidate_times where proposed_by = 'manager'"
        )
        .await,
        1
    );
    // A proposal in the past is explained, and the typed note kept.
    let response = manager
        .post(
            &format!("{}/propose", guest(&token)),
            &shown_on(
                &token,
                &[
                    ("date", "2020-02-02"),
                    ("time", "08:00"),
                    ("note", "Typed note"),
                ],
            ),
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("already passed") && body.contains("Typed note"),
        "{body}"
    );

    // The manager never sees the coach's notes, the preparation or the debrief.
    let response = t
        .coach
        .post(
            &format!("{meeting_path}/notes"),
            &[("notes", "COACH-NOTE careful")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        t.coach
            .text(&meeting_path)
            .await
            .contains("COACH-NOTE careful")
    );
    assert!(!t.coachee.text(&meeting_path).await.contains("COACH-NOTE"));
    let page = manager.text(&guest(&token)).await;
    assert!(
        !page.contains("COACH-NOTE") && !page.contains("PREP-SECRET"),
        "{page}"
    );
    // The coach cannot record the outcome before the meeting's time.
    let response = t
        .coach
        .post(&format!("{meeting_path}/outcome"), &[("outcome", "held")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings where status = 'completed'")
            .await,
        0
    );
    assert!(t.app.assert_progress_follows_facts().await >= 1);
}

#[tokio::test]
async fn across_daylight_saving_each_person_sees_their_own_time_and_one_reminder_is_due() {
    let t = trio(true).await;
    // 17 March: New York has moved its clocks (second Sunday of March), London
    // has not (last Sunday). 10:00 in London is 10:00 UTC and 06:00 in New York.
    let year = Utc::now().year() + 1;
    let date = format!("{year}-03-17");
    let meeting_path = t.schedule(&[(date.clone(), "10:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    let response = manager
        .post(
            &format!("{}/time-zone", guest(&token)),
            &shown_on(&token, &[("time_zone", "America/New_York")]),
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = manager.text(&guest(&token)).await;
    assert!(
        page.contains(&format!("17 Mar {year}, 06:00 EDT")),
        "{page}"
    );
    let candidate = hidden(&page, "candidate");
    let sequence = hidden(&page, "sequence");
    let response = manager
        .post(
            &format!("{}/accept", guest(&token)),
            &shown_on(
                &token,
                &[("candidate", &candidate), ("sequence", &sequence)],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        manager
            .text(&guest(&token))
            .await
            .contains(&format!("17 Mar {year}, 06:00 EDT"))
    );
    assert!(
        t.coachee
            .text(&meeting_path)
            .await
            .contains(&format!("17 Mar {year}, 10:00 GMT"))
    );
    assert!(
        t.coach
            .text(&meeting_path)
            .await
            .contains(&format!("17 Mar {year}, 11:00 CET"))
    );

    // The manager's calendar file, read with an independent parser.
    let ics: String = sqlx::query_scalar(
        "select calendar_ics from outbox_messages where recipient_email = $1 and calendar_method = 'REQUEST'
         order by created_at desc limit 1",
    )
    .bind(MANAGER)
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let calendar = ical::IcalParser::new(ics.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    let event = &calendar.events[0];
    let value = |name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap()
    };
    assert_eq!(value("DTSTART"), format!("{year}0317T100000Z"));
    assert_eq!(value("DTEND"), format!("{year}0317T103000Z"));
    assert_eq!(value("SEQUENCE"), "1");
    let uid = value("UID");
    // The downloadable file says the same.
    let download = manager.get(&format!("{}/meeting.ics", guest(&token))).await;
    assert_eq!(download.status(), 200);
    assert!(
        download
            .text()
            .await
            .unwrap()
            .contains(&format!("DTSTART:{year}0317T100000Z"))
    );

    // One reminder per person, due 24 hours before, in UTC.
    let due = format!("{year}-03-16 10:00:00+00");
    let reminders = || async {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "select recipient_email, to_char(next_attempt_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00'
             from outbox_messages where dedupe_key like '%-reminder-%' and status = 'queued' order by 1",
        )
        .fetch_all(&mut t.app.owner_connection().await)
        .await
        .unwrap();
        rows
    };
    let rows = reminders().await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|(_, at)| *at == due), "{rows:?}");

    // The coach moves it an hour later: an update with a higher SEQUENCE and
    // the same link, and still one reminder each, at the new instant.
    let response = t
        .coach
        .post(
            &format!("{meeting_path}/reschedule"),
            &[
                ("date", &date),
                ("time", "12:00"),
                ("duration", "30"),
                ("place", "Room 2.01"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (text, ics): (String, String) = sqlx::query_as(
        "select body_text, calendar_ics from outbox_messages
         where recipient_email = $1 and calendar_method = 'REQUEST'
         order by created_at desc limit 1",
    )
    .bind(MANAGER)
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert!(
        text.contains(&format!("/m/{token}")),
        "the same link: {text}"
    );
    assert!(text.contains("07:00 EDT"), "{text}");
    let calendar = ical::IcalParser::new(ics.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    let get = |name: &str| {
        calendar.events[0]
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap()
    };
    assert_eq!(get("UID"), uid);
    assert_eq!(get("SEQUENCE"), "2");
    assert_eq!(get("DTSTART"), format!("{year}0317T110000Z"));
    let rows = reminders().await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    let due = format!("{year}-03-16 11:00:00+00");
    assert!(rows.iter().all(|(_, at)| *at == due), "{rows:?}");
    // The manager is asked to confirm the new time.
    assert!(
        manager
            .text(&guest(&token))
            .await
            .contains("Not answered yet")
    );
}

#[tokio::test]
async fn with_the_feature_off_every_alignment_route_is_a_404_and_no_page_mentions_it() {
    let t = trio(false).await;
    let (meeting, _, token) = crate::support::alignment_meeting_with_link(
        &t.app,
        t.org,
        t.programme,
        t.engagement,
        t.coachee_id,
    )
    .await;
    // The coach sets the time: reminders wait in the outbox.
    let candidate: uuid::Uuid = sqlx::query_scalar("select id from alignment_candidate_times")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t
        .coach
        .post(
            &format!("/alignment/{meeting}/use-time"),
            &[("candidate", &candidate.to_string())],
        )
        .await;
    assert_eq!(response.status(), 303);
    let queued = "select count(*) from outbox_messages where status = 'queued' and dedupe_key like '%-reminder-%'";
    assert_eq!(t.scalar_i64(queued).await, 3);
    // Another coachee and coach of the same organisation see nothing of it.
    for (email, is_coach) in [
        ("other.coachee@acme.test", false),
        ("other.coach@acme.test", true),
    ] {
        let (other, _) = t
            .app
            .signed_in(t.org, email, roles(false, is_coach, !is_coach))
            .await;
        for path in [
            format!("/alignment/{meeting}"),
            format!("/alignment/{meeting}/manager-view"),
            format!("/engagements/{}/alignment", t.engagement),
        ] {
            assert_eq!(other.get(&path).await.status(), 404, "{email} {path}");
        }
        assert_eq!(
            other
                .post(&format!("/alignment/{meeting}/cancel"), &[])
                .await
                .status(),
            404
        );
    }
    // The admin switches it off: the reminders are taken back.
    t.switch(false).await;
    assert_eq!(t.scalar_i64(queued).await, 0);
    let engagement = t.engagement;
    for visitor in [&t.coachee, &t.coach] {
        for path in [
            format!("/engagements/{engagement}/alignment"),
            format!("/alignment/{meeting}"),
            format!("/alignment/{meeting}/manager-view"),
        ] {
            assert_eq!(visitor.get(&path).await.status(), 404, "{path}");
        }
        for path in [
            format!("/engagements/{engagement}/alignment"),
            format!("/engagements/{engagement}/alignment/request"),
            format!("/engagements/{engagement}/alignment/advice"),
            format!("/alignment/{meeting}/preparation"),
            format!("/alignment/{meeting}/notes"),
            format!("/alignment/{meeting}/reschedule"),
            format!("/alignment/{meeting}/use-time"),
            format!("/alignment/{meeting}/cancel"),
            format!("/alignment/{meeting}/manager"),
            format!("/alignment/{meeting}/outcome"),
            format!("/alignment/{meeting}/debrief"),
        ] {
            assert_eq!(visitor.post(&path, &[]).await.status(), 404, "{path}");
        }
        for path in ["/home".to_owned(), format!("/engagements/{engagement}")] {
            let page = visitor.text(&path).await;
            assert!(!page.to_lowercase().contains("alignment"), "{path}: {page}");
        }
    }
    // The manager's link says the page is gone, and shows nothing of the meeting.
    let response = t.app.visitor().get(&format!("/m/{token}")).await;
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("no longer available") && !body.contains("Robin"),
        "{body}"
    );
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings where status = 'cancelled'")
            .await,
        0
    );

    // Switched on, the card appears.
    t.switch(true).await;
    assert!(
        t.coachee
            .text("/home")
            .await
            .contains("Alignment meeting with your manager")
    );
}

#[tokio::test]
async fn past_the_included_meetings_a_coachee_asks_and_the_admin_approves_one_more() {
    let t = trio(true).await;
    let response = t
        .admin
        .post(
            &format!("/admin/programmes/{}/alignment", t.programme),
            &[
                ("enabled", "on"),
                ("included", "1"),
                ("sessions_before", "0"),
                ("link_days", "7"),
                ("reminder_hours", "24"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    // A bad number is explained on the programme page.
    let response = t
        .admin
        .post(
            &format!("/admin/programmes/{}/alignment", t.programme),
            &[
                ("enabled", "on"),
                ("included", "many"),
                ("sessions_before", "0"),
                ("link_days", "7"),
                ("reminder_hours", "24"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Meetings included must be a whole number")
    );

    let meeting_path = t.schedule(&[(day(3), "10:00")]).await;
    // The meeting was held (its time moved into the past behind the app's back).
    sqlx::query(
        "update alignment_meetings set status = 'completed', starts_at = now() - interval '2 days'",
    )
    .execute(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let page = t
        .coachee
        .text(&format!("/engagements/{}/alignment", t.engagement))
        .await;
    assert!(page.contains("All included meetings used"), "{page}");
    assert!(
        !page.contains("name=\"request_key\""),
        "no scheduling form: {page}"
    );
    let response = t
        .coachee
        .post(
            &format!("/engagements/{}/alignment/request", t.engagement),
            &[("reason", "My manager changes next month")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        t.coachee
            .text("/home")
            .await
            .contains("with the programme team")
    );

    let admin_home = t.admin.text("/home").await;
    assert!(
        admin_home.contains("1 request for an extra alignment meeting"),
        "{admin_home}"
    );
    let page = t.admin.text("/admin/alignment-requests").await;
    assert!(page.contains("My manager changes next month"), "{page}");
    let request: uuid::Uuid = sqlx::query_scalar("select id from alignment_requests")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t
        .admin
        .post(
            &format!("/admin/alignment-requests/{request}"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(response.status(), 303);
    // Deciding twice changes nothing.
    let response = t
        .admin
        .post(
            &format!("/admin/alignment-requests/{request}"),
            &[("decision", "decline")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let status: String = sqlx::query_scalar("select status from alignment_requests")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(status, "approved");
    let subject: String = sqlx::query_scalar(
        "select subject from outbox_messages where recipient_email = 'robin@acme.test' order by created_at desc limit 1",
    )
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert_eq!(subject, "One more alignment meeting approved");
    let page = t
        .coachee
        .text(&format!("/engagements/{}/alignment", t.engagement))
        .await;
    assert!(
        page.contains("name=\"request_key\""),
        "the form is back: {page}"
    );
    assert!(page.contains("1 of 2 alignment meetings used"), "{page}");
    // The held meeting's page still shows; the debrief is the coach's to write.
    assert!(
        t.coachee
            .text(&meeting_path)
            .await
            .contains("Your coach has not written the debrief yet")
    );
    assert!(t.app.assert_progress_follows_facts().await >= 1);
}
