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

#[tokio::test]
async fn a_form_resent_after_a_crash_between_acting_and_recording_acts_once() {
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
    tx.commit().await.unwrap();
    let new_goal = format!("/engagements/{engagement}/goals/new");
    let page = coachee.text(&new_goal).await;
    let (csrf, once) = (hidden(&page, "_csrf"), hidden(&page, "_once"));
    let form = [
        ("_csrf", csrf.as_str()),
        ("_once", once.as_str()),
        ("title", "Speak up in leadership meetings"),
        ("description", ""),
        ("skill_id", ""),
        ("status", "active"),
        ("progress", "10"),
    ];
    let send = |referer: Option<String>| {
        let mut request = coachee.client.post(coachee.url(&new_goal)).form(&form);
        if let Some(referer) = referer {
            request = request.header("referer", referer);
        }
        request.send()
    };
    let goals = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from goals")
            .fetch_one(&mut app.owner_connection().await)
            .await
            .unwrap()
    };

    let first = send(None).await.unwrap();
    assert_eq!(first.status(), 303);
    assert_eq!(location(&first), format!("/engagements/{engagement}"));
    assert_eq!(goals().await, 1);

    // What a process that stops between committing the goal and recording
    // where the form led leaves behind, half a minute later: the key claimed,
    // no location.
    let crashed = sqlx::query(
        "update form_submissions
         set location = null, created_at = now() - interval '31 seconds'
         where location = $1",
    )
    .bind(format!("/engagements/{engagement}"))
    .execute(&mut app.owner_connection().await)
    .await
    .unwrap();
    assert_eq!(crashed.rows_affected(), 1);

    // The browser sends the same form again: nothing is done twice, and the
    // person is back on the page they sent it from, told so.
    let again = send(Some(coachee.url(&new_goal))).await.unwrap();
    assert_eq!(goals().await, 1, "the goal was made a second time");
    assert_eq!(again.status(), 303);
    assert_eq!(location(&again), new_goal);
    let page = coachee.text(&new_goal).await;
    assert!(page.contains("That form had already been sent"), "{page}");
    assert!(page.contains("Nothing was done twice."), "{page}");

    // Browsers send Triad no Referer: then the answer is the home page.
    let once_more = send(None).await.unwrap();
    assert_eq!(once_more.status(), 303);
    assert_eq!(location(&once_more), "/home");
    assert_eq!(goals().await, 1);
    let home = coachee.text("/home").await;
    assert!(home.contains("Nothing was done twice."), "{home}");
}

#[tokio::test]
async fn of_a_claim_given_up_for_abandoned_and_its_taker_only_the_taker_may_act() {
    use triad::db::submission::{Claim, claim, scope};
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let commit = || async {
        let tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
        tx.commit().await
    };
    let Claim::First(slow) = claim(&app.pool, "a-key").await.unwrap() else {
        panic!("the first claim")
    };
    sqlx::query("update form_submissions set created_at = now() - interval '31 seconds'")
        .execute(&mut app.owner_connection().await)
        .await
        .unwrap();
    let Claim::First(taker) = claim(&app.pool, "a-key").await.unwrap() else {
        panic!("the claim is taken over")
    };
    // The slow first request's transaction cannot commit any more…
    assert!(scope(slow, commit()).await.is_err());
    // …the taker's can, twice over within its request…
    scope(taker.clone(), commit()).await.unwrap();
    scope(taker, commit()).await.unwrap();
    // …and once it has acted, the key is never taken over again.
    sqlx::query("update form_submissions set created_at = now() - interval '31 seconds'")
        .execute(&mut app.owner_connection().await)
        .await
        .unwrap();
    assert!(matches!(
        claim(&app.pool, "a-key").await.unwrap(),
        Claim::Acted
    ));
}
