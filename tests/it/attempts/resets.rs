//! Reset links asked for again and again, current-password guesses, and
//! what the time of an answer says about whether an account exists.

use std::time::Duration;

use crate::support::{PASSWORD, TestApp, link_in_mail, roles};

use super::behind_a_proxy;

#[tokio::test]
async fn asking_for_a_reset_again_keeps_the_earlier_link_and_is_limited() {
    let app = behind_a_proxy().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    let count_mail = || async {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from outbox_messages where recipient_email = 'dana@acme.test'",
        )
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap()
    };
    // Three asks, from three clients: three emails, and the first link still works.
    let mut links = Vec::new();
    for i in 0..3 {
        let asker = app.visitor_from(&format!("198.51.100.{i}"));
        let asked = asker
            .post("/forgot-password", &[("email", "dana@acme.test")])
            .await;
        assert_eq!(asked.status(), 200);
        crate::support::eventually(10, "the reset email", || async {
            (count_mail().await == i + 1).then_some(())
        })
        .await;
        links.push(link_in_mail(&app, "dana@acme.test", "/reset-password?token=").await);
    }
    // A fourth ask for the same address, from yet another client, waits.
    let fourth = app
        .visitor_from("198.51.100.50")
        .post("/forgot-password", &[("email", "dana@acme.test")])
        .await;
    assert_eq!(fourth.status(), 429);
    let text = fourth.text().await.unwrap();
    assert!(text.contains("ask again in"), "{text}");
    assert!(
        text.contains(r#"value="dana@acme.test""#),
        "what was typed is kept"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count_mail().await, 3, "no fourth email");

    // The first link sets a password; the others are then spent.
    let dana = app.visitor();
    let token = |link: &str| link[link.find('=').unwrap() + 1..].to_owned();
    let first = token(&links[0]);
    let reset = dana
        .post(
            "/reset-password",
            &[
                ("token", first.as_str()),
                ("new_password", "seven purple lanterns drift"),
                ("confirm", "seven purple lanterns drift"),
            ],
        )
        .await;
    assert_eq!(reset.status(), 303, "the earliest link still works");
    let second = token(&links[1]);
    let spent = app
        .visitor()
        .get(&format!("/reset-password?token={second}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(spent.contains("already used"), "{spent}");

    // One client asking for many addresses is limited as well.
    let sprayer = app.visitor_from("203.0.113.99");
    let mut last = 0;
    for i in 0..11 {
        last = sprayer
            .post("/forgot-password", &[("email", &format!("p{i}@acme.test"))])
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn current_password_guesses_on_the_change_form_are_limited() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (visitor, _) = app
        .signed_in(org, "dana@acme.test", roles(false, true, false))
        .await;
    let change = |current: &'static str| {
        let visitor = &visitor;
        async move {
            visitor
                .post(
                    "/account/password",
                    &[
                        ("current", current),
                        ("new_password", "seven purple lanterns drift"),
                        ("confirm", "seven purple lanterns drift"),
                    ],
                )
                .await
        }
    };
    for _ in 0..5 {
        assert_eq!(change("is it this one").await.status(), 422);
    }
    let paused = change(PASSWORD).await;
    assert_eq!(paused.status(), 429);
    let text = paused.text().await.unwrap();
    assert!(text.contains("Too many wrong current passwords"), "{text}");
    // The password was not changed.
    let fresh = app.visitor();
    assert_eq!(
        fresh.sign_in("dana@acme.test", PASSWORD).await.status(),
        303
    );
}

/// Work that only a known address causes (an audit line, a queued email)
/// would make its answer measurably slower. Holding that work up shows
/// whether the answer waits for it: it must not.
#[tokio::test]
async fn failed_sign_ins_and_reset_requests_answer_without_waiting_on_account_work() {
    use sqlx::Connection;
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    let mut owner = app.owner_connection().await;
    let mut hold = owner.begin().await.unwrap();
    sqlx::query("lock table audit_events, outbox_messages in access exclusive mode")
        .execute(&mut *hold)
        .await
        .unwrap();
    let patience = Duration::from_secs(20);
    let failed = tokio::time::timeout(
        patience,
        app.visitor().sign_in("dana@acme.test", "not the password"),
    )
    .await
    .expect("a failed sign-in for a known address answers at once");
    assert_eq!(failed.status(), 422);
    let asked = tokio::time::timeout(
        patience,
        app.visitor()
            .post("/forgot-password", &[("email", "dana@acme.test")]),
    )
    .await
    .expect("a reset request for a known address answers at once");
    assert_eq!(asked.status(), 200);
    hold.rollback().await.unwrap();
    // The work still happens once it can.
    link_in_mail(&app, "dana@acme.test", "/reset-password?token=").await;
    crate::support::eventually(10, "the failed sign-in's audit line", || async {
        let n: i64 =
            sqlx::query_scalar("select count(*) from audit_events where action = 'sign_in.failed'")
                .fetch_one(&mut app.owner_connection().await)
                .await
                .unwrap();
        (n == 1).then_some(())
    })
    .await;
}
