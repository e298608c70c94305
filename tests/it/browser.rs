//! Journeys in a real browser: the landing page, signing in and out, and the
//! programme report here; the three long journeys in a file each.

use crate::support::TestApp;
use crate::support::browser::Browser;

mod alignment;
mod cancelling;
mod coaching;
mod invitation;
mod sparks;

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
    browser.fill("email", "robin@acme.test").await;
    browser.fill("password", crate::support::PASSWORD).await;
    browser.screenshot("sign-in").await;
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let heading = browser.welcome_heading().await;
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
