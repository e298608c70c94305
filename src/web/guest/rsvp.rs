//! An invitee's answer to the invitation: accept, decline, or propose another
//! time. With several invitees, accepting an offered time is a vote (`vote`).

use axum::extract::State;
use axum::response::Response;
use chrono::{Duration, Utc};
use serde::Deserialize;
use tower_sessions::Session;

use crate::alignment::Status;
use crate::alignment::notify::{TimeChange, invitee_key};
use crate::db::alignment::{self as meetings};
use crate::format;
use crate::mail::typed::isolate;
use crate::state::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};

use super::common::{back, mailer, no_longer_planned, record};
use super::page::{DeclineForm, GuestEdits, ProposeForm, rerender};
use super::visit::{GuestForm, GuestVisit, ShownFor};

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct AcceptForm {
    /// The invite whose page showed the form.
    #[serde(default)]
    invite: String,
    #[serde(default)]
    candidate: String,
    /// The meeting's sequence when the page was shown: the time accepted is
    /// the time the manager saw.
    #[serde(default)]
    sequence: String,
}

impl ShownFor for AcceptForm {
    fn shown_for(&self) -> &str {
        &self.invite
    }
}

pub(super) async fn accept(
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
    ): GuestForm<AcceptForm>,
) -> AppResult<Response> {
    let org = tx.tenant();
    if !meeting.status().is_open() {
        return no_longer_planned(&session, invite.id).await;
    }
    if form.sequence.parse::<i32>().ok() != Some(meeting.sequence) {
        return back(
            &session,
            invite.id,
            "The meeting changed while the page was open. Here it is as it stands now.",
        )
        .await;
    }
    let mailer = mailer(&state, org);
    match meeting.status() {
        Status::Proposed => {
            let candidates = meetings::candidates(&mut tx, org, meeting.id).await?;
            let Some(chosen) = form
                .candidate
                .parse::<uuid::Uuid>()
                .ok()
                .and_then(|id| candidates.iter().find(|c| c.id == id))
                .filter(|c| c.starts_at > Utc::now() && c.proposed_by_invite != Some(invite.id))
            else {
                return back(
                    &session,
                    invite.id,
                    "That time is no longer on offer; choose one of those below.",
                )
                .await;
            };
            let invitees = meetings::live_invites(&mut tx, org, meeting.id).await?;
            if invitees.len() > 1 {
                let at = chosen.starts_at;
                return super::vote::vote(&state, tx, &session, peer, invite, meeting, at).await;
            }
            meetings::set_time(
                &mut tx,
                org,
                meeting.id,
                chosen.starts_at,
                meeting.duration_minutes,
                &meeting.place,
            )
            .await?;
            meetings::withdraw_candidates(&mut tx, org, meeting.id).await?;
            meetings::set_rsvp(
                &mut tx,
                org,
                invite.id,
                "accepted",
                "",
                Some(chosen.starts_at),
            )
            .await?;
            let updated = meetings::meeting(&mut tx, org, meeting.id)
                .await?
                .ok_or(AppError::NotFound)?;
            meetings::set_invite_expiry(
                &mut tx,
                org,
                invite.id,
                crate::web::alignment::invite::invite_expiry(&updated, chosen.starts_at),
            )
            .await?;
            let invite = meetings::invite(&mut tx, org, invite.id)
                .await?
                .ok_or(AppError::NotFound)?;
            mailer
                .time_set(
                    &mut tx,
                    &updated,
                    std::slice::from_ref(&invite),
                    TimeChange::ChosenByManager,
                )
                .await?;
            record(&mut tx, &invite, &meeting, "guest.accepted", Some(peer)).await?;
            tx.commit().await?;
            let when = format::local_time(chosen.starts_at, &invite.time_zone);
            back(
                &session,
                invite.id,
                format!(
                    "Thank you. The meeting is set for {when}; a calendar invite is on its way."
                ),
            )
            .await
        }
        _ => {
            // A time is set: accepting it again changes nothing.
            if invite.rsvp == "accepted" {
                return back(&session, invite.id, "You have accepted this meeting.").await;
            }
            let starts = meeting.starts_at;
            meetings::set_rsvp(&mut tx, org, invite.id, "accepted", "", starts).await?;
            mailer
                .manager_answered(
                    &mut tx,
                    &meeting,
                    &invite,
                    "accepted the meeting",
                    &|tz| {
                        starts.map(|at| {
                            format!("The meeting stays at {}.", format::local_time(at, tz))
                        })
                    },
                    None,
                )
                .await?;
            record(&mut tx, &invite, &meeting, "guest.accepted", Some(peer)).await?;
            tx.commit().await?;
            back(
                &session,
                invite.id,
                "Thank you. You have accepted the meeting.",
            )
            .await
        }
    }
}

pub(super) async fn decline(
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
    ): GuestForm<DeclineForm>,
) -> AppResult<Response> {
    let org = tx.tenant();
    if !meeting.status().is_open() {
        return no_longer_planned(&session, invite.id).await;
    }
    let note = form.note.trim().to_owned();
    if note.chars().count() > 500 {
        let edits = GuestEdits {
            decline: Some((form, "Keep your note to 500 characters.".into())),
            ..GuestEdits::default()
        };
        return rerender(tx, &session, invite, meeting, edits).await;
    }
    if invite.rsvp == "declined" && invite.rsvp_note == note {
        return back(&session, invite.id, "You have declined this meeting.").await;
    }
    meetings::set_rsvp(&mut tx, org, invite.id, "declined", &note, None).await?;
    // No reminder, and no agenda news, for someone who will not come.
    crate::mail::outbox::withdraw(&mut tx, &invitee_key(meeting.id, "reminder", invite.id)).await?;
    mailer(&state, org)
        .withdraw_agenda_news(&mut tx, &meeting, &invite)
        .await?;
    mailer(&state, org)
        .manager_answered(
            &mut tx,
            &meeting,
            &invite,
            "declined the meeting",
            &|_| (!note.is_empty()).then(|| format!("Their note: {}", isolate(&note))),
            None,
        )
        .await?;
    record(&mut tx, &invite, &meeting, "guest.declined", Some(peer)).await?;
    tx.commit().await?;
    back(
        &session,
        invite.id,
        "You have declined. The coachee and coach have been told and may suggest another time.",
    )
    .await
}

pub(super) async fn propose(
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
    ): GuestForm<ProposeForm>,
) -> AppResult<Response> {
    let org = tx.tenant();
    if !meeting.status().is_open() {
        return no_longer_planned(&session, invite.id).await;
    }
    let at = format::instant_from_local(&form.date, &form.time, &invite.time_zone).and_then(|at| {
        if at <= Utc::now() {
            Err("That time has already passed. Choose a time ahead.".to_owned())
        } else if at > Utc::now() + Duration::days(730) {
            Err("Choose a time within the next two years.".to_owned())
        } else {
            Ok(at)
        }
    });
    let note = form.note.trim().to_owned();
    let at = match at {
        Ok(_) if note.chars().count() > 500 => Err("Keep your note to 500 characters.".to_owned()),
        other => other,
    };
    let at = match at {
        Ok(at) => at,
        Err(problem) => {
            let edits = GuestEdits {
                propose: Some((form, problem)),
                ..GuestEdits::default()
            };
            return rerender(tx, &session, invite, meeting, edits).await;
        }
    };
    let when = format::local_time(at, &invite.time_zone);
    let already = meetings::candidates(&mut tx, org, meeting.id)
        .await?
        .iter()
        .any(|c| c.proposed_by_invite == Some(invite.id) && c.starts_at == at);
    if already {
        return back(&session, invite.id, format!("You have proposed {when}.")).await;
    }
    // A new proposal replaces this invitee's earlier one, not another's.
    meetings::withdraw_candidates_of_invite(&mut tx, org, meeting.id, invite.id).await?;
    meetings::add_candidate(
        &mut tx,
        org,
        meeting.id,
        at,
        "manager",
        &note,
        Some(invite.id),
    )
    .await?;
    meetings::set_rsvp(&mut tx, org, invite.id, "proposed", &note, Some(at)).await?;
    // Agenda news for the time they no longer accept would mislead.
    mailer(&state, org)
        .withdraw_agenda_news(&mut tx, &meeting, &invite)
        .await?;
    mailer(&state, org)
        .manager_answered(
            &mut tx,
            &meeting,
            &invite,
            "proposed another time",
            &|tz| {
                let mut detail = format!(
                    "They proposed {} instead. You or the coach can take that time on the meeting page.",
                    format::local_time(at, tz)
                );
                if !note.is_empty() {
                    detail.push_str(&format!(" Their note: {}", isolate(&note)));
                }
                Some(detail)
            },
            Some("proposal"),
        )
        .await?;
    record(
        &mut tx,
        &invite,
        &meeting,
        "guest.proposed_time",
        Some(peer),
    )
    .await?;
    tx.commit().await?;
    back(
        &session,
        invite.id,
        format!("Thank you. You proposed {when}; the coachee and coach have been told."),
    )
    .await
}
