//! The newcomer's journey in Chromium: from the admin's invitation to a home
//! of their own.

use crate::support::TestApp;
use crate::support::browser::Browser;

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
    browser.fill("name", "Robin Rivera").await;
    browser.fill("email", "robin-at-acme").await;
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
    browser.fill("email", "robin@acme.test").await;
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
    browser.fill("new_password", crate::support::PASSWORD).await;
    browser.fill("confirm", crate::support::PASSWORD).await;
    client
        .find(Locator::Css("form[action='/welcome'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let heading = browser.welcome_heading().await;
    assert_eq!(heading, "Welcome, Robin Rivera");
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    browser.screenshot("new-coachee-home").await;
    browser.close().await;
}
