//! What every page's frame needs: its title, the flash messages, asset links,
//! the CSRF token for its forms, and — for a signed-in person — the navigation
//! their roles open. Page structs carry a `layout` field that
//! `templates/base.html` reads.

use tower_sessions::Session;

use crate::db::people::Roles;
use crate::web::assets::files as assets;
use crate::web::flash::{Flash, Flashes};
use crate::web::forms::token;
use crate::web::session::who::{Member, SignedIn};

#[derive(Clone, Debug)]
pub struct Layout {
    pub title: String,
    pub flashes: Vec<Flash>,
    /// For the hidden `_csrf` field of every form on the page; empty on pages
    /// with no form.
    pub csrf: String,
    /// The page's one-time form key (see `auth::once`): a form sent twice has one result.
    pub once: String,
    pub nav: Option<Nav>,
}

/// The header of a signed-in person.
#[derive(Clone, Debug)]
pub struct Nav {
    pub user_name: String,
    pub org_name: Option<String>,
    pub roles: Roles,
}

impl Layout {
    pub fn new(title: impl Into<String>) -> Self {
        Layout {
            title: title.into(),
            flashes: Vec::new(),
            csrf: String::new(),
            once: uuid::Uuid::new_v4().to_string(),
            nav: None,
        }
    }

    pub fn with_flashes(mut self, flashes: Flashes) -> Self {
        self.flashes = flashes.0;
        self
    }

    /// A page with a form, for someone not signed in (sign-in, set password).
    pub async fn for_visitor(
        title: impl Into<String>,
        session: &Session,
        flashes: Flashes,
    ) -> Self {
        let mut layout = Layout::new(title).with_flashes(flashes);
        layout.csrf = token::token(session).await;
        layout
    }

    /// A page for someone signed in who has not chosen an organisation.
    pub async fn for_user(
        title: impl Into<String>,
        signed_in: &SignedIn,
        flashes: Flashes,
    ) -> Self {
        let mut layout = Layout::for_visitor(title, &signed_in.session, flashes).await;
        layout.nav = Some(Nav {
            user_name: signed_in.user.name.clone(),
            org_name: None,
            roles: Roles::default(),
        });
        layout
    }

    /// A page inside an organisation.
    pub async fn for_member(title: impl Into<String>, member: &Member, flashes: Flashes) -> Self {
        let mut layout = Layout::for_visitor(title, &member.session, flashes).await;
        layout.nav = Some(Nav {
            user_name: member.user.name.clone(),
            org_name: Some(member.org_name.clone()),
            roles: member.roles,
        });
        layout
    }

    pub fn stylesheet(&self) -> &'static str {
        assets::url("triad.css")
    }

    pub fn icon(&self) -> &'static str {
        assets::url("favicon.svg")
    }
}
