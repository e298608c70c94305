//! Pages that are not kept: nothing someone's page showed may come back from a
//! browser's or a proxy's cache once they have signed out.

use crate::support::browser::Browser;
use crate::support::{PASSWORD, TestApp};

const NOTE: &str = "Worried about the reorganisation; keep between us";

/// A coach with one documented coaching session and a private note on it;
/// returns the session's path.
async fn coach_with_private_note(app: &TestApp) -> String {
    let org = app.create_org("Acme").await;
    let pair = crate::support::casey_coaches_robin(app, org).await;
    let (coach, engagement) = (pair.coach, pair.engagement);
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let session = triad::db::coaching::schedule(
        &mut tx,
        org,
        engagement,
        chrono::Utc::now() - chrono::Duration::days(2),
        60,
        coach,
    )
    .await
    .unwrap();
    triad::db::coaching::save_private_notes(&mut tx, org, session, coach, NOTE)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    format!("/sessions/{session}")
}

fn cache_control(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("cache-control")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_page_that_shows_someones_data_says_no_store() {
    let app = TestApp::spawn().await;
    let session_path = coach_with_private_note(&app).await;
    let coach = app.visitor();
    assert_eq!(
        coach.sign_in("casey@acme.test", PASSWORD).await.status(),
        303
    );

    let page = coach.get(&session_path).await;
    assert_eq!(page.status(), 200);
    assert_eq!(cache_control(&page), "no-store");
    assert!(page.text().await.unwrap().contains(NOTE));
    for path in ["/home", "/account", "/sign-in", "/no-such-page"] {
        let response = coach.get(path).await;
        assert_eq!(cache_control(&response), "no-store", "{path}");
    }
    // A redirect can carry a session cookie: not kept either.
    let signed_out = app.visitor().get(&session_path).await;
    assert_eq!(signed_out.status(), 303);
    assert_eq!(cache_control(&signed_out), "no-store");
    app.shutdown().await.unwrap();
}

/// On a shared computer: the coach reads a private note, signs out, walks
/// away; the next person presses Back.
#[tokio::test]
async fn back_after_sign_out_does_not_bring_a_coachs_private_note_back() {
    use fantoccini::Locator;
    let app = TestApp::spawn().await;
    let session_path = coach_with_private_note(&app).await;
    let browser = Browser::start().await;
    let client = &browser.client;
    browser
        .sign_in(&app.base, "casey@acme.test", PASSWORD)
        .await;
    client.goto(&app.url(&session_path)).await.unwrap();
    browser.wait_for_text(NOTE).await;

    client
        .find(Locator::Css("form[action='/sign-out'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text("You are signed out").await;
    client.back().await.unwrap();
    let page = client
        .wait()
        .at_most(std::time::Duration::from_secs(90))
        .for_element(Locator::Css("h1"))
        .await
        .unwrap();
    let heading = page.text().await.unwrap();
    let source = client.source().await.unwrap();
    browser.screenshot("back-after-sign-out").await;
    assert!(
        !source.contains(NOTE),
        "Back after sign-out showed the private note (page heading {heading:?})"
    );
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/sign-in"),
        "Back after sign-out should ask to sign in again"
    );
    browser.close().await;
    app.shutdown().await.unwrap();
}
