//! What each side writes before the meeting: the coachee's preparation
//! (read by both) and the coach's notes (read by the coach alone).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use crate::db::alignment as meetings;
use crate::state::AppState;
use crate::web::engagement::Side;
use crate::web::error::AppResult;
use crate::web::session::Member;

use super::fields::PrepForm;
use super::meeting::{Edits, NotesForm, done, open, rerender};

pub(super) async fn save_preparation(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<PrepForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, false, Some(Side::Coachee)).await?;
    let prep = match form.check() {
        Ok(prep) => prep,
        Err(problem) => {
            let edits = Edits {
                prep: Some((form, problem)),
                ..Edits::default()
            };
            return rerender(tx, &member, meeting, side, edits).await;
        }
    };
    meetings::save_preparation(&mut tx, member.org, meeting.id, &prep).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        "Your preparation is saved. Your coach can read it.",
    )
    .await
}

pub(super) async fn save_notes(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<NotesForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, false, Some(Side::Coach)).await?;
    if form.notes.chars().count() > 4000 {
        let edits = Edits {
            notes: Some((form.notes, "Keep your notes to 4,000 characters.".into())),
            ..Edits::default()
        };
        return rerender(tx, &member, meeting, side, edits).await;
    }
    meetings::save_coach_notes(&mut tx, member.org, meeting.id, form.notes.trim()).await?;
    tx.commit().await?;
    done(&member, id, "Your notes are saved. Only you can read them.").await
}
