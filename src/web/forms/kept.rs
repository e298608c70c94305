//! A form kept across a sign-in: what someone typed when their login session
//! had ended, offered back once they sign in again.
//!
//! It belongs to the person who typed it — the person the form was rendered
//! for, as its signed stamp says — and to no one else: it is carried into a
//! new login session only when that same person signs in, within
//! [`KEEP_FOR_MINUTES`]; otherwise it is dropped with the old session. Forms
//! whose stamp names no one are not kept at all.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

const KEPT_FORM: &str = "kept_form";

/// How long a kept form waits for its owner: long enough to find a password,
/// short enough that a shared computer does not hold it for the next person.
pub const KEEP_FOR_MINUTES: i64 = 15;

/// What someone typed into a form when their session ran out.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeptForm {
    pub path: String,
    pub fields: Vec<(String, String)>,
    /// The person who typed it.
    pub owner: Uuid,
    /// The organisation the form was rendered in, if any.
    pub org: Option<Uuid>,
    /// When it was kept (Unix seconds).
    pub kept_at: i64,
}

impl KeptForm {
    /// `fields` as sent, without the form's tokens.
    pub fn new(path: String, fields: &[(String, String)], owner: Uuid, org: Option<Uuid>) -> Self {
        let fields = fields
            .iter()
            .filter(|(name, _)| {
                name != crate::web::forms::fields::CSRF && name != crate::web::forms::fields::ONCE
            })
            .cloned()
            .collect();
        KeptForm {
            path,
            fields,
            owner,
            org,
            kept_at: Utc::now().timestamp(),
        }
    }

    /// Whether `user` may see it now.
    pub fn is_for(&self, user: Uuid) -> bool {
        let age = Utc::now().timestamp() - self.kept_at;
        self.owner == user && (0..=KEEP_FOR_MINUTES * 60).contains(&age)
    }
}

/// Keeps `form` in `session`, replacing any other.
pub async fn keep(session: &Session, form: KeptForm) {
    if let Err(err) = session.insert(KEPT_FORM, form).await {
        tracing::warn!(error = %err, "cannot keep a form for after sign-in");
    }
}

/// The kept form, whoever it belongs to (for carrying it across a sign-in).
pub(crate) async fn any(session: &Session) -> Option<KeptForm> {
    session.get(KEPT_FORM).await.ok().flatten()
}

/// The form kept for `user`, left in place. One that is someone else's or
/// too old is dropped on the spot.
pub async fn peek(session: &Session, user: Uuid) -> Option<KeptForm> {
    let kept = any(session).await?;
    if kept.is_for(user) {
        Some(kept)
    } else {
        drop_kept(session).await;
        None
    }
}

/// The form kept for `user`, taken once.
pub async fn take(session: &Session, user: Uuid) -> Option<KeptForm> {
    let kept = peek(session, user).await?;
    drop_kept(session).await;
    Some(kept)
}

/// Forgets the kept form.
pub async fn drop_kept(session: &Session) {
    session.remove_value(KEPT_FORM).await.ok();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_form_is_for_its_owner_only_and_only_for_a_while() {
        let (owner, other) = (Uuid::new_v4(), Uuid::new_v4());
        let fields = vec![
            ("_csrf".to_owned(), "token".to_owned()),
            ("notes".to_owned(), "typed".to_owned()),
        ];
        let mut form = KeptForm::new("/sessions/x/notes".into(), &fields, owner, None);
        assert_eq!(form.fields, [("notes".to_owned(), "typed".to_owned())]);
        assert!(form.is_for(owner));
        assert!(!form.is_for(other));
        form.kept_at -= KEEP_FOR_MINUTES * 60 + 1;
        assert!(!form.is_for(owner), "too old");
    }
}
