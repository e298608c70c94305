//! Cancelling an alignment meeting in Chromium, at desktop and at phone width:
//! the button asks first, the page says who is told, the safe choice comes
//! first and the danger button stands apart; only the confirmation cancels.

use fantoccini::Locator;

use crate::support::browser::Browser;
use crate::support::{PASSWORD, TestApp};

async fn cancel_with_confirmation(size: Option<(u32, u32)>, name: &str) {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let pair = crate::support::casey_coaches_robin(&app, org).await;
    let coachee: uuid::Uuid = sqlx::query_scalar("select id from users where email = $1")
        .bind("robin@acme.test")
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
    let (meeting, _, _) = crate::support::alignment_meeting_with_link(
        &app,
        org,
        pair.programme,
        pair.engagement,
        coachee,
    )
    .await;
    let status = || async {
        sqlx::query_scalar::<_, String>("select status from alignment_meetings where id = $1")
            .bind(meeting)
            .fetch_one(&mut app.owner_connection().await)
            .await
            .unwrap()
    };

    let robin = Browser::start().await;
    if let Some((width, height)) = size {
        robin.client.set_window_size(width, height).await.unwrap();
    }
    robin.sign_in(&app.base, "robin@acme.test", PASSWORD).await;
    robin
        .client
        .goto(&app.url(&format!("/alignment/{meeting}")))
        .await
        .unwrap();
    robin.submit(&format!("/alignment/{meeting}/cancel")).await;
    let page = robin.wait_for_text("Cancel the meeting?").await;
    for expected in [
        "Secret Manager",
        "Casey Coach",
        "Robin Rivera",
        "This cannot be undone.",
    ] {
        assert!(page.contains(expected), "{expected}");
    }
    robin
        .client
        .execute(
            "document.querySelector('.confirm-act').scrollIntoView({block: 'end'})",
            vec![],
        )
        .await
        .unwrap();
    robin.screenshot(&format!("cancel-{name}-1-asked")).await;
    assert_eq!(status().await, "proposed", "asking cancels nothing");

    // The safe link first, the danger button apart: beside it on a wide
    // screen, below it on a phone — never overlapping.
    let keep = robin
        .client
        .find(Locator::LinkText("Keep the meeting"))
        .await
        .unwrap()
        .rectangle()
        .await
        .unwrap();
    let confirm = robin
        .client
        .find(Locator::Css(".confirm-act button"))
        .await
        .unwrap()
        .rectangle()
        .await
        .unwrap();
    let (kx, ky, kw, kh) = keep;
    let (cx, cy, cw, _) = confirm;
    if size.is_some() {
        assert!(
            cy >= ky + kh + 16.0,
            "stacked on a phone: {keep:?} {confirm:?}"
        );
        assert!(
            (cw - kw).abs() < 2.0 && cw > 250.0,
            "both full width on a phone: {keep:?} {confirm:?}"
        );
    } else {
        assert!(cx >= kx + kw + 40.0, "set apart: {keep:?} {confirm:?}");
    }
    let page_width: f64 = robin
        .client
        .execute("return document.documentElement.scrollWidth", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    let view_width: f64 = robin
        .client
        .execute("return window.innerWidth", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(page_width <= view_width, "no sideways scrolling");

    robin.submit(&format!("/alignment/{meeting}/cancel")).await;
    robin.wait_for_text("The meeting is cancelled.").await;
    robin
        .screenshot(&format!("cancel-{name}-2-cancelled"))
        .await;
    assert_eq!(status().await, "cancelled");
    assert!(robin.console_errors().await.is_empty());
    robin.close().await;
}

#[tokio::test]
async fn cancelling_a_meeting_asks_first_at_desktop_width() {
    cancel_with_confirmation(None, "desktop").await;
}

#[tokio::test]
async fn cancelling_a_meeting_asks_first_at_phone_width() {
    cancel_with_confirmation(Some((390, 844)), "phone").await;
}
