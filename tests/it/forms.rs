//! One result per form: the one-time key every page gives its forms.

use crate::support::{PASSWORD, TestApp, location, roles, session_cookie};

/// The value of a hidden field.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_form_sent_twice_counts_once_and_another_form_of_the_page_still_works() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (coachee, coachee_id) = app
        .signed_in(org, "robin@acme.test", roles(false, false, true))
        .await;
    let coach = app
        .seed_member(org, "casey@acme.test", "Casey", roles(false, true, false))
        .await;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let (_, engagement) =
        crate::support::programme_and_engagement(&mut tx, org, "Forms", coachee_id, coach).await;
    let mut ids = Vec::new();
    for title in ["First", "Second", "Third"] {
        ids.push(
            triad::db::goals::create(
                &mut tx,
                org,
                engagement,
                &triad::db::goals::GoalFields {
                    title: title.into(),
                    description: String::new(),
                    skill_id: None,
                    status: triad::db::goals::GoalStatus::Active,
                    progress: 0,
                },
            )
            .await
            .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    let page = coachee.text(&format!("/engagements/{engagement}")).await;
    let (csrf, once) = (hidden(&page, "_csrf"), hidden(&page, "_once"));
    let order = || async {
        sqlx::query_scalar::<_, String>("select title from goals order by position")
            .fetch_all(&mut app.owner_connection().await)
            .await
            .unwrap()
    };
    // "Move down" on the first goal, clicked twice from the same page: once.
    let down = [
        ("_csrf", csrf.as_str()),
        ("_once", once.as_str()),
        ("direction", "down"),
    ];
    for _ in 0..2 {
        let response = coachee
            .client
            .post(coachee.url(&format!("/goals/{}/move", ids[0])))
            .form(&down)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        assert_eq!(
            location(&response),
            format!("/engagements/{engagement}#goals")
        );
    }
    assert_eq!(order().await, ["Second", "First", "Third"]);
    // Another form of the same page (same key, other goal) still acts.
    let response = coachee
        .client
        .post(coachee.url(&format!("/goals/{}/move", ids[2])))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("_once", once.as_str()),
            ("direction", "up"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(order().await, ["Second", "Third", "First"]);
}

#[tokio::test]
async fn signing_in_twice_from_one_page_signs_in_both_times() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    // A browser that never sees the first answer keeps sending its old
    // session cookie: no cookie jar here, the cookie is sent by hand.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client.get(app.url("/sign-in")).send().await.unwrap();
    let old = session_cookie(&page).expect("a session for the form");
    let html = page.text().await.unwrap();
    let fields = [
        ("_csrf", hidden(&html, "_csrf")),
        ("_once", hidden(&html, "_once")),
        ("email", "dana@acme.test".to_owned()),
        ("password", PASSWORD.to_owned()),
    ];
    for attempt in 0..2 {
        let response = client
            .post(app.url("/sign-in"))
            .header("cookie", format!("triad_session={old}"))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "attempt {attempt}");
        // Each answer carries the new session: the repeat signs in too,
        // rather than being sent along without a cookie.
        let new = session_cookie(&response).expect("a new session cookie");
        assert_ne!(new, old);
        let home = client
            .get(app.url("/home"))
            .header("cookie", format!("triad_session={new}"))
            .send()
            .await
            .unwrap();
        assert_eq!(home.status(), 200, "attempt {attempt}");
    }
}
