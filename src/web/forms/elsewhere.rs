//! The page for a form drawn in one organisation and sent while the person
//! works in another (a second tab switched organisation): nothing is done in
//! the organisation they are in now. What they typed is kept in their own
//! login session, so switching back leads straight to it.

use askama::Template;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use tower_sessions::Session;
use uuid::Uuid;

use crate::db::{self, TenantId, people};
use crate::state::AppState;
use crate::web::flash::Flashes;
use crate::web::forms::fields::FormFields;
use crate::web::forms::kept::{self, KeptForm};
use crate::web::forms::token;
use crate::web::layout::{Layout, Nav};

#[derive(Template)]
#[template(path = "account/elsewhere.html")]
struct ElsewherePage {
    layout: Layout,
    /// The organisation the form was drawn in, if the person still belongs to it.
    drawn_in: Option<(Uuid, String)>,
    working_in: String,
}

/// Answers a form stamped for another organisation (or for none) than the
/// active one, `working_in`, with a 409 page that says so.
pub async fn refuse(
    parts: &Parts,
    state: &AppState,
    session: &Session,
    user: &people::User,
    working_in: (TenantId, &str),
    drawn_in: Option<Uuid>,
) -> Response {
    let (current, working_in) = working_in;
    if drawn_in.is_none() {
        // A session from before forms were stamped (or a page drawn before an
        // organisation was chosen): pages drawn from now on carry the stamp.
        if let Err(err) =
            token::stamp_session(session, &state.stamp_key, user.id, Some(current.0)).await
        {
            tracing::warn!(error = %err, "cannot stamp a login session");
        }
    }
    let mut drawn = None;
    if let Some(org) = drawn_in {
        let found = match db::begin_user(&state.pool, user.id).await {
            Ok(mut tx) => people::active_memberships(&mut tx, user.id).await,
            Err(err) => Err(err),
        };
        match found {
            Ok(orgs) => {
                drawn = orgs
                    .into_iter()
                    .find(|m| m.org_id == org)
                    .map(|m| (m.org_id, m.org_name));
            }
            Err(err) => tracing::warn!(error = %err, "cannot list a person's organisations"),
        }
    }
    if let (Some((org, _)), Some(FormFields(fields))) = (&drawn, parts.extensions.get()) {
        let form = KeptForm::new(parts.uri.path().to_owned(), fields, user.id, Some(*org));
        kept::keep(session, form).await;
    }
    let mut layout = Layout::for_visitor(
        "This form belongs to another organisation",
        session,
        Flashes::default(),
    )
    .await;
    layout.nav = Some(Nav {
        user_name: user.name.clone(),
        org_name: Some(working_in.to_owned()),
        roles: people::Roles::default(),
    });
    let page = ElsewherePage {
        layout,
        drawn_in: drawn,
        working_in: working_in.to_owned(),
    };
    match page.render() {
        Ok(html) => (StatusCode::CONFLICT, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "cannot draw the other-organisation page");
            StatusCode::CONFLICT.into_response()
        }
    }
}
