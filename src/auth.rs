//! Who is asking: passwords, sign-in throttling, one-time links, login
//! sessions, CSRF protection, and the extractors that let a handler reach an
//! organisation's data only as a signed-in member with the right role.

pub mod csrf;
pub mod elsewhere;
pub mod kept;
pub mod once;
pub mod password;
pub mod session;
pub mod stamp;
pub mod throttle;
pub mod tokens;

pub use session::{Admin, Coach, Coachee, Member, MemberTx, SignedIn};
