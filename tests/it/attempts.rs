//! Limits on guessing, as an attacker would test them: bursts sent at once,
//! failures caused to lock someone else out, many clients behind one proxy,
//! reset links asked for again and again, and what a failed attempt's timing
//! says about whether an account exists.

mod resets;

use std::time::Instant;

use triad::config::TrustedProxies;

use crate::support::{PASSWORD, TestApp, Visitor, link_in_mail, roles};

pub(super) async fn behind_a_proxy() -> TestApp {
    TestApp::spawn_with(|config| {
        config.trusted_proxies = TrustedProxies::parse("127.0.0.1, ::1").unwrap();
    })
    .await
}

async fn statuses_of(visitors: Vec<(Visitor, &'static str, &'static str)>) -> Vec<u16> {
    let mut sent = Vec::new();
    for (visitor, email, password) in visitors {
        // The form first, so that the burst itself is only the sign-ins.
        let token = visitor.csrf().await;
        sent.push((visitor, email, password, token));
    }
    let burst = sent.into_iter().map(|(visitor, email, password, token)| {
        tokio::spawn(async move {
            visitor
                .client
                .post(visitor.url("/sign-in"))
                .form(&[
                    ("_csrf", token.as_str()),
                    ("email", email),
                    ("password", password),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let mut statuses = Vec::new();
    for request in burst.collect::<Vec<_>>() {
        statuses.push(request.await.unwrap());
    }
    statuses
}

#[tokio::test]
async fn thirty_guesses_sent_at_once_get_the_free_five_checked_and_no_more() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let dana = app
        .seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    let mut burst: Vec<(Visitor, &str, &str)> = (0..30)
        .map(|_| (app.visitor(), "dana@acme.test", "a wrong guess at it"))
        .collect();
    // The right password, in the middle of the burst, from a new browser.
    burst.insert(15, (app.visitor(), "dana@acme.test", PASSWORD));
    let started = Instant::now();
    let statuses = statuses_of(burst).await;
    let took = started.elapsed();
    // A password was checked when the answer is "do not match" (422) or a
    // signed-in redirect (303); every other attempt was told to wait (429).
    let checked = statuses.iter().filter(|s| matches!(s, 422 | 303)).count();
    let waited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + waited, 31, "{statuses:?}");
    // Five are free; the first wait past them is five seconds, so a burst
    // that took longer could fairly have one more per five seconds.
    let allowed = 5 + (took.as_secs() / 5) as usize;
    assert!(
        checked <= allowed,
        "{checked} passwords checked in a burst of 31 ({took:?}): {statuses:?}"
    );
    // If the right password was among the first, it signed in and Dana's
    // count started over; if not, it was told to wait like the rest.
    let signed_in = statuses[15] == 303;
    let counted: Option<i32> =
        sqlx::query_scalar("select attempts from attempt_limits where key = $1")
            .bind(format!("sign-in:account:{}", dana.simple()))
            .fetch_optional(&mut app.owner_connection().await)
            .await
            .unwrap();
    if !signed_in {
        assert!(
            counted.is_some_and(|n| n as usize <= allowed),
            "{counted:?} counted"
        );
    }
}

#[tokio::test]
async fn failures_by_others_do_not_slow_a_browser_that_signed_in_before() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    let dana = app.visitor();
    let first = dana.sign_in("dana@acme.test", PASSWORD).await;
    assert_eq!(first.status(), 303);
    let device = first
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("triad_device="))
        .expect("a device cookie after signing in");
    let lower = device.to_lowercase();
    assert!(
        lower.contains("httponly") && lower.contains("max-age="),
        "{device}"
    );
    assert_eq!(dana.post("/sign-out", &[]).await.status(), 303);

    // Someone else tries ten passwords on Dana's account, from everywhere.
    for _ in 0..10 {
        let status = app
            .visitor()
            .sign_in("dana@acme.test", "someone else's guess")
            .await
            .status()
            .as_u16();
        assert!(matches!(status, 422 | 429), "{status}");
    }
    // A new browser, even with the right password, waits…
    let stranger = app.visitor().sign_in("dana@acme.test", PASSWORD).await;
    assert_eq!(stranger.status(), 429);
    let text = stranger.text().await.unwrap();
    assert!(text.contains("try again in"), "{text}");
    assert!(text.contains("reset"), "the way out is named: {text}");
    // …but Dana's own browser signs in at once.
    let again = dana.sign_in("dana@acme.test", PASSWORD).await;
    assert_eq!(again.status(), 303, "{}", again.text().await.unwrap());
    assert_eq!(dana.get("/home").await.status(), 200);
    assert_eq!(dana.post("/sign-out", &[]).await.status(), 303);

    // Guesses made from Dana's browser still count, against it alone.
    for _ in 0..5 {
        assert_eq!(
            dana.sign_in("dana@acme.test", "typed it wrong")
                .await
                .status(),
            422
        );
    }
    assert_eq!(dana.sign_in("dana@acme.test", PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn a_device_cookie_counts_only_for_its_own_person_and_password() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    app.seed_member(org, "eli@acme.test", "Eli", roles(false, true, false))
        .await;
    let shared = app.visitor();
    assert_eq!(
        shared.sign_in("dana@acme.test", PASSWORD).await.status(),
        303
    );
    assert_eq!(shared.post("/sign-out", &[]).await.status(), 303);
    for _ in 0..6 {
        app.visitor().sign_in("eli@acme.test", "a guess").await;
    }
    // Eli's account waits for browsers Eli never signed in on — Dana's too.
    assert_eq!(
        shared.sign_in("eli@acme.test", PASSWORD).await.status(),
        429
    );

    // Dana's browser is still hers, however her account is attacked…
    for _ in 0..6 {
        app.visitor().sign_in("dana@acme.test", "a guess").await;
    }
    assert_eq!(
        shared.sign_in("dana@acme.test", PASSWORD).await.status(),
        303
    );
    assert_eq!(shared.post("/sign-out", &[]).await.status(), 303);
    // …until her password changes elsewhere: then it must prove itself again.
    let elsewhere = {
        let other = app.visitor();
        let mut reset = other
            .post("/forgot-password", &[("email", "dana@acme.test")])
            .await;
        assert_eq!(reset.status(), 200);
        let link = link_in_mail(&app, "dana@acme.test", "/reset-password?token=").await;
        let token = link[link.find('=').unwrap() + 1..].to_owned();
        reset = other
            .post(
                "/reset-password",
                &[
                    ("token", token.as_str()),
                    ("new_password", "seven purple lanterns drift"),
                    ("confirm", "seven purple lanterns drift"),
                ],
            )
            .await;
        assert_eq!(reset.status(), 303);
        other
    };
    assert_eq!(elsewhere.get("/home").await.status(), 200);
    for _ in 0..6 {
        app.visitor().sign_in("dana@acme.test", "a guess").await;
    }
    assert_eq!(
        shared
            .sign_in("dana@acme.test", "seven purple lanterns drift")
            .await
            .status(),
        429
    );
}

#[tokio::test]
async fn a_burst_from_a_known_browser_is_limited_and_five_at_once_are_all_checked() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    // Five at once from new browsers: within the allowance, none is told to wait.
    let five = (0..5)
        .map(|_| (app.visitor(), "dana@acme.test", "a wrong guess"))
        .collect();
    assert_eq!(statuses_of(five).await, vec![422; 5]);

    // Someone who took over Dana's known browser gets no more than anyone.
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(false, true, false))
        .await;
    let known = app.visitor();
    assert_eq!(
        known.sign_in("dana@acme.test", PASSWORD).await.status(),
        303
    );
    assert_eq!(known.post("/sign-out", &[]).await.status(), 303);
    let burst = (0..30)
        .map(|_| {
            let tab = Visitor {
                base: known.base.clone(),
                client: known.client.clone(),
            };
            (tab, "dana@acme.test", "a wrong guess")
        })
        .collect();
    let started = Instant::now();
    let statuses = statuses_of(burst).await;
    let allowed = 5 + (started.elapsed().as_secs() / 5) as usize;
    let checked = statuses.iter().filter(|s| **s == 422).count();
    let waited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + waited, 30, "{statuses:?}");
    assert!(checked <= allowed, "{checked} checked: {statuses:?}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_on_its_own() {
    let app = behind_a_proxy().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(true, false, false))
        .await;
    // One client sprays guesses over many addresses until it must wait.
    let sprayer = app.visitor_from("198.51.100.7");
    let mut last = 0;
    for i in 0..22 {
        last = sprayer
            .sign_in(&format!("person{i}@acme.test"), "a guess")
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429, "the client behind the proxy is slowed");
    // Everyone else behind the same proxy signs in as usual.
    let dana = app.visitor_from("203.0.113.20");
    assert_eq!(dana.sign_in("dana@acme.test", PASSWORD).await.status(), 303);
    // What the client wrote itself before the proxy's entry is not believed.
    let forger = app.visitor_from("203.0.113.20, 198.51.100.7");
    assert_eq!(
        forger
            .sign_in("person0@acme.test", "a guess")
            .await
            .status(),
        429,
        "the rightmost address not the proxy's is the client"
    );
    // The audit log names the client, not the proxy.
    let client: String = sqlx::query_scalar(
        "select client_addr from audit_events where action = 'sign_in' order by occurred_at desc limit 1",
    )
    .fetch_one(&mut app.owner_connection().await)
    .await
    .unwrap();
    assert_eq!(client, "203.0.113.20");
    // Guest-link guesses are counted per client too.
    let guesser = app.visitor_from("198.51.100.9");
    let mut last = 0;
    for i in 0..25 {
        let token = format!(
            "{}.{}.00.00",
            org.0.simple(),
            uuid::Uuid::from_u128(i).simple()
        );
        last = guesser.get(&format!("/m/{token}")).await.status().as_u16();
    }
    assert_eq!(last, 429);
    let other = app.visitor_from("198.51.100.10");
    let status = other.get("/m/not-a-link").await.status().as_u16();
    assert_ne!(status, 429, "another client is not paused by the guesser");
}

#[tokio::test]
async fn without_trusted_proxies_a_forwarded_address_is_not_believed() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    app.seed_member(org, "dana@acme.test", "Dana", roles(true, false, false))
        .await;
    let dana = app.visitor_from("192.0.2.1");
    assert_eq!(dana.sign_in("dana@acme.test", PASSWORD).await.status(), 303);
    let client: String = sqlx::query_scalar(
        "select client_addr from audit_events where action = 'sign_in' order by occurred_at desc limit 1",
    )
    .fetch_one(&mut app.owner_connection().await)
    .await
    .unwrap();
    assert_eq!(client, "127.0.0.1", "the header is the client's own word");
    // Claiming a new address for every guess does not escape the count.
    let mut last = 0;
    for i in 0..22 {
        last = app
            .visitor_from(&format!("198.51.100.{i}"))
            .sign_in(&format!("person{i}@acme.test"), "a guess")
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
}
