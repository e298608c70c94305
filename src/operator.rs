//! What the operator does from the shell: create an organisation with its first
//! admin, and seed the demo organisations a newcomer walks through.
//!
//! These run as the database owner, outside any login session, and still set
//! the organisation scope that row-level security asks for.

mod create_org;
mod demo;

pub use create_org::{create_org, slug_of};
pub use demo::{DemoLogins, demo_exists, seed_demo};
