//! One honest status: once the manager declines or proposes another time, the
//! coachee's and coach's pages say so and whose move it is, and the manager's
//! own page says what they answered, with no time chosen for them.

use super::{MANAGER, day, guest, shown_on, trio};

#[tokio::test]
async fn a_decline_or_a_proposal_is_what_everyone_reads_next() {
    let t = trio(true).await;
    let meeting_path = t.schedule(&[(day(3), "10:00"), (day(4), "14:30")]).await;
    let token = t.manager_token(MANAGER).await;
    let manager = t.manager(&token).await;
    let page = manager.text(&guest(&token)).await;
    assert!(!page.contains("checked"), "no time chosen for them: {page}");
    assert_eq!(
        page.matches("works for me</button>").count(),
        2,
        "a button for each time: {page}"
    );
    for who in [&t.coachee, &t.coach] {
        let home = who.text("/home").await;
        assert!(
            home.contains("Waiting for Morgan Manager to answer"),
            "{home}"
        );
    }

    // The manager declines: the dashboards say so, and whose move it is.
    let response = manager
        .post(
            &format!("{}/decline", guest(&token)),
            &shown_on(&token, &[("note", "Away that week")]),
        )
        .await;
    assert_eq!(response.status(), 303);
    for who in [&t.coachee, &t.coach] {
        let home = who.text("/home").await;
        assert!(home.contains("Goal alignment: declined"), "{home}");
        assert!(
            home.contains("Morgan Manager declined: offer new times, invite someone else, or cancel the meeting."),
            "{home}"
        );
        assert!(!home.contains("Waiting for"), "{home}");
        // The meeting's own page says it under its title.
        let page = who.text(&meeting_path).await;
        assert!(
            page.contains(
                r#"<p class="lede" role="status">Morgan Manager declined: offer new times"#
            ),
            "{page}"
        );
    }
    let page = manager.text(&guest(&token)).await;
    assert!(page.contains("You declined"), "{page}");
    assert!(page.contains("Away that week"), "{page}");
    assert!(page.contains("Change your answer"), "{page}");
    assert!(!page.contains(">Choose a time<"), "{page}");

    // They change their mind and propose another time: the coachee's move.
    let response = manager
        .post(
            &format!("{}/propose", guest(&token)),
            &shown_on(
                &token,
                &[("date", &day(6)), ("time", "09:00"), ("note", "")],
            ),
        )
        .await;
    assert_eq!(response.status(), 303);
    let home = t.coachee.text("/home").await;
    assert!(
        home.contains("Goal alignment: another time proposed"),
        "{home}"
    );
    assert!(home.contains("Morgan Manager proposed"), "{home}");
    assert!(home.contains("your move"), "{home}");
    let card = t.planning_page().await;
    assert!(card.contains("Morgan Manager proposed"), "{card}");
}
