//! The hidden fields every form carries, and the fields of a sent form as the
//! CSRF layer read them — the names the form guards share, below all of them.

/// The field that carries the session's token and the form's stamp.
pub const CSRF: &str = "_csrf";
/// The field that carries the form's one-time key.
pub const ONCE: &str = "_once";

/// The fields of a submitted form, put in the request's extensions by the CSRF
/// layer (which reads every form body anyway).
#[derive(Clone, Debug)]
pub struct FormFields(pub Vec<(String, String)>);

/// Forms are small; nothing in Triad takes uploads.
pub const BODY_LIMIT_BYTES: usize = 256 * 1024;
