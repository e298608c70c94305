//! One result per form, however often it is sent. Every page gives its forms
//! a random one-time key (`_once`). The key that counts is that key with the
//! login session, the path the form was sent to and what it held — so two
//! different forms of one page, or one form sent with other choices, are
//! different submissions. The first request with a key claims it, runs (to
//! the end, even if the browser gives up on it) and records where it sent the
//! browser. A repeat — a double click, a second tab, a resend after the back
//! button — waits for the first and is sent to the same place, without
//! running again. A form refused for a mistake, one that failed, and one that
//! changed the login session (signing in, switching organisation) release
//! their key; a claim left running for half a minute counts as abandoned.
//!
//! What the form does and "this key was used" commit in one transaction (see
//! `db::submission`), so a claim can only be abandoned if its form never
//! acted. A resend after a crash between the two — the form acted, where it
//! led was never recorded — is not run again: the person is sent back to the
//! page they sent it from, or home, and told that nothing was done twice.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use tower_sessions::Session;

pub use crate::db::submission::{Claim, Submission, claim, scope, sweep};
use crate::web::flash::{self, FlashKind};

pub use crate::web::forms::fields::ONCE as FIELD;

/// What a resent form that had already acted is told.
pub const ALREADY_DONE: &str =
    "That form had already been sent, and what it asked for was done then. Nothing was done twice.";

/// The key of one submission: the page's key, the session, the path and the
/// fields (without the tokens), hashed.
pub fn key_of(
    once: &str,
    session: Option<&str>,
    path: &str,
    fields: &[(String, String)],
) -> String {
    use sha2::{Digest, Sha256};
    let mut sorted: Vec<&(String, String)> = fields
        .iter()
        .filter(|(name, _)| name != FIELD && name != crate::web::forms::fields::CSRF)
        .collect();
    sorted.sort();
    let mut hash = Sha256::new();
    for part in [once, session.unwrap_or(""), path] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    for (name, value) in sorted {
        hash.update(name.as_bytes());
        hash.update([1]);
        hash.update(value.as_bytes());
        hash.update([0]);
    }
    hex::encode(hash.finalize())
}

/// Where a response sends the browser, if it is a redirect: what a repeat of
/// its form will get. (Read before any await: a body cannot be shared.)
pub fn outcome(response: &Response) -> Option<String> {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|_| response.status().is_redirection())
        .map(str::to_owned)
}

/// Records the first request's outcome: where a success redirected, or —
/// for anything else — releases the key.
pub async fn finish(pool: &PgPool, submission: &Submission, location: Option<String>) {
    if let Err(err) = crate::db::submission::settle(pool, submission, location).await {
        tracing::warn!(error = %err, "cannot record a form's outcome");
    }
}

/// Lets go of a key whose form did not go through.
pub async fn release(pool: &PgPool, submission: &Submission) {
    finish(pool, submission, None).await;
}

/// The answer to a repeat: the same place the first went.
pub fn repeat(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The answer to a form sent again after it acted but before where it led
/// was recorded: nothing runs; the browser goes back to the page the form was
/// sent from (the `Referer`, when it is this site's), else to the guest's
/// meeting page for a guest form, else home — with a word on what happened.
pub async fn already_done(
    headers: &HeaderMap,
    form_path: &str,
    session: Option<&Session>,
    public_url: &url::Url,
) -> Response {
    let location = referer_here(headers, public_url)
        .or_else(|| guest_page(form_path).map(|(page, _)| page))
        .unwrap_or_else(|| "/home".to_owned());
    if let Some(session) = session {
        // A guest's page shows only the messages of its own invite.
        let pushed = match guest_page(&location) {
            Some((_, invite)) => {
                flash::push_for(session, &invite, FlashKind::Info, ALREADY_DONE).await
            }
            None => flash::push(session, FlashKind::Info, ALREADY_DONE).await,
        };
        if let Err(err) = pushed {
            tracing::warn!(error = %err, "cannot keep a message for the next page");
        }
    }
    repeat(&location)
}

/// The path (and query) of the `Referer`, when it is a page of this site.
fn referer_here(headers: &HeaderMap, public_url: &url::Url) -> Option<String> {
    let referer = url::Url::parse(headers.get(header::REFERER)?.to_str().ok()?).ok()?;
    let host = referer.host_str()?;
    let authority = match referer.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let request_host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let ours = referer.origin() == public_url.origin() || request_host == Some(&authority);
    let path = referer.path();
    // `//elsewhere` would be another site to a browser.
    if !ours || !path.starts_with('/') || path.starts_with("//") || path.contains('\\') {
        return None;
    }
    Some(match referer.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    })
}

/// For a path under `/guest/{invite}`, that invite's page and its key.
fn guest_page(path: &str) -> Option<(String, String)> {
    let invite = path.strip_prefix("/guest/")?.split(['/', '?']).next()?;
    let well_formed = invite.len() == 32
        && invite
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then(|| (format!("/guest/{invite}"), invite.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_a_page_of_this_site_is_gone_back_to() {
        let public = url::Url::parse("https://coaching.example.com/").unwrap();
        let back = |pairs: &[(&'static str, &'static str)]| referer_here(&headers(pairs), &public);
        assert_eq!(
            back(&[("referer", "https://coaching.example.com/goals/1?x=2")]).as_deref(),
            Some("/goals/1?x=2")
        );
        assert_eq!(
            back(&[
                ("referer", "http://127.0.0.1:3000/sessions/9"),
                ("host", "127.0.0.1:3000")
            ])
            .as_deref(),
            Some("/sessions/9")
        );
        assert_eq!(back(&[("referer", "https://evil.example/goals/1")]), None);
        assert_eq!(
            back(&[("referer", "https://coaching.example.com//evil.example/x")]),
            None
        );
        assert_eq!(back(&[("referer", "not a url")]), None);
        assert_eq!(back(&[]), None);
    }

    #[test]
    fn a_guest_form_leads_back_to_its_own_meeting_page() {
        let invite = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            guest_page(&format!("/guest/{invite}/accept")),
            Some((format!("/guest/{invite}"), invite.to_owned()))
        );
        assert_eq!(guest_page("/guest/not-an-invite/accept"), None);
        assert_eq!(guest_page("/goals/1"), None);
    }
}
