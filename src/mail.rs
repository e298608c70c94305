//! Email that is never lost.
//!
//! Nothing in Triad sends mail directly. A change that should tell someone adds
//! a row to the outbox ([`outbox::enqueue`]) in its own transaction, so a change
//! that rolls back sends nothing and one that commits is never forgotten. The
//! [`worker`] delivers queued rows through the [`transport`] — SMTP, or the local
//! mailbox folder when `SMTP_URL` is unset — retrying what can be retried.
//!
//! [`templates`] renders each email's subject, plain text and HTML; [`calendar`]
//! writes the `.ics` invitations that go with meetings; [`typed`] sets what
//! people typed inside them so that it cannot reorder the text around it.

pub mod calendar;
pub mod header;
pub mod kind;
pub mod outbox;
pub mod templates;
pub mod transport;
pub mod typed;
pub mod worker;

pub use kind::MailKind;
pub use outbox::{CalendarPart, OutgoingEmail, Recipient, enqueue};
