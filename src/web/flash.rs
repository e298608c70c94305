//! Flash messages: a line of feedback carried across a redirect ("Programme
//! saved."), kept in the login session and shown once by the next page.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const KEY: &str = "flashes";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlashKind {
    Success,
    Info,
    Problem,
}

impl FlashKind {
    /// The CSS class and the word a screen reader hears first.
    pub fn class(&self) -> &'static str {
        match self {
            FlashKind::Success => "flash-success",
            FlashKind::Info => "flash-info",
            FlashKind::Problem => "flash-problem",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            FlashKind::Success => "Done",
            FlashKind::Info => "Note",
            FlashKind::Problem => "Problem",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

/// Queues a message for the next page this person sees.
pub async fn push(
    session: &Session,
    kind: FlashKind,
    message: impl Into<String>,
) -> anyhow::Result<()> {
    let mut queued: Vec<Flash> = session.get(KEY).await?.unwrap_or_default();
    queued.push(Flash {
        kind,
        message: message.into(),
    });
    session.insert(KEY, queued).await?;
    Ok(())
}

/// Queues a message for the next page of one thing only — one guest invite's
/// page, say, when a browser holds several — under `scope`.
pub async fn push_for(
    session: &Session,
    scope: &str,
    kind: FlashKind,
    message: impl Into<String>,
) -> anyhow::Result<()> {
    let key = format!("{KEY}:{scope}");
    let mut queued: Vec<Flash> = session.get(&key).await?.unwrap_or_default();
    queued.push(Flash {
        kind,
        message: message.into(),
    });
    session.insert(&key, queued).await?;
    Ok(())
}

/// The messages queued for `scope` by [`push_for`]; taking them clears them.
pub async fn take_for(session: &Session, scope: &str) -> Flashes {
    let key = format!("{KEY}:{scope}");
    match session.get::<Vec<Flash>>(&key).await {
        Ok(Some(waiting)) => {
            let _ = session.remove_value(&key).await;
            Flashes(waiting)
        }
        Ok(None) => Flashes::default(),
        Err(err) => {
            tracing::warn!(error = %err, "could not read flash messages");
            Flashes::default()
        }
    }
}

/// The messages waiting for this request; taking them clears them.
#[derive(Debug, Default)]
pub struct Flashes(pub Vec<Flash>);

impl<S: Send + Sync> FromRequestParts<S> for Flashes {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ok(session) = Session::from_request_parts(parts, state).await else {
            return Ok(Flashes::default());
        };
        // Read first: removing marks the session changed, and a changed session
        // is written back to the database — most pages have nothing to take.
        let waiting = match session.get::<Vec<Flash>>(KEY).await {
            Ok(Some(waiting)) => session.remove::<Vec<Flash>>(KEY).await.map(|_| waiting),
            other => other.map(Option::unwrap_or_default),
        };
        match waiting {
            Ok(flashes) => Ok(Flashes(flashes)),
            Err(err) => {
                // A page without its flash is better than no page at all.
                tracing::warn!(error = %err, "could not read flash messages");
                Ok(Flashes::default())
            }
        }
    }
}
