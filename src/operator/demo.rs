//! `triad seed-demo`: the two demo organisations, their people and logins.
//! Northwind's programme and its stories are in the files below; Harbour
//! only waits for a coach to accept its invitation.

use rand::RngCore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::auth::password;
use crate::config::Config;
use crate::db::TenantId;
use crate::db::people::{self, Roles};
use crate::operator::create_org::insert_org;

mod alignment;
mod coaching;
mod cohort;
mod journey;
mod programme;

use programme::seed_demo_programme;

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
    (
        "coachee5@northwind.example",
        "Noor Haddad",
        Roles {
            is_admin: false,
            is_coach: false,
            is_coachee: true,
        },
        None,
        "coachee in Growing Leaders: kickoff held before a coach, choosing from a shortlist",
    ),
    (
        "coachee6@northwind.example",
        "Felix Wagner",
        Roles {
            is_admin: false,
            is_coach: false,
            is_coachee: true,
        },
        None,
        "coachee in Growing Leaders: kickoff being arranged with a manager and a sponsor",
    ),
    (
        "coachee7@northwind.example",
        "Ines Duarte",
        Roles {
            is_admin: false,
            is_coach: false,
            is_coachee: true,
        },
        None,
        "coachee in Growing Leaders: the midpoint check-in is due",
    ),
    (
        "coachee8@northwind.example",
        "Omar Said",
        Roles {
            is_admin: false,
            is_coach: false,
            is_coachee: true,
        },
        None,
        "coachee in Growing Leaders: the closing review is due",
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
    sqlx::query_scalar!(
        r#"select exists (select 1 from users where lower(email) = 'admin@northwind.example')
               as "exists!""#,
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
