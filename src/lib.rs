//! Triad: the platform that workplace coaching programmes run on.
//!
//! A tour, from the outside in:
//!
//! - [`cli`] turns `triad <command>` into a call on one of the entry points below.
//! - [`config`] reads the environment into a [`config::Config`]; a bad value stops
//!   start-up with one line naming the variable.
//! - [`embedded_pg`] runs the private PostgreSQL cluster of the default run: the
//!   process that starts it owns it and keeps it running; other commands join it.
//! - [`db`] owns the connection pool, the migrations and the tenant-scoped
//!   transaction that every tenant query goes through.
//! - [`auth`] is who is asking: passwords, login sessions, CSRF, and the
//!   extractors ([`auth::Member`], [`auth::Admin`], …) that guard tenant data.
//! - [`startup`] builds the application state and router, runs the server and the
//!   background tasks, and shuts everything down in order.
//! - [`mail`] is the outbox, its delivery worker, email templates and calendar
//!   invitations; [`coaching_mail`] is a coaching session's invites,
//!   cancellations and reminders.
//! - [`web`] is the router: one module per area of the site, the layout shared by
//!   every page, static assets and the safety layers around every response.
//! - [`error`] turns failures into HTML error pages that show a request id and
//!   never internals.

pub mod after_answer;
pub mod alignment;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod coaching_mail;
pub mod config;
pub mod db;
pub mod embedded_pg;
pub mod format;
pub mod load;
pub mod mail;
pub mod matching;
pub mod operator;
pub mod reporting;
pub mod startup;
pub mod state;
pub mod telemetry;
#[cfg(test)]
mod testing;
pub mod web;
