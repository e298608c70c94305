//! A form kept across a sign-in belongs to the person who typed it: offered
//! back to them, in the organisation they typed it in, and to no one else.

use crate::support::{PASSWORD, TestApp, Visitor, csrf_in, location, roles};

/// The value of a hidden field.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// A coach with one coaching session to write notes on, in `org`; returns
/// the notes' path.
async fn coaching_session(
    app: &TestApp,
    org: triad::db::TenantId,
    coach: uuid::Uuid,
    coachee_email: &str,
) -> String {
    let coachee = app
        .seed_member(org, coachee_email, "Robin", roles(false, false, true))
        .await;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let (_, engagement) =
        crate::support::programme_and_engagement(&mut tx, org, "Kept", coachee, coach).await;
    let session: uuid::Uuid = sqlx::query_scalar(
        "insert into coaching_sessions (org_id, id, engagement_id, starts_at, duration_minutes)
         values ($1, gen_random_uuid(), $2, now(), 60) returning id",
    )
    .bind(org.0)
    .bind(engagement)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    format!("/sessions/{session}")
}

/// Sends the notes form of a page drawn earlier, after the session ended.
async fn send_notes(browser: &Visitor, page: &str, path: &str, notes: &str) -> reqwest::Response {
    browser
        .client
        .post(browser.url(&format!("{path}/notes")))
        .form(&[
            ("_csrf", csrf_in(page).as_str()),
            ("_once", hidden(page, "_once").as_str()),
            ("notes", notes),
        ])
        .send()
        .await
        .unwrap()
}

/// Login sessions (of anyone) that hold `text`.
async fn sessions_holding(app: &TestApp, text: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from tower_sessions.session
         where position(convert_to($1, 'UTF8') in data) > 0",
    )
    .bind(text)
    .fetch_one(&mut app.owner_connection().await)
    .await
    .unwrap()
}

async fn notes_saved(app: &TestApp, text: &str) -> i64 {
    sqlx::query_scalar("select count(*) from coaching_session_notes where notes = $1")
        .bind(text)
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_private_note_sent_after_sign_out_is_never_shown_to_the_next_person_to_sign_in() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (browser, coach) = app
        .signed_in(org, "casey@acme.test", roles(false, true, false))
        .await;
    let path = coaching_session(&app, org, coach, "robin@acme.test").await;
    let page = browser.text(&path).await;

    // Signed out in another tab; the coach then saves a private note.
    let out = browser.post("/sign-out", &[]).await;
    assert_eq!(out.status(), 303);
    let note = "NOTE-FOR-CASEY-ONLY worried about the reorg";
    let sent = send_notes(&browser, &page, &path, note).await;
    assert_eq!(sent.status(), 303);
    assert!(location(&sent).starts_with("/sign-in"));
    // Kept in a session that is nobody's yet, which the store lets go of when
    // the form lapses, not half an hour later.
    let lapses_within_minutes: f64 = sqlx::query_scalar(
        "select extract(epoch from max(expiry_date) - now())::float8 / 60
         from tower_sessions.session where position(convert_to($1, 'UTF8') in data) > 0",
    )
    .bind("NOTE-FOR-CASEY-ONLY")
    .fetch_one(&mut app.owner_connection().await)
    .await
    .unwrap();
    assert!(
        lapses_within_minutes <= 15.5,
        "the note is kept for {lapses_within_minutes:.1} minutes"
    );

    // The coachee signs in at the same browser.
    let next: String =
        form_urlencoded::byte_serialize(format!("{path}/notes").as_bytes()).collect();
    let signed_in = browser
        .post(
            "/sign-in",
            &[
                ("email", "robin@acme.test"),
                ("password", PASSWORD),
                ("next", &format!("{path}/notes")),
            ],
        )
        .await;
    assert_eq!(signed_in.status(), 303);
    assert_ne!(location(&signed_in), "/resume", "next was {next}");
    let resume = browser.get("/resume").await;
    let status = resume.status();
    let text = resume.text().await.unwrap();
    assert!(!text.contains("NOTE-FOR-CASEY-ONLY"), "{text}");
    assert_eq!(status, 303, "nothing to resume");
    // Nor does any login session hold it, the coachee's included.
    assert_eq!(sessions_holding(&app, "NOTE-FOR-CASEY-ONLY").await, 0);
    assert_eq!(notes_saved(&app, note).await, 0);

    // Casey signing in afterwards finds nothing either: it was dropped.
    browser.post("/sign-out", &[]).await;
    let back = browser.sign_in("casey@acme.test", PASSWORD).await;
    assert_ne!(location(&back), "/resume");
}

#[tokio::test]
async fn the_same_person_signing_in_again_gets_their_form_back_with_its_labels() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (browser, coach) = app
        .signed_in(org, "casey@acme.test", roles(false, true, false))
        .await;
    let path = coaching_session(&app, org, coach, "robin@acme.test").await;
    let page = browser.text(&path).await;
    browser.post("/sign-out", &[]).await;
    let note = "Casey's own words, typed with care";
    send_notes(&browser, &page, &path, note).await;

    let back = browser.sign_in("casey@acme.test", PASSWORD).await;
    assert_eq!(location(&back), "/resume");
    let resume = browser.text("/resume").await;
    assert!(
        resume.contains("Casey&#39;s own words") || resume.contains("Casey's own words"),
        "{resume}"
    );
    assert!(
        resume.contains("Your private notes"),
        "the form's label: {resume}"
    );
    assert!(!resume.contains(">notes<"), "not the field's raw name");

    // "Send again" saves it.
    let again = browser
        .client
        .post(browser.url(&format!("{path}/notes")))
        .form(&[
            ("_csrf", csrf_in(&resume).as_str()),
            ("_once", hidden(&resume, "_once").as_str()),
            ("notes", note),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 303);
    assert_eq!(notes_saved(&app, note).await, 1);
}

#[tokio::test]
async fn a_form_typed_in_one_of_several_organisations_resumes_there_after_sign_in() {
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    let globex = app.create_org("Globex").await;
    let coach = app
        .seed_member(acme, "casey@coach.test", "Casey", roles(false, true, false))
        .await;
    app.seed_member(
        globex,
        "casey@coach.test",
        "Casey",
        roles(false, true, false),
    )
    .await;
    let path = coaching_session(&app, acme, coach, "robin@acme.test").await;
    let browser = app.visitor();
    let first = browser.sign_in("casey@coach.test", PASSWORD).await;
    assert!(location(&first).starts_with("/organisations"));
    browser
        .post("/organisations", &[("org_id", &acme.0.to_string())])
        .await;
    let page = browser.text(&path).await;
    browser.post("/sign-out", &[]).await;
    let note = "Typed in Acme, for Acme";
    send_notes(&browser, &page, &path, note).await;

    // No chooser in between: the form goes back to Acme.
    let back = browser.sign_in("casey@coach.test", PASSWORD).await;
    assert_eq!(location(&back), "/resume");
    let resume = browser.text("/resume").await;
    assert!(resume.contains("Typed in Acme"), "{resume}");
    assert!(resume.contains("Acme"), "working in Acme");
    let again = browser
        .client
        .post(browser.url(&format!("{path}/notes")))
        .form(&[
            ("_csrf", csrf_in(&resume).as_str()),
            ("_once", hidden(&resume, "_once").as_str()),
            ("notes", note),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 303, "sent in Acme");
    assert_eq!(notes_saved(&app, note).await, 1);
}
