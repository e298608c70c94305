//! The coachee or coach rewrites the meeting's agenda, until the meeting
//! starts. Invitees read the latest on their page; one who already accepted
//! is emailed the new agenda, once the edits have settled for a few minutes.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use crate::alignment::agenda;
use crate::db::alignment as meetings;
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::session::Member;

use super::meeting::{Edits, done, open, rerender};
use super::notice::{mailer, record};
use super::voices::agenda_editable;

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct AgendaForm {
    #[serde(default)]
    agenda: String,
    /// The rewritten agenda the form was drawn with; absent from a form not
    /// drawn by the meeting page.
    was: Option<String>,
}

pub(super) async fn save_agenda(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<AgendaForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, true, None).await?;
    // The meeting row is locked: the agenda read here is the one this save
    // would replace.
    let current = meetings::rewritten_agenda(&mut tx, member.org, meeting.id)
        .await?
        .unwrap_or_default();
    // Browsers send a hidden field's line breaks as CRLF.
    let changed_meanwhile = form
        .was
        .as_ref()
        .is_some_and(|was| was.replace("\r\n", "\n") != current);
    let checked = if !agenda_editable(&meeting) {
        Err(
            "The meeting has started or is no longer planned, so its agenda stays as it was. What you typed is below.",
        )
    } else if changed_meanwhile {
        Err(
            "The agenda was changed by someone else while you were editing: theirs is shown above, what you typed is below. Save again to replace theirs with yours.",
        )
    } else {
        agenda::check(&form.agenda)
    };
    let lines = match checked {
        Ok(lines) => lines,
        Err(problem) => {
            let edits = Edits {
                agenda: Some((form.agenda, problem.into())),
                ..Edits::default()
            };
            return rerender(tx, &member, meeting, side, edits).await;
        }
    };
    if !meetings::rewrite_agenda(&mut tx, member.org, meeting.id, &lines).await? {
        return done(&member, id, "The agenda is as you left it.").await;
    }
    // Accepting a time is a vote until the meeting's time is set: only then
    // did anyone accept the meeting the news speaks of.
    let accepted = if meeting.starts_at.is_some() {
        meetings::accepted_invites(&mut tx, member.org, meeting.id).await?
    } else {
        Vec::new()
    };
    let shown = agenda::parse(&lines);
    let mailer = mailer(&state, &member);
    for invite in &accepted {
        let invite = meetings::invite(&mut tx, member.org, *invite)
            .await?
            .ok_or(AppError::NotFound)?;
        mailer
            .agenda_changed(&mut tx, &meeting, &invite, &shown)
            .await?;
    }
    record(&mut tx, &member, "meeting.agenda_changed", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        if accepted.is_empty() {
            "The agenda is saved. The invitation page shows it at once."
        } else {
            "The agenda is saved. Whoever accepted the meeting gets the new agenda by email in a few minutes."
        },
    )
    .await
}
