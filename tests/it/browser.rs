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
