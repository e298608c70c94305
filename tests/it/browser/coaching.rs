//! The coaching journey in Chromium: from the coach's session record to the
//! coachee's goals and back.

use crate::support::TestApp;
use crate::support::browser::Browser;

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
