//! People: signing in and out, throttling, login sessions, organisations,
//! disabling — as people meet them over HTTP.

use sqlx::Row;

use crate::support::{PASSWORD, TestApp, location, roles, session_cookie};

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;

    let wrong = app
        .visitor()
        .sign_in("dana@acme.test", "not the password at all")
        .await;
    let unknown = app
        .visitor()
        .sign_in("nobody@acme.test", "not the password at all")
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(unknown.status(), 422);
    let (wrong, unknown) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    let message = "That email address and password do not match an account.";
    assert!(wrong.contains(message) && unknown.contains(message));
    // What was typed in the email field is kept.
    assert!(wrong.contains(r#"value="dana@acme.test""#));
}

#[tokio::test]
async fn repeated_failures_make_sign_in_wait_longer_each_time_and_say_how_long() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let dana = app
        .seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    let key = format!("sign-in:account:{}", dana.simple());
    let visitor = app.visitor();
    for _ in 0..5 {
        assert_eq!(
            visitor
                .sign_in("dana@acme.test", "wrong wrong wrong")
                .await
                .status(),
            422
        );
    }
    // Now even the right password waits, from a browser Dana never signed in on.
    let paused = visitor.sign_in("dana@acme.test", PASSWORD).await;
    assert_eq!(paused.status(), 429);
    let text = paused.text().await.unwrap();
    // (Five seconds from the last failure, counted down to the second.)
    assert!(
        text.contains("try again in 5 seconds") || text.contains("try again in 4 seconds"),
        "{text}"
    );
    // The count lives in the database, so every app process shares it; the
    // attempt that had to wait was not counted.
    let (attempts, wait): (i32, f64) = sqlx::query_as(
        "select attempts, extract(epoch from next_at - last_at)::float8 from attempt_limits
         where key = $1",
    )
    .bind(&key)
    .fetch_one(&mut app.owner_connection().await)
    .await
    .unwrap();
    assert_eq!((attempts, wait), (5, 5.0));
    // Once the wait is over, one more wrong guess doubles it.
    sqlx::query("update attempt_limits set next_at = now() where key = $1")
        .bind(&key)
        .execute(&mut app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(
        visitor
            .sign_in("dana@acme.test", "still wrong")
            .await
            .status(),
        422
    );
    let text = visitor
        .sign_in("dana@acme.test", PASSWORD)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("try again in 10 seconds") || text.contains("try again in 9 seconds"),
        "{text}"
    );
}

#[tokio::test]
async fn signing_in_changes_the_session_id_and_signing_out_deletes_the_session() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    let visitor = app.visitor();
    let before =
        session_cookie(&visitor.get("/sign-in").await).expect("a session for the form's token");
    let signed_in = visitor.sign_in("dana@acme.test", PASSWORD).await;
    let cookie_header = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("triad_session="))
        .expect("a new session cookie");
    let after = session_cookie(&signed_in).unwrap();
    assert_ne!(before, after);
    let lower = cookie_header.to_lowercase();
    assert!(
        lower.contains("httponly") && lower.contains("samesite=lax") && lower.contains("path=/"),
        "{cookie_header}"
    );

    assert_eq!(visitor.get("/home").await.status(), 200);
    let out = visitor.post("/sign-out", &[]).await;
    assert_eq!(out.status(), 303);
    let rows: i64 = sqlx::query_scalar("select count(*) from tower_sessions.session where id = $1")
        .bind(&after)
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(rows, 0, "the session is gone from the server");

    // The old cookie, replayed, opens nothing.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = replay
        .get(app.url("/home"))
        .header("cookie", format!("triad_session={after}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/sign-in"));
}

#[tokio::test]
async fn a_form_sent_after_the_session_expired_is_kept_for_after_sign_in() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (visitor, _) = app
        .signed_in(org, "dana@acme.test", roles(false, true, false))
        .await;
    let token = visitor.csrf().await;

    // The session runs out while Dana is typing.
    sqlx::query("delete from tower_sessions.session")
        .execute(&mut app.owner_connection().await)
        .await
        .unwrap();
    let sent = visitor
        .client
        .post(visitor.url("/account"))
        .form(&[
            ("_csrf", token.as_str()),
            ("name", "A name I took care to type"),
            ("time_zone", "Europe/Berlin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 303);
    assert_eq!(location(&sent), "/sign-in?next=%2Faccount");

    let back = visitor
        .post(
            "/sign-in",
            &[
                ("email", "dana@acme.test"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(location(&back), "/resume");
    let resume = visitor.text("/resume").await;
    assert!(resume.contains("A name I took care to type"), "{resume}");
    assert!(resume.contains(r#"action="/account""#));
}

#[tokio::test]
async fn a_member_of_two_organisations_chooses_and_switches() {
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    let globex = app.create_org("Globex").await;
    app.seed_member(acme, "casey@coach.test", "Casey", roles(false, true, false))
        .await;
    app.seed_member(
        globex,
        "casey@coach.test",
        "Casey",
        roles(false, true, false),
    )
    .await;

    let casey = app.visitor();
    let signed_in = casey.sign_in("casey@coach.test", PASSWORD).await;
    assert!(location(&signed_in).starts_with("/organisations"));
    let choose = casey.text("/organisations").await;
    assert!(choose.contains("Acme") && choose.contains("Globex"));
    // Nothing inside an organisation before one is chosen.
    assert_eq!(location(&casey.get("/home").await), "/organisations");

    let before = casey.get("/home").await;
    drop(before);
    let switched = casey
        .post("/organisations", &[("org_id", &globex.0.to_string())])
        .await;
    assert_eq!(switched.status(), 303);
    assert!(
        session_cookie(&switched).is_some(),
        "a new session id on switching"
    );
    assert!(casey.text("/home").await.contains("You are in Globex"));

    casey
        .post("/organisations", &[("org_id", &acme.0.to_string())])
        .await;
    assert!(casey.text("/home").await.contains("You are in Acme"));

    // An organisation Casey is not in cannot be chosen.
    let other = app.create_org("Initech").await;
    let refused = casey
        .post("/organisations", &[("org_id", &other.0.to_string())])
        .await;
    assert_eq!(refused.status(), 404);
}

#[tokio::test]
async fn a_disabled_member_loses_access_at_once() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    let (robin, robin_id) = app
        .signed_in(org, "robin@acme.test", roles(false, false, true))
        .await;
    assert_eq!(robin.get("/home").await.status(), 200);

    let disabled = admin
        .post(
            &format!("/admin/people/{robin_id}/disable"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(disabled.status(), 303);
    let after = robin.get("/home").await;
    assert_eq!(after.status(), 303);
    assert_eq!(location(&after), "/organisations");
    assert!(
        robin
            .text("/organisations")
            .await
            .contains("no longer have access")
    );

    let audit = admin.text("/admin/audit").await;
    assert!(audit.contains("member.disabled"), "{audit}");
}

#[tokio::test]
async fn changing_a_password_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (laptop, _) = app
        .signed_in(org, "dana@acme.test", roles(false, true, false))
        .await;
    let phone = app.visitor();
    phone.sign_in("dana@acme.test", PASSWORD).await;
    assert_eq!(phone.get("/home").await.status(), 200);

    let new_password = "seven purple lanterns drift";
    let changed = laptop
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new_password", new_password),
                ("confirm", new_password),
            ],
        )
        .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(
        laptop.get("/home").await.status(),
        200,
        "this session goes on"
    );
    let phone_home = phone.get("/home").await;
    assert_eq!(phone_home.status(), 303, "the other one ends");
    assert!(location(&phone_home).starts_with("/sign-in"));
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_disabled_or_demoted() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (admin, admin_id) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    let demote = admin
        .post(
            &format!("/admin/people/{admin_id}/roles"),
            &[("is_coach", "on")],
        )
        .await;
    assert_eq!(demote.status(), 422);
    assert!(
        demote
            .text()
            .await
            .unwrap()
            .contains("at least one active admin")
    );
    let row = sqlx::query("select is_admin from memberships where user_id = $1")
        .bind(admin_id)
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
    assert!(row.get::<bool, _>("is_admin"));
}

/// Seeding twice is harmless: the demo people exist once, with working logins.
#[tokio::test]
async fn over_https_the_session_cookie_is_secure_and_host_bound() {
    let app = TestApp::spawn_with(|config| {
        config.public_url = url::Url::parse("https://coaching.example.com/").unwrap();
        config.public_url_from_bind = false;
    })
    .await;
    let response = app.get("/sign-in").await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("__Host-triad_session="))
        .expect("a __Host- session cookie");
    let lower = cookie.to_lowercase();
    assert!(
        lower.contains("secure") && lower.contains("httponly") && lower.contains("path=/"),
        "{cookie}"
    );
    assert!(!lower.contains("domain="), "{cookie}");
    let hsts = response.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(hsts.contains("max-age="));
}

/// Where sign-in sends someone stays on this site, read as a browser reads
/// it: a tab or line break inside `next` does not turn it into another host,
/// and a control character is not a server error.
#[tokio::test]
async fn after_sign_in_next_never_leaves_the_site_nor_fails() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "robin@acme.test", "Robin", roles(false, false, true))
        .await;
    let here = url::Url::parse(&app.base).unwrap();
    for next in [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\\/evil.example/",
        "/home\u{7}",
        "/home\r\nSet-Cookie: x=1",
    ] {
        let visitor = app.visitor();
        let response = visitor
            .post(
                "/sign-in",
                &[
                    ("email", "robin@acme.test"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "{next:?}");
        let to = location(&response);
        // Followed the way a browser would: tabs and line breaks dropped.
        let cleaned: String = to
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        let followed = here.join(&cleaned).unwrap();
        assert_eq!(followed.origin(), here.origin(), "{next:?} led to {to}");
    }
    app.shutdown().await.unwrap();
}

/// A name is one line: one with a line break or another control character
/// is refused at the form, with the words to fix it and what was typed kept,
/// before it can reach an email header or a calendar file.
#[tokio::test]
async fn names_with_line_breaks_are_refused_at_the_form() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    let invited = admin
        .post(
            "/admin/people/invite",
            &[
                ("name", "Eve\r\nATTENDEE:mailto:evil@example.com"),
                ("email", "eve@acme.test"),
                ("is_coachee", "on"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 422);
    let page = invited.text().await.unwrap();
    assert!(page.contains("without line breaks"), "{page}");
    assert!(page.contains("eve@acme.test"), "what was typed is kept");
    let users: i64 = sqlx::query_scalar("select count(*) from users where email = 'eve@acme.test'")
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(users, 0);

    let profile = admin
        .post(
            "/account",
            &[("name", "Ada\u{2028}Admin"), ("time_zone", "Europe/London")],
        )
        .await;
    assert_eq!(profile.status(), 422);
    assert!(
        profile
            .text()
            .await
            .unwrap()
            .contains("without line breaks")
    );
    app.shutdown().await.unwrap();
}
