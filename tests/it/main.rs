//! Black-box tests: the real application on a random port, a fresh migrated
//! database per test, driven over HTTP (and, for journeys, through Chromium).

mod support;

mod accounts;
mod authorization;
mod browser;
mod coaching;
mod embedded;
mod invitations;
mod mail;
mod pages;
mod programmes;
mod tenancy;
