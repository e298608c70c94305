//! The token and stamp a session's forms carry in their `_csrf` field (see
//! `csrf` for how a sent form is checked against them): made here, read by
//! the page layout and renewed whenever the session's person or organisation
//! changes.

use rand::RngCore;
use tower_sessions::Session;

use crate::auth::stamp::{self, StampKey};

const TOKEN: &str = "csrf_token";
/// The stamp of the session's person and organisation, `USER.ORG.MAC`.
const STAMP: &str = "form_stamp";

/// What forms put in their hidden `_csrf` field: this session's token (made
/// on first use), followed by the stamp of its person and organisation.
pub async fn token(session: &Session) -> String {
    let token = bare_token(session).await;
    match session.get::<String>(STAMP).await {
        Ok(Some(stamp)) => format!("{token}.{stamp}"),
        _ => token,
    }
}

/// The session's token as stored, without making one.
pub async fn stored(session: &Session) -> Result<Option<String>, tower_sessions::session::Error> {
    session.get::<String>(TOKEN).await
}

async fn bare_token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(TOKEN).await {
        return token;
    }
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = hex::encode(raw);
    if let Err(err) = session.insert(TOKEN, &token).await {
        tracing::warn!(error = %err, "cannot store a CSRF token");
    }
    token
}

/// Stamps the session's forms from now on with `user` and `org`; called
/// whenever either changes. Makes the session's token if it has none, so a
/// signed-in session always checks its forms.
pub async fn stamp_session(
    session: &Session,
    key: &StampKey,
    user: uuid::Uuid,
    org: Option<uuid::Uuid>,
) -> anyhow::Result<()> {
    let token = bare_token(session).await;
    session.insert(STAMP, key.stamp(&token, user, org)).await?;
    Ok(())
}

/// The stamp of a form that was sent, put in the request's extensions by
/// [`protect`]: its token matched the session's (when there is one), but the
/// rest is the sender's word until checked against the session or the key.
#[derive(Clone, Debug)]
pub struct FormStamp(pub stamp::Sent);

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
