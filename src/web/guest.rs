//! The manager's side: no account, one meeting, reached by a signed link.
//!
//! `GET /m/{token}` checks the token's signature before any query, then the
//! invite in the database (secret, expiry, revocation, the meeting's state),
//! notes that the link was opened, and swaps the token for a short guest
//! cookie scoped to `/guest` and to that one invite; the browser moves on to
//! `/guest`, a URL with no token in it. Opening changes nothing else: mail
//! scanners open links. Every action is a button (POST), written to the audit
//! log, and re-checks the invite. Guest pages are not cached, not indexed and
//! send no referrer. The cookie means nothing to any other route.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Duration, Utc};
use serde::Deserialize;
use tower_sessions::cookie::{Cookie, SameSite};

use crate::alignment::Status;
use crate::alignment::link::GuestClaim;
use crate::audit;
use crate::auth::csrf::constant_time_eq;
use crate::db::alignment::{self as meetings, Invite, Meeting};
use crate::db::{self, TenantId, TenantTx};
use crate::error::{AppError, AppResult};
use crate::startup::AppState;

/// Loads what a guest action needs, or the page that says why not.
macro_rules! admitted {
    ($state:expr, $headers:expr) => {{
        let Some(claim) = $crate::web::guest::claim_from(&$headers, &$state) else {
            return Ok($crate::web::guest::refused(
                $crate::web::guest::Refusal::VisitEnded,
            ));
        };
        match $crate::web::guest::admit(&$state, &claim, true).await? {
            Ok(admitted) => admitted,
            Err(refusal) => return Ok($crate::web::guest::refused(refusal)),
        }
    }};
}

mod answers;
mod page;
mod refusal;
mod rsvp;

use answers::{calendar_file, save_answers, set_time_zone};
use page::show;
pub use page::{ManagerView, preview};
use refusal::{Refusal, refused, too_many_guesses};
use rsvp::{accept, decline, propose};

const COOKIE: &str = "triad_guest";
const COOKIE_PATH: &str = "/guest";
/// How long a guest visit lasts before the link must be opened again.
const VISIT: Duration = Duration::hours(2);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/m/{token}", get(open_link))
        .route("/guest", get(show))
        .route("/guest/accept", post(accept))
        .route("/guest/decline", post(decline))
        .route("/guest/propose", post(propose))
        .route("/guest/answers", post(save_answers))
        .route("/guest/time-zone", post(set_time_zone))
        .route("/guest/meeting.ics", get(calendar_file))
        .layer(middleware::map_response(private_headers))
}

/// Guest pages hold one person's meeting: keep them out of caches, search
/// engines and other sites' logs.
async fn private_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    response
}
fn guest_cookie(value: String, https: bool, max_age: Duration) -> Cookie<'static> {
    let mut cookie = Cookie::new(COOKIE, value);
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

fn claim_from(headers: &HeaderMap, state: &AppState) -> Option<GuestClaim> {
    let now = Utc::now();
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| Cookie::split_parse(value.to_owned()))
        .filter_map(Result::ok)
        .filter(|cookie| cookie.name() == COOKIE)
        .find_map(|cookie| state.guest_keys.verify_session(cookie.value(), now))
}

/// The invite and meeting a verified claim names, if they still admit the manager.
async fn admit(
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
    if meeting.status() == Status::Cancelled
        || invite.revoked_reason.as_deref() == Some("cancelled")
    {
        return Ok(Err(Refusal::Cancelled));
    }
    if invite.revoked_at.is_some() {
        return Ok(Err(Refusal::Replaced));
    }
    if invite.expires_at <= Utc::now() {
        return Ok(Err(Refusal::Expired));
    }
    Ok(Ok((tx, invite, meeting)))
}

fn actor_of(invite: &Invite) -> String {
    format!("{} <{}> (manager, guest link)", invite.name, invite.email)
}

async fn record(
    tx: &mut TenantTx,
    invite: &Invite,
    meeting: &Meeting,
    action: &str,
    peer: Option<SocketAddr>,
) -> AppResult<()> {
    let actor = actor_of(invite);
    let org = tx.tenant();
    audit::record(
        tx,
        org,
        &audit::Event {
            actor_user: None,
            actor: &actor,
            action,
            subject: Some(format!(
                "{} alignment meeting of {}",
                meeting.kind().label(),
                meeting.coachee_name
            )),
            client: peer.map(|p| p.ip()),
        },
    )
    .await?;
    Ok(())
}

async fn open_link(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    // The signature first: a forged token costs no query. Only wrong links
    // are counted and paused — a properly signed one always goes through, so
    // guessing from a shared address cannot lock a manager out.
    let Some(claim) = state.guest_keys.verify_link(&token) else {
        if let Some(wait) = state.link_guesses.blocked(peer.ip()) {
            return Ok(too_many_guesses(wait));
        }
        tracing::info!("refused a guest link with a bad signature");
        state.link_guesses.failed(peer.ip());
        return Ok(refused(Refusal::NotValid));
    };
    let (mut tx, invite, meeting) = match admit(&state, &claim, false).await? {
        Ok(admitted) => admitted,
        Err(refusal) => {
            if refusal == Refusal::NotValid {
                state.link_guesses.failed(peer.ip());
            }
            return Ok(refused(refusal));
        }
    };
    let org = tx.tenant();
    meetings::mark_opened(&mut tx, org, invite.id).await?;
    record(&mut tx, &invite, &meeting, "guest.opened", Some(peer)).await?;
    tx.commit().await?;
    let until = (Utc::now() + VISIT).min(invite.expires_at);
    let cookie = guest_cookie(
        state.guest_keys.session_value(&claim, until),
        state.config.is_https(),
        until - Utc::now(),
    );
    let mut response = Redirect::to(COOKIE_PATH).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}
#[derive(Clone, Debug, Default, Deserialize)]
struct ProposeForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    note: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct AnswersForm {
    #[serde(default)]
    strengths: String,
    #[serde(default)]
    growth: String,
    #[serde(default)]
    support: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct DeclineForm {
    #[serde(default)]
    note: String,
}
#[derive(Clone, Debug, Default, Deserialize)]
struct AcceptForm {
    #[serde(default)]
    candidate: String,
    /// The meeting's sequence when the page was shown: the time accepted is
    /// the time the manager saw.
    #[serde(default)]
    sequence: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct TimeZoneForm {
    #[serde(default)]
    time_zone: String,
}

#[derive(Default)]
struct GuestEdits {
    propose: Option<(ProposeForm, String)>,
    answers: Option<(AnswersForm, String)>,
    decline: Option<(DeclineForm, String)>,
}
