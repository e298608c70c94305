//! Failures, and the pages people see when something fails.
//!
//! Handlers return [`AppError`]; it logs the cause and answers with a bare status.
//! One middleware, [`render_error_pages`], turns every bare error status — from a
//! handler, an extractor's rejection, the body limit or a caught panic — into an
//! HTML page that says what to do next and shows the request id, never internals.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::web::layout::Layout;
use crate::web::request_id::RequestId;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, or another organisation's: the two look the same from outside.
    #[error("not found")]
    NotFound,
    /// The database (or another dependency) cannot be reached right now.
    #[error("service unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => AppError::NotFound,
            err if database_away(&err) => AppError::Unavailable(err.into()),
            other => AppError::Internal(other.into()),
        }
    }
}

/// Whether `err` says the database is away rather than that something is
/// wrong with the request: no connection to be had, or the server ending
/// connections because it is shutting down, starting up or recovering from
/// a crash.
fn database_away(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(err) => err.code().is_some_and(|code| {
            // Class 08 is connection exceptions; 57P01–57P03 are admin
            // shutdown, crash shutdown and "cannot connect now"; 53300 is
            // too many connections, as while a restarted server fills up.
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

impl From<crate::mail::outbox::EnqueueError> for AppError {
    fn from(err: crate::mail::outbox::EnqueueError) -> Self {
        match err {
            crate::mail::outbox::EnqueueError::Database(err) => err.into(),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    /// The login-session store is PostgreSQL: a failing store is the database
    /// not answering, a 503 like any other.
    fn from(err: tower_sessions::session::Error) -> Self {
        match err {
            tower_sessions::session::Error::Store(
                tower_sessions::session_store::Error::Backend(_),
            ) => AppError::Unavailable(err.into()),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        // A database or session-store failure deep inside is still the
        // database being unavailable.
        let unavailable = err.chain().any(|cause| {
            cause
                .downcast_ref::<sqlx::Error>()
                .is_some_and(database_away)
                || matches!(
                    cause.downcast_ref::<tower_sessions::session::Error>(),
                    Some(tower_sessions::session::Error::Store(
                        tower_sessions::session_store::Error::Backend(_)
                    ))
                )
        });
        if unavailable {
            AppError::Unavailable(err)
        } else {
            AppError::Internal(err)
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::NotFound => StatusCode::NOT_FOUND.into_response(),
            AppError::Unavailable(cause) => {
                tracing::warn!(error = %format!("{cause:#}"), "dependency unavailable");
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
            AppError::Internal(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "request failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    heading: &'static str,
    advice: &'static str,
    request_id: String,
}

/// What a person should read for each status, in plain words.
fn wording(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => (
            "That request could not be read",
            "Something in what was sent did not make sense to us. Go back, check the form and try again.",
        ),
        403 => (
            "You can't do that here",
            "This action is not open to you. If you followed a link or an old form, reload the page and try again.",
        ),
        404 => (
            "We couldn't find that page",
            "The link may be mistyped, or what it pointed to is no longer there. Start again from the home page.",
        ),
        405 => (
            "That page can't do that",
            "The page exists, but not for this kind of request. Go back and use the buttons on the page.",
        ),
        408 => (
            "That took too long",
            "We stopped waiting for the request to arrive. Check your connection and try again.",
        ),
        413 => (
            "That was too much to send at once",
            "The form or file is larger than Triad accepts. Shorten it and send it again.",
        ),
        415 | 422 => (
            "We couldn't read what was sent",
            "Go back, check the form and try again.",
        ),
        429 => ("Too many attempts", "Wait a little, then try again."),
        503 => (
            "Triad is briefly unavailable",
            "We can't reach our database right now. Nothing you saved before is lost. Try again in a minute.",
        ),
        _ if status.is_server_error() => (
            "Something went wrong on our side",
            "It is not something you did. Try again in a moment; if it keeps happening, tell your programme team and quote the request id below.",
        ),
        _ => ("That didn't work", "Go back and try again."),
    }
}

/// Marks an error response whose body is meant for a machine (a health probe),
/// so it is passed through as it is.
#[derive(Clone, Copy, Debug)]
pub struct Verbatim;

/// Renders the HTML page for any error response that does not carry one already.
pub async fn render_error_pages(request: Request, next: Next) -> Response {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(ToString::to_string)
        .unwrap_or_default();
    let response = next.run(request).await;
    if response.extensions().get::<Verbatim>().is_some() {
        return response;
    }
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_html {
        return response;
    }
    error_page(
        status,
        request_id,
        response.headers().get(header::RETRY_AFTER).cloned(),
    )
}

fn error_page(
    status: StatusCode,
    request_id: String,
    retry_after: Option<HeaderValue>,
) -> Response {
    let (heading, advice) = wording(status);
    let mut response = page(status, heading, advice, request_id);
    if let Some(retry_after) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, retry_after);
    }
    response
}

/// An error page with words of its own, for a failure that deserves them.
pub fn page(
    status: StatusCode,
    heading: &'static str,
    advice: &'static str,
    request_id: String,
) -> Response {
    let page = ErrorPage {
        layout: Layout::new(heading),
        status: status.as_u16(),
        heading,
        advice,
        request_id,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        // The error page itself failed: plain words, still no internals.
        Err(_) => (status, format!("{heading}. {advice}")).into_response(),
    }
}

/// The answer to a panic in a handler; [`render_error_pages`] dresses it.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    tracing::error!(panic = %message, "handler panicked");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
