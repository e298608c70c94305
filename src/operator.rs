//! What the operator does from the shell: create an organisation with its first
//! admin, and seed the demo organisations a newcomer walks through.
//!
//! These run as the database owner, outside any login session, and still set
//! the organisation scope that row-level security asks for.

use anyhow::Context;
use rand::RngCore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use url::Url;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::auth::{password, tokens};
use crate::config::Config;
use crate::db::TenantId;
use crate::db::people::{self, Roles, TokenPurpose};

/// A lower-case, dashed slug from a name: "Northwind Traders" → "northwind-traders".
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "organisation".into()
    } else {
        slug
    }
}

async fn scoped(conn: &mut PgConnection, org: TenantId) -> sqlx::Result<()> {
    sqlx::query("select set_config('app.org_id', $1, true)")
        .bind(org.0.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

async fn insert_org(conn: &mut PgConnection, name: &str) -> anyhow::Result<TenantId> {
    let org = TenantId(Uuid::now_v7());
    scoped(conn, org).await?;
    let base = slug_of(name);
    // A second organisation of the same name gets a numbered slug.
    let taken: i64 = sqlx::query_scalar(
        "select count(*) from organizations where slug = $1 or slug like $1 || '-%'",
    )
    .bind(&base)
    .fetch_one(&mut *conn)
    .await?;
    let slug = if taken == 0 {
        base
    } else {
        format!("{base}-{}", taken + 1)
    };
    sqlx::query("insert into organizations (id, name, slug) values ($1, $2, $3)")
        .bind(org.0)
        .bind(name.trim())
        .bind(slug)
        .execute(&mut *conn)
        .await
        .context("cannot create the organisation")?;
    Ok(org)
}

/// `triad create-org`: the organisation and its first admin, who gets a
/// one-time link (returned, for the operator to pass on) to set a password.
pub async fn create_org(
    owner: &PgConnectOptions,
    config: &Config,
    name: &str,
    admin_email: &str,
    admin_name: &str,
) -> anyhow::Result<Url> {
    if name.trim().is_empty() {
        anyhow::bail!("--name: give the organisation a name");
    }
    if admin_email.trim().parse::<lettre::Address>().is_err() {
        anyhow::bail!("--admin-email: {admin_email:?} is not an email address");
    }
    let mut conn = PgConnection::connect_with(owner).await?;
    let mut tx = conn.begin().await?;
    let org = insert_org(&mut tx, name).await?;
    let user = people::find_or_create_user(&mut tx, admin_email, admin_name).await?;
    people::add_member(
        &mut tx,
        org,
        user.id,
        Roles {
            is_admin: true,
            ..Roles::default()
        },
        None,
    )
    .await?;
    let link = if user.password_hash.is_none() {
        let token = tokens::generate();
        people::create_token(
            &mut tx,
            user.id,
            TokenPurpose::Invite,
            &tokens::hash(&token),
        )
        .await?;
        let mut link = config.public_url.join("/welcome")?;
        link.query_pairs_mut().append_pair("token", &token);
        link
    } else {
        config.public_url.join("/sign-in")?
    };
    audit::record(
        &mut tx,
        org,
        &Event {
            actor_user: None,
            actor: "operator",
            action: "organisation.created",
            subject: Some(format!("first admin {}", user.email)),
            client: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(link)
}

/// The demo's sign-in names and password, to print.
#[derive(Debug)]
pub struct DemoLogins {
    pub emails: Vec<(&'static str, &'static str)>,
    pub password: String,
}

impl std::fmt::Display for DemoLogins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "Demo logins (password: {}):", self.password)?;
        for (email, what) in &self.emails {
            writeln!(f, "  {email:<28} {what}")?;
        }
        Ok(())
    }
}

const DEMO_ORG: &str = "Northwind Demo";
const SECOND_DEMO_ORG: &str = "Harbour Health Demo";

/// Everyone in the demo: email, name, roles in Northwind, roles in Harbour.
const DEMO_PEOPLE: &[(&str, &str, Roles, Option<Roles>, &str)] = &[
    (
        "admin@northwind.example",
        "Alex Admin",
        Roles {
            is_admin: true,
            is_coach: false,
            is_coachee: false,
        },
        None,
        "programme admin (L&D)",
    ),
    (
        "coach1@northwind.example",
        "Casey Coach",
        Roles {
            is_admin: false,
            is_coach: true,
            is_coachee: false,
        },
        Some(Roles {
            is_admin: false,
            is_coach: true,
            is_coachee: false,
        }),
        "coach, also in Harbour Health Demo",
    ),
    (
        "coach2@northwind.example",
        "Morgan Mentor",
        Roles {
            is_admin: false,
            is_coach: true,
            is_coachee: false,
        },
        None,
        "coach",
    ),
    (
        "coachee1@northwind.example",
        "Robin Rivera",
        Roles {
            is_admin: false,
            is_coach: false,
            is_coachee: true,
        },
        None,
        "coachee",
    ),
    (
        "coachee2@northwind.example",
        "Sam Patel",
        Roles {
            is_admin: false,
            is_coach: false,
            is_coachee: true,
        },
        None,
        "coachee",
    ),
    (
        "coachee3@northwind.example",
        "Jordan Lee",
        Roles {
            is_admin: false,
            is_coach: false,
            is_coachee: true,
        },
        None,
        "coachee",
    ),
    (
        "coachee4@northwind.example",
        "Taylor Brooks",
        Roles {
            is_admin: false,
            is_coach: false,
            is_coachee: true,
        },
        None,
        "coachee",
    ),
    (
        "admin@harbour.example",
        "Hana Harbour",
        Roles {
            is_admin: false,
            is_coach: false,
            is_coachee: false,
        },
        Some(Roles {
            is_admin: true,
            is_coach: false,
            is_coachee: false,
        }),
        "admin of Harbour Health Demo",
    ),
];

/// The demo password: `TRIAD_DEMO_PASSWORD`, else the one generated on first
/// seeding and kept in the data directory.
fn demo_password(config: &Config) -> anyhow::Result<String> {
    if let Some(password) = &config.demo_password {
        return Ok(password.clone());
    }
    let path = config.data_dir.join("demo_password");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(existing.trim().to_owned());
    }
    let mut raw = [0u8; 9];
    rand::rng().fill_bytes(&mut raw);
    let generated = format!("demo-{}", hex::encode(raw));
    std::fs::create_dir_all(&config.data_dir)?;
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        file.write_all(generated.as_bytes())?;
    }
    Ok(generated)
}

/// Whether the demo organisation exists already.
pub async fn demo_exists(conn: &mut PgConnection) -> sqlx::Result<bool> {
    // Looked up through the users table, which row-level security leaves open.
    sqlx::query_scalar(
        "select exists (select 1 from users where lower(email) = 'admin@northwind.example')",
    )
    .fetch_one(conn)
    .await
}

/// `triad seed-demo`: the demo organisations and people. Does nothing but
/// report the logins when they exist already.
pub async fn seed_demo(owner: &PgConnectOptions, config: &Config) -> anyhow::Result<DemoLogins> {
    let password = demo_password(config)?;
    if let Some(problem) = password::problem_with(&password, &[]) {
        anyhow::bail!("TRIAD_DEMO_PASSWORD: {problem}");
    }
    let logins = DemoLogins {
        emails: DEMO_PEOPLE
            .iter()
            .map(|(email, _, _, _, what)| (*email, *what))
            .collect(),
        password: password.clone(),
    };
    let mut conn = PgConnection::connect_with(owner).await?;
    if demo_exists(&mut conn).await? {
        return Ok(logins);
    }
    let hash = password::hash(password).await?;
    let mut tx = conn.begin().await?;
    let mut users = Vec::new();
    for (email, name, _, _, _) in DEMO_PEOPLE {
        let user = people::find_or_create_user(&mut tx, email, name).await?;
        people::set_password(&mut tx, user.id, &hash, false).await?;
        users.push(user.id);
    }
    for (org_name, second) in [(DEMO_ORG, false), (SECOND_DEMO_ORG, true)] {
        let org = insert_org(&mut tx, org_name).await?;
        for ((_, _, roles, second_roles, _), user) in DEMO_PEOPLE.iter().zip(&users) {
            let roles = if second {
                second_roles.unwrap_or_default()
            } else {
                *roles
            };
            if roles.any() {
                people::add_member(&mut tx, org, *user, roles, None).await?;
            }
        }
        audit::record(
            &mut tx,
            org,
            &Event {
                actor_user: None,
                actor: "operator",
                action: "organisation.created",
                subject: Some("demo data".into()),
                client: None,
            },
        )
        .await?;
        if !second {
            seed_demo_programme(&mut tx, org, &users, config).await?;
        } else {
            invite_second_coach(&mut tx, org, &users).await?;
        }
    }
    tx.commit().await?;
    Ok(logins)
}

/// Harbour's admin has invited Northwind's second coach, who already has an
/// account: the invitation waits for them to accept from their own sign-in,
/// under the name Harbour typed.
async fn invite_second_coach(
    conn: &mut PgConnection,
    org: TenantId,
    users: &[Uuid],
) -> anyhow::Result<()> {
    let index = |email: &str| DEMO_PEOPLE.iter().position(|p| p.0 == email);
    let (Some(coach), Some(admin)) = (
        index("coach2@northwind.example"),
        index("admin@harbour.example"),
    ) else {
        return Ok(());
    };
    let invitation = crate::db::invitations::PendingInvitation {
        user_id: users[coach],
        name: "Morgan M.".into(),
        email: "coach2@northwind.example".into(),
        roles: Roles {
            is_admin: false,
            is_coach: true,
            is_coachee: false,
        },
        created_at: chrono::Utc::now(),
    };
    crate::db::invitations::invite_existing(conn, org, &invitation, users[admin]).await?;
    Ok(())
}

/// Northwind's programme and catalogue, so the admin pages have something to show.
async fn seed_demo_programme(
    conn: &mut PgConnection,
    org: TenantId,
    users: &[Uuid],
    config: &Config,
) -> anyhow::Result<()> {
    use crate::db::engagements::{self, EngagementFields, Status};
    use crate::db::programs::{self, ActivityFields, ActivityKind, Cadence, ProgramFields};
    let today = chrono::Utc::now().date_naive();
    let starts_on = today - chrono::Duration::days(60);
    let ends_on = today + chrono::Duration::days(300);
    let programme = programs::create_program(
        conn,
        org,
        &ProgramFields {
            name: "Leading Teams".into(),
            description: "Coaching for people leading a team for the first time: feedback, delegation and the conversations that come with the role.".into(),
            starts_on,
            ends_on,
            cadence: Cadence::Monthly,
            sessions_included: 8,
            reporting_threshold: 5,
        },
    )
    .await?;
    let mut skills = Vec::new();
    for name in [
        "Giving feedback",
        "Delegation",
        "Managing conflict",
        "Strategic thinking",
        "Coaching others",
    ] {
        skills.push(programs::add_skill(conn, org, name).await?);
    }
    let activities = [
        (
            "Feedback that lands: a two-hour workshop",
            ActivityKind::Course,
            Some("https://learning.example/feedback"),
            0,
        ),
        (
            "Write down three decisions to hand over this month",
            ActivityKind::Practice,
            None,
            1,
        ),
        (
            "Article: separating positions from interests",
            ActivityKind::Reading,
            Some("https://learning.example/interests"),
            2,
        ),
        (
            "Quarterly priorities one-pager for your team",
            ActivityKind::Practice,
            None,
            3,
        ),
    ];
    // Indexes into DEMO_PEOPLE: coach1 = 1, coach2 = 2, coachee1..4 = 3..6.
    let pairs = [
        (3, 1, "Priya Shah", "priya.shah@northwind.example", "Sales"),
        (
            4,
            1,
            "Owen Clarke",
            "owen.clarke@northwind.example",
            "Engineering",
        ),
        (5, 2, "Priya Shah", "priya.shah@northwind.example", "Sales"),
        (
            6,
            2,
            "Lena Fischer",
            "lena.fischer@northwind.example",
            "Operations",
        ),
    ];
    let mut first_engagement = None;
    let mut all_engagements = Vec::new();
    for (coachee, coach, manager_name, manager_email, department) in pairs {
        let engagement = engagements::create(
            conn,
            org,
            programme,
            &EngagementFields {
                coachee_id: users[coachee],
                coach_id: users[coach],
                starts_on,
                ends_on,
                status: Status::Active,
                manager_name: manager_name.into(),
                manager_email: manager_email.into(),
                department: department.into(),
            },
        )
        .await?;
        first_engagement.get_or_insert((engagement, users[coach]));
        all_engagements.push((engagement, users[coachee]));
    }
    let mut activity_ids = Vec::new();
    for (title, kind, url, skill) in activities {
        let id = programs::create_activity(
            conn,
            org,
            &ActivityFields {
                title: title.into(),
                kind,
                url: url.map(Into::into),
                skill_id: skills[skill],
            },
        )
        .await?;
        activity_ids.push(id);
    }
    if let Some((engagement, coach)) = first_engagement {
        seed_demo_coaching(conn, org, engagement, coach, &skills, &activity_ids).await?;
    }
    programs::set_alignment_rules(
        conn,
        org,
        programme,
        &programs::AlignmentRules {
            enabled: true,
            ..programs::AlignmentRules::default()
        },
    )
    .await?;
    seed_demo_alignment(conn, org, config, &all_engagements).await?;
    let coaches = [users[1], users[2]];
    seed_demo_cohort(
        conn,
        org,
        programme,
        coaches,
        starts_on,
        &skills,
        &activity_ids,
    )
    .await?;
    Ok(())
}

/// The rest of the Leading Teams cohort, so the programme report has groups
/// large enough to show: twelve more coachees (without logins) across three
/// departments, with months of coaching sessions, goals, activities and a few
/// alignment meetings — and two engagements gone quiet.
async fn seed_demo_cohort(
    conn: &mut PgConnection,
    org: TenantId,
    programme: Uuid,
    coaches: [Uuid; 2],
    starts_on: chrono::NaiveDate,
    skills: &[Option<Uuid>],
    activities: &[Uuid],
) -> anyhow::Result<()> {
    use crate::db::coaching::{self, Documentation, SessionStatus};
    use crate::db::engagements::{self, EngagementFields, Status};
    use crate::db::goals::{self, GoalFields, GoalStatus};
    const COHORT: [(&str, &str); 12] = [
        ("Alex Morgan", "Sales"),
        ("Bea Novak", "Sales"),
        ("Chen Wei", "Sales"),
        ("Dara Quinn", "Sales"),
        ("Eli Santos", "Engineering"),
        ("Fay Oduya", "Engineering"),
        ("Gus Lindqvist", "Engineering"),
        ("Hana Ito", "Engineering"),
        ("Ivo Petrov", "Engineering"),
        ("Jun Park", "Operations"),
        ("Kim Larsen", "Operations"),
        ("Lou Martin", "Operations"),
    ];
    let now = chrono::Utc::now();
    let ends_on = starts_on + chrono::Duration::days(360);
    for (i, (name, department)) in COHORT.iter().enumerate() {
        let email = format!(
            "{}@northwind.example",
            name.to_lowercase().replace(' ', ".")
        );
        let user = people::find_or_create_user(conn, &email, name).await?;
        people::add_member(
            conn,
            org,
            user.id,
            Roles {
                is_admin: false,
                is_coach: false,
                is_coachee: true,
            },
            None,
        )
        .await?;
        let quiet = i % 6 == 5;
        let engagement = engagements::create(
            conn,
            org,
            programme,
            &EngagementFields {
                coachee_id: user.id,
                coach_id: coaches[i % 2],
                starts_on,
                ends_on,
                status: if i == 11 {
                    Status::Paused
                } else {
                    Status::Active
                },
                manager_name: "Priya Shah".into(),
                manager_email: "priya.shah@northwind.example".into(),
                department: (*department).into(),
            },
        )
        .await?;
        // Sessions every few weeks since the start; quiet ones stopped early.
        let sessions = if quiet { 1 } else { 2 + i % 3 };
        for n in 0..sessions {
            let days_ago = 55 - (n as i64) * 14 + (i as i64 % 4);
            let at = now - chrono::Duration::days(days_ago.max(3));
            let session = coaching::schedule(conn, org, engagement, at, 60, coaches[i % 2]).await?;
            let status = if (i + n) % 7 == 3 {
                SessionStatus::Cancelled
            } else {
                SessionStatus::Completed
            };
            coaching::document(
                conn,
                org,
                session,
                &Documentation {
                    status,
                    focus_skill_id: skills[(i + n) % skills.len()],
                    focus_area: String::new(),
                    key_points: "Notes the programme team never sees".into(),
                    agreed_actions: "One step before next time".into(),
                },
            )
            .await?;
            if status == SessionStatus::Completed && (i + n) % 3 == 0 {
                let activity = activities[(i + n) % activities.len()];
                coaching::set_assignments(conn, org, engagement, session, &[activity]).await?;
                if n == 0 {
                    coaching::set_assignment_done(conn, org, engagement, session, activity, true)
                        .await?;
                }
            }
        }
        let goal = goals::create(
            conn,
            org,
            engagement,
            &GoalFields {
                title: "A development goal of their own".into(),
                description: String::new(),
                skill_id: skills[i % skills.len()],
                status: match i % 4 {
                    0 => GoalStatus::Achieved,
                    3 => GoalStatus::Draft,
                    _ => GoalStatus::Active,
                },
                progress: (i as i32 * 8) % 100,
            },
        )
        .await?;
        goals::set_shared(conn, org, goal, i % 2 == 0).await?;
    }
    Ok(())
}

/// Alignment meetings at three stages: Robin is ready to plan one; Sam has
/// invited Owen Clarke, whose invitation waits in the mailbox with a working
/// link; Jordan's was held, with the manager's answers and a debrief.
async fn seed_demo_alignment(
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
        meetings::add_candidate(conn, org, meeting, at_ten(days), "coachee", "").await?;
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
    .invite_manager(conn, &record, &invite, &candidates)
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
        "Priya Shah",
        "priya.shah@northwind.example",
        &link,
        "Europe/London",
        at_ten(-21) + chrono::Duration::days(7),
    )
    .await?;
    meetings::mark_opened(conn, org, invite_id).await?;
    meetings::set_rsvp(conn, org, invite_id, "accepted", "").await?;
    meetings::save_answers(
        conn,
        org,
        invite_id,
        "Calm under pressure; the team trusts Jordan's judgement.",
        "Saying no to requests that do not fit the quarter's priorities.",
        "A monthly half hour to look at priorities together.",
    )
    .await?;
    meetings::set_outcome(conn, org, meeting, true).await?;
    meetings::save_debrief(
        conn,
        org,
        meeting,
        &Debrief {
            how_it_went: "Open and friendly; Priya recognised both goals at once.".into(),
            stood_out: "Priya offered a monthly priorities check-in without being asked.".into(),
            coaching_changes: "Next sessions focus on saying no with reasons.".into(),
        },
    )
    .await?;
    Ok(())
}

/// Robin's coaching so far: two documented sessions, one coming up, goals.
async fn seed_demo_coaching(
    conn: &mut PgConnection,
    org: TenantId,
    engagement: Uuid,
    coach: Uuid,
    skills: &[Option<Uuid>],
    activities: &[Uuid],
) -> anyhow::Result<()> {
    use crate::db::coaching::{self, Documentation, SessionStatus};
    use crate::db::goals::{self, GoalFields, GoalStatus};
    let now = chrono::Utc::now();
    let sessions = [
        (
            -42,
            Some(Documentation {
                status: SessionStatus::Completed,
                focus_skill_id: skills[0],
                focus_area: String::new(),
                key_points: "Feedback tends to come late, bundled at review time\nWants to be direct without sounding harsh".into(),
                agreed_actions: "Give one piece of feedback within a day of noticing it\nWrite the first sentence before the conversation".into(),
            }),
            Some(activities[0]),
        ),
        (
            -14,
            Some(Documentation {
                status: SessionStatus::Completed,
                focus_skill_id: skills[1],
                focus_area: String::new(),
                key_points: "Holds on to the weekly report out of habit\nTeam has someone ready to take it".into(),
                agreed_actions: "Hand the weekly report to Sam with a short checklist".into(),
            }),
            Some(activities[1]),
        ),
        (9, None, None),
    ];
    for (days, documentation, activity) in sessions {
        let starts_at = now + chrono::Duration::days(days);
        let session = coaching::schedule(conn, org, engagement, starts_at, 60, coach).await?;
        if let Some(documentation) = documentation {
            coaching::document(conn, org, session, &documentation).await?;
        }
        if let Some(activity) = activity {
            coaching::set_assignments(conn, org, engagement, session, &[activity]).await?;
        }
    }
    let demo_goals = [
        (
            "Give timely, specific feedback to my team",
            GoalStatus::Active,
            40,
            skills[0],
            true,
        ),
        (
            "Delegate two recurring tasks by the end of the quarter",
            GoalStatus::Active,
            25,
            skills[1],
            true,
        ),
        (
            "Feel calmer in conflict with peers",
            GoalStatus::Draft,
            0,
            skills[2],
            false,
        ),
    ];
    for (title, status, progress, skill_id, shared) in demo_goals {
        let fields = GoalFields {
            title: title.into(),
            description: String::new(),
            skill_id,
            status,
            progress,
        };
        let goal = goals::create(conn, org, engagement, &fields).await?;
        goals::set_shared(conn, org, goal, shared).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn slugs_are_lower_case_words_joined_by_dashes() {
        assert_eq!(slug_of("Northwind Traders"), "northwind-traders");
        assert_eq!(slug_of("  ACME & Co. (EU) "), "acme-co-eu");
        assert_eq!(slug_of("Ærø Øst"), "r-st");
        assert_eq!(slug_of("!!!"), "organisation");
    }
}
