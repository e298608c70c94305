//! The manager's answers to the questions, their time zone, and the calendar file.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use crate::alignment::questions::questions;
use crate::db::alignment::{self as meetings};
use crate::format;
use crate::mail::calendar::Method;
use crate::state::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::problems::FieldErrors;

use super::common::{back, mailer, record};
use super::page::{AnswersForm, GuestEdits, rerender};
use super::visit::{GuestForm, GuestVisit, ShownFor};

pub(super) async fn save_answers(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    session: Session,
    GuestForm(
        GuestVisit {
            mut tx,
            invite,
            meeting,
        },
        form,
    ): GuestForm<AnswersForm>,
) -> AppResult<Response> {
    let org = tx.tenant();
    let started = meeting.starts_at.is_some_and(|at| at <= Utc::now());
    let asked = questions(meeting.kind());
    let mut problems = FieldErrors::default();
    if started || !meeting.status().is_open() {
        problems.set(
            "answers",
            "The meeting has started, so the answers can no longer be changed.",
        );
    }
    for question in asked {
        if form.text(question.key).chars().count() > 2000 {
            problems.set(question.key, "Keep this answer to 2,000 characters.");
        }
    }
    if problems.any() {
        let edits = GuestEdits {
            answers: Some((form, problems)),
            ..GuestEdits::default()
        };
        return rerender(tx, &session, invite, meeting, edits).await;
    }
    // Only the questions of this meeting's kind: other fields are not answers.
    let given: Vec<(&str, &str)> = asked
        .iter()
        .map(|q| (q.key, form.text(q.key).trim()))
        .collect();
    let changed = meetings::save_answers(&mut tx, org, invite.id, &given).await?;
    if !changed {
        return back(&session, invite.id, "Your answers are saved.").await;
    }
    if invite.answered_at.is_none() {
        mailer(&state, org)
            .manager_answered(
                &mut tx,
                &meeting,
                &invite,
                "answered the questions before the meeting",
                &|_| Some("Their answers are on the meeting page.".into()),
                None,
            )
            .await?;
    }
    record(&mut tx, &invite, &meeting, "guest.answered", Some(peer)).await?;
    tx.commit().await?;
    back(&session, invite.id,
        "Thank you. Your answers are saved; the coachee and coach will read them before the meeting.",
    )
    .await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct TimeZoneForm {
    /// The invite whose page showed the form.
    #[serde(default)]
    invite: String,
    #[serde(default)]
    time_zone: String,
}

impl ShownFor for TimeZoneForm {
    fn shown_for(&self) -> &str {
        &self.invite
    }
}

pub(super) async fn set_time_zone(
    ClientAddr(peer): ClientAddr,
    session: Session,
    GuestForm(
        GuestVisit {
            mut tx,
            invite,
            meeting,
        },
        form,
    ): GuestForm<TimeZoneForm>,
) -> AppResult<Response> {
    let org = tx.tenant();
    let Some(zone) = format::all_zones().find(|z| *z == form.time_zone) else {
        return back(&session, invite.id, "Choose a time zone from the list.").await;
    };
    meetings::set_invite_time_zone(&mut tx, org, invite.id, zone).await?;
    record(
        &mut tx,
        &invite,
        &meeting,
        "guest.time_zone_changed",
        Some(peer),
    )
    .await?;
    tx.commit().await?;
    back(
        &session,
        invite.id,
        format!("Times are now shown in {zone}."),
    )
    .await
}

pub(super) async fn calendar_file(
    State(state): State<AppState>,
    GuestVisit {
        tx,
        invite,
        meeting,
    }: GuestVisit,
) -> AppResult<Response> {
    let org = tx.tenant();
    drop(tx);
    let Some(starts) = meeting.starts_at else {
        return Err(AppError::NotFound);
    };
    // A copy to keep, not an invitation: PUBLISH, and no link in it. The
    // guest's signed link is theirs alone, and a calendar file travels —
    // shared calendars, synced devices, forwarded entries.
    let part = mailer(&state, org).calendar(
        &meeting,
        std::slice::from_ref(&invite),
        starts,
        Method::Publish,
        None,
        Some(&invite),
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8; method=PUBLISH",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"alignment-meeting.ics\"",
            ),
        ],
        part.ics,
    )
        .into_response())
}
