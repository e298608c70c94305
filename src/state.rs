//! What every request handler and background task can reach: the pool, the
//! configuration, the keys, and the few shared caches. It sits below the web
//! layer and above the domain, database and mail code, so anything under the
//! router may import it and it imports nothing from the router.

use std::sync::Arc;

use sqlx::PgPool;

use crate::alignment::link::GuestKeys;
use crate::config::Config;
use crate::embedded_pg::supervise::ClusterWatch;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    /// Signs and checks managers' guest links.
    pub guest_keys: Arc<GuestKeys>,
    /// Signs the stamp that binds each form to its person and organisation.
    pub stamp_key: Arc<crate::auth::stamp::StampKey>,
    /// Signs the cookie of a browser its person has signed in on before.
    pub device_key: Arc<crate::auth::device::DeviceKey>,
    /// Work requests left for after their answers.
    pub after_answer: Arc<crate::after_answer::AfterAnswer>,
    /// Wrong guest links per client address.
    pub link_guesses: Arc<crate::auth::throttle::LinkGuesses>,
    /// Programme reports counted in the last few minutes.
    pub reports: Arc<crate::reporting::cache::ReportCache>,
    /// The embedded cluster, when this process owns it and watches over it.
    pub cluster: Option<ClusterWatch>,
}
