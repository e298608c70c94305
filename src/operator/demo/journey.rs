//! Growing Leaders: a second Northwind programme that follows the whole
//! journey of alignment meetings, kickoff to closing review, with one
//! engagement at each stage a newcomer should be able to walk through:
//!
//! - Noor Haddad held a kickoff with her manager and a sponsor before any
//!   coach was matched; two coaches are offered and she chooses.
//! - Felix Wagner's kickoff is being arranged with his manager and a sponsor:
//!   the manager said which time works, the sponsor has not answered yet.
//! - Ines Duarte is past the middle of her engagement: the midpoint check-in
//!   is due.
//! - Omar Said is in his last weeks: the closing review is due.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::alignment::Kind;
use crate::alignment::link::GuestKeys;
use crate::alignment::notify::Mailer;
use crate::audit::{self, About, Event};
use crate::config::Config;
use crate::db::TenantId;
use crate::db::alignment::{self as meetings, NewMeeting};
use crate::db::coach_choice::{self, Profile};
use crate::db::engagements::{self, EngagementFields, Status};
use crate::db::programs::{self, AlignmentRules, Cadence, ProgramFields};

/// Someone invited to a meeting, and what they answered.
struct Invitee {
    role: &'static str,
    name: &'static str,
    email: &'static str,
    answers: &'static [(&'static str, &'static str)],
}

/// 10:00 UTC, `days` from today.
fn at_ten(days: i64) -> DateTime<Utc> {
    (Utc::now().date_naive() + Duration::days(days))
        .and_hms_opt(10, 0, 0)
        .expect("10:00 exists")
        .and_utc()
}

struct Seeder<'a> {
    org: TenantId,
    keys: GuestKeys,
    config: &'a Config,
}

impl Seeder<'_> {
    /// A meeting of `kind` with its invitees; held `held_days_ago` days ago,
    /// or — when None — still being arranged, two times offered, the first
    /// invitee having said the first works and every invitee emailed.
    async fn meeting(
        &self,
        conn: &mut PgConnection,
        (engagement, coachee): (Uuid, Uuid),
        kind: Kind,
        invitees: &[Invitee],
        held_days_ago: Option<i64>,
    ) -> anyhow::Result<()> {
        let (meeting, _) = meetings::create(
            conn,
            self.org,
            &NewMeeting {
                engagement_id: engagement,
                kind,
                duration_minutes: kind.default_minutes(),
                place: "Video call: https://meet.example/northwind".into(),
                agenda: String::new(),
                request_key: Uuid::now_v7(),
                created_by: coachee,
            },
        )
        .await?;
        let offered = [at_ten(8), at_ten(9)];
        match held_days_ago {
            Some(days) => {
                let at = at_ten(-days);
                meetings::set_time(
                    conn,
                    self.org,
                    meeting,
                    at,
                    kind.default_minutes(),
                    "Room 4.12",
                )
                .await?;
            }
            None => {
                for at in offered {
                    meetings::add_candidate(conn, self.org, meeting, at, "coachee", "", None)
                        .await?;
                }
            }
        }
        let record = meetings::meeting(conn, self.org, meeting)
            .await?
            .context("the meeting just made")?;
        let mut invites = Vec::new();
        for (n, invitee) in invitees.iter().enumerate() {
            let id = Uuid::now_v7();
            let link = self.keys.issue(self.org.0, id);
            let expires = held_days_ago.map_or(at_ten(16), |days| at_ten(7 - days));
            meetings::create_invite(
                conn,
                self.org,
                id,
                meeting,
                invitee.role,
                invitee.name,
                invitee.email,
                &link,
                "Europe/London",
                expires,
            )
            .await?;
            let answered = held_days_ago.is_some() || n == 0;
            if answered {
                meetings::mark_opened(conn, self.org, id).await?;
                meetings::save_answers(conn, self.org, id, invitee.answers).await?;
                let at = held_days_ago.map_or(offered[0], |days| at_ten(-days));
                meetings::set_rsvp(conn, self.org, id, "accepted", "", Some(at)).await?;
            }
            let invite = meetings::invite(conn, self.org, id)
                .await?
                .context("the invite")?;
            if answered {
                // What the coachee and coach see in "What the invitees did".
                let actor = format!(
                    "{} <{}> ({}, guest link)",
                    invite.name,
                    invite.email,
                    invite.role_label()
                );
                for action in ["guest.opened", "guest.answered", "guest.accepted"] {
                    let event = Event {
                        actor_user: None,
                        actor: &actor,
                        action,
                        subject: Some(format!(
                            "{} alignment meeting of {}",
                            kind.label(),
                            record.coachee_name
                        )),
                        client: None,
                    };
                    let about = About {
                        meeting: Some(meeting),
                        invite: Some(id),
                    };
                    audit::record_about(conn, self.org, &event, about).await?;
                }
            }
            invites.push(invite);
        }
        if held_days_ago.is_some() {
            meetings::set_outcome(conn, self.org, meeting, true).await?;
            return Ok(());
        }
        let candidates = meetings::candidates(conn, self.org, meeting).await?;
        let mailer = Mailer {
            org: self.org,
            public_url: &self.config.public_url,
            domain: self.config.mail_domain(),
            keys: &self.keys,
            now: Utc::now(),
            caused_by: None,
        };
        for invite in &invites {
            mailer
                .invite_manager(conn, &record, invite, &invites, &candidates)
                .await?;
        }
        Ok(())
    }
}

const MANAGER_KICKOFF: &[(&str, &str)] = &[
    (
        "expectations",
        "Taking the regional team through the merger without losing the people who carry it.",
    ),
    (
        "outcomes",
        "A plan the team helped write, and fewer escalations to me.",
    ),
];
const SPONSOR_KICKOFF: &[(&str, &str)] = &[
    (
        "expectations",
        "Confidence in front of the leadership team: proposals that land the first time.",
    ),
    ("outcomes", "A seat at the quarterly planning, earned."),
];
const MANAGER_ALIGNMENT: &[(&str, &str)] = &[
    ("success", "Decisions made in the team, not waiting for me."),
    ("noticed", "The weekly meeting ends with owners and dates."),
];
const MANAGER_MIDPOINT: &[(&str, &str)] = &[(
    "changed",
    "Calmer planning, and two people on the team now run their own projects.",
)];

/// The programme, its four engagements and their meetings. `coachees` are
/// Noor, Felix, Ines and Omar; `coaches` the two Northwind coaches.
pub(super) async fn seed_demo_journey(
    conn: &mut PgConnection,
    org: TenantId,
    config: &Config,
    coachees: [Uuid; 4],
    coaches: [Uuid; 2],
) -> anyhow::Result<()> {
    let today = Utc::now().date_naive();
    let programme = programs::create_program(
        conn,
        org,
        &ProgramFields {
            name: "Growing Leaders".into(),
            description: "A year of coaching for new senior leaders: a kickoff with the sponsor before a coach is matched, the coachee's choice of coach, then goal alignment, a midpoint check-in and a closing review.".into(),
            starts_on: today - Duration::days(340),
            ends_on: today + Duration::days(340),
            cadence: Cadence::Monthly,
            sessions_included: 10,
            reporting_threshold: 5,
        },
    )
    .await?;
    programs::set_alignment_rules(
        conn,
        org,
        programme,
        &AlignmentRules {
            enabled: true,
            included: 5,
            kinds: Kind::ALL.to_vec(),
            expected: vec![Kind::Kickoff, Kind::Initial, Kind::Closing],
            ..AlignmentRules::default()
        },
    )
    .await?;
    for (coach, headline, bio) in [
        (
            coaches[0],
            "Former operations director; coaches leaders through growth and change",
            "Fifteen years leading teams across three countries. Direct, warm, and fond of a plan you can check on a Friday.",
        ),
        (
            coaches[1],
            "Coaches first-time senior leaders on influence and presence",
            "Came to coaching from product management. Works in English and German, and asks good questions about what you are not saying.",
        ),
    ] {
        let profile = Profile {
            headline: headline.into(),
            bio: bio.into(),
        };
        coach_choice::save_profile(conn, org, coach, &profile).await?;
    }
    let seeder = Seeder {
        org,
        keys: GuestKeys::new(&config.secret_key()?, config.previous_secret_key.as_ref()),
        config,
    };
    let manager = |answers| Invitee {
        role: "manager",
        name: "Hannah Brooks",
        email: "hannah.brooks@northwind.example",
        answers,
    };
    let sponsor = |answers| Invitee {
        role: "sponsor",
        name: "Victor Lang",
        email: "victor.lang@northwind.example",
        answers,
    };
    let fields = |coachee, coach, began: i64, left: i64| EngagementFields {
        coachee_id: coachee,
        coach_id: coach,
        starts_on: today - Duration::days(began),
        ends_on: today + Duration::days(left),
        status: Status::Active,
        manager_name: "Hannah Brooks".into(),
        manager_email: "hannah.brooks@northwind.example".into(),
        department: "Operations".into(),
    };

    // Noor: the kickoff held before matching; her shortlist waits.
    let noor =
        engagements::create(conn, org, programme, &fields(coachees[0], None, 30, 335)).await?;
    let kickoff = [manager(MANAGER_KICKOFF), sponsor(SPONSOR_KICKOFF)];
    seeder
        .meeting(conn, (noor, coachees[0]), Kind::Kickoff, &kickoff, Some(6))
        .await?;
    coach_choice::set_offers(conn, org, noor, &coaches).await?;

    // Felix: his kickoff is being arranged with both.
    let felix = engagements::create(
        conn,
        org,
        programme,
        &fields(coachees[1], Some(coaches[0]), 10, 355),
    )
    .await?;
    seeder
        .meeting(conn, (felix, coachees[1]), Kind::Kickoff, &kickoff, None)
        .await?;

    // Ines: kickoff and goal alignment held; past the middle now.
    let ines = engagements::create(
        conn,
        org,
        programme,
        &fields(coachees[2], Some(coaches[1]), 200, 165),
    )
    .await?;
    held(
        &seeder,
        conn,
        (ines, coachees[2]),
        &[(Kind::Kickoff, 170), (Kind::Initial, 120)],
    )
    .await?;
    coaching_so_far(
        conn,
        org,
        (ines, coaches[1]),
        4,
        "Delegate the regional report",
    )
    .await?;

    // Omar: everything but the closing review; his last weeks.
    let omar = engagements::create(
        conn,
        org,
        programme,
        &fields(coachees[3], Some(coaches[0]), 340, 20),
    )
    .await?;
    held(
        &seeder,
        conn,
        (omar, coachees[3]),
        &[
            (Kind::Kickoff, 320),
            (Kind::Initial, 270),
            (Kind::Midpoint, 160),
        ],
    )
    .await?;
    coaching_so_far(
        conn,
        org,
        (omar, coaches[0]),
        8,
        "Run planning with the team",
    )
    .await?;
    Ok(())
}

/// Meetings of `kinds` held the given number of days ago, with the manager.
async fn held(
    seeder: &Seeder<'_>,
    conn: &mut PgConnection,
    engagement: (Uuid, Uuid),
    kinds: &[(Kind, i64)],
) -> anyhow::Result<()> {
    for (kind, days) in kinds {
        let answers = match kind {
            Kind::Kickoff => MANAGER_KICKOFF,
            Kind::Midpoint => MANAGER_MIDPOINT,
            _ => MANAGER_ALIGNMENT,
        };
        let invitee = Invitee {
            role: "manager",
            name: "Hannah Brooks",
            email: "hannah.brooks@northwind.example",
            answers,
        };
        seeder
            .meeting(conn, engagement, *kind, &[invitee], Some(*days))
            .await?;
    }
    Ok(())
}

/// `count` completed coaching sessions a month apart, the latest a week ago,
/// and the goal shared with the manager.
async fn coaching_so_far(
    conn: &mut PgConnection,
    org: TenantId,
    (engagement, coach): (Uuid, Uuid),
    count: i64,
    goal: &str,
) -> anyhow::Result<()> {
    use crate::db::coaching::{self, Documentation, SessionStatus};
    use crate::db::goals::{self, GoalFields, GoalStatus};
    for n in 0..count {
        let session =
            coaching::schedule(conn, org, engagement, at_ten(-7 - 30 * n), 60, coach).await?;
        let documentation = Documentation {
            status: SessionStatus::Completed,
            focus_skill_id: None,
            focus_area: "Leading through others".into(),
            key_points: "What the team can decide without me".into(),
            agreed_actions: "Name one decision to hand over this month".into(),
        };
        coaching::document(conn, org, session, &documentation).await?;
    }
    let fields = GoalFields {
        title: goal.into(),
        description: String::new(),
        skill_id: None,
        status: GoalStatus::Active,
        progress: 60,
    };
    let goal = goals::create(conn, org, engagement, &fields).await?;
    goals::set_shared(conn, org, goal, true).await?;
    Ok(())
}
