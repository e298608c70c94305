//! Alignment meetings, the heart of Triad: the coachee, their coach and their
//! manager meet to align on the coachee's development goals, while what is said
//! in coaching stays confidential.
//!
//! This module holds the domain's words and rules that need no database: the
//! kinds of meeting and their agendas (standard or rewritten, `agenda`), the
//! questions put to invitees (`questions`), the coach's facilitation guide, and
//! where a coachee stands (their readiness). `notify` and `announce` write the
//! emails. Queries are in `db::alignment`, pages in
//! `web::alignment` (coachee and coach) and `web::guest` (the manager).

pub mod agenda;
pub mod announce;
mod guide;
mod kind;
pub mod link;
pub mod matching;
pub mod notify;
mod preparation;
pub mod questions;
mod readiness;
pub mod replies;
mod status;

pub use guide::{GUIDE, GuideStep, HARD_MOMENTS, first_name, strengths_questions};
pub use kind::{AgendaItem, Kind};
pub use preparation::{CoachRole, Speaker};
pub use readiness::{EngagementAlignment, Readiness};
pub use status::Status;
