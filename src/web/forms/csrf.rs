//! Cross-site request forgery protection, in one layer no route can forget.
//!
//! Every request that changes something (any method but GET, HEAD, OPTIONS) is
//! checked twice: the browser's own word on where it came from (`Sec-Fetch-Site`,
//! else `Origin`) must be this site, and a form sent with a login session must
//! carry that session's token in its `_csrf` field. Clients that send neither
//! header are not browsers, and a forged request needs a browser. The field
//! also carries the form's stamp (see `auth::stamp`): the person and
//! organisation it was rendered for, which the extractors hold it to.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;
use tracing::Instrument;

use crate::auth::stamp;
use crate::state::AppState;
use crate::web::error;
use crate::web::forms::fields::{BODY_LIMIT_BYTES, FormFields};
use crate::web::forms::once;
use crate::web::forms::token::{self, FormStamp, constant_time_eq};

/// The form field that carries the token.
pub use crate::web::forms::fields::CSRF as FIELD;
/// More fields than any form of ours has, with room to spare (goals ticked).
pub const MAX_FIELDS: usize = 300;

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether the browser says the request comes from this site.
fn same_site(headers: &HeaderMap, public_url: &url::Url) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(origin) = origin.to_str().ok().and_then(|o| url::Url::parse(o).ok()) else {
        return false; // "null" and other opaque origins
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = match origin.port() {
        Some(port) => format!("{}:{port}", origin.host_str().unwrap_or_default()),
        None => origin.host_str().unwrap_or_default().to_owned(),
    };
    host == Some(origin_host.as_str()) || origin.origin() == public_url.origin()
}

fn refuse(request_id: String) -> Response {
    error::page(
        StatusCode::FORBIDDEN,
        "That form could not be accepted",
        "It came from another site, or the page it was on is too old. Go back, reload the page, and send the form again.",
        request_id,
    )
}

/// Whether reading a body failed because it was over the limit (not slow).
fn too_large(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        if cause.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Whether the handler changed the login session's id (signing in, switching
/// organisation): the new cookie rode on that one response, so a repeat must
/// run for real rather than be sent along without it.
fn response_session_changed(session: &Option<Session>, before: Option<&str>) -> bool {
    let after = session
        .as_ref()
        .and_then(|s| s.id())
        .map(|id| id.to_string());
    after.as_deref() != before
}

pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_safe(request.method()) {
        return next.run(request).await;
    }
    let request_id = request
        .extensions()
        .get::<crate::web::request_id::RequestId>()
        .map(ToString::to_string)
        .unwrap_or_default();
    if !same_site(request.headers(), &state.config.public_url) {
        tracing::warn!("refused a cross-site request");
        return refuse(request_id);
    }

    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let session = request.extensions().get::<Session>().cloned();
    let expected = match &session {
        Some(session) => match token::stored(session).await {
            Ok(token) => token,
            // The session store is the database: without it, no form can be
            // checked — and none could be saved either.
            Err(tower_sessions::session::Error::Store(
                tower_sessions::session_store::Error::Backend(err),
            )) => {
                tracing::warn!(error = %err, "cannot read the login session");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            // A session that cannot be read back is of no use: start afresh.
            Err(err) => {
                tracing::warn!(error = %err, "an unreadable login session was cleared");
                let _ = session.flush().await;
                return refuse(request_id);
            }
        },
        None => None,
    };

    let (mut parts, body) = request.into_parts();
    let bytes = match to_bytes(body, BODY_LIMIT_BYTES).await {
        Ok(bytes) => bytes,
        Err(err) if too_large(&err) => {
            return error::page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "That was too much to send at once",
                "The form is larger than Triad accepts. Shorten it and send it again.",
                request_id,
            );
        }
        // The body stopped arriving (the body timeout), or the connection broke.
        Err(_) => {
            return error::page(
                StatusCode::REQUEST_TIMEOUT,
                "That form took too long to arrive",
                "The connection was too slow or broke while the form was being sent. Check your connection and send it again.",
                request_id,
            );
        }
    };
    let fields: Vec<(String, String)> = if is_form {
        form_urlencoded::parse(&bytes).into_owned().collect()
    } else {
        Vec::new()
    };
    // No form of ours has more than a few dozen fields.
    if fields.len() > MAX_FIELDS {
        return error::page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "That form had too many fields",
            "Triad's forms are much smaller than what was sent. Go back, reload the page, and send the form again.",
            request_id,
        );
    }
    // PostgreSQL cannot store a NUL character in text; no form of ours needs one.
    if fields
        .iter()
        .any(|(name, value)| name.contains('\0') || value.contains('\0'))
    {
        return error::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That form held a character Triad cannot keep",
            "Something in it contained a null character, which usually comes from pasting out of another program. Go back, retype the text, and send the form again.",
            request_id,
        );
    }
    let sent = fields
        .iter()
        .find(|(name, _)| name == FIELD)
        .map(|(_, v)| stamp::Sent::parse(v));
    if let Some(expected) = expected {
        if !sent
            .as_ref()
            .is_some_and(|sent| constant_time_eq(sent.token.as_bytes(), expected.as_bytes()))
        {
            tracing::warn!("refused a form without this session's CSRF token");
            return refuse(request_id);
        }
    }
    if let Some(sent) = sent {
        parts.extensions.insert(FormStamp(sent));
    }
    // The form's one-time key (see `auth::once`).
    let session_id = session
        .as_ref()
        .and_then(|s| s.id())
        .map(|id| id.to_string());
    let once = fields
        .iter()
        .find(|(name, _)| name == once::FIELD)
        .filter(|(_, value)| uuid::Uuid::parse_str(value).is_ok())
        .map(|(_, value)| once::key_of(value, session_id.as_deref(), parts.uri.path(), &fields));
    parts.extensions.insert(FormFields(fields));
    let request = Request::from_parts(parts, Body::from(bytes));
    if let Some(key) = once {
        match once::claim(&state.pool, &key).await {
            Ok(once::Claim::Done(location)) => return once::repeat(&location),
            Ok(once::Claim::Acted) => {
                tracing::warn!("a form that had already acted was sent again; not run twice");
                return once::already_done(
                    request.headers(),
                    request.uri().path(),
                    session.as_ref(),
                    &state.config.public_url,
                )
                .await;
            }
            Ok(once::Claim::Busy) => {
                return error::page(
                    StatusCode::CONFLICT,
                    "That form is still being sent",
                    "The same form was sent a moment ago and Triad is still working on it. Wait a few seconds, then reload the page to see the result.",
                    request_id,
                );
            }
            Ok(once::Claim::First(submission)) => {
                // Run to the end even if the browser gives up on this request
                // (a double click cancels the first), so the key is always
                // settled: released, or pointing where the form led. The
                // handler holds the key, so the transaction that acts marks
                // it used as it commits.
                let pool = state.pool.clone();
                let span = tracing::Span::current();
                let held = submission.clone();
                let task = tokio::spawn(
                    async move {
                        let response = once::scope(held.clone(), next.run(request)).await;
                        let session_after =
                            response_session_changed(&session, session_id.as_deref());
                        let location = once::outcome(&response).filter(|_| !session_after);
                        once::finish(&pool, &held, location).await;
                        response
                    }
                    .instrument(span),
                );
                return match task.await {
                    Ok(response) => response,
                    Err(err) => {
                        // A panic in the handler: the key is let go, and the
                        // panic page says what the catcher would have.
                        once::release(&state.pool, &submission).await;
                        tracing::error!(error = %err, "a form's handler failed");
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
                    }
                };
            }
            // Without the database the form fails anyway, with its own page.
            Err(err) => tracing::warn!(error = %err, "cannot claim a form's one-time key"),
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_browsers_word_on_the_origin_decides() {
        let public = url::Url::parse("https://coaching.example.com/").unwrap();
        assert!(same_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &public
        ));
        assert!(!same_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &public
        ));
        assert!(!same_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            &public
        ));
        assert!(same_site(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            &public
        ));
        assert!(same_site(
            &headers(&[
                ("origin", "https://coaching.example.com"),
                ("host", "internal:8080")
            ]),
            &public
        ));
        assert!(!same_site(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            &public
        ));
        assert!(!same_site(
            &headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]),
            &public
        ));
        assert!(same_site(&headers(&[]), &public), "not a browser");
    }
}
