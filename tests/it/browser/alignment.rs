//! The alignment meeting's journey in Chromium, through three browsers and a
//! real SMTP listener.

use crate::support::TestApp;
use crate::support::browser::Browser;

/// The alignment meeting, end to end, with three separate browser profiles
/// and a real SMTP listener: the admin switches it on, the coachee schedules
/// with two times, the manager — no account — opens the emailed link, picks a
/// time and answers; calendar invites reach all three; the coach reads the
/// answers, marks the meeting held and writes the debrief the coachee reads.
#[tokio::test]
async fn an_alignment_meeting_travels_from_the_admin_to_the_manager_and_back() {
    use crate::support::smtp::SmtpSink;
    use crate::support::{PASSWORD, eventually, roles};
    use fantoccini::Locator;

    let sink = SmtpSink::start();
    let smtp = sink.url();
    let app = TestApp::spawn_with(move |config| config.smtp_url = Some(smtp)).await;
    let org = app.create_org("Acme").await;
    app.seed_member(
        org,
        "admin@acme.test",
        "Ada Admin",
        roles(true, false, false),
    )
    .await;
    let crate::support::CoachingPair {
        programme,
        engagement,
        ..
    } = crate::support::casey_coaches_robin(&app, org).await;
    let mut tx = triad::db::begin_tenant(&app.pool, org).await.unwrap();
    let goal = triad::db::goals::create(
        &mut tx,
        org,
        engagement,
        &triad::db::goals::GoalFields {
            title: "Run calmer team meetings".into(),
            description: String::new(),
            skill_id: None,
            status: triad::db::goals::GoalStatus::Active,
            progress: 30,
        },
    )
    .await
    .unwrap();
    triad::db::goals::set_shared(&mut tx, org, goal, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let manager_email = "morgan@example.com";

    // The admin switches alignment meetings on for the programme.
    let admin = Browser::start().await;
    admin.sign_in(&app.base, "admin@acme.test", PASSWORD).await;
    admin
        .client
        .goto(&app.url(&format!("/admin/programmes/{programme}")))
        .await
        .unwrap();
    admin
        .client
        .find(Locator::Css("input[name=enabled]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    admin
        .submit(&format!("/admin/programmes/{programme}/alignment"))
        .await;
    admin.wait_for_text("Alignment meetings are on").await;
    admin.screenshot("alignment-1-admin-switches-on").await;

    // The coachee plans the meeting with two times.
    let robin = Browser::start().await;
    robin.sign_in(&app.base, "robin@acme.test", PASSWORD).await;
    robin
        .wait_for_text("Alignment meeting with your manager")
        .await;
    robin.screenshot("alignment-2-coachee-home-card").await;
    robin
        .client
        .goto(&app.url(&format!("/engagements/{engagement}/alignment")))
        .await
        .unwrap();
    let first = (chrono::Utc::now() + chrono::Duration::days(10)).date_naive();
    let second = first + chrono::Duration::days(1);
    robin
        .client
        .execute(
            "document.getElementById('date1').value = arguments[0];
             document.getElementById('time1').value = '10:00';
             document.getElementById('date2').value = arguments[1];
             document.getElementById('time2').value = '14:30';",
            vec![
                serde_json::json!(first.to_string()),
                serde_json::json!(second.to_string()),
            ],
        )
        .await
        .unwrap();
    robin
        .fill("place", "Video call: https://meet.example/robin")
        .await;
    robin.fill("manager_name", "Morgan Manager").await;
    robin.fill("manager_email", manager_email).await;
    robin
        .fill(
            "success",
            "We agree on the meetings goal and a monthly check-in",
        )
        .await;
    robin.fill("off_limits", "My workload complaints").await;
    robin.screenshot("alignment-3-coachee-schedules").await;
    robin
        .submit(&format!("/engagements/{engagement}/alignment"))
        .await;
    robin.wait_for_text("Meeting planned").await;
    let meeting_url = robin.client.current_url().await.unwrap().to_string();
    robin.screenshot("alignment-4-coachee-meeting-page").await;

    // The manager's invitation arrives at the SMTP listener.
    let invitation = eventually(20, "the manager's invitation", || async {
        sink.received()
            .into_iter()
            .find(|m| m.to.iter().any(|to| to == manager_email))
    })
    .await;
    let text = invitation.parsed().body_text(0).unwrap().into_owned();
    let link = text
        .split_whitespace()
        .find(|word| word.contains("/m/"))
        .expect("a link in the invitation")
        .to_owned();

    // The manager, with no account and a browser of their own, opens it.
    let morgan = Browser::start().await;
    morgan.client.goto(&link).await.unwrap();
    morgan.wait_for_text("Hello Morgan Manager").await;
    let landed = morgan.client.current_url().await.unwrap();
    let guest_page = landed.path().to_owned();
    assert_eq!(
        guest_page,
        format!(
            "/guest/{}",
            link.rsplit('/').next().unwrap().split('.').nth(1).unwrap()
        )
    );
    assert!(!landed.as_str().contains(link.rsplit('/').next().unwrap()));
    let page = morgan.client.source().await.unwrap();
    assert!(page.contains("Run calmer team meetings"), "the shared goal");
    assert!(
        !page.contains("workload"),
        "the coachee's preparation stays private"
    );
    morgan.screenshot("alignment-5-manager-page").await;
    // No time is chosen for them: each has its own button. The second.
    assert!(!page.contains("checked"), "no time pre-selected");
    morgan
        .client
        .find(Locator::Css("ul.choices li:nth-child(2) button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    morgan.wait_for_text("The meeting is set for").await;
    morgan
        .fill("success", "Robin keeps customers calm under pressure")
        .await;
    morgan
        .fill("noticed", "Handing over the weekly report")
        .await;
    morgan.submit(&format!("{guest_page}/answers")).await;
    morgan.wait_for_text("Your answers are saved").await;
    morgan.screenshot("alignment-6-manager-answered").await;

    // Calendar invites reach all three.
    for person in ["robin@acme.test", "casey@acme.test", manager_email] {
        eventually(20, "a calendar invite for each", || async {
            sink.received().into_iter().find(|m| {
                let data = String::from_utf8_lossy(&m.data);
                m.to.iter().any(|to| to == person)
                    && data.contains("text/calendar")
                    && data.contains("METHOD:REQUEST")
            })
        })
        .await;
    }

    // The coach reads the answers in the facilitation view.
    let casey = Browser::start().await;
    casey.sign_in(&app.base, "casey@acme.test", PASSWORD).await;
    casey.client.goto(&meeting_url).await.unwrap();
    casey
        .wait_for_text("Robin keeps customers calm under pressure")
        .await;
    casey.wait_for_text("Facilitation guide").await;
    casey.screenshot("alignment-7-coach-facilitation").await;
    // The meeting takes place (its time moves into the past).
    sqlx::query("update alignment_meetings set starts_at = now() - interval '1 hour'")
        .execute(&mut app.owner_connection().await)
        .await
        .unwrap();
    casey.client.goto(&meeting_url).await.unwrap();
    let meeting_path = url::Url::parse(&meeting_url).unwrap().path().to_owned();
    casey.submit(&format!("{meeting_path}/outcome")).await;
    casey.wait_for_text("Marked as held").await;
    casey
        .fill("feeling", "Relieved; Morgan recognised the goal at once")
        .await;
    casey
        .fill("others_stood_out", "Morgan offered a monthly check-in")
        .await;
    casey
        .fill(
            "coaching_changes",
            "Next sessions practise handing over work",
        )
        .await;
    casey.submit(&format!("{meeting_path}/debrief")).await;
    casey.wait_for_text("Debrief saved").await;
    casey.screenshot("alignment-8-coach-debrief").await;

    // The coachee reads the debrief; the manager's page does not show it.
    robin.client.goto(&meeting_url).await.unwrap();
    robin
        .wait_for_text("Morgan offered a monthly check-in")
        .await;
    robin.screenshot("alignment-9-coachee-reads-debrief").await;
    morgan.client.goto(&app.url(&guest_page)).await.unwrap();
    morgan.wait_for_text("took place").await;
    assert!(
        !morgan
            .client
            .source()
            .await
            .unwrap()
            .contains("monthly check-in")
    );

    for browser in [&admin, &robin, &morgan, &casey] {
        assert_eq!(browser.console_errors().await, Vec::<String>::new());
    }
    for browser in [admin, robin, morgan, casey] {
        browser.close().await;
    }
}
