//! Alignment meetings, the heart of Triad: the coachee, their coach and their
//! manager meet to align on the coachee's development goals, while what is said
//! in coaching stays confidential.
//!
//! This module holds the domain's words and rules that need no database: the
//! kinds of meeting and their agendas, the coach's facilitation guide, and where
//! a coachee stands (their readiness). Queries are in `db::alignment`, pages in
//! `web::alignment` (coachee and coach) and `web::guest` (the manager).

mod guide;
mod kind;
pub mod link;
pub mod notify;
mod preparation;
mod readiness;
mod status;

pub use guide::{GUIDE, GuideStep, HARD_MOMENTS, first_name, strengths_questions};
pub use kind::{AgendaItem, Kind};
pub use preparation::{CoachRole, Speaker};
pub use readiness::{EngagementAlignment, Readiness};
pub use status::Status;
