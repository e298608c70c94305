//! The pages that say why a link or visit does not open the meeting.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use uuid::Uuid;

use crate::web::layout::Layout;

/// Why a link or visit does not open the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Forged, altered, incomplete, or for a meeting that is not there.
    NotValid,
    Expired,
    Cancelled,
    Replaced,
    /// The coachee or coach took this invitee off the meeting.
    Withdrawn,
    /// The programme no longer uses alignment meetings.
    Unavailable,
    /// No guest cookie, or an old one.
    VisitEnded,
}

#[derive(Template, WebTemplate)]
#[template(path = "guest/refused.html")]
struct RefusedPage {
    layout: Layout,
    heading: &'static str,
    explanation: &'static str,
    next_step: &'static str,
    /// For a coachee's or coach's preview: who is shown this, and the meeting
    /// page to go back to.
    preview: Option<(String, Uuid)>,
}

pub(super) fn refused(refusal: Refusal) -> Response {
    let (status, heading, explanation, next_step) = words(refusal);
    let page = RefusedPage {
        layout: Layout::new(heading),
        heading,
        explanation,
        next_step,
        preview: None,
    };
    (status, page).into_response()
}

/// The refusal as a preview: what `invitee` sees now when they open their link.
pub(super) fn refused_preview(
    refusal: Refusal,
    layout: Layout,
    invitee: &str,
    meeting: Uuid,
) -> Response {
    let (_, heading, explanation, next_step) = words(refusal);
    RefusedPage {
        layout,
        heading,
        explanation,
        next_step,
        preview: Some((invitee.to_owned(), meeting)),
    }
    .into_response()
}

fn words(refusal: Refusal) -> (StatusCode, &'static str, &'static str, &'static str) {
    match refusal {
        Refusal::NotValid => (
            StatusCode::NOT_FOUND,
            "This link does not work",
            "It may have been cut short or changed on its way: long links sometimes break across two lines in an email.",
            "Open the link again straight from the email, or ask the colleague who invited you to send the invitation again.",
        ),
        Refusal::Expired => (
            StatusCode::GONE,
            "This link has expired",
            "Meeting links work until a few days after the meeting, then stop, so that the meeting's details do not stay reachable.",
            "If you still need something about this meeting, ask the colleague who invited you.",
        ),
        Refusal::Cancelled => (
            StatusCode::GONE,
            "This meeting was cancelled",
            "The meeting this link was for has been called off, so the link no longer opens it.",
            "If a new meeting is planned, a new invitation will reach you by email.",
        ),
        Refusal::Replaced => (
            StatusCode::GONE,
            "This invitation has been passed on",
            "Someone else has been invited to this meeting in your place, so this link no longer opens it.",
            "If you think that is a mistake, tell the colleague who invited you.",
        ),
        Refusal::Withdrawn => (
            StatusCode::GONE,
            "Your invitation was withdrawn",
            "The coachee has taken you off the list of people invited to this meeting, so this link no longer opens it. The meeting itself goes ahead with the others.",
            "If you think that is a mistake, tell the colleague who invited you.",
        ),
        // Switched off, alignment routes answer 404 — with words all the same.
        Refusal::Unavailable => (
            StatusCode::NOT_FOUND,
            "This meeting page is no longer available",
            "The programme this meeting belonged to no longer plans its meetings in Triad, so the link no longer opens it.",
            "If the meeting still matters to you, ask the colleague who invited you.",
        ),
        Refusal::VisitEnded => (
            StatusCode::UNAUTHORIZED,
            "Open your meeting link again",
            "For privacy, the meeting page closes a while after you open it, and it only opens from the link in your invitation.",
            "Find the invitation email and open its link again.",
        ),
    }
}

/// Too many wrong links from one address: a pause, said plainly.
pub(super) fn too_many_guesses(wait: std::time::Duration) -> Response {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let page = RefusedPage {
        layout: Layout::new("Too many wrong links"),
        heading: "Too many wrong links",
        explanation: "Several meeting links that do not work were opened from your network in a short time, so Triad is pausing before it checks more.",
        next_step: if minutes == 1 {
            "Try your link again in a minute."
        } else {
            "Try your link again in a few minutes."
        },
        preview: None,
    };
    let mut response = (StatusCode::TOO_MANY_REQUESTS, page).into_response();
    if let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
