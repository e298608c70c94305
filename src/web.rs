//! The router, and the layers every response passes through.
//!
//! Areas of the site are modules with a `router()` each; this file puts them
//! together and wraps them, outermost first, in: security headers, request id
//! and request log, HTML error pages, the panic catcher, the body limit and the
//! login session (whose failure to save is the 503 page, like any other
//! database outage).

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use tracing::Level;

use self::error::AppError;
use crate::state::AppState;

pub mod account;
pub mod admin;
pub mod alignment;
pub mod assets;
pub mod charts;
pub mod client;
pub mod coach_choice;
pub mod coaching;
pub mod dev_mailbox;
pub mod engagement;
pub mod error;
pub mod flash;
pub mod forms;
pub mod goals;
pub mod guest;
pub mod health;
pub mod home;
pub mod layout;
pub mod names;
pub mod request_id;
pub mod session;
pub mod sign_in;

pub use forms::fields::BODY_LIMIT_BYTES;
/// How long a client may take to send its request body: forms are small, so a
/// body this slow is a connection gone bad, or one holding the server on purpose.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

pub fn session_store(pool: &sqlx::PgPool) -> PostgresStore {
    PostgresStore::new(pool.clone())
}

pub fn router(state: AppState) -> anyhow::Result<Router> {
    let https = state.config.is_https();
    let sessions = session_layer(&state.pool, https, state.config.session_idle)?;
    let mut routes = Router::new()
        .merge(home::router())
        .merge(sign_in::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(coaching::router())
        .merge(coach_choice::router())
        .merge(goals::router())
        .merge(alignment::router())
        .merge(guest::router())
        .merge(health::router())
        .merge(assets::router());
    if state.config.serves_local_mailbox() {
        routes = routes.merge(dev_mailbox::router());
    } else if state.config.smtp_url.is_none() {
        tracing::warn!(
            folder = %state.config.mailbox_dir().display(),
            "SMTP_URL is unset: emails are written to the mailbox folder and sent to nobody; \
             /dev/mailbox is not served, as it is only for the embedded run on a loopback address"
        );
    }
    wrap(routes, state, sessions, https)
}

fn session_layer(
    pool: &sqlx::PgPool,
    https: bool,
    idle: Duration,
) -> anyhow::Result<SessionManagerLayer<PostgresStore>> {
    // `__Host-` binds the cookie to exactly this origin; browsers accept the
    // prefix only on secure cookies.
    let cookie_name = if https {
        "__Host-triad_session"
    } else {
        "triad_session"
    };
    Ok(SessionManagerLayer::new(session_store(pool))
        .with_name(cookie_name)
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(https)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::try_from(idle)?,
        )))
}

/// Marks a response as come from the routes (see [`unsaved_sessions_are_unavailable`]).
#[derive(Clone, Copy, Debug)]
struct Answered;

async fn mark_answered(mut response: Response) -> Response {
    response.extensions_mut().insert(Answered);
    response
}

/// When the login session changed but cannot be saved, tower-sessions drops
/// the page and answers a bare 500 of its own. The store is PostgreSQL, so
/// that is the database being away: the 503 page, like every other request
/// that needs it. Only a response without the routes' mark is the session
/// layer's own.
async fn unsaved_sessions_are_unavailable(response: Response) -> Response {
    if response.status() == axum::http::StatusCode::INTERNAL_SERVER_ERROR
        && response.extensions().get::<Answered>().is_none()
    {
        tracing::warn!("cannot save the login session: the database is unavailable");
        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    response
}

/// Puts `routes` inside every layer: what no route may go without.
fn wrap(
    routes: Router<AppState>,
    state: AppState,
    sessions: SessionManagerLayer<PostgresStore>,
    https: bool,
) -> anyhow::Result<Router> {
    let headers = security_headers(https);
    let csrf_state = state.clone();
    let app = routes
        .fallback(|| async { AppError::NotFound })
        .with_state(state)
        // Innermost, so the login session is there for it to check against.
        .layer(middleware::from_fn_with_state(
            csrf_state,
            crate::web::forms::csrf::protect,
        ))
        .layer(middleware::map_response(mark_answered))
        .layer(
            ServiceBuilder::new()
                .layer(middleware::map_response(move |response| {
                    let headers = headers.clone();
                    async move { apply_headers(response, &headers) }
                }))
                .layer(middleware::from_fn(request_id::assign))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_id::span)
                        .on_request(())
                        .on_response(DefaultOnResponse::new().level(Level::INFO))
                        .on_failure(DefaultOnFailure::new().level(Level::WARN)),
                )
                .layer(middleware::from_fn(error::render_error_pages))
                .layer(CatchPanicLayer::custom(error::panic_response))
                .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
                .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
                .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
                .layer(middleware::map_response(unsaved_sessions_are_unavailable))
                .layer(sessions),
        );
    Ok(app)
}

type HeaderSet = std::sync::Arc<Vec<(HeaderName, HeaderValue)>>;

/// Headers that every response carries, error pages and static files included.
fn security_headers(https: bool) -> HeaderSet {
    let mut headers = vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                 base-uri 'none'; object-src 'none'",
            ),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ),
    ];
    if https {
        headers.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    std::sync::Arc::new(headers)
}

/// Sets the security headers. A handler may have set a stricter CSP of its own
/// (the sandboxed mail view does); that one stays.
fn apply_headers(mut response: Response, headers: &HeaderSet) -> Response {
    let map = response.headers_mut();
    for (name, value) in headers.iter() {
        if name == header::CONTENT_SECURITY_POLICY && map.contains_key(name) {
            continue;
        }
        map.insert(name.clone(), value.clone());
    }
    // Nothing a page shows may outlive it in a browser's or a proxy's cache:
    // on a shared computer, Back after sign-out must not bring a coach's
    // notes back. Only our static files say otherwise, and they hold no one's data.
    if !map.contains_key(header::CACHE_CONTROL) {
        map.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    /// The real layers around routes that misbehave on purpose. The pool points
    /// nowhere, and says so quickly: a route that needs the database fails.
    fn app(routes: Router<AppState>) -> Router {
        let config = crate::config::Config::from_lookup(|_| None).unwrap();
        let pool = sqlx::postgres::PgPoolOptions::new()
            .acquire_timeout(Duration::from_millis(200))
            .connect_lazy("postgres://nobody@127.0.0.1:1/nothing")
            .unwrap();
        let key = crate::config::SecretKey::from_configured(&"k".repeat(32)).unwrap();
        let state = AppState {
            pool: pool.clone(),
            config: std::sync::Arc::new(config),
            guest_keys: std::sync::Arc::new(crate::alignment::link::GuestKeys::new(&key, None)),
            stamp_key: std::sync::Arc::new(crate::auth::stamp::StampKey::new(&key)),
            device_key: std::sync::Arc::new(crate::auth::device::DeviceKey::new(&key)),
            after_answer: std::sync::Arc::default(),
            link_guesses: std::sync::Arc::default(),
            reports: std::sync::Arc::default(),
            cluster: None,
        };
        let sessions = session_layer(&pool, false, Duration::from_secs(60)).unwrap();
        wrap(routes, state, sessions, false).unwrap()
    }

    async fn call(app: Router, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let response = app
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn a_panicking_handler_gets_the_500_page_with_a_request_id_and_no_internals() {
        let routes = Router::new().route(
            "/boom",
            get(|| async {
                panic!("secret internal detail");
                #[allow(unreachable_code)]
                ""
            }),
        );
        let (status, headers, body) = call(app(routes), "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(headers.contains_key("content-security-policy"));
        let request_id = headers["x-request-id"].to_str().unwrap();
        assert!(body.contains(request_id), "{body}");
        assert!(body.contains("Something went wrong on our side"), "{body}");
        assert!(!body.contains("secret internal detail"), "{body}");
    }

    #[tokio::test]
    async fn an_internal_error_shows_no_cause_and_an_unreachable_database_shows_503() {
        let routes = Router::new()
            .route(
                "/fails",
                get(|| async {
                    AppError::Internal(anyhow::anyhow!("password=hunter2 in a stack"))
                }),
            )
            .route(
                "/db",
                get(|| async { AppError::from(sqlx::Error::PoolTimedOut) }),
            );
        let (status, _, body) = call(app(routes.clone()), "/fails").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.contains("hunter2"), "{body}");

        let (status, _, body) = call(app(routes), "/db").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("briefly unavailable"), "{body}");
    }

    #[tokio::test]
    async fn a_login_session_that_cannot_be_saved_gets_the_503_page_not_a_500() {
        // A first visit: the page puts something in a new session, which the
        // session layer saves after the handler is done — into no database.
        let routes = Router::new().route(
            "/remember",
            get(|session: tower_sessions::Session| async move {
                session.insert("seen", true).await.unwrap();
                "remembered"
            }),
        );
        let (status, headers, body) = call(app(routes), "/remember").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("briefly unavailable"), "{body}");
        assert!(body.contains(headers["x-request-id"].to_str().unwrap()));
        assert!(!headers.contains_key("set-cookie"));
    }

    #[tokio::test]
    async fn flash_messages_appear_once_in_the_page_frame() {
        use crate::web::flash::{Flash, FlashKind};
        use crate::web::layout::Layout;
        use askama::Template;

        #[derive(Template)]
        #[template(
            source = "{% extends \"base.html\" %}{% block content %}<p>body</p>{% endblock %}",
            ext = "html"
        )]
        struct Page {
            layout: Layout,
        }
        let mut layout = Layout::new("Flash <test>");
        layout.flashes.push(Flash {
            kind: FlashKind::Success,
            message: "Saved <b>it</b>".into(),
        });
        let html = Page { layout }.render().unwrap();
        assert!(html.contains("flash-success"), "{html}");
        assert!(
            html.contains("Saved &#60;b&#62;it&#60;/b&#62;")
                || html.contains("Saved &lt;b&gt;it&lt;/b&gt;"),
            "{html}"
        );
        assert!(
            html.contains("Flash &#60;test&#62; · Triad")
                || html.contains("Flash &lt;test&gt; · Triad"),
            "{html}"
        );
    }
}
