//! A request id for every request: in every log line, in the `x-request-id`
//! response header, and on error pages so a person can quote it.
//!
//! Ids are always made here; one sent by the client is ignored, so nobody can
//! write what they like into our logs.

use axum::extract::Request;
use axum::http::{HeaderValue, header::HeaderName};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Span;

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(Clone, Copy, Debug)]
pub struct RequestId(uuid::Uuid);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The simple form is short enough to read out over the phone.
        write!(f, "{}", self.0.simple())
    }
}

pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = RequestId(uuid::Uuid::new_v4());
    request.extensions_mut().insert(id);
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert(X_REQUEST_ID.clone(), value);
    }
    response
}

/// The span of a request's log lines: its id, method and path. Never the query
/// string, never a header (cookies travel there) and never a guest token.
pub fn span(request: &Request) -> Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .map(ToString::to_string)
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %loggable_path(request.uri().path()),
    )
}

/// The path as it may be logged: a manager's link carries its token in the
/// path, so that part is left out.
pub fn loggable_path(path: &str) -> &str {
    if path.starts_with("/m/") {
        "/m/…"
    } else {
        path
    }
}
