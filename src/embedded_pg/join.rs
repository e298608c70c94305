//! Using a cluster that another Triad process owns: a command beside a
//! running server connects to that server's cluster and leaves it as it was.

use std::path::Path;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;

use super::lock::{AlreadyOwned, Owner};
use super::{Durability, EmbeddedPostgres, connect_options, create_database_within, socket_dir};

/// The cluster a command works on: one it started and owns, or one another
/// Triad process owns, which it must leave as it found it.
#[derive(Debug)]
pub enum Cluster {
    Owned(EmbeddedPostgres),
    Joined {
        /// Connection options for the database asked for, as its owner.
        options: Box<PgConnectOptions>,
        owner: Owner,
    },
}

/// How long a command waits for the cluster of another process to answer
/// (it may be creating or recovering it).
const JOIN_PATIENCE: Duration = Duration::from_secs(120);

impl EmbeddedPostgres {
    /// Starts and owns the cluster under `root` as [`start`](Self::start)
    /// does, unless another Triad process owns it: then connects to it as it
    /// runs, leaving it to its owner. Blocking.
    pub fn start_or_join(
        root: &Path,
        database: &str,
        durability: Durability,
    ) -> anyhow::Result<Cluster> {
        let deadline = std::time::Instant::now() + JOIN_PATIENCE;
        let mut waiting = false;
        loop {
            let owner = match Self::start(root, database, durability) {
                Ok(cluster) => return Ok(Cluster::Owned(cluster)),
                Err(err) => match err.downcast::<AlreadyOwned>() {
                    Ok(owned) => owned.owner,
                    Err(err) => return Err(err),
                },
            };
            // The owner may still be making or starting its cluster; if it
            // exits meanwhile, the next round takes the cluster over.
            let options = connect_options(&socket_dir(&root.canonicalize()?), database);
            match create_database_within(options.clone().database("postgres"), database, 2) {
                Ok(()) => {
                    return Ok(Cluster::Joined {
                        options: Box::new(options),
                        owner,
                    });
                }
                Err(err) if std::time::Instant::now() >= deadline => {
                    return Err(err.context(format!(
                        "the embedded PostgreSQL cluster of {} does not answer",
                        owner.who()
                    )));
                }
                Err(_) if !waiting => {
                    waiting = true;
                    tracing::info!(
                        owner = owner.pid,
                        "waiting for the embedded PostgreSQL cluster of another Triad process"
                    );
                }
                Err(_) => {}
            }
        }
    }
}
