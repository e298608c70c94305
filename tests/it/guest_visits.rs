//! One manager, several reports: each invitation is its own guest visit in
//! one browser, and every guest form acts on the meeting it was shown for.

use chrono::{Duration, Utc};

use crate::support::{TestApp, Visitor, location, roles};

const OWEN: &str = "owen.clarke@example.com";

/// One report of Owen's: their meeting, the link Owen was sent, and who is
/// told when Owen answers.
struct Report {
    name: &'static str,
    email: &'static str,
    coach_email: &'static str,
    meeting: uuid::Uuid,
    token: String,
}

struct World {
    app: TestApp,
    sam: Report,
    robin: Report,
}

/// Sam (coached by Casey) and Robin (coached by Drew) each invite their
/// manager, Owen, to a goal alignment meeting with one time on offer.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let mut reports = Vec::new();
    for (name, email, coach_name, coach_email) in [
        (
            "Sam Patel",
            "sam@acme.test",
            "Casey Coach",
            "casey@acme.test",
        ),
        (
            "Robin Rivera",
            "robin@acme.test",
            "Drew Coach",
            "drew@acme.test",
        ),
    ] {
        let coachee = app
            .seed_member(org, email, name, roles(false, false, true))
            .await;
        let coach = app
            .seed_member(org, coach_email, coach_name, roles(false, true, false))
            .await;
        let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
        let label = name.split(' ').next().unwrap();
        let (programme, engagement) =
            crate::support::programme_and_engagement(&mut tx, org, label, coachee, coach).await;
        tx.commit().await.unwrap();
        let (meeting, _, token) =
            crate::support::alignment_meeting_with_link(&app, org, programme, engagement, coachee)
                .await;
        sqlx::query(
            "update guest_invites set name = 'Owen Clarke', email = $2 where meeting_id = $1",
        )
        .bind(meeting)
        .bind(OWEN)
        .execute(&mut app.owner_connection().await)
        .await
        .unwrap();
        reports.push(Report {
            name,
            email,
            coach_email,
            meeting,
            token,
        });
    }
    let robin = reports.pop().unwrap();
    let sam = reports.pop().unwrap();
    World { app, sam, robin }
}

/// A form on a page: where it goes and its fields as the page filled them.
struct Form {
    action: String,
    fields: Vec<(String, String)>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_owned())
}

/// The post form whose action ends with `ending`, with its hidden fields and
/// checked choices.
fn form(page: &str, ending: &str) -> Form {
    for chunk in page.split("<form").skip(1) {
        let open = &chunk[..chunk.find('>').unwrap()];
        let Some(action) = attr(open, "action") else {
            continue;
        };
        if !action.ends_with(ending) {
            continue;
        }
        let body = &chunk[..chunk.find("</form>").unwrap()];
        let mut fields = Vec::new();
        for input in body.split("<input").skip(1) {
            let tag = &input[..input.find('>').unwrap()];
            let kind = attr(tag, "type").unwrap_or_default();
            let wanted = kind == "hidden" || (kind == "radio" && tag.contains(" checked"));
            if let (true, Some(name)) = (wanted, attr(tag, "name")) {
                fields.push((name, attr(tag, "value").unwrap_or_default()));
            }
        }
        return Form { action, fields };
    }
    panic!("no form to …{ending} on the page:\n{page}");
}

/// One browser tab: the page it shows.
struct Tab {
    page: String,
}

impl Tab {
    /// Sends one of the tab's forms with `typed` added, as a browser would,
    /// and follows the answer's redirect in the same tab.
    async fn send(
        &mut self,
        owen: &Visitor,
        ending: &str,
        typed: &[(&str, &str)],
    ) -> reqwest::Response {
        let form = form(&self.page, ending);
        self.send_to(owen, &form.action.clone(), form, typed).await
    }

    async fn send_to(
        &mut self,
        owen: &Visitor,
        action: &str,
        form: Form,
        typed: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut fields = form.fields;
        fields.extend(typed.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let response = owen
            .client
            .post(owen.url(action))
            .form(&fields)
            .send()
            .await
            .unwrap();
        if response.status() == 303 {
            self.page = owen.text(&location(&response)).await;
        }
        response
    }
}

impl World {
    async fn invite_of(&self, report: &Report) -> (String, String, String, String) {
        sqlx::query_as(
            "select coalesce((select answer from guest_answers a
                              where a.invite_id = i.id and a.question = 'success'), ''),
                    rsvp, rsvp_note, time_zone
             from guest_invites i where meeting_id = $1",
        )
        .bind(report.meeting)
        .fetch_one(&mut self.app.owner_connection().await)
        .await
        .unwrap()
    }

    async fn meeting_status(&self, report: &Report) -> String {
        sqlx::query_scalar("select status from alignment_meetings where id = $1")
            .bind(report.meeting)
            .fetch_one(&mut self.app.owner_connection().await)
            .await
            .unwrap()
    }

    async fn mail_count(&self) -> Vec<(String, i64)> {
        let people = [
            self.sam.email,
            self.sam.coach_email,
            self.robin.email,
            self.robin.coach_email,
        ];
        let mut counts = Vec::new();
        for person in people {
            let n: i64 = sqlx::query_scalar(
                "select count(*) from outbox_messages where recipient_email = $1",
            )
            .bind(person)
            .fetch_one(&mut self.app.owner_connection().await)
            .await
            .unwrap();
            counts.push((person.to_owned(), n));
        }
        counts
    }

    /// Who got mail since `before`.
    async fn told_since(&self, before: &[(String, i64)]) -> Vec<String> {
        let after = self.mail_count().await;
        after
            .iter()
            .zip(before)
            .filter(|((_, now), (_, then))| now > then)
            .map(|((who, _), _)| who.clone())
            .collect()
    }
}

fn told(report: &Report) -> Vec<String> {
    vec![report.email.to_owned(), report.coach_email.to_owned()]
}

#[tokio::test]
async fn a_manager_with_two_reports_acts_on_each_meeting_from_its_own_tab() {
    let w = world().await;
    let owen = w.app.visitor();

    // Sam's link in one tab, then Robin's in another: both pages stay live.
    let mut tabs = Vec::new();
    for report in [&w.sam, &w.robin] {
        let response = owen.get(&format!("/m/{}", report.token)).await;
        assert_eq!(response.status(), 303);
        let page = owen.text(&location(&response)).await;
        assert!(page.contains(report.name), "{page}");
        tabs.push(Tab { page });
    }
    let mut robin_tab = tabs.pop().unwrap();
    let mut sam_tab = tabs.pop().unwrap();
    let pairs = [(&w.sam, "SAM"), (&w.robin, "ROBIN")];

    // Answers, from the tab opened first, then the other.
    for (report, label) in pairs {
        let tab = if label == "SAM" {
            &mut sam_tab
        } else {
            &mut robin_tab
        };
        let before = w.mail_count().await;
        let strengths = format!("{label}-STRENGTHS");
        let response = tab
            .send(
                &owen,
                "/answers",
                &[("success", &strengths), ("noticed", "g")],
            )
            .await;
        assert_eq!(response.status(), 303);
        assert_eq!(w.invite_of(report).await.0, strengths);
        assert_eq!(w.told_since(&before).await, told(report), "{label}");
        assert!(tab.page.contains(report.name), "{}", tab.page);
    }
    assert_eq!(w.invite_of(&w.sam).await.0, "SAM-STRENGTHS");

    // Accepting the time offered on each page sets that meeting's time.
    for (report, label) in pairs {
        let tab = if label == "SAM" {
            &mut sam_tab
        } else {
            &mut robin_tab
        };
        let before = w.mail_count().await;
        let response = tab.send(&owen, "/accept", &[]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(w.meeting_status(report).await, "confirmed", "{label}");
        assert_eq!(w.invite_of(report).await.1, "accepted", "{label}");
        assert_eq!(w.told_since(&before).await, told(report), "{label}");
    }

    // Each tab's calendar file is its own meeting's.
    for (report, tab) in [(&w.sam, &sam_tab), (&w.robin, &robin_tab)] {
        let start = tab.page.find("meeting.ics").expect("a calendar link");
        let href_start = tab.page[..start].rfind('"').unwrap() + 1;
        let href = &tab.page[href_start..start + "meeting.ics".len()];
        let ics = owen.text(href).await;
        assert!(ics.contains(report.name), "{ics}");
        let other = if report.name == w.sam.name {
            &w.robin
        } else {
            &w.sam
        };
        assert!(!ics.contains(other.name), "{ics}");
    }

    // Time zones, one per meeting.
    for (report, label, zone) in [
        (&w.sam, "SAM", "America/New_York"),
        (&w.robin, "ROBIN", "Asia/Tokyo"),
    ] {
        let tab = if label == "SAM" {
            &mut sam_tab
        } else {
            &mut robin_tab
        };
        let response = tab.send(&owen, "/time-zone", &[("time_zone", zone)]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(w.invite_of(report).await.3, zone, "{label}");
    }

    // Proposing another time, then declining, from each tab.
    let date = (Utc::now() + Duration::days(20))
        .format("%Y-%m-%d")
        .to_string();
    for (report, label) in pairs {
        let tab = if label == "SAM" {
            &mut sam_tab
        } else {
            &mut robin_tab
        };
        let before = w.mail_count().await;
        let note = format!("{label}-PROPOSAL");
        let response = tab
            .send(
                &owen,
                "/propose",
                &[("date", &date), ("time", "11:00"), ("note", &note)],
            )
            .await;
        assert_eq!(response.status(), 303);
        let invite = w.invite_of(report).await;
        assert_eq!(
            (invite.1.as_str(), invite.2.as_str()),
            ("proposed", note.as_str())
        );
        let proposed: i64 = sqlx::query_scalar(
            "select count(*) from alignment_candidate_times where meeting_id = $1 and withdrawn_at is null and proposed_by = 'manager'",
        )
        .bind(report.meeting)
        .fetch_one(&mut w.app.owner_connection().await)
        .await
        .unwrap();
        assert_eq!(proposed, 1, "{label}");
        // The proposal's news waits a moment to be batched, but it is queued for them.
        assert_eq!(w.told_since(&before).await, told(report), "{label}");
    }
    for (report, label) in pairs {
        let tab = if label == "SAM" {
            &mut sam_tab
        } else {
            &mut robin_tab
        };
        let before = w.mail_count().await;
        let note = format!("{label}-DECLINE");
        let response = tab.send(&owen, "/decline", &[("note", &note)]).await;
        assert_eq!(response.status(), 303);
        let invite = w.invite_of(report).await;
        assert_eq!(
            (invite.1.as_str(), invite.2.as_str()),
            ("declined", note.as_str())
        );
        assert_eq!(w.told_since(&before).await, told(report), "{label}");
    }
    let sam = w.invite_of(&w.sam).await;
    assert_eq!(
        (sam.0.as_str(), sam.2.as_str(), sam.3.as_str()),
        ("SAM-STRENGTHS", "SAM-DECLINE", "America/New_York")
    );
}

#[tokio::test]
async fn a_form_for_one_meeting_sent_to_another_meetings_address_changes_nothing() {
    let w = world().await;
    let owen = w.app.visitor();
    let mut pages = Vec::new();
    for report in [&w.sam, &w.robin] {
        let response = owen.get(&format!("/m/{}", report.token)).await;
        let path = location(&response);
        pages.push((path.clone(), owen.text(&path).await));
    }
    let (robin_path, _) = pages.pop().unwrap();
    let (sam_path, sam_page) = pages.pop().unwrap();
    assert_ne!(sam_path, robin_path, "each meeting has its own address");

    // Sam's answers form, sent to Robin's meeting's address.
    let mut tab = Tab { page: sam_page };
    let sams_form = form(&tab.page, "/answers");
    let robins_action = format!("{robin_path}/answers");
    let before = w.mail_count().await;
    let response = tab
        .send_to(
            &owen,
            &robins_action,
            sams_form,
            &[("success", "MISDIRECTED"), ("noticed", "")],
        )
        .await;
    assert_eq!(response.status(), 409);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Sam Patel"),
        "names the meeting shown: {page}"
    );
    assert!(
        page.contains(&format!("href=\"{sam_path}\"")),
        "links back to it: {page}"
    );
    assert!(page.contains("Nothing was saved"), "{page}");
    for report in [&w.sam, &w.robin] {
        assert_eq!(w.invite_of(report).await.0, "");
    }
    assert!(w.told_since(&before).await.is_empty());

    // A form with no meeting named is refused the same way.
    let response = owen
        .client
        .post(owen.url(&robins_action))
        .form(&[
            ("_csrf", crate::support::csrf_in(&tab.page).as_str()),
            ("success", "NONE"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    assert_eq!(w.invite_of(&w.robin).await.0, "");

    // The old address, with no meeting in it, says how to find the page.
    let response = owen.get("/guest").await;
    assert_eq!(response.status(), 401);
    let page = response.text().await.unwrap();
    assert!(page.contains("link"), "{page}");
    assert!(
        !page.contains("Sam Patel") && !page.contains("Robin Rivera"),
        "{page}"
    );
}

/// A word after an action belongs to the meeting it was about: the other
/// tab's next page does not say it.
#[tokio::test]
async fn the_word_after_an_action_shows_on_that_meetings_page_only() {
    let w = world().await;
    let owen = w.app.visitor();
    let mut pages = Vec::new();
    for report in [&w.sam, &w.robin] {
        let response = owen.get(&format!("/m/{}", report.token)).await;
        pages.push(location(&response));
    }
    let sams_page = owen.text(&pages[0]).await;
    let answers = form(&sams_page, "/answers");
    let mut fields = answers.fields;
    fields.extend(
        [("success", "s"), ("noticed", "g")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let response = owen
        .client
        .post(owen.url(&answers.action))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    // Robin's tab reloads before Sam's redirect lands.
    let robins = owen.text(&pages[1]).await;
    assert!(!robins.contains("Your answers are saved"), "{robins}");
    let sams = owen.text(&location(&response)).await;
    assert!(sams.contains("Your answers are saved"), "{sams}");
}
