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
        .for_element(Locator::XPath(
            "//h1[starts-with(normalize-space(), 'Welcome')]",
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
        .find(Locator::XPath("//a[contains(., 'invited you to Acme')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.screenshot("mailbox-invitation").await;
    let link = client
        .wait()
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
        .for_element(Locator::XPath(
            "//h1[starts-with(normalize-space(), 'Welcome')]",
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
