//! What guards every form: the CSRF token and the stamp of who it was drawn
//! for ([`csrf`]), the one-time key that makes a form act once ([`once`]), a
//! form kept across a session's end for its own typist ([`kept`]), and the
//! refusal of one drawn in another organisation ([`elsewhere`]). And what every
//! form says when it is sent back: the problem with each field ([`problems`]).

pub mod csrf;
pub mod elsewhere;
pub mod fields;
pub mod kept;
pub mod once;
pub mod problems;
pub mod token;
