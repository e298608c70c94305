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

    client.goto(&app.url("/sign-in")).await.unwrap();
    client
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("admin@acme.test")
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(crate::support::PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Signed in once home shows; only then go on.
    client
        .wait()
        .for_element(Locator::XPath(
            "//h1[starts-with(normalize-space(), 'Welcome')]",
        ))
        .await
        .unwrap();

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
