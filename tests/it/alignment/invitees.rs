//! Several invitees: the manager and another sponsor, each with their own
//! link, answers and vote; the coachee confirms the time; one invitee taken
//! off the meeting hears of it and nobody else does; a fourth is refused.

use crate::support::smtp::SmtpSink;
use crate::support::{TestApp, eventually, location, roles};

use super::{MANAGER, Trio, day, guest, hidden, schedule_fields, shown_on, trio, trio_sending_to};

const SPONSOR: &str = "sam.sponsor@example.com";
const SECOND: &str = "jo.second@example.com";

/// The coachee plans a goal alignment with `times`, inviting the manager and
/// the sponsors given (name, email); returns the meeting's page.
async fn plan_with(t: &Trio, times: &[(String, &str)], sponsors: &[(&str, &str)]) -> String {
    let path = format!("/engagements/{}/alignment", t.engagement);
    let page = t.coachee.text(&path).await;
    let mut fields = schedule_fields(&page, times);
    for ((name, email), (name_key, email_key)) in sponsors.iter().zip([
        ("sponsor_name", "sponsor_email"),
        ("sponsor2_name", "sponsor2_email"),
    ]) {
        fields.push((name_key, (*name).to_owned()));
        fields.push((email_key, (*email).to_owned()));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = t.coachee.post(&path, &fields).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    location(&response)
}

/// The ids of the times a guest page offers, in the order shown.
fn offered(page: &str) -> Vec<String> {
    let marker = "name=\"candidate\" value=\"";
    page.match_indices(marker)
        .map(|(at, _)| page[at + marker.len()..at + marker.len() + 36].to_owned())
        .collect()
}

async fn outbox_to(t: &Trio, to: &str) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "select subject, calendar_method from outbox_messages
         where recipient_email = $1 order by created_at",
    )
    .bind(to)
    .fetch_all(&mut t.app.owner_connection().await)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_manager_and_a_sponsor_vote_the_coachee_confirms_and_removing_the_sponsor_leaves_the_manager_alone()
 {
    let sink = SmtpSink::start();
    let t = trio_sending_to(sink.url()).await;
    let meeting_path = plan_with(
        &t,
        &[(day(10), "10:00"), (day(12), "15:30")],
        &[("Sam Sponsor", SPONSOR)],
    )
    .await;

    // Two invitations, two links; each opens only its own invite's page.
    let manager_token = t.manager_token(MANAGER).await;
    let sponsor_token = t.manager_token(SPONSOR).await;
    assert_ne!(manager_token, sponsor_token);
    let manager = t.manager(&manager_token).await;
    let sponsor = t.manager(&sponsor_token).await;
    assert_ne!(
        manager.get(&guest(&sponsor_token)).await.status(),
        200,
        "the manager's visit opens the sponsor's page"
    );
    let page = manager.text(&guest(&manager_token)).await;
    assert!(page.contains("Hello Morgan Manager"), "{page}");
    assert!(page.contains("Sam Sponsor (sponsor)"), "{page}");
    assert!(!page.contains(SPONSOR), "another invitee's address: {page}");
    let page = sponsor.text(&guest(&sponsor_token)).await;
    assert!(page.contains("Hello Sam Sponsor"), "{page}");
    assert!(page.contains("Morgan Manager (manager)"), "{page}");

    // Each answers; neither reads the other's answers.
    for (visitor, token, word) in [
        (&manager, &manager_token, "MANAGERWORD"),
        (&sponsor, &sponsor_token, "SPONSORWORD"),
    ] {
        let answer = format!("{word} steadier weekly planning");
        let response = visitor
            .post(
                &format!("{}/answers", guest(token)),
                &shown_on(token, &[("success", &answer)]),
            )
            .await;
        assert_eq!(response.status(), 303);
    }
    let page = manager.text(&guest(&manager_token)).await;
    assert!(
        page.contains("MANAGERWORD") && !page.contains("SPONSORWORD"),
        "{page}"
    );
    let page = t.coachee.text(&meeting_path).await;
    assert!(page.contains("MANAGERWORD") && page.contains("SPONSORWORD"));

    // They accept different times: votes, not the time.
    let page = manager.text(&guest(&manager_token)).await;
    let times = offered(&page);
    assert_eq!(times.len(), 2, "{page}");
    let sequence = hidden(&page, "sequence");
    for (visitor, token, choice) in [
        (&manager, &manager_token, &times[0]),
        (&sponsor, &sponsor_token, &times[1]),
    ] {
        let response = visitor
            .post(
                &format!("{}/accept", guest(token)),
                &shown_on(token, &[("candidate", choice), ("sequence", &sequence)]),
            )
            .await;
        assert_eq!(response.status(), 303);
    }
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings where starts_at is not null")
            .await,
        0
    );
    let page = manager.text(&guest(&manager_token)).await;
    assert!(
        page.contains("works for you") && page.contains("will confirm"),
        "{page}"
    );
    let page = t.coachee.text(&meeting_path).await;
    assert!(page.contains("Who can make which time"), "{page}");
    assert_eq!(page.matches("(1 of 2)").count(), 2, "{page}");

    // The coachee confirms the manager's time: both get the calendar invite.
    let response = t
        .coachee
        .post(
            &format!("{meeting_path}/use-time"),
            &[("candidate", times[0].as_str())],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        t.scalar_i64("select count(*) from alignment_meetings where starts_at is not null")
            .await,
        1
    );
    for to in [MANAGER, SPONSOR] {
        let mail = outbox_to(&t, to).await;
        assert!(
            mail.iter()
                .any(|(_, method)| method.as_deref() == Some("REQUEST")),
            "{to}: {mail:?}"
        );
    }

    // The coachee takes the sponsor off the meeting.
    let before = outbox_to(&t, MANAGER).await.len();
    let sponsor_invite: uuid::Uuid =
        sqlx::query_scalar("select id from guest_invites where email = $1")
            .bind(SPONSOR)
            .fetch_one(&mut t.app.owner_connection().await)
            .await
            .unwrap();
    let response = t
        .coachee
        .post(
            &format!("{meeting_path}/invitees/remove"),
            &[("invite", sponsor_invite.to_string().as_str())],
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = t.coachee.text(&meeting_path).await;
    assert!(page.contains("Sam Sponsor is no longer invited"), "{page}");

    let mail = outbox_to(&t, SPONSOR).await;
    let (subject, method) = mail.last().unwrap();
    assert!(subject.contains("withdrawn"), "{mail:?}");
    assert_eq!(method.as_deref(), Some("CANCEL"));
    assert_eq!(
        outbox_to(&t, MANAGER).await.len(),
        before,
        "the manager was mailed"
    );

    // The sponsor's link says so; the manager's still works.
    for response in [
        sponsor.get(&guest(&sponsor_token)).await,
        t.app.visitor().get(&format!("/m/{sponsor_token}")).await,
    ] {
        assert_eq!(response.status(), 410);
        let body = response.text().await.unwrap();
        assert!(body.contains("Your invitation was withdrawn"), "{body}");
    }
    let page = manager.text(&guest(&manager_token)).await;
    assert!(page.contains("Hello Morgan Manager") && !page.contains("Sam Sponsor"));

    // Over real SMTP: the sponsor's note arrives with its cancellation.
    let note = eventually(20, "the sponsor's note", || async {
        sink.received().into_iter().find(|m| {
            m.to.iter().any(|to| to == SPONSOR)
                && m.parsed()
                    .subject()
                    .unwrap_or_default()
                    .contains("withdrawn")
        })
    })
    .await;
    assert!(String::from_utf8_lossy(&note.data).contains("METHOD:CANCEL"));
}

#[tokio::test]
async fn a_fourth_invitee_and_a_second_copy_of_an_address_are_refused_with_a_message() {
    let t = trio(true).await;
    let meeting_path = plan_with(
        &t,
        &[(day(10), "10:00")],
        &[("Sam Sponsor", SPONSOR), ("Jo Second", SECOND)],
    )
    .await;
    assert_eq!(
        t.scalar_i64("select count(*) from guest_invites where revoked_at is null")
            .await,
        3
    );
    let response = t
        .coach
        .post(
            &format!("{meeting_path}/invitees"),
            &[
                ("invitee_name", "Fourth Person"),
                ("invitee_email", "fourth@example.com"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("3 people are invited already"), "{body}");

    // One fewer: the address of someone invited, or the coach's own, is refused.
    let second: uuid::Uuid = sqlx::query_scalar("select id from guest_invites where email = $1")
        .bind(SECOND)
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let response = t
        .coach
        .post(
            &format!("{meeting_path}/invitees/remove"),
            &[("invite", second.to_string().as_str())],
        )
        .await;
    assert_eq!(response.status(), 303);
    for (email, says) in [
        (SPONSOR, "invited already"),
        ("casey@acme.test", "own address"),
    ] {
        let response = t
            .coachee
            .post(
                &format!("{meeting_path}/invitees"),
                &[("invitee_name", "KEPT-NAME"), ("invitee_email", email)],
            )
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.unwrap();
        assert!(body.contains(says) && body.contains("KEPT-NAME"), "{body}");
    }
    let response = t
        .coachee
        .post(
            &format!("{meeting_path}/invitees"),
            &[
                ("invitee_name", "Pat Partner"),
                ("invitee_email", "pat@example.com"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let token = t.manager_token("pat@example.com").await;
    let pat = t.manager(&token).await;
    assert!(pat.text(&guest(&token)).await.contains("Hello Pat Partner"));
}

#[tokio::test]
async fn another_organisations_member_gets_a_404_on_the_invitee_routes() {
    let t = trio(true).await;
    let meeting_path = plan_with(&t, &[(day(10), "10:00")], &[("Sam Sponsor", SPONSOR)]).await;
    let app: &TestApp = &t.app;
    let other = app.create_org("Elsewhere").await;
    let (outsider, _) = app
        .signed_in(other, "out@elsewhere.test", roles(true, true, true))
        .await;
    let invite: uuid::Uuid = sqlx::query_scalar("select id from guest_invites where email = $1")
        .bind(SPONSOR)
        .fetch_one(&mut app.owner_connection().await)
        .await
        .unwrap();
    let invite = invite.to_string();
    for (path, fields) in [
        (
            format!("{meeting_path}/invitees"),
            vec![("invitee_name", "X"), ("invitee_email", "x@example.com")],
        ),
        (
            format!("{meeting_path}/invitees/remove"),
            vec![("invite", invite.as_str())],
        ),
    ] {
        let response = outsider.post(&path, &fields).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    assert_eq!(
        t.scalar_i64("select count(*) from guest_invites where revoked_at is null")
            .await,
        2
    );
}
