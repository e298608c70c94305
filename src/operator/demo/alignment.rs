//! The demo's alignment meetings: one invitation waiting, one meeting held.

use anyhow::Context;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::config::Config;
use crate::db::TenantId;

/// Alignment meetings at three stages: Robin is ready to plan one; Sam has
/// invited Owen Clarke, whose invitation waits in the mailbox with a working
/// link; Jordan's was held, with the manager's answers and a debrief.
pub(super) async fn seed_demo_alignment(
    conn: &mut PgConnection,
    org: TenantId,
    config: &Config,
    engagements: &[(Uuid, Uuid)],
) -> anyhow::Result<()> {
    use crate::alignment::Kind;
    use crate::alignment::link::GuestKeys;
    use crate::alignment::notify::Mailer;
    use crate::db::alignment::{self as meetings, Debrief, NewMeeting, Preparation};
    let keys = GuestKeys::new(&config.secret_key()?, config.previous_secret_key.as_ref());
    let now = chrono::Utc::now();
    let at_ten = |days: i64| {
        (now.date_naive() + chrono::Duration::days(days))
            .and_hms_opt(10, 0, 0)
            .expect("10:00 exists")
            .and_utc()
    };
    let prep = Preparation {
        success: "We leave with two goals my manager recognises and one way to check in on them."
            .into(),
        from_manager: "Honest examples of where delegation works and where it does not yet.".into(),
        off_limits: "The restructuring rumours.".into(),
        concerns: "That it turns into a performance conversation.".into(),
        opens: "coachee".into(),
        closes: "coach".into(),
        coach_role: "facilitate".into(),
    };

    // Sam Patel has invited Owen Clarke and offered two times.
    let &(sam, sam_user) = engagements
        .get(1)
        .context("the demo has four engagements")?;
    let (meeting, _) = meetings::create(
        conn,
        org,
        &NewMeeting {
            engagement_id: sam,
            kind: Kind::Initial,
            duration_minutes: 30,
            place: "Video call: https://meet.example/northwind-sam".into(),
            agenda: "How I can take on the release planning".into(),
            request_key: Uuid::now_v7(),
            created_by: sam_user,
        },
    )
    .await?;
    for days in [5, 6] {
        meetings::add_candidate(conn, org, meeting, at_ten(days), "coachee", "", None).await?;
    }
    meetings::save_preparation(conn, org, meeting, &prep).await?;
    let invite_id = Uuid::now_v7();
    let link = keys.issue(org.0, invite_id);
    let record = meetings::meeting(conn, org, meeting)
        .await?
        .context("the meeting just made")?;
    meetings::create_invite(
        conn,
        org,
        invite_id,
        meeting,
        "manager",
        "Owen Clarke",
        "owen.clarke@northwind.example",
        &link,
        &record.coachee_time_zone,
        at_ten(6) + chrono::Duration::days(7),
    )
    .await?;
    let invite = meetings::invite(conn, org, invite_id)
        .await?
        .context("the invite just made")?;
    let candidates = meetings::candidates(conn, org, meeting).await?;
    Mailer {
        org,
        public_url: &config.public_url,
        domain: config.mail_domain(),
        keys: &keys,
        now,
        caused_by: None,
    }
    .invite_manager(
        conn,
        &record,
        &invite,
        std::slice::from_ref(&invite),
        &candidates,
    )
    .await?;

    // Jordan Lee's first meeting with Priya Shah was held three weeks ago.
    let &(jordan, jordan_user) = engagements
        .get(2)
        .context("the demo has four engagements")?;
    let (meeting, _) = meetings::create(
        conn,
        org,
        &NewMeeting {
            engagement_id: jordan,
            kind: Kind::Initial,
            duration_minutes: 30,
            place: "Room 4.12".into(),
            agenda: String::new(),
            request_key: Uuid::now_v7(),
            created_by: jordan_user,
        },
    )
    .await?;
    meetings::set_time(conn, org, meeting, at_ten(-21), 30, "Room 4.12").await?;
    meetings::save_preparation(conn, org, meeting, &prep).await?;
    let invite_id = Uuid::now_v7();
    let link = keys.issue(org.0, invite_id);
    meetings::create_invite(
        conn,
        org,
        invite_id,
        meeting,
        "manager",
        "Priya Shah",
        "priya.shah@northwind.example",
        &link,
        "Europe/London",
        at_ten(-21) + chrono::Duration::days(7),
    )
    .await?;
    meetings::mark_opened(conn, org, invite_id).await?;
    meetings::set_rsvp(conn, org, invite_id, "accepted", "", Some(at_ten(-21))).await?;
    meetings::save_answers(
        conn,
        org,
        invite_id,
        &[
            (
                "success",
                "Jordan sets the quarter's priorities and turns down what does not fit, with reasons people accept.",
            ),
            (
                "noticed",
                "Fewer late requests landing on the team, and a monthly half hour where we look at priorities together.",
            ),
        ],
    )
    .await?;
    meetings::set_outcome(conn, org, meeting, true).await?;
    meetings::save_debrief(
        conn,
        org,
        meeting,
        &Debrief {
            feeling: "Relieved, and more confident than before the meeting.".into(),
            stood_out: "Priya recognised both goals at once.".into(),
            others_stood_out: "Priya offered a monthly priorities check-in without being asked."
                .into(),
            next_steps: "Book the first check-in and bring the quarter's list to it.".into(),
            coaching_changes: "Next sessions focus on saying no with reasons.".into(),
            go_deeper: Some(true),
            how_it_went: String::new(),
        },
    )
    .await?;
    Ok(())
}
