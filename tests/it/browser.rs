//! Journeys in a real browser.

use crate::support::TestApp;
use crate::support::browser::Browser;

#[tokio::test]
async fn landing_page_renders_cleanly_in_chromium() {
    let app = TestApp::spawn().await;
    let browser = Browser::start().await;
    browser.client.goto(&app.url("/")).await.unwrap();

    let heading = browser
        .client
        .find(fantoccini::Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(heading.contains("Coaching"), "{heading}");
    let title = browser.client.title().await.unwrap();
    assert!(title.ends_with("· Triad"), "{title}");

    // The stylesheet applied: the header has the brand colour.
    let header_colour = browser
        .client
        .execute(
            "return getComputedStyle(document.querySelector('.site-header')).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(header_colour, "rgb(31, 78, 95)");

    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    let shot = browser.screenshot("landing").await;
    assert!(std::fs::metadata(shot).unwrap().len() > 1000);
    browser.close().await;
}

#[tokio::test]
async fn landing_page_is_usable_on_a_phone_sized_screen() {
    let app = TestApp::spawn().await;
    let browser = Browser::start().await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.client.goto(&app.url("/")).await.unwrap();
    // Nothing wider than the screen: no sideways scrolling.
    let overflow = browser
        .client
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, 0);
    browser.screenshot("landing-phone").await;
    browser.close().await;
}

#[tokio::test]
async fn a_coachee_signs_in_and_out_in_chromium() {
    use fantoccini::Locator;
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(
        org,
        "robin@acme.test",
        "Robin Rivera",
        crate::support::roles(false, false, true),
    )
    .await;
    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&app.url("/home")).await.unwrap();
    // Not signed in: sent to the sign-in page, which brings them back after.
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/sign-in")
    );
    client
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("robin@acme.test")
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(crate::support::PASSWORD)
        .await
        .unwrap();
    browser.screenshot("sign-in").await;
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let heading = client
        .wait()
        .at_most(std::time::Duration::from_secs(90))
        .for_element(Locator::XPath(
            "//h1[starts-with(normalize-space(), 'Welcome,')]",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading, "Welcome, Robin Rivera");
    assert_eq!(client.current_url().await.unwrap().path(), "/home");
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    browser.screenshot("coachee-home").await;

    client
        .find(Locator::Css("form[action='/sign-out'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = client
        .wait()
        .at_most(std::time::Duration::from_secs(90))
        .for_element(Locator::Css(".flash"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.contains("You are signed out"), "{notice}");
    client.goto(&app.url("/home")).await.unwrap();
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/sign-in")
    );
    browser.close().await;
}

/// The newcomer's walk: an admin invites someone, the invitation arrives in the
/// local mailbox, its link sets a password, and the person lands at home.
#[tokio::test]
async fn an_invitation_travels_from_the_admin_through_the_mailbox_to_a_new_home() {
    use fantoccini::Locator;
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(
        org,
        "admin@acme.test",
        "Alex Admin",
        crate::support::roles(true, false, false),
    )
    .await;
    let browser = Browser::start().await;
    let client = &browser.client;

    browser
        .sign_in(&app.base, "admin@acme.test", crate::support::PASSWORD)
        .await;

    client.goto(&app.url("/admin/people/invite")).await.unwrap();
    // A mistake first: the page says what is wrong and keeps the name.
    client
        .find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys("Robin Rivera")
        .await
        .unwrap();
    client
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("robin-at-acme")
        .await
        .unwrap();
    client
        .find(Locator::Css("form[action='/admin/people/invite'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let problem = client
        .wait()
        .at_most(std::time::Duration::from_secs(90))
        .for_element(Locator::Id("email-problem"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(problem.contains("Enter an email address"), "{problem}");
    browser.screenshot("invite-with-mistake").await;
    // The browser notes the 422 answer; that one is expected, and nothing else.
    let errors = browser.console_errors().await;
    assert!(
        errors.iter().all(|e| e.contains("422")),
        "console errors: {errors:?}"
    );
    let name = client
        .find(Locator::Id("name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("Robin Rivera"));
    let email = client.find(Locator::Id("email")).await.unwrap();
    email.clear().await.unwrap();
    email.send_keys("robin@acme.test").await.unwrap();
    client
        .find(Locator::Css("form[action='/admin/people/invite'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(std::time::Duration::from_secs(90))
        .for_url(&url::Url::parse(&app.url("/admin/people")).unwrap())
        .await
        .unwrap();
    browser.screenshot("people").await;

    // The worker delivers the invitation to the local mailbox.
    let mailbox = app.data_dir.path().join("mail");
    crate::support::eventually(10, "the invitation in the mailbox", || async {
        std::fs::read_dir(&mailbox)
            .ok()?
            .flatten()
            .next()
            .map(|_| ())
    })
    .await;
    client.goto(&app.url("/dev/mailbox")).await.unwrap();
    client
        .find(Locator::XPath(
            "//a[contains(., 'invited you to') and contains(., 'Acme')]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.screenshot("mailbox-invitation").await;
    let link = client
        .wait()
        .at_most(std::time::Duration::from_secs(90))
        .for_element(Locator::Css("a[href*='/welcome?token=']"))
        .await
        .unwrap();
    let href = link.attr("href").await.unwrap().unwrap();

    // Robin opens it in a browser of their own: a fresh session.
    client.delete_all_cookies().await.unwrap();
    client.goto(&href).await.unwrap();
    client
        .find(Locator::Id("new_password"))
        .await
        .unwrap()
        .send_keys(crate::support::PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Id("confirm"))
        .await
        .unwrap()
        .send_keys(crate::support::PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Css("form[action='/welcome'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let heading = client
        .wait()
        .at_most(std::time::Duration::from_secs(90))
        .for_element(Locator::XPath(
            "//h1[starts-with(normalize-space(), 'Welcome,')]",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading, "Welcome, Robin Rivera");
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    browser.screenshot("new-coachee-home").await;
    browser.close().await;
}

/// The coaching journey: the coach schedules and documents a session with a
/// key point, an action and an activity; the coachee sees the action, completes
/// the activity, writes a goal and shares it; the coach sees the goal.
#[tokio::test]
async fn a_coaching_session_travels_from_the_coachs_record_to_the_coachees_goals() {
    use fantoccini::Locator;
    use triad::db::TenantId;
    let app = TestApp::spawn().await;
    let org: TenantId = app.create_org("Acme").await;
    let coach = app
        .seed_member(
            org,
            "casey@acme.test",
            "Casey Coach",
            crate::support::roles(false, true, false),
        )
        .await;
    let coachee = app
        .seed_member(
            org,
            "robin@acme.test",
            "Robin Rivera",
            crate::support::roles(false, false, true),
        )
        .await;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let (_, engagement) =
        crate::support::programme_and_engagement(&mut tx, org, "Leading Teams", coachee, coach)
            .await;
    triad::db::programs::create_activity(
        &mut tx,
        org,
        &triad::db::programs::ActivityFields {
            title: "Feedback workshop".into(),
            kind: triad::db::programs::ActivityKind::Course,
            url: None,
            skill_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let engagement_url = app.url(&format!("/engagements/{engagement}"));
    let browser = Browser::start().await;
    let client = &browser.client;

    // The coach schedules a session for today and writes it up.
    browser
        .sign_in(&app.base, "casey@acme.test", crate::support::PASSWORD)
        .await;
    client.goto(&engagement_url).await.unwrap();
    let today = chrono::Utc::now().date_naive();
    // A date input takes the date as typed in the browser's own locale order;
    // setting its value is the locale-proof way to fill it.
    client
        .execute(
            "document.getElementById('date').value = arguments[0]; document.getElementById('time').value = '08:00';",
            vec![serde_json::json!(today.to_string())],
        )
        .await
        .unwrap();
    browser
        .submit(&format!("/engagements/{engagement}/sessions"))
        .await;
    browser.wait_for_text("Coaching session scheduled").await;
    client
        .find(Locator::Css("a[href^='/sessions/']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text("Save session record").await;
    client
        .find(Locator::Css("#status option[value='completed']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .fill("focus_area", "Feedback to senior colleagues")
        .await;
    browser
        .fill("key_points", "Prepares the first sentence in advance")
        .await;
    browser
        .fill("agreed_actions", "Ask Sam for a one-to-one this week")
        .await;
    client
        .find(Locator::Css("input[name=activity]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.screenshot("coach-documents-session").await;
    let session_path = client.current_url().await.unwrap().path().to_owned();
    browser.submit(&session_path).await;
    browser.wait_for_text("The session record is saved").await;

    // The coachee sees the action, completes the activity, writes and shares a goal.
    browser
        .sign_in(&app.base, "robin@acme.test", crate::support::PASSWORD)
        .await;
    browser
        .wait_for_text("Ask Sam for a one-to-one this week")
        .await;
    browser.screenshot("coachee-home-with-action").await;
    client.goto(&engagement_url).await.unwrap();
    client
        .find(Locator::XPath(
            "//button[starts-with(normalize-space(), 'Mark as done')]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text("Marked as done").await;
    client
        .goto(&format!("{engagement_url}/goals/new"))
        .await
        .unwrap();
    browser.fill("title", "Give feedback within a day").await;
    browser.fill("progress", "10").await;
    browser
        .submit(&format!("/engagements/{engagement}/goals/new"))
        .await;
    browser.wait_for_text("Your goal is saved").await;
    client
        .find(Locator::XPath(
            "//button[starts-with(normalize-space(), 'Share with my manager')]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text("is shared with your manager").await;
    browser.screenshot("coachee-engagement").await;
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // The coach sees the goal, shared, and the activity done.
    browser
        .sign_in(&app.base, "casey@acme.test", crate::support::PASSWORD)
        .await;
    client.goto(&engagement_url).await.unwrap();
    let page = browser.wait_for_text("Give feedback within a day").await;
    assert!(page.contains("Shared with manager") && page.contains(">Done<"));
    browser.screenshot("coach-sees-goal").await;
    browser.close().await;
}

/// The alignment meeting, end to end, with three separate browser profiles
/// and a real SMTP listener: the admin switches it on, the coachee schedules
/// with two times, the manager — no account — opens the emailed link, picks a
/// time and answers; calendar invites reach all three; the coach reads the
/// answers, marks the meeting held and writes the debrief the coachee reads.
#[tokio::test]
async fn an_alignment_meeting_travels_from_the_admin_to_the_manager_and_back() {
    use crate::support::smtp::SmtpSink;
    use crate::support::{PASSWORD, eventually, roles};
    use fantoccini::Locator;

    let sink = SmtpSink::start();
    let smtp = sink.url();
    let app = TestApp::spawn_with(move |config| config.smtp_url = Some(smtp)).await;
    let org = app.create_org("Acme").await;
    app.seed_member(
        org,
        "admin@acme.test",
        "Ada Admin",
        roles(true, false, false),
    )
    .await;
    let coach = app
        .seed_member(
            org,
            "casey@acme.test",
            "Casey Coach",
            roles(false, true, false),
        )
        .await;
    let coachee = app
        .seed_member(
            org,
            "robin@acme.test",
            "Robin Rivera",
            roles(false, false, true),
        )
        .await;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let (programme, engagement) =
        crate::support::programme_and_engagement(&mut tx, org, "Leading Teams", coachee, coach)
            .await;
    let goal = triad::db::goals::create(
        &mut tx,
        org,
        engagement,
        &triad::db::goals::GoalFields {
            title: "Run calmer team meetings".into(),
            description: String::new(),
            skill_id: None,
            status: triad::db::goals::GoalStatus::Active,
            progress: 30,
        },
    )
    .await
    .unwrap();
    triad::db::goals::set_shared(&mut tx, org, goal, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let manager_email = "morgan@example.com";

    // The admin switches alignment meetings on for the programme.
    let admin = Browser::start().await;
    admin.sign_in(&app.base, "admin@acme.test", PASSWORD).await;
    admin
        .client
        .goto(&app.url(&format!("/admin/programmes/{programme}")))
        .await
        .unwrap();
    admin
        .client
        .find(Locator::Css("input[name=enabled]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    admin
        .submit(&format!("/admin/programmes/{programme}/alignment"))
        .await;
    admin.wait_for_text("Alignment meetings are on").await;
    admin.screenshot("alignment-1-admin-switches-on").await;

    // The coachee plans the meeting with two times.
    let robin = Browser::start().await;
    robin.sign_in(&app.base, "robin@acme.test", PASSWORD).await;
    robin
        .wait_for_text("Alignment meeting with your manager")
        .await;
    robin.screenshot("alignment-2-coachee-home-card").await;
    robin
        .client
        .goto(&app.url(&format!("/engagements/{engagement}/alignment")))
        .await
        .unwrap();
    let first = (chrono::Utc::now() + chrono::Duration::days(10)).date_naive();
    let second = first + chrono::Duration::days(1);
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
    robin.fill("manager_email", manager_email).await;
    robin
        .fill(
            "success",
            "We agree on the meetings goal and a monthly check-in",
        )
        .await;
    robin.fill("off_limits", "My workload complaints").await;
    robin.screenshot("alignment-3-coachee-schedules").await;
    robin
        .submit(&format!("/engagements/{engagement}/alignment"))
        .await;
    robin.wait_for_text("Meeting planned").await;
    let meeting_url = robin.client.current_url().await.unwrap().to_string();
    robin.screenshot("alignment-4-coachee-meeting-page").await;

    // The manager's invitation arrives at the SMTP listener.
    let invitation = eventually(20, "the manager's invitation", || async {
        sink.received()
            .into_iter()
            .find(|m| m.to.iter().any(|to| to == manager_email))
    })
    .await;
    let text = invitation.parsed().body_text(0).unwrap().into_owned();
    let link = text
        .split_whitespace()
        .find(|word| word.contains("/m/"))
        .expect("a link in the invitation")
        .to_owned();

    // The manager, with no account and a browser of their own, opens it.
    let morgan = Browser::start().await;
    morgan.client.goto(&link).await.unwrap();
    morgan.wait_for_text("Hello Morgan Manager").await;
    let landed = morgan.client.current_url().await.unwrap();
    let guest_page = landed.path().to_owned();
    assert_eq!(
        guest_page,
        format!(
            "/guest/{}",
            link.rsplit('/').next().unwrap().split('.').nth(1).unwrap()
        )
    );
    assert!(!landed.as_str().contains(link.rsplit('/').next().unwrap()));
    let page = morgan.client.source().await.unwrap();
    assert!(page.contains("Run calmer team meetings"), "the shared goal");
    assert!(
        !page.contains("workload"),
        "the coachee's preparation stays private"
    );
    morgan.screenshot("alignment-5-manager-page").await;
    // The second time, then the questions.
    morgan
        .client
        .find(Locator::Css("input[name=candidate]:not(:checked)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    morgan.submit(&format!("{guest_page}/accept")).await;
    morgan.wait_for_text("The meeting is set for").await;
    morgan
        .fill("strengths", "Robin keeps customers calm under pressure")
        .await;
    morgan
        .fill("growth", "Handing over the weekly report")
        .await;
    morgan.fill("support", "A monthly half hour together").await;
    morgan.submit(&format!("{guest_page}/answers")).await;
    morgan.wait_for_text("Your answers are saved").await;
    morgan.screenshot("alignment-6-manager-answered").await;

    // Calendar invites reach all three.
    for person in ["robin@acme.test", "casey@acme.test", manager_email] {
        eventually(20, "a calendar invite for each", || async {
            sink.received().into_iter().find(|m| {
                let data = String::from_utf8_lossy(&m.data);
                m.to.iter().any(|to| to == person)
                    && data.contains("text/calendar")
                    && data.contains("METHOD:REQUEST")
            })
        })
        .await;
    }

    // The coach reads the answers in the facilitation view.
    let casey = Browser::start().await;
    casey.sign_in(&app.base, "casey@acme.test", PASSWORD).await;
    casey.client.goto(&meeting_url).await.unwrap();
    casey
        .wait_for_text("Robin keeps customers calm under pressure")
        .await;
    casey.wait_for_text("Facilitation guide").await;
    casey.screenshot("alignment-7-coach-facilitation").await;
    // The meeting takes place (its time moves into the past).
    sqlx::query("update alignment_meetings set starts_at = now() - interval '1 hour'")
        .execute(&mut app.owner_connection().await)
        .await
        .unwrap();
    casey.client.goto(&meeting_url).await.unwrap();
    let meeting_path = url::Url::parse(&meeting_url).unwrap().path().to_owned();
    casey.submit(&format!("{meeting_path}/outcome")).await;
    casey.wait_for_text("Marked as held").await;
    casey
        .fill("how_it_went", "Open; Morgan recognised the goal at once")
        .await;
    casey
        .fill("stood_out", "Morgan offered a monthly check-in")
        .await;
    casey
        .fill(
            "coaching_changes",
            "Next sessions practise handing over work",
        )
        .await;
    casey.submit(&format!("{meeting_path}/debrief")).await;
    casey.wait_for_text("Debrief saved").await;
    casey.screenshot("alignment-8-coach-debrief").await;

    // The coachee reads the debrief; the manager's page does not show it.
    robin.client.goto(&meeting_url).await.unwrap();
    robin
        .wait_for_text("Morgan offered a monthly check-in")
        .await;
    robin.screenshot("alignment-9-coachee-reads-debrief").await;
    morgan.client.goto(&app.url(&guest_page)).await.unwrap();
    morgan.wait_for_text("took place").await;
    assert!(
        !morgan
            .client
            .source()
            .await
            .unwrap()
            .contains("monthly check-in")
    );

    for browser in [&admin, &robin, &morgan, &casey] {
        assert_eq!(browser.console_errors().await, Vec::<String>::new());
    }
    for browser in [admin, robin, morgan, casey] {
        browser.close().await;
    }
}

/// The demo programme's report in Chromium: figures, charts drawn as SVG,
/// and small groups hidden.
#[tokio::test]
async fn the_programme_report_shows_its_charts() {
    use fantoccini::Locator;
    let app = TestApp::spawn().await;
    let mut config = crate::support::test_config(app.data_dir.path());
    config.demo_password = Some("orange kettle under the bridge".into());
    triad::operator::seed_demo(&app.owner, &config)
        .await
        .unwrap();
    let programme: uuid::Uuid =
        sqlx::query_scalar("select id from programs where name = 'Leading Teams'")
            .fetch_one(&mut app.owner_connection().await)
            .await
            .unwrap();
    let browser = Browser::start().await;
    browser
        .sign_in(
            &app.base,
            "admin@northwind.example",
            "orange kettle under the bridge",
        )
        .await;
    browser
        .client
        .goto(&app.url(&format!("/admin/programmes/{programme}/report")))
        .await
        .unwrap();
    browser.wait_for_text("At a glance").await;
    let charts = browser
        .client
        .find_all(Locator::Css("figure.chart svg[role=img]"))
        .await
        .unwrap();
    assert!(charts.len() >= 3, "{} charts", charts.len());
    let bars = browser
        .client
        .find_all(Locator::Css("rect.chart-bar"))
        .await
        .unwrap();
    assert!(!bars.is_empty(), "the charts draw bars");
    let page = browser.client.source().await.unwrap();
    assert!(page.contains("Completed coaching sessions per month"));
    assert!(!page.contains("Notes the programme team never sees"));
    browser.screenshot("report-1-charts").await;
    browser
        .client
        .find(Locator::Id("section-1"))
        .await
        .unwrap()
        .click()
        .await
        .ok();
    browser
        .client
        .execute(
            "document.getElementById('section-1').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    browser.screenshot("report-2-figures").await;
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}
