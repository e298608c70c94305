//! The people and steps of the Sparks-style journey: the invitees' links
//! from the outbox, the coachee planning a meeting in Chromium, an invitee
//! answering and choosing a time, time moving on.

use chrono::{Days, Utc};
use fantoccini::Locator;
use uuid::Uuid;

use crate::support::browser::Browser;
use crate::support::smtp::SmtpSink;
use crate::support::{TestApp, Visitor, eventually};

pub(super) const MANAGER: &str = "morgan@example.com";
pub(super) const SPONSOR: &str = "sasha@example.com";
pub(super) const COACHES: [(&str, &str, &str); 3] = [
    (
        "kim@sparks.test",
        "Kim Okafor",
        "Twenty years in operations leadership",
    ),
    (
        "lou@sparks.test",
        "Lou Brandt",
        "Former engineering director, coaches new leaders",
    ),
    (
        "max@sparks.test",
        "Max Ferreira",
        "Specialist in stakeholder relationships",
    ),
];

pub(super) struct Journey {
    pub(super) app: TestApp,
    pub(super) sink: SmtpSink,
    pub(super) org: triad::db::TenantId,
    pub(super) engagement: Uuid,
    pub(super) robin: Browser,
}

impl Journey {
    /// The newest email to `to` that carries a guest link, as a full address.
    pub(super) async fn guest_link(&self, to: &str, after: usize) -> String {
        let bodies: Vec<String> = eventually(10, "an invitation", || async {
            let bodies: Vec<String> = sqlx::query_scalar(
                "select body_text from outbox_messages
                 where recipient_email = $1 and body_text like '%/m/%' order by created_at",
            )
            .bind(to)
            .fetch_all(&mut self.app.owner_connection().await)
            .await
            .unwrap();
            (bodies.len() > after).then_some(bodies)
        })
        .await;
        let body = bodies.last().unwrap();
        let start = body.find("/m/").unwrap();
        self.app
            .url(body[start..].split_whitespace().next().unwrap())
    }

    /// Everyone any email of the organisation went to, with its kind.
    pub(super) async fn mail(&self) -> Vec<(String, String)> {
        sqlx::query_as("select recipient_email, kind from outbox_messages order by created_at")
            .fetch_all(&mut self.app.owner_connection().await)
            .await
            .unwrap()
    }

    /// Robin's home page, once it shows `headline`.
    pub(super) async fn card(&self, headline: &str, shot: &str) -> String {
        self.robin
            .client
            .goto(&self.app.url("/home"))
            .await
            .unwrap();
        let page = self.robin.wait_for_text(headline).await;
        self.robin.screenshot(shot).await;
        page
    }

    /// Robin plans a meeting of the kind the form starts with, offering two
    /// times; `sponsor` is invited beside the manager. Returns its address.
    pub(super) async fn plan(&self, sponsor: Option<(&str, &str)>, shot: &str) -> String {
        let robin = &self.robin;
        robin
            .client
            .goto(
                &self
                    .app
                    .url(&format!("/engagements/{}/alignment", self.engagement)),
            )
            .await
            .unwrap();
        robin
            .wait_for_text("Plan a meeting with your manager")
            .await;
        let first = (Utc::now() + chrono::Duration::days(10)).date_naive();
        let second = first + Days::new(1);
        robin
            .client
            .execute(
                "document.getElementById('date1').value = arguments[0];
                 document.getElementById('time1').value = '10:00';
                 document.getElementById('date2').value = arguments[1];
                 document.getElementById('time2').value = '14:30';",
                vec![
                    serde_json::json!(first.to_string()),
                    serde_json::json!(second.to_string()),
                ],
            )
            .await
            .unwrap();
        robin
            .fill("place", "Video call: https://meet.example/robin")
            .await;
        robin.fill("manager_name", "Morgan Manager").await;
        robin.fill("manager_email", MANAGER).await;
        if let Some((name, email)) = sponsor {
            robin.fill("sponsor_name", name).await;
            robin.fill("sponsor_email", email).await;
        }
        robin
            .fill("success", "We leave knowing what each of us expects")
            .await;
        robin.screenshot(shot).await;
        robin
            .submit(&format!("/engagements/{}/alignment", self.engagement))
            .await;
        robin.wait_for_text("Meeting planned").await;
        robin.client.current_url().await.unwrap().to_string()
    }

    /// The meeting took place an hour ago.
    pub(super) async fn in_the_past(&self) {
        sqlx::query(
            "update alignment_meetings set starts_at = now() - interval '1 hour'
             where status = 'confirmed'",
        )
        .execute(&mut self.app.owner_connection().await)
        .await
        .unwrap();
    }

    /// The meeting of `kind` took place an hour ago, and `coach` says so.
    pub(super) async fn held_by(&self, coach: &Visitor, kind: &str) {
        self.in_the_past().await;
        let meeting: Uuid = sqlx::query_scalar("select id from alignment_meetings where kind = $1")
            .bind(kind)
            .fetch_one(&mut self.app.owner_connection().await)
            .await
            .unwrap();
        let response = coach
            .post(
                &format!("/alignment/{meeting}/outcome"),
                &[("outcome", "held")],
            )
            .await;
        assert_eq!(response.status(), 303);
    }

    /// The engagement began `began` days ago and ends in `left` days.
    pub(super) async fn dates(&self, began: u64, left: u64) {
        let today = Utc::now().date_naive();
        sqlx::query("update engagements set starts_on = $2, ends_on = $3 where id = $1")
            .bind(self.engagement)
            .bind(today - Days::new(began))
            .bind(today + Days::new(left))
            .execute(&mut self.app.owner_connection().await)
            .await
            .unwrap();
    }
}

/// An invitee opens their link, answers their questions and says which
/// time works; returns the page they landed on.
pub(super) async fn answer(
    browser: &Browser,
    link: &str,
    hello: &str,
    answers: &[(&str, &str)],
) -> String {
    browser.client.goto(link).await.unwrap();
    browser.wait_for_text(hello).await;
    let page = browser
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .to_owned();
    for (field, text) in answers {
        browser.fill(field, text).await;
    }
    browser.submit(&format!("{page}/answers")).await;
    browser.wait_for_text("Your answers are saved").await;
    browser
        .client
        .find(Locator::Css("ul.choices li:first-child button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    page
}

/// The coach, over HTTP: confirms the first time offered and later marks the
/// meeting held.
pub(super) async fn confirm_first_time(coach: &Visitor, meeting: &str) {
    let page = coach.text(meeting).await;
    let marker = "name=\"candidate\" value=\"";
    let start = page.find(marker).expect("a time to confirm") + marker.len();
    let candidate = &page[start..start + 36];
    let response = coach
        .post(&format!("{meeting}/use-time"), &[("candidate", candidate)])
        .await;
    assert_eq!(response.status(), 303);
}
