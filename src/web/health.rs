//! Probes for load balancers and orchestrators.

use axum::Extension;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::db;
use crate::embedded_pg::supervise::{ClusterState, ClusterWatch};
use crate::state::AppState;
use crate::web::error::Verbatim;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process is up and answering — and, when it owns the embedded
/// cluster, that cluster's server is running: while it is being started again
/// (or could not be), this says so.
async fn healthz(State(state): State<AppState>) -> Response {
    let problem = match state.cluster.as_ref().map(ClusterWatch::state) {
        None | Some(ClusterState::Running) => None,
        Some(ClusterState::Restarting { since, .. }) => Some(format!(
            "the embedded PostgreSQL server stopped {} s ago; Triad is starting it again\n",
            since.elapsed().as_secs()
        )),
        Some(ClusterState::Failed { .. }) => Some(
            "the embedded PostgreSQL server stopped and could not be started again\n".to_owned(),
        ),
    };
    match problem {
        None => ([(header::CACHE_CONTROL, "no-store")], "ok\n").into_response(),
        Some(problem) => probe_failure(problem),
    }
}

/// The process can do useful work: its database answers. Plain text on purpose —
/// a probe is not a person, so this never becomes the HTML error page.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if db::is_ready(&state.pool).await {
        ([(header::CACHE_CONTROL, "no-store")], "ready\n").into_response()
    } else {
        probe_failure("database unreachable\n".to_owned())
    }
}

fn probe_failure(reason: String) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Extension(Verbatim),
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        ],
        reason,
    )
        .into_response()
}
