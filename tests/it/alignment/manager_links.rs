//! The manager's signed guest link: what opening it does and does not do,
//! links that are forged, truncated or another organisation's, and links
//! that expired, were replaced or belong to a cancelled meeting.

use chrono::Utc;

use crate::support::{location, queries};

use super::{MANAGER, day, guest, shown_on, trio};

#[tokio::test]
async fn the_managers_link_opens_one_meeting_and_a_bare_open_changes_nothing_else() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00"), (day(12), "09:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let outbox_before = t.scalar_i64("select count(*) from outbox_messages").await;

    // A mail scanner's GET: a redirect to a URL without the token, a cookie
    // only for the guest pages, and nothing changed but the open time.
    let scanner = t.app.visitor();
    let response = scanner.get(&format!("/m/{token}")).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), guest(&token));
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| {
            c.starts_with(&format!(
                "triad_guest_{}=",
                token.split('.').nth(1).unwrap()
            ))
        })
        .expect("a guest cookie");
    assert!(cookie.contains("Path=/guest"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(!cookie.contains(&token), "the cookie is not the link");
    assert_eq!(
        t.scalar_i64("select count(*) from outbox_messages").await,
        outbox_before
    );
    let (rsvp, opened): (String, Option<chrono::DateTime<Utc>>) =
        sqlx::query_as("select rsvp, first_opened_at from guest_invites")
            .fetch_one(&mut t.app.owner_connection().await)
            .await
            .unwrap();
    assert_eq!(rsvp, "pending");
    assert!(opened.is_some());
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings where status = 'proposed'")
            .await,
        1
    );
    assert_eq!(
        t.scalar_i64("select count(*) from audit_events where action = 'guest.opened'")
            .await,
        1
    );

    // The manager's page: private, with the shared goal only.
    let response = scanner.get(&guest(&token)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    assert!(
        response.headers()["x-robots-tag"]
            .to_str()
            .unwrap()
            .contains("noindex")
    );
    let page = response.text().await.unwrap();
    assert!(page.contains("Shared goal: run calmer meetings"), "{page}");
    assert!(!page.contains("Private goal"), "{page}");
    assert!(!page.contains("PREP-SECRET"), "{page}");
    assert!(page.contains("Casey Coach"), "the coach's name: {page}");
    assert!(
        page.contains("not a performance review") || page.contains("A performance review"),
        "{page}"
    );

    // Un-sharing takes effect at once.
    let goal: uuid::Uuid = sqlx::query_scalar("select id from goals where shared_with_manager")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t
        .coachee
        .post(&format!("/goals/{goal}/share"), &[("shared", "no")])
        .await;
    assert_eq!(response.status(), 303);
    let page = scanner.text(&guest(&token)).await;
    assert!(!page.contains("Shared goal: run calmer meetings"), "{page}");

    // The coachee and coach see that the link was opened.
    for visitor in [&t.coachee, &t.coach] {
        let page = visitor.text(&meeting_path).await;
        assert!(page.contains("last opened"), "{page}");
    }

    // The guest cookie opens nothing else.
    let value = cookie.split(';').next().unwrap().to_owned();
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        "/home",
        &meeting_path,
        &format!("/engagements/{}", t.engagement),
        "/account",
    ] {
        let response = bare
            .get(t.app.url(path))
            .header("cookie", &value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{path}");
        assert!(location(&response).starts_with("/sign-in"), "{path}");
    }

    // The token never reached the logs.
    assert!(queries::logged_lines() > 0);
    let secret = token.split('.').nth(2).unwrap();
    assert!(!queries::logged(secret), "the link's secret was logged");
    assert!(!queries::logged(&token[..40]), "the link was logged");
}

#[tokio::test]
async fn forged_truncated_and_foreign_links_are_refused_with_no_data() {
    let t = trio(true).await;
    t.schedule(&[(day(10), "10:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let refused = |body: &str| {
        body.contains("This link does not work")
            && !body.contains("Robin")
            && !body.contains("robin")
    };
    let mut forged = Vec::new();
    for at in [0, 40, 70, token.len() - 1] {
        let mut chars: Vec<char> = token.chars().collect();
        chars[at] = if chars[at] == '0' { '1' } else { '0' };
        forged.push(chars.into_iter().collect::<String>());
    }
    forged.push(token[..token.len() - 3].to_owned());
    forged.push(token.split('.').take(3).collect::<Vec<_>>().join("."));
    // The same secret and signature presented for another invite id.
    let parts: Vec<&str> = token.split('.').collect();
    forged.push(format!(
        "{}.{}.{}.{}",
        parts[0],
        uuid::Uuid::now_v7().simple(),
        parts[2],
        parts[3]
    ));
    // A validly signed link for an invite that does not exist here.
    let keys = crate::support::guest_keys();
    forged.push(keys.issue(t.org.0, uuid::Uuid::now_v7()).token);
    for (i, bad) in forged.iter().enumerate() {
        let response = t.app.visitor().get(&format!("/m/{bad}")).await;
        assert_eq!(response.status(), 404, "{bad}");
        // The signature is checked first: a forged link costs no query. (The
        // last one is signed properly, so it is looked up — and not found.)
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        if i < forged.len() - 1 {
            assert_eq!(queries::count_for(&request_id), 0, "{bad}");
        } else {
            assert!(queries::count_for(&request_id) > 0, "{bad}");
        }
        let body = response.text().await.unwrap();
        assert!(refused(&body), "{bad}: {body}");
    }
    assert_eq!(
        t.scalar_i64("select count(*) from guest_invites where first_opened_at is not null")
            .await,
        0
    );
    // Without the cookie, the guest page — and the old address, which names
    // no meeting — says how to get back in.
    for path in [guest(&token), "/guest".to_owned()] {
        let response = t.app.visitor().get(&path).await;
        assert_eq!(response.status(), 401);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Open your meeting link again")
        );
    }
}

#[tokio::test]
async fn expired_replaced_and_cancelled_links_say_what_happened() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(10), "10:00")]).await;
    let first = t.manager_token(MANAGER).await;

    // Expired.
    sqlx::query("update guest_invites set expires_at = now() - interval '1 minute'")
        .execute(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t.app.visitor().get(&format!("/m/{first}")).await;
    assert_eq!(response.status(), 410);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("This link has expired") && !body.contains("Robin"),
        "{body}"
    );
    sqlx::query("update guest_invites set expires_at = now() + interval '20 days'")
        .execute(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let first_manager = t.manager(&first).await;

    // Replaced: the coachee invites someone else; the old link and visit stop.
    let response = t
        .coachee
        .post(
            &format!("{meeting_path}/manager"),
            &[
                ("manager_name", "Dana Deputy"),
                ("manager_email", "dana@example.com"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    for response in [
        t.app.visitor().get(&format!("/m/{first}")).await,
        first_manager.get(&guest(&first)).await,
    ] {
        assert_eq!(response.status(), 410);
        assert!(response.text().await.unwrap().contains("passed on"));
    }
    let second = t.manager_token("dana@example.com").await;
    let dana = t.manager(&second).await;
    assert!(
        dana.text(&guest(&second))
            .await
            .contains("Hello Dana Deputy")
    );

    // Cancelled by the coachee: the link is revoked, everyone gets a CANCEL.
    let response = t
        .coachee
        .post(&format!("{meeting_path}/cancel"), &[("confirm", "yes")])
        .await;
    assert_eq!(response.status(), 303);
    for response in [
        t.app.visitor().get(&format!("/m/{second}")).await,
        dana.get(&guest(&second)).await,
        dana.post(
            &format!("{}/accept", guest(&second)),
            &shown_on(&second, &[]),
        )
        .await,
    ] {
        assert_eq!(response.status(), 410);
        let body = response.text().await.unwrap();
        assert!(
            body.contains("This meeting was cancelled") && !body.contains("Robin"),
            "{body}"
        );
    }
    let cancels: Vec<(String, String)> = sqlx::query_as(
        "select recipient_email, calendar_ics from outbox_messages
         where calendar_method = 'CANCEL' and calendar_ics not like '%UID:huddle-%'",
    )
    .fetch_all(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let mut to: Vec<&str> = cancels.iter().map(|(r, _)| r.as_str()).collect();
    to.sort();
    // Everyone, and the manager replaced before, whose calendar had it too.
    assert_eq!(
        to,
        [
            "casey@acme.test",
            "dana@example.com",
            MANAGER,
            "robin@acme.test"
        ]
    );
    assert!(cancels.iter().all(|(_, ics)| ics.contains("METHOD:CANCEL")));
}
