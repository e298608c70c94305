//! `triad seed-load` at a small scale: the platform it makes is whole — people
//! can sign in and every page of the large organisation answers.

use crate::support::TestApp;

#[tokio::test]
async fn a_small_load_makes_a_platform_people_can_use() {
    let app = TestApp::spawn().await;
    let loaded = triad::load::seed_load(&app.owner, 0.02).await.unwrap();
    assert_eq!(loaded.organisations, 2);
    assert!(loaded.coachees >= 200, "{loaded:?}");
    assert!(loaded.sessions > loaded.coachees * 20, "{loaded:?}");
    assert!(loaded.goals > loaded.coachees * 4, "{loaded:?}");
    assert!(loaded.meetings > 0, "{loaded:?}");
    // A second load into the same database is refused with a reason.
    let again = triad::load::seed_load(&app.owner, 0.02).await.unwrap_err();
    assert!(again.to_string().contains("already"), "{again}");
    // Bulk loading keeps each engagement's progress row as its facts say.
    assert!(app.assert_progress_follows_facts().await >= 200);

    for (email, page) in [
        ("coach1@load-000.example", "/home"),
        ("coachee1@load-000.example", "/home"),
        ("admin1@load-000.example", "/admin/programmes"),
    ] {
        let visitor = app.visitor();
        let response = visitor.sign_in(email, triad::load::LOAD_PASSWORD).await;
        assert_eq!(response.status(), 303, "{email} signs in");
        let response = visitor.get(page).await;
        assert_eq!(response.status(), 200, "{email} {page}");
        if email.starts_with("admin") {
            let html = response.text().await.unwrap();
            let id = html
                .match_indices("/admin/programmes/")
                .filter_map(|(at, marker)| html.get(at + marker.len()..at + marker.len() + 36))
                .find(|id| uuid::Uuid::parse_str(id).is_ok())
                .expect("a programme on the page");
            let report = visitor.get(&format!("/admin/programmes/{id}/report")).await;
            assert_eq!(report.status(), 200);
        } else {
            let html = response.text().await.unwrap();
            let start = html
                .find("/engagements/")
                .expect("an engagement on the dashboard");
            let path = &html[start..start + html[start..].find('"').unwrap()];
            assert_eq!(visitor.get(path).await.status(), 200, "{email} {path}");
        }
    }
}
