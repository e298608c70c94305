//! The coach marks a coaching session as the preparation for one of the
//! engagement's planned alignment meetings (or for none); the meeting's page
//! then shows the session.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::db;
use crate::db::alignment as meetings;
use crate::state::AppState;
use crate::web::engagement::Side;
use crate::web::error::AppResult;
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::session::Member;

use super::sessions::{load_session_as, session_page};

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct PrepForm {
    /// The meeting's id, or empty for none.
    #[serde(default)]
    prepares: String,
}

pub(super) async fn mark_preparation(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<PrepForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (session, engagement) = load_session_as(&mut tx, &member, id, Side::Coach).await?;
    let chosen = form.prepares.trim();
    // Only a meeting of this engagement that is still planned (or the one
    // already chosen): anything else — another engagement's meeting, another
    // organisation's, a made-up id — gets the same answer, and nothing changes.
    let already = meetings::prepares(&mut tx, member.org, id).await?;
    let open: Vec<Uuid> = meetings::of_engagement(&mut tx, member.org, engagement.id)
        .await?
        .into_iter()
        .filter(|m| m.alignment_enabled && (m.status().is_open() || Some(m.id) == already))
        .map(|m| m.id)
        .collect();
    let meeting = match chosen.parse::<Uuid>() {
        _ if chosen.is_empty() => Ok(None),
        Ok(meeting) if open.contains(&meeting) => Ok(Some(meeting)),
        _ => Err("Choose one of this engagement's planned alignment meetings, or none."),
    };
    let saved = match meeting {
        Ok(meeting) => meetings::set_prepares(&mut tx, member.org, id, meeting)
            .await?
            .then_some(meeting)
            .ok_or("Choose one of this engagement's planned alignment meetings, or none."),
        Err(problem) => Err(problem),
    };
    let meeting = match saved {
        Ok(meeting) => meeting,
        Err(problem) => {
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
            page.prepares = form.prepares.clone();
            page.prepares_problem = Some(problem.into());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        if meeting.is_some() {
            "This session is now the preparation for the alignment meeting; the meeting's page shows it."
        } else {
            "This session no longer prepares an alignment meeting."
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/sessions/{id}")).into_response())
}
