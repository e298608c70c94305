//! The login session and the extractors built on it.
//!
//! A handler that takes [`SignedIn`] runs only for a signed-in person; one that
//! takes [`Member`] also has their active organisation — the tenant of every
//! query it makes — and [`Admin`], [`Coach`] and [`Coachee`] add a role. The
//! organisation comes from the login session only, never from the URL.
//! Someone signed in but without the role gets a 404, as if the page were not
//! there.

pub mod who;

pub use who::{Member, SignedIn};

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;
use uuid::Uuid;

use crate::auth::stamp::StampKey;
use crate::db::people::{self, User};
use crate::db::{self, TenantId, TenantTx};
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::flash::{self, FlashKind};
use crate::web::forms::kept::{self, KeptForm};
use crate::web::forms::token::{self, FormStamp};

const USER: &str = "user_id";
const SIGNED_IN_AT: &str = "signed_in_at";
const EPOCH: &str = "session_epoch";
const ORG: &str = "org_id";

pub use crate::web::forms::fields::FormFields;

/// Starts a login session for `user` with a new session id, so an id known
/// before sign-in is worth nothing after it. A form kept from an ended session
/// comes along only if it is this person's own and recent; anything else the
/// old session held — someone else's typing included — is gone with it.
pub async fn begin(session: &Session, user: &User, state: &AppState) -> anyhow::Result<()> {
    let key = &*state.stamp_key;
    let kept = kept::any(session).await;
    session.cycle_id().await?;
    session.clear().await;
    // A session that held only a kept form was cut short (see `to_sign_in`);
    // a login session lives by the usual idle rule.
    session.set_expiry(Some(tower_sessions::Expiry::OnInactivity(
        tower_sessions::cookie::time::Duration::try_from(state.config.session_idle)?,
    )));
    session.insert(USER, user.id).await?;
    session.insert(EPOCH, user.session_epoch).await?;
    session.insert(SIGNED_IN_AT, Utc::now().timestamp()).await?;
    token::stamp_session(session, key, user.id, None).await?;
    if let Some(kept) = kept.filter(|kept| kept.is_for(user.id)) {
        kept::keep(session, kept).await;
    }
    Ok(())
}

/// Keeps this session going after a password change ended all the others.
pub async fn continue_in_epoch(session: &Session, epoch: i32) -> anyhow::Result<()> {
    session.cycle_id().await?;
    session.insert(EPOCH, epoch).await?;
    Ok(())
}

/// Makes `org` the active organisation, again with a new session id; forms
/// drawn from now on are stamped with it.
pub async fn choose_organisation(
    session: &Session,
    org: TenantId,
    key: &StampKey,
) -> anyhow::Result<()> {
    session.cycle_id().await?;
    session.insert(ORG, org.0).await?;
    if let Some(user) = session.get::<Uuid>(USER).await? {
        token::stamp_session(session, key, user, Some(org.0)).await?;
    }
    Ok(())
}

/// The active organisation, if one is chosen.
pub async fn organisation(session: &Session) -> Option<TenantId> {
    session.get::<Uuid>(ORG).await.ok().flatten().map(TenantId)
}

/// Ends the login session on the server, not just in the browser.
pub async fn end(session: &Session) -> anyhow::Result<()> {
    session.flush().await?;
    Ok(())
}

/// How often an active session's idle deadline moves on. A session is written
/// to the database only when it changes, so without this touch it would end
/// `idle` after sign-in however busy its owner; touching it on every request
/// would cost a write per page.
const TOUCH_EVERY_SECONDS: i64 = 60;
const TOUCHED_AT: &str = "touched_at";

/// Marks the session as in use, at most once a minute: the store then saves
/// it with a new idle deadline (and the browser gets a fresh cookie).
async fn touch(session: &Session) -> Result<(), AuthRejection> {
    let now = Utc::now().timestamp();
    let touched: Option<i64> = session.get(TOUCHED_AT).await.map_err(internal)?;
    if touched.is_none_or(|at| now - at >= TOUCH_EVERY_SECONDS || at > now) {
        session.insert(TOUCHED_AT, now).await.map_err(internal)?;
    }
    Ok(())
}

/// Why an extractor turned a request away.
#[derive(Debug)]
pub enum AuthRejection {
    /// Not signed in (or no longer): sign in, then come back to `next`.
    SignIn {
        next: String,
    },
    /// Signed in, but no organisation is active.
    ChooseOrganisation,
    /// A page of its own, already drawn (a form from another organisation).
    Page(Response),
    Error(AppError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::SignIn { next } => {
                let query: String = form_urlencoded::Serializer::new(String::new())
                    .append_pair("next", &next)
                    .finish();
                Redirect::to(&format!("/sign-in?{query}")).into_response()
            }
            AuthRejection::ChooseOrganisation => Redirect::to("/organisations").into_response(),
            AuthRejection::Page(response) => response,
            AuthRejection::Error(err) => err.into_response(),
        }
    }
}

impl From<AppError> for AuthRejection {
    fn from(err: AppError) -> Self {
        AuthRejection::Error(err)
    }
}

fn internal(err: impl Into<anyhow::Error>) -> AuthRejection {
    AuthRejection::Error(AppError::from(err.into()))
}

async fn session_of(parts: &mut Parts, state: &AppState) -> Result<Session, AuthRejection> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, message)| internal(anyhow::anyhow!("login session layer missing: {message}")))
}

/// Sends a signed-out visitor to sign in. If they were sending a form, what they
/// typed is kept in the (new) session to offer back afterwards — to the person
/// the form was rendered for, which its signed stamp says, and to no one else.
async fn to_sign_in(
    parts: &Parts,
    state: &AppState,
    session: &Session,
    message: Option<&str>,
) -> AuthRejection {
    let path = parts.uri.path().to_owned();
    let next = match (parts.method == Method::GET, parts.uri.query()) {
        (true, Some(query)) => format!("{path}?{query}"),
        _ => path.clone(),
    };
    if parts.method == Method::POST {
        let fields = parts.extensions.get::<FormFields>();
        let stamp = parts.extensions.get::<FormStamp>();
        if let (Some(FormFields(fields)), Some(FormStamp(sent))) = (fields, stamp) {
            let owner = state.stamp_key.verify(sent).then_some(sent.user).flatten();
            if let Some(owner) = owner {
                kept::keep(session, KeptForm::new(path, fields, owner, sent.org)).await;
                // What was typed (a private note, say) sits in a session that
                // is nobody's yet: the store deletes it when the form lapses.
                session.set_expiry(Some(tower_sessions::Expiry::AtDateTime(
                    tower_sessions::cookie::time::OffsetDateTime::now_utc()
                        + tower_sessions::cookie::time::Duration::minutes(kept::KEEP_FOR_MINUTES),
                )));
            }
        }
    }
    if let Some(message) = message {
        let _ = flash::push(session, FlashKind::Info, message).await;
    }
    AuthRejection::SignIn { next }
}

/// Sessions that began before this are past the absolute limit.
fn earliest_valid_start(max_age: Duration) -> chrono::DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(max_age).unwrap_or(chrono::Duration::MAX)
}

/// Who the login session says is signed in, before the database confirms it.
struct Claims {
    session: Session,
    user_id: Uuid,
    signed_in_at: chrono::DateTime<Utc>,
    epoch: i32,
}

/// The session's claims, or the way to the sign-in page.
async fn claims(parts: &mut Parts, state: &AppState) -> Result<Claims, AuthRejection> {
    let session = session_of(parts, state).await?;
    let user_id: Option<Uuid> = session.get(USER).await.map_err(internal)?;
    let Some(user_id) = user_id else {
        return Err(to_sign_in(parts, state, &session, None).await);
    };
    let signed_in_at: i64 = session
        .get(SIGNED_IN_AT)
        .await
        .map_err(internal)?
        .unwrap_or(0);
    let epoch: i32 = session.get(EPOCH).await.map_err(internal)?.unwrap_or(-1);
    Ok(Claims {
        session,
        user_id,
        signed_in_at: chrono::DateTime::from_timestamp(signed_in_at, 0).unwrap_or_default(),
        epoch,
    })
}

/// Whether the claims still hold for the user as stored: the session is
/// within the absolute limit and of the user's current epoch.
fn claims_hold(state: &AppState, claims: &Claims, user: Option<&User>) -> bool {
    user.is_some_and(|user| {
        claims.signed_in_at >= earliest_valid_start(state.config.session_max_age)
            && claims.epoch == user.session_epoch
    })
}

/// Holds the claims against the user as stored: a session past the absolute
/// limit, or ended by a password change elsewhere, signs its owner out.
async fn confirm(
    parts: &mut Parts,
    state: &AppState,
    claims: Claims,
    user: Option<User>,
) -> Result<SignedIn, AuthRejection> {
    let valid = claims_hold(state, &claims, user.as_ref());
    let Claims { session, .. } = claims;
    let user = match user {
        Some(user) if valid => user,
        _ => return Err(session_ended(parts, state, &session).await),
    };
    touch(&session).await?;
    let signed_in = SignedIn { user, session };
    parts.extensions.insert(signed_in.clone());
    Ok(signed_in)
}

/// Ends a session whose claims no longer hold and sends its owner to sign in.
async fn session_ended(parts: &Parts, state: &AppState, session: &Session) -> AuthRejection {
    if let Err(err) = session.flush().await {
        return internal(err);
    }
    to_sign_in(
        parts,
        state,
        session,
        Some("Your session ended. Please sign in again."),
    )
    .await
}

fn database(err: sqlx::Error) -> AuthRejection {
    AuthRejection::Error(err.into())
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(signed_in) = parts.extensions.get::<SignedIn>() {
            return Ok(signed_in.clone());
        }
        let claims = claims(parts, state).await?;
        let mut conn = state.pool.acquire().await.map_err(database)?;
        let user = people::user_by_id(&mut conn, claims.user_id)
            .await
            .map_err(database)?;
        drop(conn);
        confirm(parts, state, claims, user).await
    }
}

impl FromRequestParts<AppState> for Member {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (member, _tx) = member_and_tx(parts, state).await?;
        Ok(member)
    }
}

/// A member together with the tenant transaction their membership was
/// confirmed in, for pages that go on to read the database straight away:
/// their queries share that transaction instead of opening a second one (a
/// `BEGIN` and a `ROLLBACK` fewer on every request). The handler owns the
/// transaction from the start, so it never holds two pooled connections.
pub struct MemberTx(pub Member, pub TenantTx);

impl FromRequestParts<AppState> for MemberTx {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (member, tx) = member_and_tx(parts, state).await?;
        let tx = match tx {
            Some(tx) => tx,
            // Another extractor confirmed the member earlier in this request.
            None => db::begin_tenant(&state.pool, member.org)
                .await
                .map_err(database)?,
        };
        Ok(MemberTx(member, tx))
    }
}

/// The member, confirmed against the database in a tenant transaction which
/// is handed back (None when an earlier extractor already confirmed them).
async fn member_and_tx(
    parts: &mut Parts,
    state: &AppState,
) -> Result<(Member, Option<TenantTx>), AuthRejection> {
    if let Some(member) = parts.extensions.get::<Member>() {
        return Ok((member.clone(), None));
    }
    // The person and their standing in the organisation come in one query
    // (unless another extractor already confirmed the person).
    let (SignedIn { user, session }, org, standing, tx) =
        match parts.extensions.get::<SignedIn>().cloned() {
            Some(signed_in) => {
                let Some(org) = active_org(&signed_in.session).await? else {
                    return Err(AuthRejection::ChooseOrganisation);
                };
                let mut tx = db::begin_tenant(&state.pool, org).await.map_err(database)?;
                let standing = people::standing(&mut tx, org, signed_in.user.id)
                    .await
                    .map_err(database)?;
                (signed_in, org, standing, tx)
            }
            None => {
                let claims = claims(parts, state).await?;
                let Some(org) = active_org(&claims.session).await? else {
                    SignedIn::from_request_parts(parts, state).await?;
                    return Err(AuthRejection::ChooseOrganisation);
                };
                let mut tx = db::begin_tenant(&state.pool, org).await.map_err(database)?;
                let found = people::user_and_standing(&mut tx, org, claims.user_id)
                    .await
                    .map_err(database)?;
                let (user, standing) = found.unzip();
                if !claims_hold(state, &claims, user.as_ref()) {
                    // Ending the session takes a connection of its own.
                    drop(tx);
                    return Err(session_ended(parts, state, &claims.session).await);
                }
                let signed_in = confirm(parts, state, claims, user).await?;
                (signed_in, org, standing.flatten(), tx)
            }
        };
    match standing {
        Some(standing) if !standing.disabled && standing.roles.any() => {
            // A form acts only in the organisation it was drawn in.
            if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
                let sent = parts.extensions.get::<FormStamp>().map(|s| &s.0);
                // The CSRF layer has checked the token; the stamp's own
                // signature is checked here too, so its person and
                // organisation never rest on another layer alone.
                let drawn_here = sent.is_some_and(|sent| {
                    sent.org == Some(org.0)
                        && sent.user == Some(user.id)
                        && state.stamp_key.verify(sent)
                });
                if !drawn_here {
                    drop(tx);
                    let page = crate::web::forms::elsewhere::refuse(
                        parts,
                        state,
                        &session,
                        &user,
                        (org, &standing.org_name),
                        sent.and_then(|sent| sent.org),
                    )
                    .await;
                    return Err(AuthRejection::Page(page));
                }
            }
            let member = Member {
                user,
                session,
                org,
                org_name: standing.org_name,
                roles: standing.roles,
            };
            parts.extensions.insert(member.clone());
            Ok((member, Some(tx)))
        }
        _ => {
            // Disabled or removed while signed in: no more access, at once.
            session.remove::<Uuid>(ORG).await.map_err(internal)?;
            let _ = flash::push(
                &session,
                FlashKind::Problem,
                "You no longer have access to that organisation.",
            )
            .await;
            Err(AuthRejection::ChooseOrganisation)
        }
    }
}

/// The organisation the session is working in, if one is chosen.
async fn active_org(session: &Session) -> Result<Option<TenantId>, AuthRejection> {
    let org: Option<Uuid> = session.get(ORG).await.map_err(internal)?;
    Ok(org.map(TenantId))
}

macro_rules! role_guard {
    ($(#[$doc:meta])* $name:ident, $flag:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(pub Member);

        impl FromRequestParts<AppState> for $name {
            type Rejection = AuthRejection;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
                let member = Member::from_request_parts(parts, state).await?;
                if member.roles.$flag {
                    Ok($name(member))
                } else {
                    Err(AuthRejection::Error(AppError::NotFound))
                }
            }
        }

        impl std::ops::Deref for $name {
            type Target = Member;

            fn deref(&self) -> &Member {
                &self.0
            }
        }
    };
}

role_guard!(
    /// A member who administers the organisation's programmes.
    Admin,
    is_admin
);
role_guard!(
    /// A member who coaches in the organisation.
    Coach,
    is_coach
);
role_guard!(
    /// A member who is coached in the organisation.
    Coachee,
    is_coachee
);
