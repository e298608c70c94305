//! Changing a planned meeting: a new time (typed, or one on offer taken up)
//! and inviting a different manager (calling it off is `cancel`). Everyone concerned is
//! told by email; replacing the manager leaves the other sponsors alone.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::alignment::notify::TimeChange;
use crate::db::TenantTx;
use crate::db::alignment::{self as meetings, Candidate, MAX_INVITEES, Meeting};
use crate::format;
use crate::state::AppState;
use crate::web::engagement::Side;
use crate::web::error::{AppError, AppResult};
use crate::web::session::Member;

use super::fields::{check_duration, check_manager, check_place, future_time};
use super::invite::{invite_expiry, new_invite};
use super::meeting::{Edits, ManagerForm, RescheduleForm, done, open, rerender};
use super::notice::{mailer, record};

/// Sets the meeting's time and tells everyone. Each invitee's answer starts
/// over, except theirs who said this very time works (they voted for it) and
/// `accepted_by`'s (they proposed it).
#[allow(clippy::too_many_arguments)]
async fn set_time(
    state: &AppState,
    tx: &mut TenantTx,
    member: &Member,
    meeting: &Meeting,
    starts_at: DateTime<Utc>,
    duration: i32,
    place: &str,
    accepted_by: Option<Uuid>,
) -> AppResult<Meeting> {
    let moved = meeting.starts_at.is_some();
    meetings::set_time(tx, member.org, meeting.id, starts_at, duration, place).await?;
    meetings::withdraw_candidates(tx, member.org, meeting.id).await?;
    let updated = meetings::meeting(tx, member.org, meeting.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let invites = meetings::live_invites(tx, member.org, meeting.id).await?;
    if !invites.is_empty() {
        meetings::reset_rsvp(tx, member.org, meeting.id, Some(starts_at)).await?;
        if let Some(by) = accepted_by.filter(|by| invites.iter().any(|i| i.id == *by)) {
            meetings::set_rsvp(tx, member.org, by, "accepted", "", Some(starts_at)).await?;
        }
        let mailer = mailer(state, member);
        for invite in &invites {
            // Agenda news still waiting says "the time stays as it was":
            // no longer true, and the time-set email carries the change.
            mailer.withdraw_agenda_news(tx, &updated, invite).await?;
            meetings::set_invite_expiry(
                tx,
                member.org,
                invite.id,
                invite_expiry(&updated, starts_at),
            )
            .await?;
        }
        let invites = meetings::live_invites(tx, member.org, meeting.id).await?;
        mailer
            .time_set(
                tx,
                &updated,
                &invites,
                if moved {
                    TimeChange::Moved
                } else {
                    TimeChange::Set
                },
            )
            .await?;
    }
    Ok(updated)
}

pub(super) async fn reschedule(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<RescheduleForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, true, None).await?;
    if !meeting.status().is_open() {
        return done(&member, id, "This meeting can no longer be moved.").await;
    }
    let checked = future_time(&form.date, &form.time, &member.user.time_zone, Utc::now())
        .and_then(|at| {
            check_duration(&form.duration)
                .map(|d| (at, d))
                .ok_or_else(|| "Choose how long the meeting takes.".to_owned())
        })
        .and_then(|(at, d)| check_place(&form.place).map(|p| (at, d, p)));
    let (starts_at, duration, place) = match checked {
        Ok(checked) => checked,
        Err(problem) => {
            let edits = Edits {
                reschedule: Some((form, problem)),
                ..Edits::default()
            };
            return rerender(tx, &member, meeting, side, edits).await;
        }
    };
    if meeting.starts_at == Some(starts_at)
        && meeting.duration_minutes == duration
        && meeting.place == place
    {
        return done(&member, id, "Nothing changed.").await;
    }
    set_time(
        &state, &mut tx, &member, &meeting, starts_at, duration, &place, None,
    )
    .await?;
    record(&mut tx, &member, "meeting.rescheduled", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        format!(
            "The meeting is now {}. Everyone has been sent the new time.",
            format::local_time(starts_at, &member.user.time_zone)
        ),
    )
    .await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct UseTimeForm {
    #[serde(default)]
    candidate: String,
}

/// The coachee or coach takes a time on offer — one an invitee proposed, or,
/// with several invitees, the one most of them can make (the meeting page
/// shows who said which time works).
pub(super) async fn use_time(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<UseTimeForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, _) = open(&state, &member, id, true, None).await?;
    let candidates = meetings::candidates(&mut tx, member.org, meeting.id).await?;
    let Some(candidate) = form
        .candidate
        .parse::<Uuid>()
        .ok()
        .and_then(|c| candidates.iter().find(|x| x.id == c))
    else {
        return done(&member, id, "That time is no longer on offer.").await;
    };
    if !meeting.status().is_open() || candidate.starts_at <= Utc::now() {
        return done(&member, id, "That time can no longer be chosen.").await;
    }
    let by_invitee = candidate.proposed_by_invite;
    let place = meeting.place.clone();
    set_time(
        &state,
        &mut tx,
        &member,
        &meeting,
        candidate.starts_at,
        meeting.duration_minutes,
        &place,
        by_invitee,
    )
    .await?;
    record(&mut tx, &member, "meeting.time_set", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        format!(
            "The meeting is set for {}. Calendar invites are on their way.",
            format::local_time(candidate.starts_at, &member.user.time_zone)
        ),
    )
    .await
}

/// The coachee invites a different manager: the old link stops working. Other
/// sponsors keep theirs and hear nothing of it.
pub(super) async fn replace_manager(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<ManagerForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, true, Some(Side::Coachee)).await?;
    if !meeting.status().is_open() {
        return done(&member, id, "This meeting is not planned any more.").await;
    }
    let others = meetings::live_invites(&mut tx, member.org, meeting.id).await?;
    let checked = check_manager(&form.manager_name, &form.manager_email).and_then(|(n, e)| {
        match others
            .iter()
            .find(|i| i.role != "manager" && i.email.to_lowercase() == e.to_lowercase())
        {
            Some(sponsor) => Err(format!(
                "{} is already invited as a sponsor with that address. Remove them first, or use another address.",
                sponsor.name
            )),
            // With no manager left, a new one is one more invitee.
            None if others.len() >= MAX_INVITEES && others.iter().all(|i| i.role != "manager") => {
                Err(format!(
                    "{MAX_INVITEES} people are invited already, the most one meeting can have. Remove a sponsor before inviting a manager."
                ))
            }
            None => Ok((n, e)),
        }
    });
    let (name, email) = match checked {
        Ok(checked) => checked,
        Err(problem) => {
            let edits = Edits {
                manager: Some((form, problem)),
                ..Edits::default()
            };
            return rerender(tx, &member, meeting, side, edits).await;
        }
    };
    let candidates = meetings::candidates(&mut tx, member.org, meeting.id).await?;
    let latest = meeting
        .starts_at
        .into_iter()
        .chain(candidates.iter().map(|c| c.starts_at))
        .max()
        .unwrap_or_else(Utc::now);
    let old = meetings::current_invite(&mut tx, member.org, meeting.id)
        .await?
        .filter(|i| i.revoked_at.is_none());
    meetings::revoke_invites(&mut tx, member.org, meeting.id, Some("manager"), "replaced").await?;
    let invite = new_invite(
        &state,
        &mut tx,
        &member,
        &meeting,
        "manager",
        &name,
        &email,
        invite_expiry(&meeting, latest),
    )
    .await?;
    let mailer = mailer(&state, &member);
    if let Some(old) = old {
        meetings::withdraw_candidates_of_invite(&mut tx, member.org, meeting.id, old.id).await?;
        mailer.withdrawn(&mut tx, &meeting, &old).await?;
        mailer.withdraw_agenda_news(&mut tx, &meeting, &old).await?;
    }
    // The new manager is invited to the time set, or to choose from the times
    // on offer; the coachee's and coach's calendars need no change.
    let offered = match meeting.starts_at {
        Some(at) => vec![Candidate {
            id: Uuid::nil(),
            starts_at: at,
            proposed_by: "coachee".into(),
            note: String::new(),
            proposed_by_invite: None,
        }],
        None => candidates,
    };
    let all = meetings::live_invites(&mut tx, member.org, meeting.id).await?;
    mailer
        .invite_manager(&mut tx, &meeting, &invite, &all, &offered)
        .await?;
    record(&mut tx, &member, "meeting.manager_replaced", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        format!("{name} is invited instead; the earlier link no longer works."),
    )
    .await
}
