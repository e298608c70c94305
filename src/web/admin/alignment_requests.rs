//! Requests for one more alignment meeting than a programme includes: the
//! programme team approves or declines each, and the coachee hears by email.
//! The page shows names, counts and the coachee's reason — no coaching content.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

use crate::db;
use crate::db::alignment::{self as meetings, ExtraRequest};
use crate::format;
use crate::mail::outbox::{self, Recipient};
use crate::mail::templates::NoticeEmail;
use crate::mail::typed::isolate;
use crate::state::AppState;
use crate::web::admin::trail::record;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::layout::Layout;
use crate::web::session::Admin;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/alignment-requests", get(index))
        .route("/admin/alignment-requests/{id}", post(decide))
}

struct Row {
    request: ExtraRequest,
    asked: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/alignment_requests.html")]
struct RequestsPage {
    layout: Layout,
    pending: Vec<Row>,
    decided: Vec<Row>,
}

async fn index(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
) -> AppResult<RequestsPage> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let tz = admin.user.time_zone.clone();
    let (pending, decided): (Vec<Row>, Vec<Row>) = meetings::extra_requests(&mut tx, admin.org)
        .await?
        .into_iter()
        .map(|request| Row {
            asked: format::local_time(request.created_at, &tz),
            request,
        })
        .partition(|row| row.request.status == "pending");
    Ok(RequestsPage {
        layout: Layout::for_member("Extra alignment meetings", &admin, flashes).await,
        pending,
        decided,
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
}

async fn decide(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let approve = match form.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return Err(AppError::NotFound),
    };
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let request = meetings::extra_requests(&mut tx, admin.org)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)?;
    let decided = meetings::decide_request(&mut tx, admin.org, id, approve, admin.user.id).await?;
    if decided.is_none() {
        flash::push(
            &admin.session,
            FlashKind::Info,
            "That request was already decided.",
        )
        .await?;
        return Ok(Redirect::to("/admin/alignment-requests").into_response());
    }
    let link = state
        .config
        .public_url
        .join(&format!("/engagements/{}/alignment", request.engagement_id))
        .map(|u| u.to_string())
        .unwrap_or_default();
    let email = NoticeEmail {
        kind: crate::mail::MailKind::MeetingRequest,
        subject: if approve {
            "One more alignment meeting approved".into()
        } else {
            "Your request for another alignment meeting".into()
        },
        name: request.coachee_name.clone(),
        lead: if approve {
            format!(
                "The programme team approved one more alignment meeting in {}. You can plan it now.",
                isolate(&request.program_name)
            )
        } else {
            format!(
                "The programme team could not approve another alignment meeting in {} this time. Your coach can help you find another way to keep your manager involved.",
                isolate(&request.program_name)
            )
        },
        link: Some(("Your alignment meetings".into(), link)),
        ..NoticeEmail::default()
    }
    .email(Recipient {
        email: request.coachee_email.clone(),
        name: request.coachee_name.clone(),
    })
    .map_err(|e| AppError::Internal(e.into()))?;
    let mut email = email;
    email.caused_by = Some(admin.user.id);
    outbox::enqueue(&mut tx, Some(admin.org), state.config.mail_domain(), email).await?;
    record(
        &mut tx,
        &admin,
        if approve {
            "alignment.extra_approved"
        } else {
            "alignment.extra_declined"
        },
        Some(format!("engagement of {}", request.coachee_name)),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        format!(
            "{} for {}; they have been told by email.",
            if approve { "Approved" } else { "Declined" },
            request.coachee_name
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/alignment-requests").into_response())
}
