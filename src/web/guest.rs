//! The manager's side: no account, one meeting, reached by a signed link.
//!
//! `GET /m/{token}` checks the token's signature before any query, then the
//! invite in the database (secret, expiry, revocation, the meeting's state),
//! notes that the link was opened, and swaps the token for a short guest
//! cookie for that one invite; the browser moves on to `/guest/{invite}`, a
//! URL with no token in it. One browser may hold several such visits, one per
//! invite (see `visit`). Opening changes nothing else: mail scanners open
//! links. Every action is a button (POST), written to the audit log, and
//! re-checks the invite. Guest pages are not cached, not indexed and send no
//! referrer. The cookie means nothing to any other route.

use std::net::IpAddr;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Duration, Utc};
use serde::Deserialize;

use crate::audit;
use crate::db::TenantTx;
use crate::db::alignment::{self as meetings, Invite, Meeting};
use crate::state::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::AppResult;

/// Loads what a guest form needs — the invite in the path, which the form
/// must have been shown for — or the page that says why not.
macro_rules! admitted {
    ($state:expr, $headers:expr, $key:expr, $shown:expr) => {{
        match $crate::web::guest::visit::visit_for_form(&$state, &$headers, &$key, &$shown).await? {
            Ok(admitted) => admitted,
            Err(page) => return Ok(page),
        }
    }};
}

mod answers;
mod page;
mod preview;
mod refusal;
mod rsvp;
mod visit;

use answers::{calendar_file, save_answers, set_time_zone};
pub use page::ManagerView;
use page::{page_moved, show};
pub use preview::{engagement_preview, preview, previewed_name};
use refusal::{Refusal, refused, too_many_guesses};
use rsvp::{accept, decline, propose};
use visit::{admit, guest_cookie, page_of};

/// How long a guest visit lasts before the link must be opened again.
const VISIT: Duration = Duration::hours(2);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/m/{token}", get(open_link))
        // The address before visits were per invite, and forms from pages of
        // that time (`/guest/accept` and the like): they name no meeting.
        .route("/guest", get(page_moved))
        .route("/guest/{invite}", get(show).post(page_moved))
        .route("/guest/{invite}/accept", post(accept))
        .route("/guest/{invite}/decline", post(decline))
        .route("/guest/{invite}/propose", post(propose))
        .route("/guest/{invite}/answers", post(save_answers))
        .route("/guest/{invite}/time-zone", post(set_time_zone))
        .route("/guest/{invite}/meeting.ics", get(calendar_file))
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
fn actor_of(invite: &Invite) -> String {
    format!("{} <{}> (manager, guest link)", invite.name, invite.email)
}

async fn record(
    tx: &mut TenantTx,
    invite: &Invite,
    meeting: &Meeting,
    action: &str,
    peer: Option<IpAddr>,
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
            client: peer,
        },
    )
    .await?;
    Ok(())
}

async fn open_link(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    Path(token): Path<String>,
) -> AppResult<Response> {
    // The signature first: a forged token costs no query. Only wrong links
    // are counted and paused — a properly signed one always goes through, so
    // guessing from a shared address cannot lock a manager out.
    let Some(claim) = state.guest_keys.verify_link(&token) else {
        if let Some(wait) = state.link_guesses.blocked(peer) {
            return Ok(too_many_guesses(wait));
        }
        tracing::info!("refused a guest link with a bad signature");
        state.link_guesses.failed(peer);
        return Ok(refused(Refusal::NotValid));
    };
    let (mut tx, invite, meeting) = match admit(&state, &claim, false).await? {
        Ok(admitted) => admitted,
        Err(refusal) => {
            if refusal == Refusal::NotValid {
                state.link_guesses.failed(peer);
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
        invite.id,
        state.guest_keys.session_value(&claim, until),
        state.config.is_https(),
        until - Utc::now(),
    );
    let mut response = Redirect::to(&page_of(invite.id)).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}
#[derive(Clone, Debug, Default, Deserialize)]
struct ProposeForm {
    /// The invite whose page showed the form.
    #[serde(default)]
    invite: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    note: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct AnswersForm {
    /// The invite whose page showed the form.
    #[serde(default)]
    invite: String,
    #[serde(default)]
    strengths: String,
    #[serde(default)]
    growth: String,
    #[serde(default)]
    support: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct DeclineForm {
    /// The invite whose page showed the form.
    #[serde(default)]
    invite: String,
    #[serde(default)]
    note: String,
}
#[derive(Clone, Debug, Default, Deserialize)]
struct AcceptForm {
    /// The invite whose page showed the form.
    #[serde(default)]
    invite: String,
    #[serde(default)]
    candidate: String,
    /// The meeting's sequence when the page was shown: the time accepted is
    /// the time the manager saw.
    #[serde(default)]
    sequence: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct TimeZoneForm {
    /// The invite whose page showed the form.
    #[serde(default)]
    invite: String,
    #[serde(default)]
    time_zone: String,
}

#[derive(Default)]
struct GuestEdits {
    propose: Option<(ProposeForm, String)>,
    answers: Option<(AnswersForm, String)>,
    decline: Option<(DeclineForm, String)>,
}
