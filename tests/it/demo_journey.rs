//! The demo's Growing Leaders programme: an engagement at each stage of the
//! alignment journey, each login seeing the stage the README promises.

use crate::support::{TestApp, Visitor};

const PASSWORD: &str = "orange kettle under the bridge";

async fn signed_in(app: &TestApp, email: &str) -> Visitor {
    let visitor = app.visitor();
    assert_eq!(
        visitor.sign_in(email, PASSWORD).await.status(),
        303,
        "{email}"
    );
    visitor
}

#[tokio::test]
async fn each_growing_leaders_login_finds_its_stage_of_the_journey() {
    let app = TestApp::spawn().await;
    let mut config = crate::support::test_config(app.data_dir.path());
    config.demo_password = Some(PASSWORD.into());
    triad::operator::seed_demo(&app.owner, &config)
        .await
        .unwrap();

    // Noor held her kickoff before a coach; two coaches wait for her choice.
    let noor = signed_in(&app, "coachee5@northwind.example").await;
    let home = noor.text("/home").await;
    assert!(home.contains("no coach chosen yet"), "{home}");
    let engagement = home
        .split("href=\"/engagements/")
        .nth(1)
        .and_then(|rest| rest.split(['"', '/']).next())
        .expect("a link to the engagement")
        .to_owned();
    let choice = noor.text(&format!("/engagements/{engagement}/coach")).await;
    assert!(
        choice.contains("Casey Coach") && choice.contains("Morgan Mentor"),
        "{choice}"
    );
    assert!(choice.contains("Former operations director"), "{choice}");

    // Felix's kickoff: the manager said which time works, the sponsor not yet.
    let felix = signed_in(&app, "coachee6@northwind.example").await;
    let home = felix.text("/home").await;
    assert!(home.contains("Kickoff planned"), "{home}");
    let meeting = home
        .split("href=\"/alignment/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the meeting")
        .to_owned();
    let page = felix.text(&format!("/alignment/{meeting}")).await;
    assert!(
        page.contains("Hannah Brooks") && page.contains("Victor Lang"),
        "{page}"
    );
    assert!(
        page.contains("Hannah Brooks</strong> answered the questions"),
        "the trail: {page}"
    );
    assert!(
        page.contains("Taking the regional team through the merger"),
        "{page}"
    );

    // Ines is past the middle; Omar is in his last weeks.
    let ines = signed_in(&app, "coachee7@northwind.example").await;
    let home = ines.text("/home").await;
    assert!(home.contains("Time for the midpoint check-in"), "{home}");
    let omar = signed_in(&app, "coachee8@northwind.example").await;
    let home = omar.text("/home").await;
    assert!(home.contains("Time for the closing review"), "{home}");

    // The admin sees who has not scheduled an expected meeting.
    let admin = signed_in(&app, "admin@northwind.example").await;
    let programme: uuid::Uuid =
        sqlx::query_scalar("select id from programs where name = 'Growing Leaders'")
            .fetch_one(&mut app.owner_connection().await)
            .await
            .unwrap();
    let page = admin.text(&format!("/admin/programmes/{programme}")).await;
    assert!(
        page.contains("Expected meetings not yet scheduled"),
        "{page}"
    );
    assert!(page.contains("Omar Said"), "{page}");
    assert!(app.assert_progress_follows_facts().await > 0);
}
