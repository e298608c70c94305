//! Opening the emailed link: the signature first, then the invite, then the
//! short guest cookie for that one invite in place of the token.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};

use crate::db::alignment as meetings;
use crate::state::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::AppResult;

use super::common::record;
use super::refusal::{Refusal, refused, too_many_guesses};
use super::visit::{admit, guest_cookie, page_of};

/// How long a guest visit lasts before the link must be opened again.
const VISIT: Duration = Duration::hours(2);

pub(super) async fn open_link(
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
