//! Email delivery as an admin sees it: what is waiting, retrying or failed,
//! with the reason — never the message body — and a button to try again.
//! Mail about alignment meetings is only counted, by kind and state: its
//! subject, its time and its recipients would tell an admin about someone's
//! coaching, which DESIGN §3 keeps from them.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use uuid::Uuid;

use crate::db;
use crate::format;
use crate::mail::MailKind;
use crate::mail::outbox::{self, DeliveryCount, DeliveryRow, DeliveryState};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::layout::Layout;
use crate::web::session::Admin;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/mail", get(index))
        .route("/admin/mail/{id}/retry", post(retry))
        .route("/admin/mail/retry-kind", post(retry_kind))
}

/// A delivery row with its times in the viewer's zone.
pub struct Shown {
    pub row: DeliveryRow,
    pub created: String,
    pub next_attempt: String,
}

impl Shown {
    pub fn new(row: DeliveryRow, time_zone: &str) -> Self {
        Shown {
            created: format::local_time(row.created_at, time_zone),
            next_attempt: format::local_time(row.next_attempt_at, time_zone),
            row,
        }
    }

    pub fn state(&self) -> &'static str {
        match (self.row.status.as_str(), self.row.attempts) {
            ("failed", _) => "Failed",
            ("sending", _) => "Sending",
            ("queued", 0) => "Queued",
            _ => "Retrying",
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/mail.html")]
struct MailPage {
    layout: Layout,
    messages: Vec<Shown>,
    counted: Vec<DeliveryCount>,
}

impl MailPage {
    /// Whether a row of counts can be sent again (it is not being sent now).
    fn retryable(&self, count: &DeliveryCount) -> bool {
        matches!(count.state, DeliveryState::Failed | DeliveryState::Retrying)
    }
}

async fn index(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
) -> AppResult<MailPage> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let rows = outbox::undelivered(&mut tx, admin.org).await?;
    let counted = outbox::undelivered_counts(&mut tx, admin.org).await?;
    Ok(MailPage {
        counted,
        layout: Layout::for_member("Email delivery", &admin, flashes).await,
        messages: rows
            .into_iter()
            .map(|row| Shown::new(row, &admin.user.time_zone))
            .collect(),
    })
}

async fn retry(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    // Row-level security keeps other organisations' messages out of reach:
    // for them, as for a message already sent, nothing changes and it is a 404.
    if !outbox::retry_now(&mut tx, admin.org, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        "The message will be sent again now.",
    )
    .await?;
    Ok(Redirect::to("/admin/mail").into_response())
}

#[derive(serde::Deserialize)]
struct KindForm {
    kind: String,
}

/// Sends again every failed or retrying message of one counted kind.
async fn retry_kind(
    State(state): State<AppState>,
    admin: Admin,
    Form(form): Form<KindForm>,
) -> AppResult<Response> {
    let kind = MailKind::parse(&form.kind);
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let retried = outbox::retry_kind_now(&mut tx, admin.org, kind).await?;
    tx.commit().await?;
    let message = match retried {
        0 => "Nothing of that kind was waiting to be sent again.".to_owned(),
        1 => "One message will be sent again now.".to_owned(),
        n => format!("{n} messages will be sent again now."),
    };
    flash::push(&admin.session, FlashKind::Success, message).await?;
    Ok(Redirect::to("/admin/mail").into_response())
}
