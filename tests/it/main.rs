//! Black-box tests: the real application on a random port, a fresh migrated
//! database per test, driven over HTTP (and, for journeys, through Chromium).

mod support;

mod abuse;
mod accounts;
mod admin_privacy;
mod alignment;
mod attempts;
mod authorization;
mod browser;
mod caching;
mod cluster;
mod coaching;
mod demo_journey;
mod disclosure;
mod embedded;
mod forms;
mod guest_visits;
mod invitations;
mod kept_forms;
mod key_rotation;
mod load;
mod mail;
mod mailbox;
mod manager_preview;
mod organisations;
mod pages;
mod programmes;
mod progress;
mod reporting;
mod shape;
mod tenancy;
mod typed_names;
