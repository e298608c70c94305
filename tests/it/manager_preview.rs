//! "Preview what your manager sees" shows what the manager's own page shows:
//! the same meeting, goals and invitee, from the same code and template.

use crate::support::{TestApp, location, roles};

/// The part of a page inside `<main>`, without what only a preview has (its
/// notice and disabled buttons), without each visitor's own form tokens, and
/// with runs of white space read as one, as a browser reads them.
fn main_part(html: &str) -> String {
    let start = html.find("<main").expect("a main element");
    let end = html.find("</main>").expect("the end of main");
    let mut main = html[start..end].to_owned();
    while let Some(at) = main.find(r#"<p class="notice panel" role="note">"#) {
        let close = at + main[at..].find("</p>").unwrap() + "</p>".len();
        main.replace_range(at..close, "");
    }
    // The calendar file is the manager's to download: a preview shows the
    // button, not the link.
    while let Some(at) = main.find("Add to my calendar (.ics)") {
        let open = main[..at].rfind("<p>").unwrap();
        let close = at + main[at..].find("</p>").unwrap() + "</p>".len();
        main.replace_range(open..close, "");
    }
    for field in ["_csrf", "_once"] {
        let marker = format!(r#"name="{field}" value=""#);
        let mut rest = 0;
        while let Some(at) = main[rest..].find(&marker) {
            let value = rest + at + marker.len();
            let close = value + main[value..].find('"').unwrap();
            main.replace_range(value..close, "");
            rest = value;
        }
    }
    main.replace(" disabled", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The goals the manager is shown: the section under "Goals … shares with you".
fn goals_part(html: &str) -> String {
    let start = html
        .find(r#"aria-labelledby="goals-title""#)
        .expect("the goals section");
    let end = start + html[start..].find("</section>").unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn the_manager_preview_is_the_invitees_own_page_and_names_who_was_invited() {
    let app = TestApp::spawn().await;
    let org = app.create_org("Acme").await;
    let (coachee, coachee_id) = app
        .signed_in(org, "robin@acme.test", roles(false, false, true))
        .await;
    let (coach, coach_id) = app
        .signed_in(org, "casey@acme.test", roles(false, true, false))
        .await;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    // The manager of record is "Leading Manager".
    let (programme, engagement) =
        crate::support::programme_and_engagement(&mut tx, org, "Leading", coachee_id, coach_id)
            .await;
    for (title, description, shared) in [
        (
            "Run calmer meetings",
            "SHARED-DESCRIPTION with detail",
            true,
        ),
        ("Stop dreading Mondays", "PRIVATE-DESCRIPTION", false),
    ] {
        let goal = triad::db::goals::create(
            &mut tx,
            org,
            engagement,
            &triad::db::goals::GoalFields {
                title: title.into(),
                description: description.into(),
                skill_id: None,
                status: triad::db::goals::GoalStatus::Active,
                progress: 30,
            },
        )
        .await
        .unwrap();
        triad::db::goals::set_shared(&mut tx, org, goal, shared)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let preview_path = format!("/engagements/{engagement}/manager-view");

    // Before anyone is invited: the goals exactly as the manager's page will
    // show them, for the manager the scheduling form offers.
    let response = coachee.get(&preview_path).await;
    assert_eq!(response.status(), 200);
    let before = response.text().await.unwrap();
    assert!(before.contains("Leading Manager"), "{before}");
    assert!(!before.contains("DESCRIPTION"), "{before}");
    assert!(!before.contains("Stop dreading Mondays"), "{before}");

    // The coachee invites someone else than the manager of record.
    let (meeting, _, token) =
        crate::support::alignment_meeting_with_link(&app, org, programme, engagement, coachee_id)
            .await;
    let manager = app.visitor();
    let opened = manager.get(&format!("/m/{token}")).await;
    assert_eq!(opened.status(), 303);
    let managers_page = manager.text(&location(&opened)).await;
    assert!(
        managers_page.contains("Hello Secret Manager"),
        "{managers_page}"
    );
    assert_eq!(goals_part(&before), goals_part(&managers_page));

    // Every preview — from the engagement, from the meeting, for the coachee
    // and the coach — is the invitee's page.
    let managers_main = main_part(&managers_page);
    for (visitor, path) in [
        (&coachee, preview_path.clone()),
        (&coachee, format!("/alignment/{meeting}/manager-view")),
        (&coach, preview_path.clone()),
    ] {
        let response = visitor.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let preview = response.text().await.unwrap();
        assert!(preview.contains("Secret Manager"), "{path}: {preview}");
        assert!(!preview.contains("Leading Manager"), "{path}: {preview}");
        assert_eq!(main_part(&preview), managers_main, "{path}");
    }

    // The engagement page's link names the person invited.
    for visitor in [&coachee, &coach] {
        let page = visitor.text(&format!("/engagements/{engagement}")).await;
        assert!(page.contains("Preview what Secret Manager"), "{page}");
        assert!(!page.contains("Preview what Leading Manager"), "{page}");
    }
    // Once the meeting is cancelled the manager's link shows only that; the
    // meeting's preview shows the same, not a page the manager cannot open.
    let cancelled = coachee
        .post(
            &format!("/alignment/{meeting}/cancel"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(cancelled.status(), 303);
    let managers_page = manager.get(&location(&opened)).await.text().await.unwrap();
    assert!(
        managers_page.contains("This meeting was cancelled"),
        "{managers_page}"
    );
    let preview = coachee
        .text(&format!("/alignment/{meeting}/manager-view"))
        .await;
    assert!(preview.contains("This meeting was cancelled"), "{preview}");
    assert!(!preview.contains("When and where"), "{preview}");
}
