//! The invitee's time zone: asked above the times, as a short searchable list
//! with each zone's time now, a small script that suggests the device's own
//! zone (the page works without it), and the choice remembered.

use super::{MANAGER, day, guest, shown_on, trio};

#[tokio::test]
async fn the_zone_is_chosen_above_the_times_from_a_short_list_and_remembered() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(3), "10:00")]).await;
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    let page = manager.text(&guest(&token)).await;
    let zone_at = page.find(r#"id="time_zone""#).expect("the zone field");
    let times_at = page.find("Times offered").expect("the times");
    assert!(zone_at < times_at, "the zone comes before the choice");
    assert!(
        page.matches("<option value=").count() < 40,
        "a short list, not every zone"
    );
    assert!(page.contains("America/New_York · "), "{page}");
    assert!(page.contains(" now</option>"), "each with its time now");
    // The script is our own file, and the page has no inline script.
    let start = page.find(r#"<script src=""#).expect("the script") + 13;
    let src = &page[start..start + page[start..].find('"').unwrap()];
    assert!(src.starts_with("/static/zone.js?v="), "{src}");
    assert_eq!(page.matches("<script").count(), 1);
    let script = t.app.get(src).await;
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(
        script
            .text()
            .await
            .unwrap()
            .contains("resolvedOptions().timeZone")
    );

    // Any zone can be typed, the short list is a help; a made-up one is refused.
    let response = manager
        .post(
            &format!("{}/time-zone", guest(&token)),
            &shown_on(&token, &[("time_zone", "Not/AZone")]),
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        manager
            .text(&guest(&token))
            .await
            .contains("Choose a time zone from the list")
    );
    let response = manager
        .post(
            &format!("{}/time-zone", guest(&token)),
            &shown_on(&token, &[("time_zone", "America/New_York")]),
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = manager.text(&guest(&token)).await;
    assert!(
        page.contains(r#"value="America/New_York""#),
        "remembered: {page}"
    );
    assert!(page.contains(" EST") || page.contains(" EDT"), "{page}");

    // The coachee and coach see each offered time in the manager's zone too,
    // and that 10:00 in London is before the working day in New York.
    for who in [&t.coachee, &t.coach] {
        let page = who.text(&meeting_path).await;
        assert!(
            page.contains("05:00 EST for Morgan Manager — <strong class=\"warning\">outside their working day</strong>")
                || page.contains("06:00 EDT for Morgan Manager — <strong class=\"warning\">outside their working day</strong>")
                || page.contains("05:00 EDT for Morgan Manager — <strong class=\"warning\">outside their working day</strong>"),
            "{page}"
        );
    }
}
