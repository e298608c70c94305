//! Getting in: invitations, one-time links, forgotten passwords, the
//! operator's first organisation and the demo.

use crate::support::{PASSWORD, TestApp, link_in_mail, location, roles};

#[tokio::test]
async fn invited_person_sets_a_password_signs_in_and_reaches_their_dashboard() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;

    let invited = admin
        .post(
            "/admin/people/invite",
            &[
                ("name", "Robin Rivera"),
                ("email", "robin@acme.test"),
                ("is_coachee", "on"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 303);
    let people = admin.text("/admin/people").await;
    assert!(
        people.contains("Robin Rivera") && people.contains("Invitation pending"),
        "{people}"
    );

    let link = link_in_mail(&app, "robin@acme.test", "/welcome?token=").await;
    let robin = app.visitor();
    let page = robin.get(&link).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("robin@acme.test"));

    // A weak password is refused, and says why.
    let weak = robin
        .post(
            &link,
            &[
                ("token", &link[link.find('=').unwrap() + 1..]),
                ("new_password", "password1234"),
                ("confirm", "password1234"),
            ],
        )
        .await;
    assert_eq!(weak.status(), 422);
    assert!(weak.text().await.unwrap().contains("too common"));

    let token = &link[link.find('=').unwrap() + 1..];
    let set = robin
        .post(
            "/welcome",
            &[
                ("token", token),
                ("new_password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(set.status(), 303);
    let home = robin.get("/home").await;
    assert_eq!(home.status(), 200);
    let home = home.text().await.unwrap();
    assert!(home.contains("Welcome, Robin Rivera"), "{home}");
    assert!(home.contains("coachee"));

    // The link works once.
    let again = app.visitor().get(&link).await;
    assert_eq!(again.status(), 410);
    assert!(again.text().await.unwrap().contains("already used"));

    // And Robin can sign in with the new password.
    let later = app.visitor();
    assert_eq!(
        later.sign_in("robin@acme.test", PASSWORD).await.status(),
        303
    );
    assert_eq!(later.get("/home").await.status(), 200);
}

#[tokio::test]
async fn expired_and_forged_links_say_what_to_do_and_show_nothing() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    admin
        .post(
            "/admin/people/invite",
            &[
                ("name", "Late Larry"),
                ("email", "larry@acme.test"),
                ("is_coach", "on"),
            ],
        )
        .await;
    let link = link_in_mail(&app, "larry@acme.test", "/welcome?token=").await;
    sqlx::query("update account_tokens set expires_at = now() - interval '1 minute'")
        .execute(&mut app.owner_connection().await)
        .await
        .unwrap();
    let expired = app.visitor().get(&link).await;
    assert_eq!(expired.status(), 410);
    let text = expired.text().await.unwrap();
    assert!(text.contains("expired"), "{text}");
    assert!(!text.contains("larry@acme.test"));

    let forged = app
        .visitor()
        .get(&format!("/welcome?token={}", "ab".repeat(32)))
        .await;
    assert_eq!(forged.status(), 410);
    assert!(forged.text().await.unwrap().contains("does not work"));
}

#[tokio::test]
async fn an_invitation_form_with_mistakes_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    let response = admin
        .post(
            "/admin/people/invite",
            &[("name", "Robin <b>Rivera</b>"), ("email", "not-an-address")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("Enter an email address like"), "{page}");
    assert!(page.contains("Choose at least one role."));
    assert!(page.contains(r#"value="not-an-address""#));
    assert!(
        page.contains("Robin &#60;b&#62;Rivera&#60;/b&#62;")
            || page.contains("Robin &lt;b&gt;Rivera&lt;/b&gt;"),
        "{page}"
    );
}

#[tokio::test]
async fn the_demo_seeds_once_with_logins_that_work() {
    let app = TestApp::spawn().await;
    let mut config = crate::support::test_config(app.data_dir.path());
    config.demo_password = Some("orange kettle under the bridge".into());
    let first = triad::operator::seed_demo(&app.owner, &config)
        .await
        .unwrap();
    let second = triad::operator::seed_demo(&app.owner, &config)
        .await
        .unwrap();
    assert_eq!(first.emails, second.emails);
    assert!(app.assert_progress_follows_facts().await > 0);
    let printed = first.to_string();
    for login in [
        "admin@northwind.example",
        "coach1@northwind.example",
        "coachee1@northwind.example",
    ] {
        assert!(printed.contains(login), "{printed}");
    }
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
    // Twelve people with logins, and twelve more coachees of the demo cohort.
    assert_eq!(users, 24);

    let coach = app.visitor();
    assert_eq!(
        coach
            .sign_in("coach1@northwind.example", "orange kettle under the bridge")
            .await
            .status(),
        303
    );
    let orgs = coach.text("/organisations").await;
    assert!(
        orgs.contains("Northwind Demo") && orgs.contains("Harbour Health Demo"),
        "{orgs}"
    );
    let admin = app.visitor();
    admin
        .sign_in("admin@northwind.example", "orange kettle under the bridge")
        .await;
    let people = admin.text("/admin/people").await;
    assert!(people.contains("Robin Rivera"), "{people}");
    assert!(
        admin
            .text("/admin/programmes")
            .await
            .contains("Leading Teams")
    );
    assert!(
        admin
            .text("/admin/catalogue")
            .await
            .contains("Giving feedback")
    );
    let coach2 = app.visitor();
    let landed = coach2
        .sign_in("coach2@northwind.example", "orange kettle under the bridge")
        .await;
    // Harbour's invitation waits for coach2's answer, under the name Harbour typed.
    assert!(crate::support::location(&landed).starts_with("/organisations"));
    let choose = coach2.text("/organisations").await;
    assert!(
        choose.contains("Harbour Health Demo") && choose.contains("Accept"),
        "{choose}"
    );
    let harbour = app.visitor();
    harbour
        .sign_in("admin@harbour.example", "orange kettle under the bridge")
        .await;
    let people = harbour.text("/admin/people").await;
    assert!(
        people.contains("Morgan M.") && !people.contains("Morgan Mentor"),
        "{people}"
    );
    let home = coach2.text("/home").await;
    assert!(
        home.contains("Jordan Lee") && home.contains("Taylor Brooks"),
        "{home}"
    );
    assert!(!home.contains("Robin Rivera"), "only their own coachees");
    // Jordan's alignment meeting was held; coach2 sees it for each coachee.
    assert!(
        home.contains("The last alignment meeting took place"),
        "{home}"
    );
    // Robin's coaching so far, as Robin sees it.
    let robin = app.visitor();
    robin
        .sign_in(
            "coachee1@northwind.example",
            "orange kettle under the bridge",
        )
        .await;
    let home = robin.text("/home").await;
    assert!(
        home.contains("Delegate two recurring tasks") && home.contains("shared with your manager"),
        "{home}"
    );
    let engagement = home
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|path| path.starts_with("/engagements/") && path.matches('/').count() == 2)
        .expect("a link to the engagement");
    // Robin has done the recommended sessions: the demo says plan the meeting.
    assert!(home.contains("Time for the goal alignment"), "{home}");
    let page = robin.text(engagement).await;
    assert!(
        page.contains("Give timely, specific feedback to my team")
            && page.contains("Shared with manager")
    );
    assert!(page.contains("Feedback that lands"), "an assigned activity");
    assert_eq!(
        page.matches(r#"<a href="/sessions/"#).count(),
        3,
        "three coaching sessions"
    );

    // Sam has invited Owen Clarke: the invitation holds a link that works.
    let link = crate::support::link_in_mail(&app, "owen.clarke@northwind.example", "/m/").await;
    let path = &link[link.find("/m/").unwrap()..];
    let owen = app.visitor();
    let response = owen.get(path).await;
    assert_eq!(response.status(), 303);
    let page = owen.text(&location(&response)).await;
    assert!(
        page.contains("Hello Owen Clarke") && page.contains("Sam Patel"),
        "{page}"
    );
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_through_a_one_hour_link() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    let dana = app.visitor();
    let asked = dana
        .post("/forgot-password", &[("email", "DANA@acme.test")])
        .await;
    assert_eq!(asked.status(), 200);
    assert!(asked.text().await.unwrap().contains("Check your email"));
    // An unknown address gets the same page and no email.
    let unknown = app
        .visitor()
        .post("/forgot-password", &[("email", "who@acme.test")])
        .await;
    assert!(unknown.text().await.unwrap().contains("Check your email"));

    let link = link_in_mail(&app, "dana@acme.test", "/reset-password?token=").await;
    let expires: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select expires_at from account_tokens where purpose = 'reset'")
            .fetch_one(&mut app.owner_connection().await)
            .await
            .unwrap();
    let lifetime = expires - chrono::Utc::now();
    assert!(lifetime > chrono::Duration::minutes(59) && lifetime <= chrono::Duration::hours(1));

    let token = &link[link.find('=').unwrap() + 1..];
    let new_password = "seven purple lanterns drift";
    let reset = dana
        .post(
            "/reset-password",
            &[
                ("token", token),
                ("new_password", new_password),
                ("confirm", new_password),
            ],
        )
        .await;
    assert_eq!(reset.status(), 303);
    assert_eq!(
        app.visitor()
            .sign_in("dana@acme.test", PASSWORD)
            .await
            .status(),
        422
    );
    assert_eq!(
        app.visitor()
            .sign_in("dana@acme.test", new_password)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn the_operator_creates_an_organisation_whose_admin_can_start() {
    let app = TestApp::spawn().await;
    let config = crate::support::test_config(app.data_dir.path());
    let link = triad::operator::create_org(
        &app.owner,
        &config,
        "Initech Learning",
        "lee@initech.test",
        "Lee",
    )
    .await
    .unwrap();
    assert_eq!(link.path(), "/welcome");
    let path_and_query = format!("{}?{}", link.path(), link.query().unwrap());
    let lee = app.visitor();
    assert_eq!(lee.get(&path_and_query).await.status(), 200);
    let token = link
        .query_pairs()
        .find(|(k, _)| k == "token")
        .unwrap()
        .1
        .into_owned();
    let set = lee
        .post(
            "/welcome",
            &[
                ("token", token.as_str()),
                ("new_password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&set), "/home");
    let people = lee.text("/admin/people").await;
    assert!(people.contains("lee@initech.test"));
    let audit = lee.text("/admin/audit").await;
    assert!(audit.contains("organisation.created"));
}
