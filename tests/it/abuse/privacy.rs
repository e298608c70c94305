//! Words and secrets that must never reach the wrong person or the logs.

use crate::support::{PASSWORD, TestApp, Who, queries, roles, session_cookie, world};

use super::pages;

/// Confidential words planted behind the app's back must show only to the
/// people allowed to read them, and never in logs or error pages.
#[tokio::test]
async fn confidential_words_show_only_to_those_allowed_and_never_in_error_pages_or_logs() {
    const PAIR: &str = "PAIR-ONLY-k4w";
    const COACH: &str = "COACH-ONLY-j8m";
    let world = world().await;
    let mut conn = world.app.owner_connection().await;
    sqlx::query("select set_config('app.org_id', $1, false)")
        .bind(world.acme.0.to_string())
        .execute(&mut conn)
        .await
        .unwrap();
    // The words go in as bound values: the test's own statements must not
    // put them in the log it is about to search.
    for (sql, marker) in [
        (
            "update coaching_sessions set key_points = $1, agreed_actions = $1, status = 'completed'",
            PAIR,
        ),
        ("update goals set description = $1", PAIR),
        (
            "insert into coaching_session_notes (org_id, session_id, coach_id, notes)
             select org_id, id, (select coach_id from engagements limit 1), $1 from coaching_sessions
             on conflict (org_id, session_id) do update set notes = excluded.notes",
            COACH,
        ),
        (
            "insert into alignment_preparations (org_id, meeting_id, success)
             select org_id, id, $1 from alignment_meetings
             on conflict (org_id, meeting_id) do update set success = excluded.success",
            PAIR,
        ),
        (
            "insert into alignment_coach_notes (org_id, meeting_id, body)
             select org_id, id, $1 from alignment_meetings
             on conflict (org_id, meeting_id) do update set body = excluded.body",
            COACH,
        ),
    ] {
        sqlx::query(sql).bind(marker).execute(&mut conn).await.unwrap();
    }
    let found = pages(&world).await;
    for (who, url, html) in &found {
        let pair_ok = matches!(who, Who::Coach | Who::Coachee);
        assert!(
            pair_ok || !html.contains(PAIR),
            "{url} shows {PAIR} to {who:?}"
        );
        assert!(
            *who == Who::Coach || !html.contains(COACH),
            "{url} shows {COACH} to {who:?}"
        );
    }
    // The words are really on the pages of those allowed to read them.
    assert!(
        found
            .iter()
            .any(|(w, _, h)| *w == Who::Coach && h.contains(COACH)),
        "the coach's own notes are not on the coach's pages"
    );
    assert!(
        found
            .iter()
            .any(|(w, _, h)| *w == Who::Coachee && h.contains(PAIR)),
        "the coachee's own session record is not on their pages"
    );
    // Error pages never echo anything confidential.
    for (who, visitor) in &world.visitors {
        let response = visitor
            .get(&format!("/sessions/{}", uuid::Uuid::now_v7()))
            .await;
        let body = response.text().await.unwrap_or_default();
        assert!(
            !body.contains(PAIR) && !body.contains(COACH),
            "a 404 page shows a marker to {who:?}"
        );
    }
    assert!(
        !queries::logged(PAIR) && !queries::logged(COACH),
        "a confidential marker reached the logs"
    );
}

#[tokio::test]
async fn a_password_a_session_id_and_a_form_token_never_reach_the_logs() {
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    let visitor = app.visitor();
    let email = "logged.secrets@acme.test";
    app.seed_member(acme, email, "Secret Keeper", roles(false, false, true))
        .await;
    let response = visitor.sign_in(email, PASSWORD).await;
    let session = session_cookie(&response).unwrap_or_default();
    let token = visitor.csrf().await;
    assert!(
        session.len() > 10 && token.len() > 10,
        "no session or token to look for"
    );
    for (what, secret) in [
        ("the password", PASSWORD.to_owned()),
        ("a session id", session),
        ("a form token", token),
    ] {
        assert!(!queries::logged(&secret), "{what} reached the logs");
    }
}
