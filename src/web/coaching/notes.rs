//! The coach's private notes on a session: read and written by the coach
//! alone, never shown on a coachee's page.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::db;
use crate::db::coaching;
use crate::state::AppState;
use crate::web::engagement::Side;
use crate::web::error::AppResult;
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::session::Member;

use super::sessions::{load_session_as, session_page};

#[derive(Deserialize)]
pub(super) struct NotesForm {
    #[serde(default)]
    notes: String,
}

pub(super) async fn save_notes(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<NotesForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (session, engagement) = load_session_as(&mut tx, &member, id, Side::Coach).await?;
    if form.notes.chars().count() > 5000 {
        let mut page = session_page(
            &mut tx,
            &member,
            session,
            engagement,
            Side::Coach,
            None,
            FieldErrors::default(),
            Flashes::default(),
        )
        .await?;
        page.private_notes = form.notes;
        page.layout.flashes.push(flash::Flash {
            kind: FlashKind::Problem,
            message:
                "Private notes can be at most 5,000 characters; yours are kept below to shorten."
                    .into(),
        });
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    coaching::save_private_notes(&mut tx, member.org, id, member.user.id, form.notes.trim())
        .await?;
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        "Your private notes are saved. Only you can read them.",
    )
    .await?;
    Ok(Redirect::to(&format!("/sessions/{id}")).into_response())
}
