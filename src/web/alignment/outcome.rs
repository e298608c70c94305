//! After the meeting's time: the coach records whether it was held, then the
//! debrief — the pulse check of `debrief` — that coach and coachee read (the
//! invitees do not).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use crate::alignment::Status;
use crate::db::alignment as meetings;
use crate::state::AppState;
use crate::web::engagement::Side;
use crate::web::error::AppResult;
use crate::web::session::Member;

use super::debrief::DebriefForm;
use super::meeting::{Edits, done, open, records_outcome, rerender};
use super::notice::record;

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct OutcomeForm {
    #[serde(default)]
    outcome: String,
}

pub(super) async fn record_outcome(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<OutcomeForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, true, None).await?;
    if !records_outcome(&meeting, side) {
        return Err(crate::web::error::AppError::NotFound);
    }
    let held = match form.outcome.as_str() {
        "held" => true,
        "not_held" => false,
        _ => return done(&member, id, "Choose whether the meeting took place.").await,
    };
    let started = meeting.starts_at.is_some_and(|at| at <= Utc::now());
    if !started || meeting.status() != Status::Confirmed {
        return done(
            &member,
            id,
            "You can record what happened once the meeting's time has come.",
        )
        .await;
    }
    meetings::set_outcome(&mut tx, member.org, meeting.id, held).await?;
    record(
        &mut tx,
        &member,
        if held {
            "meeting.held"
        } else {
            "meeting.not_held"
        },
        &meeting,
    )
    .await?;
    tx.commit().await?;
    done(
        &member,
        id,
        match (held, side) {
            (true, Side::Coach) => "Marked as held. Record the debrief with your coachee below.",
            (true, Side::Coachee) if meeting.coach_id.is_some() => "Marked as held.",
            (true, Side::Coachee) => {
                "Marked as held. Your coach will find it here once you have chosen them."
            }
            (false, Side::Coach) => "Marked as not held. The coachee can schedule it again.",
            (false, Side::Coachee) => "Marked as not held. You can plan it again.",
        },
    )
    .await
}

pub(super) async fn save_debrief(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<DebriefForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, false, Some(Side::Coach)).await?;
    let checked = if meeting.status() != Status::Completed {
        Err("Mark the meeting as held before recording its debrief.".to_owned())
    } else {
        form.checked()
    };
    let debrief = match checked {
        Ok(debrief) => debrief,
        Err(problem) => {
            // Nothing typed is lost: the form comes back as it was sent.
            let edits = Edits {
                debrief: Some((form, problem)),
                ..Edits::default()
            };
            return rerender(tx, &member, meeting, side, edits).await;
        }
    };
    meetings::save_debrief(&mut tx, member.org, meeting.id, &debrief).await?;
    record(&mut tx, &member, "meeting.debriefed", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        format!(
            "Debrief saved. {} can read it; the manager cannot.",
            meeting.coachee_name
        ),
    )
    .await
}
