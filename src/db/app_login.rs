//! How Triad logs in as [`APP_ROLE`]: with a password derived from the secret
//! key, which the database owner gives the role when logging in fails.
//!
//! During a key rotation (`TRIAD_PREVIOUS_SECRET_KEY` set) instances on the
//! old key and instances on the new one share the role, which has one
//! password. So an instance that knows both keys tries the new key's password
//! first and then the old one's, and changes the role's password only when
//! neither works: instances still on the old key keep logging in. The first
//! instance started without the previous key moves the password to the new
//! key's; instances that still know both follow within seconds (see
//! [`AppLogin::follow`]).

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio::sync::watch;

use crate::config::SecretKey;

/// The role every application connection works as (see the first migration).
pub const APP_ROLE: &str = "triad_app";

/// Where the application's own connections go: the owner's server and database,
/// logged in as [`APP_ROLE`] with a password derived from the secret key. Logging
/// in as that role (rather than switching to it) leaves nothing to switch back to.
///
/// Its sessions plan each prepared statement once and reuse the plan
/// (`plan_cache_mode = force_generic_plan`). sqlx prepares every query once per
/// connection; left to choose, PostgreSQL re-plans a statement on every
/// execution while it judges a fresh plan cheaper, and for a page's queries —
/// several joins under row-level security — planning took longer than running.
/// The queries are written so that their one plan is the right one for any
/// organisation (keys first, sets joined rather than `= any(…)`); the
/// programme report, whose ranges vary widely, asks for fresh plans itself.
pub fn app_connect_options(owner: &PgConnectOptions, secret: &SecretKey) -> PgConnectOptions {
    owner
        .clone()
        .username(APP_ROLE)
        .password(&app_role_password(secret))
        .options([("plan_cache_mode", "force_generic_plan")])
}

fn app_role_password(secret: &SecretKey) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(b"triad database role password v1");
    hex::encode(mac.finalize().into_bytes())
}

/// Makes sure [`APP_ROLE`] can log in with the password derived from `secret`.
/// Only when logging in fails does it (re)set the password, as the owner — so
/// the statement carrying it runs on first start and after a key change only.
///
/// Every Triad process sharing a PostgreSQL server must share the secret key
/// (or, during a rotation, know the one the others use), as they must anyway
/// for signed links to work across them.
pub async fn ensure_app_login(owner: &PgConnectOptions, secret: &SecretKey) -> anyhow::Result<()> {
    AppLogin::new(owner, secret, None).ensure(owner).await
}

/// The ways this process may log in as [`APP_ROLE`]: the current key's
/// password, then during a rotation the previous key's.
#[derive(Clone, Debug)]
pub struct AppLogin {
    current: PgConnectOptions,
    current_password: String,
    previous: Option<PgConnectOptions>,
}

/// Which key's password a way in uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Current,
    Previous,
}

/// How often an instance that knows two keys checks that its pool still
/// logs in: one login, only while a rotation is under way.
const FOLLOW_EVERY: Duration = Duration::from_secs(10);

impl AppLogin {
    pub fn new(
        owner: &PgConnectOptions,
        secret: &SecretKey,
        previous: Option<&SecretKey>,
    ) -> AppLogin {
        AppLogin {
            current: app_connect_options(owner, secret),
            current_password: app_role_password(secret),
            previous: previous.map(|previous| app_connect_options(owner, previous)),
        }
    }

    /// Whether a rotation is under way: the role may have either password.
    fn is_rotating(&self) -> bool {
        self.previous.is_some()
    }

    /// The first way in that the server accepts, if any.
    async fn accepted(&self) -> Option<(Key, PgConnectOptions)> {
        let ways = std::iter::once((Key::Current, &self.current))
            .chain(self.previous.iter().map(|options| (Key::Previous, options)));
        for (key, options) in ways {
            if logs_in(options).await.is_ok() {
                return Some((key, options.clone()));
            }
        }
        None
    }

    /// What to start a pool with: the current key's password, or during a
    /// rotation whichever the role has now.
    pub async fn pool_options(&self) -> PgConnectOptions {
        if !self.is_rotating() {
            return self.current.clone();
        }
        match self.accepted().await {
            Some((_, accepted)) => accepted,
            None => self.current.clone(),
        }
    }

    /// Makes sure the role can log in one of this process's ways; when none
    /// works, gives it the current key's password, as the owner.
    pub async fn ensure(&self, owner: &PgConnectOptions) -> anyhow::Result<()> {
        if let Some((key, _)) = self.accepted().await {
            if key == Key::Previous {
                tracing::info!(
                    "the application role still has the previous secret key's password; an \
                     instance started without TRIAD_PREVIOUS_SECRET_KEY moves it to the new key's"
                );
            }
            return Ok(());
        }
        let mut conn = PgConnection::connect_with(owner)
            .await
            .context("cannot connect to PostgreSQL to set up the application role")?;
        // Dynamic SQL: utility statements take no bind parameters; a hex
        // string needs no escaping.
        let password = &self.current_password;
        conn.execute(format!("alter role {APP_ROLE} with login password '{password}'").as_str())
            .await
            .context("cannot give the application role its login")?;
        conn.close().await.ok();
        logs_in(&self.current)
            .await
            .context("cannot log in as the application role (does pg_hba.conf allow it?)")
    }

    /// During a rotation, keeps `pool` logging in with the password the role
    /// has now: when its way in is refused, it switches to one that is not.
    /// Connections already open are unaffected either way. Ends with `stopping`.
    pub async fn follow(self, pool: PgPool, mut stopping: watch::Receiver<bool>) {
        if !self.is_rotating() {
            return;
        }
        let mut every = tokio::time::interval(FOLLOW_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                _ = stopping.wait_for(|stop| *stop) => return,
            }
            let in_use = (*pool.connect_options()).clone();
            match logs_in(&in_use).await {
                Err(err) if is_refused(&err) => {}
                // Logged in, or the server is away: nothing to follow.
                _ => continue,
            }
            if let Some((key, accepted)) = self.accepted().await {
                let key = match key {
                    Key::Current => "current",
                    Key::Previous => "previous",
                };
                tracing::info!(
                    key,
                    "the application role's password changed; logging in with the {key} key's"
                );
                pool.set_connect_options(accepted);
            }
        }
    }
}

async fn logs_in(options: &PgConnectOptions) -> sqlx::Result<()> {
    let conn = PgConnection::connect_with(options).await?;
    conn.close().await.ok();
    Ok(())
}

/// The server refused the login (class 28: wrong password, no such login).
fn is_refused(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(err) if err.code().is_some_and(|code| code.starts_with("28")))
}
