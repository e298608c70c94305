//! Alignment meetings end to end over HTTP: readiness, scheduling, the
//! manager's signed guest link, the manager's answers, times across daylight
//! saving, reschedule and cancel with their emails, the feature switched off,
//! and requests for an extra meeting.

use chrono::{Duration, Utc};

use crate::support::{TestApp, Visitor, location, roles};

mod after_meeting;
mod agenda;
mod answers;
mod confirm;
mod honest_status;
mod invitees;
mod kinds;
mod manager_links;
mod matching;
mod matching_races;
mod programme_rules;
mod scheduling;
mod voices;
mod zones;

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
    trio_on(TestApp::spawn().await, enabled).await
}

/// The same, the app sending its mail to the SMTP server at `smtp`.
pub(crate) async fn trio_sending_to(smtp: url::Url) -> Trio {
    let app = TestApp::spawn_with(|config| config.smtp_url = Some(smtp)).await;
    trio_on(app, true).await
}

async fn trio_on(app: TestApp, enabled: bool) -> Trio {
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
            ("kind", "initial"),
            ("kind", "midpoint"),
            ("kind", "closing"),
            // Off with meetings open asks first; this is the answer.
            ("confirm", "yes"),
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

    /// The coachee's alignment page: the readiness card and the planning form.
    pub(crate) async fn planning_page(&self) -> String {
        self.coachee
            .text(&format!("/engagements/{}/alignment", self.engagement))
            .await
    }

    /// The coachee sends the scheduling form with `times` (date, time in
    /// London); returns the meeting's page path and the form's fields.
    pub(crate) async fn schedule(&self, times: &[(String, &str)]) -> String {
        let page = self.planning_page().await;
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

/// The invitee presses the first time offered on their page, as it stands.
async fn accept_first_time(manager: &Visitor, token: &str) {
    let page = manager.text(&guest(token)).await;
    let (candidate, sequence) = (hidden(&page, "candidate"), hidden(&page, "sequence"));
    let response = manager
        .post(
            &format!("{}/accept", guest(token)),
            &shown_on(token, &[("candidate", &candidate), ("sequence", &sequence)]),
        )
        .await;
    assert_eq!(response.status(), 303);
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
