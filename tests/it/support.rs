//! The test harness: the application on a random port against a database of
//! its own (`app`, `databases`), people visiting it without a browser
//! (`visitor`) or with one (`browser`), what tests seed behind its back
//! (`seed`), the mail it sends (`mail`, `smtp`), and every route the router
//! registers (`routes`) with a world of objects to point them at (`world`).

mod app;
pub mod binary;
pub mod browser;
mod databases;
mod mail;
pub mod queries;
mod routes;
mod seed;
pub mod smtp;
mod visitor;
mod world;

pub use app::TestApp;
pub use databases::remove_when_process_ends;
pub use mail::link_in_mail;
pub use routes::registered_routes;
pub use seed::{
    CoachingPair, PASSWORD, alignment_meeting, alignment_meeting_with_link, casey_coaches_robin,
    guest_keys, programme_and_engagement, roles,
};
pub use visitor::{Visitor, csrf_in, location, session_cookie};
pub use world::{Who, World, concrete, world};

use triad::config::Config;

pub fn test_config(data_dir: &std::path::Path) -> Config {
    let vars = [
        ("TRIAD_BIND", "127.0.0.1:0".to_string()),
        ("TRIAD_DATA_DIR", data_dir.display().to_string()),
        (
            "TRIAD_SECRET_KEY",
            "test-secret-key-that-is-long-enough-0123456789".to_string(),
        ),
    ];
    Config::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("a valid test configuration")
}

/// Polls `check` until it yields a value, or fails the test after `seconds`.
pub async fn eventually<T, F, Fut>(seconds: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
