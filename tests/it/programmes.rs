//! Programmes and the catalogue, as an admin sets them up.

use crate::support::{TestApp, Visitor, location, roles};

async fn admin_of_acme(app: &TestApp) -> (Visitor, triad::db::TenantId) {
    let org = app.create_org("Acme").await;
    let (admin, _) = app
        .signed_in(org, "admin@acme.test", roles(true, false, false))
        .await;
    (admin, org)
}

#[tokio::test]
async fn an_admin_creates_edits_archives_and_restores_a_programme() {
    let app = TestApp::spawn().await;
    let (admin, _) = admin_of_acme(&app).await;

    let wrong = admin
        .post(
            "/admin/programmes/new",
            &[
                ("name", "Leaders 2027"),
                ("description", "For new team leads."),
                ("starts_on", "2027-06-30"),
                ("ends_on", "2027-01-01"),
                ("cadence", "weekly"),
                ("sessions_included", "zero"),
                ("reporting_threshold", "2"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let page = wrong.text().await.unwrap();
    for message in [
        "The end date is before the start date.",
        "Choose how often coaching sessions happen.",
        "Enter a whole number from 1 to 100.",
        "Enter a whole number from 3 to 100",
    ] {
        assert!(page.contains(message), "{message}");
    }
    // Nothing typed is lost.
    assert!(page.contains(r#"value="Leaders 2027""#) && page.contains("For new team leads."));
    assert!(page.contains(r#"value="2027-06-30""#) && page.contains(r#"value="zero""#));

    let created = admin
        .post(
            "/admin/programmes/new",
            &[
                ("name", "Leaders 2027"),
                ("description", "For new team leads."),
                ("starts_on", "2027-01-01"),
                ("ends_on", "2027-12-31"),
                ("cadence", "fortnightly"),
                ("sessions_included", "8"),
                ("reporting_threshold", "5"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let programme = location(&created);
    let list = admin.text("/admin/programmes").await;
    assert!(
        list.contains("Leaders 2027")
            && list.contains("Every two weeks")
            && list.contains("Current")
    );

    let edited = admin
        .post(
            &programme,
            &[
                ("name", "Leaders 2027 (cohort A)"),
                ("description", ""),
                ("starts_on", "2027-01-01"),
                ("ends_on", "2027-12-31"),
                ("cadence", "monthly"),
                ("sessions_included", "6"),
                ("reporting_threshold", "7"),
            ],
        )
        .await;
    assert_eq!(edited.status(), 303);
    let page = admin.text(&programme).await;
    assert!(page.contains(r#"value="Leaders 2027 (cohort A)""#) && page.contains(r#"value="7""#));

    assert_eq!(
        admin
            .post(&format!("{programme}/archive"), &[])
            .await
            .status(),
        303
    );
    assert!(admin.text("/admin/programmes").await.contains("Archived"));
    assert_eq!(
        admin
            .post(&format!("{programme}/restore"), &[])
            .await
            .status(),
        303
    );
    assert!(admin.text("/admin/programmes").await.contains("Current"));
    let audit = admin.text("/admin/audit").await;
    assert!(audit.contains("programme.created") && audit.contains("programme.archived"));
}

#[tokio::test]
async fn the_catalogue_keeps_skills_unique_and_activities_well_formed() {
    let app = TestApp::spawn().await;
    let (admin, _) = admin_of_acme(&app).await;

    assert_eq!(
        admin
            .post("/admin/catalogue/skills", &[("name", "Giving feedback")])
            .await
            .status(),
        303
    );
    let again = admin
        .post("/admin/catalogue/skills", &[("name", "giving FEEDBACK")])
        .await;
    assert_eq!(again.status(), 422);
    let page = again.text().await.unwrap();
    assert!(
        page.contains("already in the framework") && page.contains(r#"value="giving FEEDBACK""#)
    );

    let hostile = admin
        .post(
            "/admin/catalogue/activities",
            &[
                ("title", "Read this"),
                ("kind", "reading"),
                ("url", "javascript:alert(1)"),
                ("skill_id", ""),
            ],
        )
        .await;
    assert_eq!(hostile.status(), 422);
    let page = hostile.text().await.unwrap();
    assert!(page.contains("Enter a web address starting with https://"));
    assert!(page.contains(r#"value="Read this""#));

    let catalogue = admin.text("/admin/catalogue").await;
    let marker = r#"<option value=""#;
    let skill_id = catalogue
        .match_indices(marker)
        .map(|(i, _)| &catalogue[i + marker.len()..i + marker.len() + 36])
        .find(|id| id.parse::<uuid::Uuid>().is_ok())
        .expect("the skill in the list")
        .to_owned();
    let added = admin
        .post(
            "/admin/catalogue/activities",
            &[
                ("title", "Radical Candor, chapter 2"),
                ("kind", "reading"),
                ("url", "https://books.example/candor"),
                ("skill_id", skill_id.as_str()),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let catalogue = admin.text("/admin/catalogue").await;
    assert!(
        catalogue.contains("Radical Candor, chapter 2") && catalogue.contains("Giving feedback")
    );

    // Another organisation's skill is not one of ours.
    let other = app.create_org("Globex").await;
    let mut tx = triad::db::begin_tenant(&app.pool, other).await.unwrap();
    let foreign = triad::db::programs::add_skill(&mut tx, other, "Globex secret skill")
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let refused = admin
        .post(
            "/admin/catalogue/activities",
            &[
                ("title", "Sneaky"),
                ("kind", "practice"),
                ("url", ""),
                ("skill_id", &foreign.to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Choose a skill from the list") && !page.contains("Globex secret skill"));
}

#[tokio::test]
async fn an_engagement_pairs_a_coachee_and_a_coach_who_alone_see_it() {
    let app = TestApp::spawn().await;
    let (admin, org) = admin_of_acme(&app).await;
    let (robin, robin_id) = app
        .signed_in(org, "robin@acme.test", roles(false, false, true))
        .await;
    let (casey, casey_id) = app
        .signed_in(org, "casey@acme.test", roles(false, true, false))
        .await;
    let (other_coach, _) = app
        .signed_in(org, "morgan@acme.test", roles(false, true, false))
        .await;
    let (other_coachee, _) = app
        .signed_in(org, "sam@acme.test", roles(false, false, true))
        .await;

    let created = admin
        .post(
            "/admin/programmes/new",
            &[
                ("name", "Leading Teams"),
                ("description", ""),
                ("starts_on", "2026-01-01"),
                ("ends_on", "2026-12-31"),
                ("cadence", "monthly"),
                ("sessions_included", "6"),
                ("reporting_threshold", "5"),
            ],
        )
        .await;
    let programme = location(&created);
    let new_engagement = format!("{programme}/engagements/new");
    let form = admin.text(&new_engagement).await;
    assert!(
        form.contains(r#"value="2026-01-01""#),
        "dates default to the programme's"
    );

    // The same person as coach and coachee, and a bad manager address: refused.
    let (robin_s, casey_s) = (robin_id.to_string(), casey_id.to_string());
    let wrong = admin
        .post(
            &new_engagement,
            &[
                ("coachee_id", robin_s.as_str()),
                ("coach_id", robin_s.as_str()),
                ("starts_on", "2026-01-01"),
                ("ends_on", "2026-12-31"),
                ("status", "active"),
                ("manager_name", "Dana Manager"),
                ("manager_email", "dana"),
                ("department", "Sales"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let page = wrong.text().await.unwrap();
    assert!(
        page.contains("Choose the coach from the list.")
            || page.contains("The coach cannot be the coachee too.")
    );
    assert!(
        page.contains("Enter the manager&#39;s email address")
            || page.contains("Enter the manager's email address"),
        "{page}"
    );
    assert!(page.contains(r#"value="Dana Manager""#) && page.contains(r#"value="Sales""#));

    let ok = admin
        .post(
            &new_engagement,
            &[
                ("coachee_id", robin_s.as_str()),
                ("coach_id", casey_s.as_str()),
                ("starts_on", "2026-01-01"),
                ("ends_on", "2026-12-31"),
                ("status", "active"),
                ("manager_name", "Dana Manager"),
                ("manager_email", "dana@acme.test"),
                ("department", "Sales"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    let programme_page = admin.text(&programme).await;
    assert!(programme_page.contains("robin") && programme_page.contains("Sales"));
    assert!(
        admin
            .text("/admin/programmes")
            .await
            .contains("1 (1 active)")
    );

    let coach_home = casey.text("/home").await;
    assert!(
        coach_home.contains("robin") && coach_home.contains("Leading Teams"),
        "{coach_home}"
    );
    let coachee_home = robin.text("/home").await;
    assert!(
        coachee_home.contains("with your coach <strong>casey</strong>"),
        "{coachee_home}"
    );
    // Nobody else sees the pairing.
    assert!(!other_coach.text("/home").await.contains("robin"));
    assert!(!other_coachee.text("/home").await.contains("Leading Teams"));
}
