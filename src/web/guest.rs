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
//!
//! `link` opens the emailed link, `visit` keeps the guest cookie and admits a
//! request to its invite, `page` is the manager's page and its forms, `rsvp`
//! and `answers` what the manager sends from it, `common` what those share,
//! `vote` an invitee's accept among several, `refusal` the pages that say
//! no, and `preview` the manager's page as the
//! coachee and coach preview it. This file only wires the routes.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};

use crate::state::AppState;

mod answers;
mod common;
mod link;
mod page;
pub mod preview;
mod refusal;
mod rsvp;
mod visit;
mod vote;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/m/{token}", get(link::open_link))
        // The address before visits were per invite, and forms from pages of
        // that time (`/guest/accept` and the like): they name no meeting.
        .route("/guest", get(page::page_moved))
        .route("/guest/{invite}", get(page::show).post(page::page_moved))
        .route("/guest/{invite}/accept", post(rsvp::accept))
        .route("/guest/{invite}/decline", post(rsvp::decline))
        .route("/guest/{invite}/propose", post(rsvp::propose))
        .route("/guest/{invite}/answers", post(answers::save_answers))
        .route("/guest/{invite}/time-zone", post(answers::set_time_zone))
        .route("/guest/{invite}/meeting.ics", get(answers::calendar_file))
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
