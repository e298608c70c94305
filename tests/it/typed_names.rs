//! What people typed, in the emails Triad sends: a name holding direction
//! controls cannot reorder the subject or the sentence it stands in, and a
//! name in any script arrives as it was written.

use mail_parser::MessageParser;

use crate::support::{TestApp, Visitor, eventually, roles};

const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';
const OVERRIDE: char = '\u{202E}';

fn isolated(text: &str) -> String {
    format!("{FSI}{text}{PDI}")
}

/// Subject, plain text and HTML of the newest email queued for `to`.
async fn queued_for(app: &TestApp, to: &str) -> (String, String, String) {
    eventually(10, "an email", || async {
        sqlx::query_as(
            "select subject, body_text, body_html from outbox_messages
             where recipient_email = $1 order by created_at desc limit 1",
        )
        .bind(to)
        .fetch_optional(&mut app.owner_connection().await)
        .await
        .unwrap()
    })
    .await
}

/// An admin named `admin_name` in an organisation named `org_name`, signed in.
async fn admin_of(app: &TestApp, org_name: &str, admin_name: &str) -> Visitor {
    let org = app.create_org("Renamed").await;
    sqlx::query("update organizations set name = $2 where id = $1")
        .bind(org.0)
        .bind(org_name)
        .execute(&mut app.owner_connection().await)
        .await
        .unwrap();
    app.seed_member(
        org,
        "admin@acme.test",
        admin_name,
        roles(true, false, false),
    )
    .await;
    let admin = app.visitor();
    assert_eq!(
        admin
            .sign_in("admin@acme.test", crate::support::PASSWORD)
            .await
            .status(),
        303
    );
    admin
}

async fn invite(admin: &Visitor, name: &str, email: &str) {
    let response = admin
        .post(
            "/admin/people/invite",
            &[("name", name), ("email", email), ("is_coachee", "on")],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn a_direction_override_in_a_name_cannot_reorder_the_invitation() {
    let app = TestApp::spawn().await;
    let admin = admin_of(&app, "Acme", "Eve\u{202E}gnp.exe").await;
    invite(&admin, "Robin\u{202E} Rivera", "robin@acme.test").await;

    let (subject, text, html) = queued_for(&app, "robin@acme.test").await;
    let eve = isolated("Evegnp.exe");
    let acme = isolated("Acme");
    // The override is gone, the name sits between its isolates, and the rest
    // of the subject reads in order after it.
    assert_eq!(subject, format!("{eve} invited you to {acme} on Triad"));
    for (part, body) in [("subject", &subject), ("text", &text), ("html", &html)] {
        assert!(!body.contains(OVERRIDE), "{part}: {body:?}");
    }
    assert!(
        text.contains(&format!("Hello {},", isolated("Robin Rivera"))),
        "{text:?}"
    );
    assert!(
        text.contains(&format!("{eve} invited you to {acme} on Triad, as")),
        "{text:?}"
    );
    assert!(
        html.contains(&format!("{eve} invited you to <strong>{acme}</strong>")),
        "{html:?}"
    );

    // And so it arrives: the delivered message's subject, decoded.
    let mailbox = app.data_dir.path().join("mail");
    let delivered = eventually(10, "the delivered message", || async {
        let entry = std::fs::read_dir(&mailbox)
            .ok()?
            .flatten()
            .find(|entry| entry.file_name().to_string_lossy().ends_with(".eml"))?;
        std::fs::read(entry.path()).ok()
    })
    .await;
    let message = MessageParser::default().parse(&delivered).unwrap();
    assert_eq!(message.subject(), Some(subject.as_str()));
}

#[tokio::test]
async fn names_in_other_scripts_arrive_as_typed_inside_their_isolates() {
    let app = TestApp::spawn().await;
    let admin = admin_of(&app, "אופק", "مريم الحسن").await;
    invite(&admin, "Élodie Ünal", "elodie@acme.test").await;

    let (subject, text, html) = queued_for(&app, "elodie@acme.test").await;
    assert_eq!(
        subject,
        format!(
            "{} invited you to {} on Triad",
            isolated("مريم الحسن"),
            isolated("אופק")
        )
    );
    let greeting = format!("Hello {},", isolated("Élodie Ünal"));
    assert!(text.contains(&greeting), "{text:?}");
    assert!(html.contains(&greeting), "{html:?}");
}

#[tokio::test]
async fn a_coachees_name_cannot_reorder_the_managers_invitation_or_its_calendar() {
    let t = crate::alignment::trio(true).await;
    sqlx::query("update users set name = $1 where email = 'robin@acme.test'")
        .bind("Robin\u{202E}fdp.exe")
        .execute(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    t.schedule(&[(crate::alignment::day(10), "10:00")]).await;

    let (subject, text, html, ics): (String, String, String, Option<String>) = sqlx::query_as(
        "select subject, body_text, body_html, calendar_ics from outbox_messages
         where recipient_email = $1",
    )
    .bind(crate::alignment::MANAGER)
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    let robin = isolated("Robinfdp.exe");
    assert_eq!(
        subject,
        format!("{robin} invites you to an alignment meeting with their coach")
    );
    let lead = format!(
        "{robin} is being coached by {} in {},",
        isolated("Casey Coach"),
        isolated("Leading Teams programme")
    );
    assert!(text.contains(&lead), "{text:?}");
    assert!(html.contains(&lead), "{html:?}");
    assert!(text.contains(&format!("Hello {},", isolated("Morgan Manager"))));
    // One time offered: the calendar invite comes along, and its summary
    // keeps the name apart too.
    let ics = ics.expect("a calendar invite").replace("\r\n ", "");
    assert!(
        ics.contains(&format!("SUMMARY:Goal alignment: {robin} and")),
        "{ics:?}"
    );
    for (part, body) in [
        ("subject", &subject),
        ("text", &text),
        ("html", &html),
        ("ics", &ics),
    ] {
        assert!(!body.contains(OVERRIDE), "{part}: {body:?}");
    }
}
