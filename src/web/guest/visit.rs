//! A guest visit: one cookie per invite, so that one browser can hold the
//! pages of several meetings — a manager with several reports — and each
//! page acts only on the meeting it shows.
//!
//! The cookie for invite `X` is called `triad_guest_X` and holds a signed
//! claim naming `X`; the pages of that meeting live under `/guest/X`. A
//! request for `/guest/X/…` reads only that cookie and checks that its claim
//! names `X`. Every form also says which invite it was shown for, so a form
//! that reaches another meeting's address is refused, and nothing is written.
//! The cookies share the path `/guest` so that such a refusal can name the
//! meeting the form came from — but only when this browser holds a visit to
//! it, so the refusal tells nobody anything they could not already see.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use serde::de::DeserializeOwned;
use tower_sessions::Session;
use tower_sessions::cookie::{Cookie, SameSite};
use uuid::Uuid;

use crate::alignment::Status;
use crate::alignment::link::{GuestClaim, invite_key, invite_of_key};
use crate::db::alignment::{self as meetings, Invite, Meeting};
use crate::db::{self, TenantId, TenantTx};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::token::constant_time_eq;
use crate::web::layout::Layout;

use super::refusal::{Refusal, refused};

const COOKIE_PREFIX: &str = "triad_guest_";
const COOKIE_PATH: &str = "/guest";

/// The address of one invite's meeting page.
pub(super) fn page_of(invite: Uuid) -> String {
    format!("{COOKIE_PATH}/{}", invite_key(invite))
}

fn cookie_name(invite: Uuid) -> String {
    format!("{COOKIE_PREFIX}{}", invite_key(invite))
}

pub(super) fn guest_cookie(
    invite: Uuid,
    value: String,
    https: bool,
    max_age: Duration,
) -> Cookie<'static> {
    let mut cookie = Cookie::new(cookie_name(invite), value);
    cookie.set_path(COOKIE_PATH);
    cookie.set_http_only(true);
    // Lax: the first visit arrives from a link in an email.
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(https);
    cookie.set_max_age(tower_sessions::cookie::time::Duration::seconds(
        max_age.num_seconds(),
    ));
    cookie
}

/// This browser's verified visit to `invite`, if it holds one: only the
/// cookie of that invite is read, and its claim must name that invite.
fn claim_for(headers: &HeaderMap, state: &AppState, invite: Uuid) -> Option<GuestClaim> {
    let name = cookie_name(invite);
    let now = Utc::now();
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| Cookie::split_parse(value.to_owned()))
        .filter_map(Result::ok)
        .filter(|cookie| cookie.name() == name)
        .filter_map(|cookie| state.guest_keys.verify_session(cookie.value(), now))
        .find(|claim| claim.invite == invite)
}

/// The invite and meeting a verified claim names, if they still admit the manager.
pub(super) async fn admit(
    state: &AppState,
    claim: &GuestClaim,
    lock: bool,
) -> AppResult<Result<(TenantTx, Invite, Meeting), Refusal>> {
    let org = TenantId(claim.org);
    let mut tx = db::begin_tenant(&state.pool, org).await?;
    let invite = meetings::invite(&mut tx, org, claim.invite).await?;
    let Some(invite) = invite.filter(|i| constant_time_eq(&i.secret_hash, &claim.secret_hash()))
    else {
        return Ok(Err(Refusal::NotValid));
    };
    // For a change: the meeting first, then the invite — the order every
    // handler that changes a meeting takes its locks in.
    let meeting = if lock {
        meetings::meeting_for_update(&mut tx, org, invite.meeting_id).await?
    } else {
        meetings::meeting(&mut tx, org, invite.meeting_id).await?
    };
    let Some(meeting) = meeting else {
        return Ok(Err(Refusal::NotValid));
    };
    if !meeting.alignment_enabled {
        return Ok(Err(Refusal::Unavailable));
    }
    let invite = if lock {
        meetings::invite_for_update(&mut tx, org, invite.id)
            .await?
            .ok_or(AppError::NotFound)?
    } else {
        invite
    };
    if let Some(refusal) = refusal_of(&meeting, &invite) {
        return Ok(Err(refusal));
    }
    Ok(Ok((tx, invite, meeting)))
}

/// Why the manager's link no longer opens this meeting, if it does not: the
/// same answer for the manager and for a preview of their page.
pub(super) fn refusal_of(meeting: &Meeting, invite: &Invite) -> Option<Refusal> {
    if !meeting.alignment_enabled {
        return Some(Refusal::Unavailable);
    }
    if meeting.status() == Status::Cancelled
        || invite.revoked_reason.as_deref() == Some("cancelled")
    {
        return Some(Refusal::Cancelled);
    }
    if invite.revoked_reason.as_deref() == Some("removed") {
        return Some(Refusal::Withdrawn);
    }
    if invite.revoked_at.is_some() {
        return Some(Refusal::Replaced);
    }
    if invite.expires_at <= Utc::now() {
        return Some(Refusal::Expired);
    }
    None
}

/// What a guest route needs: the transaction, invite and meeting.
type Admitted = (TenantTx, Invite, Meeting);

/// A guest's visit to the invite in the path (`/guest/{invite}/…`): the
/// transaction, the invite and its meeting. Without a visit to that invite,
/// or when the invite no longer admits the manager, the page that says why.
pub(super) struct GuestVisit {
    pub tx: TenantTx,
    pub invite: Invite,
    pub meeting: Meeting,
}

impl From<Admitted> for GuestVisit {
    fn from((tx, invite, meeting): Admitted) -> Self {
        GuestVisit {
            tx,
            invite,
            meeting,
        }
    }
}

/// Reads the browser's session record, if it has one, before the visit's
/// transaction takes its connection. Sessions are kept in the same pool: a
/// page that held its transaction's connection while asking for a second to
/// read the session would, with as many such pages at once as the pool has
/// connections, hold them all and wait for each other until the pool gave up.
async fn read_session_first(parts: &mut Parts, state: &AppState) -> Result<(), Response> {
    let Ok(session) = Session::from_request_parts(parts, state).await else {
        return Ok(());
    };
    session
        .get_value("")
        .await
        .map(drop)
        .map_err(|err| AppError::from(err).into_response())
}

impl FromRequestParts<AppState> for GuestVisit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Path(key) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        read_session_first(parts, state).await?;
        match visit(state, &parts.headers, &key, false).await {
            Ok(admitted) => admitted.map(GuestVisit::from),
            Err(err) => Err(err.into_response()),
        }
    }
}

/// A guest form: what it names as the invite whose page showed it (its
/// hidden `invite` field).
pub(super) trait ShownFor {
    fn shown_for(&self) -> &str;
}

/// A guest's form, with the visit to the invite in the path — which the form
/// must have been shown for — its meeting and invite locked for the change.
/// The form is read before the visit is looked up — the order the handlers'
/// own `Form` extractor gave — so a form that cannot be read is refused as it
/// always was, whatever the visit.
pub(super) struct GuestForm<F>(pub GuestVisit, pub F);

impl<F> FromRequest<AppState> for GuestForm<F>
where
    F: DeserializeOwned + ShownFor + Send,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Path(key) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        read_session_first(&mut parts, state).await?;
        let headers = parts.headers.clone();
        let Form(form) = Form::<F>::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        match visit_for_form(state, &headers, &key, form.shown_for()).await {
            Ok(admitted) => admitted.map(|admitted| GuestForm(admitted.into(), form)),
            Err(err) => Err(err.into_response()),
        }
    }
}

/// The visit to the invite in the path (`key`), or the page that says why
/// not. With `lock`, the meeting and invite are locked for a change.
async fn visit(
    state: &AppState,
    headers: &HeaderMap,
    key: &str,
    lock: bool,
) -> AppResult<Result<Admitted, Response>> {
    let Some(claim) = invite_of_key(key).and_then(|invite| claim_for(headers, state, invite))
    else {
        return Ok(Err(refused(Refusal::VisitEnded)));
    };
    Ok(admit(state, &claim, lock).await?.map_err(refused))
}

/// [`visit`] for a form, which must have been shown for the same invite
/// (`shown`, its hidden `invite` field): a form from one meeting's page never
/// acts on another meeting.
async fn visit_for_form(
    state: &AppState,
    headers: &HeaderMap,
    key: &str,
    shown: &str,
) -> AppResult<Result<Admitted, Response>> {
    let Some(claim) = invite_of_key(key).and_then(|invite| claim_for(headers, state, invite))
    else {
        return Ok(Err(refused(Refusal::VisitEnded)));
    };
    if shown != key {
        return Ok(Err(elsewhere(state, headers, shown, &claim).await?));
    }
    Ok(admit(state, &claim, true).await?.map_err(refused))
}

#[derive(Template, WebTemplate)]
#[template(path = "guest/elsewhere.html")]
struct ElsewherePage {
    layout: Layout,
    explanation: String,
    next_step: &'static str,
    back_to: String,
    back_label: String,
}

/// The answer to a form shown for one meeting and sent to another's address.
/// It names the meeting the form came from when this browser may see it,
/// else the meeting of the address.
async fn elsewhere(
    state: &AppState,
    headers: &HeaderMap,
    shown: &str,
    here: &GuestClaim,
) -> AppResult<Response> {
    tracing::info!("refused a guest form sent to another meeting's address");
    let there = invite_of_key(shown).and_then(|invite| claim_for(headers, state, invite));
    if let Some(there) = there
        && let Ok((tx, invite, meeting)) = admit(state, &there, false).await?
    {
        drop(tx);
        let explanation = format!(
            "It was filled in on the page for the {} meeting with {}, but it reached the address of another meeting. Nothing was saved and nobody was told.",
            meeting.kind().label().to_lowercase(),
            meeting.coachee_name
        );
        return Ok(elsewhere_page(
            explanation,
            "Go back to that meeting's page and send the form from there; what you typed is still on the page you came from.",
            &invite,
            &meeting,
        ));
    }
    let (tx, invite, meeting) = match admit(state, here, false).await? {
        Ok(admitted) => admitted,
        Err(refusal) => return Ok(refused(refusal)),
    };
    drop(tx);
    let explanation = format!(
        "It did not come from the page for the {} meeting with {}, the meeting this address is for. Nothing was saved and nobody was told.",
        meeting.kind().label().to_lowercase(),
        meeting.coachee_name
    );
    Ok(elsewhere_page(
        explanation,
        "Open this meeting's page and fill the form in there.",
        &invite,
        &meeting,
    ))
}

fn elsewhere_page(
    explanation: String,
    next_step: &'static str,
    invite: &Invite,
    meeting: &Meeting,
) -> Response {
    let page = ElsewherePage {
        layout: Layout::new("This form was for another meeting"),
        explanation,
        next_step,
        back_to: page_of(invite.id),
        back_label: format!("Back to the meeting with {}", meeting.coachee_name),
    };
    (StatusCode::CONFLICT, page).into_response()
}
