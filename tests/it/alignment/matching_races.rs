//! Coach matching when two people act at once: the coachee's two tabs, and
//! an admin's form opened before the coachee chose.

use uuid::Uuid;

use super::matching::{EMAILS, outbox_to, shortlist, without_a_coach};
use super::{MANAGER, day, hidden, trio_sending_to};
use crate::support::smtp::SmtpSink;

#[tokio::test]
async fn two_choices_sent_at_once_leave_exactly_one_coach() {
    let sink = SmtpSink::start();
    let (t, coaches) = without_a_coach(trio_sending_to(sink.url()).await).await;
    assert_eq!(shortlist(&t, &coaches.ids).await.status(), 303);
    let path = format!("/engagements/{}/coach", t.engagement);
    let (first, second) = (coaches.ids[0].to_string(), coaches.ids[2].to_string());
    let (one, other) = (
        [("coach_id", first.as_str())],
        [("coach_id", second.as_str())],
    );
    let (a, b) = tokio::join!(t.coachee.post(&path, &one), t.coachee.post(&path, &other));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let coach: Option<Uuid> = sqlx::query_scalar("select coach_id from engagements where id = $1")
        .bind(t.engagement)
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    let coach = coach.expect("a coach");
    assert!(coach == coaches.ids[0] || coach == coaches.ids[2]);
    // One coach told; the shortlist is gone.
    let told: i64 = sqlx::query_scalar(
        "select count(*) from outbox_messages where kind = 'coach_matching' and recipient_email <> 'robin@acme.test'",
    )
    .fetch_one(&mut t.app.owner_connection().await)
    .await
    .unwrap();
    assert_eq!(told, 1);
    let offers: i64 = sqlx::query_scalar("select count(*) from coach_offers")
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(offers, 0);
}

/// The admin opens the engagement's form while it has no coach; the coachee
/// chooses one meanwhile. Saving the form with another coach does not
/// silently replace the coachee's choice; saving again, having seen it, does,
/// and the new coach is told.
#[tokio::test]
async fn an_admin_form_opened_before_the_coachees_choice_does_not_replace_it_unseen() {
    let sink = SmtpSink::start();
    let (t, coaches) = without_a_coach(trio_sending_to(sink.url()).await).await;
    assert_eq!(shortlist(&t, &coaches.ids).await.status(), 303);
    let edit = format!("/admin/engagements/{}", t.engagement);
    let form = t.admin.text(&edit).await;
    assert_eq!(hidden(&form, "coach_seen"), "");
    let chosen = coaches.ids[0].to_string();
    let response = t
        .coachee
        .post(
            &format!("/engagements/{}/coach", t.engagement),
            &[("coach_id", chosen.as_str())],
        )
        .await;
    assert_eq!(response.status(), 303);
    let other = coaches.ids[1].to_string();
    let fields = |seen: &str| {
        vec![
            ("coachee_id".to_owned(), t.coachee_id.to_string()),
            ("coach_id".to_owned(), other.clone()),
            ("coach_seen".to_owned(), seen.to_owned()),
            ("starts_on".to_owned(), day(-10)),
            ("ends_on".to_owned(), day(200)),
            ("status".to_owned(), "active".to_owned()),
            ("manager_name".to_owned(), "Morgan Manager".to_owned()),
            ("manager_email".to_owned(), MANAGER.to_owned()),
            ("department".to_owned(), "Sales".to_owned()),
        ]
    };
    let stale = fields("");
    let stale: Vec<(&str, &str)> = stale
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = t.admin.post(&edit, &stale).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Dana Doyle became the coach while you were editing"),
        "{page}"
    );
    let coach: Option<Uuid> = sqlx::query_scalar("select coach_id from engagements where id = $1")
        .bind(t.engagement)
        .fetch_one(&mut t.app.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(coach, Some(coaches.ids[0]), "the coachee's choice stands");
    // Seen, and saved again on purpose: Eli is the coach, and is told.
    let seen = hidden(&page, "coach_seen");
    assert_eq!(seen, chosen);
    let fresh = fields(&seen);
    let fresh: Vec<(&str, &str)> = fresh
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(t.admin.post(&edit, &fresh).await.status(), 303);
    let told = outbox_to(&t, EMAILS[1]).await;
    assert!(
        told.iter()
            .any(|body| body.contains("The programme team has made you")),
        "{told:?}"
    );
}
