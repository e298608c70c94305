//! One person, several organisations, and no window between them: forms act
//! only in the organisation they were drawn in, and an invitation to someone
//! who already has an account waits for that person's own answer.

use crate::support::{PASSWORD, TestApp, csrf_in, location, roles};

/// The value of a hidden field.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

async fn count(app: &TestApp, sql: &str, org: triad::db::TenantId) -> i64 {
    sqlx::query_scalar(sql)
        .bind(org.0)
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_form_drawn_in_one_organisation_is_refused_after_switching_to_another() {
    let app = TestApp::spawn().await;
    let acme = app.create_org("Acme").await;
    let globex = app.create_org("Globex").await;
    for org in [acme, globex] {
        app.seed_member(org, "ada@both.test", "Ada", roles(true, false, false))
            .await;
    }
    let browser = app.visitor();
    browser.sign_in("ada@both.test", PASSWORD).await;
    browser
        .post("/organisations", &[("org_id", &acme.0.to_string())])
        .await;
    // The invitation form, drawn in Acme…
    let form = browser.text("/admin/people/invite").await;
    // …and in another tab, Ada switches to Globex.
    let switched = browser
        .post("/organisations", &[("org_id", &globex.0.to_string())])
        .await;
    assert_eq!(switched.status(), 303);

    let sent = browser
        .client
        .post(browser.url("/admin/people/invite"))
        .form(&[
            ("_csrf", csrf_in(&form).as_str()),
            ("_once", hidden(&form, "_once").as_str()),
            ("name", "Nell Newcomer"),
            ("email", "nell@new.test"),
            ("is_coachee", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 409);
    let page = sent.text().await.unwrap();
    assert!(page.contains("You opened this form in Acme"), "{page}");
    assert!(page.contains("You are now working in Globex"), "{page}");
    assert!(page.contains("Nothing was saved"), "{page}");
    let members = "select count(*) from memberships where org_id = $1";
    assert_eq!(
        count(&app, members, globex).await,
        1,
        "no one added to Globex"
    );
    assert_eq!(count(&app, members, acme).await, 1, "nor to Acme");
    let nell: i64 = sqlx::query_scalar("select count(*) from users where email = 'nell@new.test'")
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(nell, 0);

    // Switching back leads to the form as typed, which then acts in Acme.
    let back = browser
        .client
        .post(browser.url("/organisations"))
        .form(&[
            ("_csrf", csrf_in(&page).as_str()),
            ("_once", hidden(&page, "_once").as_str()),
            ("org_id", &acme.0.to_string()),
            ("next", "/resume"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&back), "/resume");
    let resume = browser.text("/resume").await;
    assert!(
        resume.contains("Nell Newcomer") && resume.contains("Email address"),
        "{resume}"
    );
    let mut fields = vec![
        ("_csrf".to_owned(), csrf_in(&resume)),
        ("_once".to_owned(), hidden(&resume, "_once")),
    ];
    fields.extend([
        ("name".to_owned(), "Nell Newcomer".to_owned()),
        ("email".to_owned(), "nell@new.test".to_owned()),
        ("is_coachee".to_owned(), "on".to_owned()),
    ]);
    let again = browser
        .client
        .post(browser.url("/admin/people/invite"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 303);
    assert_eq!(count(&app, members, acme).await, 2, "Nell joins Acme");
    assert_eq!(count(&app, members, globex).await, 1);
}

#[tokio::test]
async fn inviting_someone_with_an_account_shows_only_what_was_typed_and_waits_for_them() {
    let app = TestApp::spawn().await;
    let northwind = app.create_org("Northwind").await;
    let harbour = app.create_org("Harbour").await;
    let coach = app
        .seed_member(
            northwind,
            "casey@coach.test",
            "Casey Northwindname",
            roles(false, true, false),
        )
        .await;
    let (admin, _) = app
        .signed_in(harbour, "admin@harbour.test", roles(true, false, false))
        .await;

    let invited = admin
        .post(
            "/admin/people/invite",
            &[
                ("name", "C. Typed-By-Harbour"),
                ("email", "casey@coach.test"),
                ("is_coach", "on"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 303);
    let people = admin.text("/admin/people").await;
    assert!(people.contains("C. Typed-By-Harbour"), "{people}");
    assert!(people.contains("Invitation pending"), "{people}");
    assert!(
        !people.contains("Northwindname"),
        "no name held elsewhere: {people}"
    );
    let row = people
        .split("<tr>")
        .find(|row| row.contains("C. Typed-By-Harbour"))
        .unwrap();
    assert!(
        !row.contains("Active") && !row.contains("password"),
        "nothing of their password: {row}"
    );
    // Someone new to Triad, invited the same way, reads exactly alike: the
    // page does not tell which address already had an account.
    let fresh = admin
        .post(
            "/admin/people/invite",
            &[
                ("name", "D. Typed-By-Harbour"),
                ("email", "dana@new.test"),
                ("is_coach", "on"),
            ],
        )
        .await;
    assert_eq!(fresh.status(), 303);
    let people = admin.text("/admin/people").await;
    let row_of = |name: &str, email: &str| {
        people
            .split("<tr>")
            .find(|row| row.contains(name))
            .unwrap_or_else(|| panic!("a row for {name}: {people}"))
            .split("</tr>")
            .next()
            .unwrap()
            .replace(name, "NAME")
            .replace(email, "EMAIL")
    };
    assert_eq!(
        row_of("C. Typed-By-Harbour", "casey@coach.test"),
        row_of("D. Typed-By-Harbour", "dana@new.test")
    );
    let again = admin
        .post(
            "/admin/people/invite",
            &[
                ("name", "C. Typed-By-Harbour"),
                ("email", "casey@coach.test"),
                ("is_coach", "on"),
            ],
        )
        .await;
    let again_new = admin
        .post(
            "/admin/people/invite",
            &[
                ("name", "D. Typed-By-Harbour"),
                ("email", "dana@new.test"),
                ("is_coach", "on"),
            ],
        )
        .await;
    assert_eq!(
        (again.status().as_u16(), again_new.status().as_u16()),
        (422, 422)
    );
    let (again, again_new) = (again.text().await.unwrap(), again_new.text().await.unwrap());
    assert!(again.contains("already waiting for an answer"), "{again}");
    assert!(
        again_new.contains("already waiting for an answer"),
        "{again_new}"
    );
    for (email, name) in [
        ("casey@coach.test", "C. Typed-By-Harbour"),
        ("dana@new.test", "D. Typed-By-Harbour"),
    ] {
        let resent = admin
            .post("/admin/people/resend-invitation", &[("email", email)])
            .await;
        assert_eq!(resent.status(), 303, "{email}");
        let sent: i64 = sqlx::query_scalar(
            "select count(*) from outbox_messages where recipient_email = $1 and body_text like '%' || $2 || '%'",
        )
        .bind(email)
        .bind(name)
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
        assert_eq!(sent, 2, "{email} was invited and then sent it again");
    }
    let audit = admin.text("/admin/audit").await;
    assert!(!audit.contains("Northwindname"), "{audit}");
    let email: String = sqlx::query_scalar(
        "select body_text from outbox_messages where recipient_email = 'casey@coach.test'",
    )
    .fetch_one(&mut app.owner_connection().await)
    .await
    .unwrap();
    assert!(email.contains("C. Typed-By-Harbour"), "{email}");
    assert!(!email.contains("Northwindname"), "{email}");
    // Not a member until they say so.
    let member = "select count(*) from memberships where org_id = $1 and user_id = $2";
    let membership = |org: triad::db::TenantId| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>(member)
                .bind(org.0)
                .bind(coach)
                .fetch_one(&mut app.owner_connection().await)
                .await
                .unwrap()
        }
    };
    assert_eq!(membership(harbour).await, 0);
    assert_eq!(
        admin.get(&format!("/admin/people/{coach}")).await.status(),
        404
    );

    // Casey signs in: the invitation waits for an answer, Harbour stays shut.
    let casey = app.visitor();
    let landed = casey.sign_in("casey@coach.test", PASSWORD).await;
    assert!(
        location(&landed).starts_with("/organisations"),
        "{}",
        location(&landed)
    );
    let choose = casey.text("/organisations").await;
    assert!(
        choose.contains("Harbour") && choose.contains("Accept"),
        "{choose}"
    );
    let sneak = casey
        .post("/organisations", &[("org_id", &harbour.0.to_string())])
        .await;
    assert_eq!(sneak.status(), 404);

    let accepted = casey
        .post(&format!("/invitations/{}/accept", harbour.0), &[])
        .await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(membership(harbour).await, 1);
    let home = casey.get("/home").await;
    assert_eq!(home.status(), 200);
    assert!(
        admin
            .text("/admin/people")
            .await
            .contains("casey@coach.test")
    );
}

#[tokio::test]
async fn a_declined_invitation_is_gone_and_no_one_else_can_answer_it() {
    let app = TestApp::spawn().await;
    let northwind = app.create_org("Northwind").await;
    let harbour = app.create_org("Harbour").await;
    app.seed_member(
        northwind,
        "casey@coach.test",
        "Casey",
        roles(false, true, false),
    )
    .await;
    let (admin, _) = app
        .signed_in(harbour, "admin@harbour.test", roles(true, false, false))
        .await;
    admin
        .post(
            "/admin/people/invite",
            &[
                ("name", "Casey"),
                ("email", "casey@coach.test"),
                ("is_coach", "on"),
            ],
        )
        .await;
    // Someone else cannot accept it for them.
    let (other, _) = app
        .signed_in(northwind, "other@northwind.test", roles(false, true, false))
        .await;
    let stolen = other
        .post(&format!("/invitations/{}/accept", harbour.0), &[])
        .await;
    assert_eq!(stolen.status(), 404);

    let casey = app.visitor();
    casey.sign_in("casey@coach.test", PASSWORD).await;
    let declined = casey
        .post(&format!("/invitations/{}/decline", harbour.0), &[])
        .await;
    assert_eq!(declined.status(), 303);
    let choose = casey.text("/organisations").await;
    assert!(!choose.contains("Accept"), "{choose}");
    let waiting = "select count(*) from membership_invitations where org_id = $1";
    assert_eq!(count(&app, waiting, harbour).await, 0);
    assert_eq!(
        count(
            &app,
            "select count(*) from memberships where org_id = $1",
            harbour
        )
        .await,
        1,
        "only the admin"
    );
}
