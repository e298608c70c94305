//! Changing a planned meeting: a new time (typed, or one on offer taken up),
//! calling it off, and inviting a different manager. Everyone concerned is
//! told by email.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::alignment::notify::TimeChange;
use crate::db::TenantTx;
use crate::db::alignment::{self as meetings, Candidate, Meeting};
use crate::format;
use crate::state::AppState;
use crate::web::engagement::Side;
use crate::web::error::{AppError, AppResult};
use crate::web::session::Member;

use super::fields::{check_duration, check_manager, check_place, future_time};
use super::invite::{invite_expiry, new_invite};
use super::meeting::{Edits, ManagerForm, RescheduleForm, done, open, rerender};
use super::notice::{mailer, record};

/// Sets the meeting's time and tells everyone; the manager's answer starts over
/// unless `accepted_by_manager` (they proposed this very time).
#[allow(clippy::too_many_arguments)]
async fn set_time(
    state: &AppState,
    tx: &mut TenantTx,
    member: &Member,
    meeting: &Meeting,
    starts_at: DateTime<Utc>,
    duration: i32,
    place: &str,
    accepted_by_manager: bool,
) -> AppResult<Meeting> {
    let moved = meeting.starts_at.is_some();
    meetings::set_time(tx, member.org, meeting.id, starts_at, duration, place).await?;
    meetings::withdraw_candidates(tx, member.org, meeting.id).await?;
    let updated = meetings::meeting(tx, member.org, meeting.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(invite) = meetings::current_invite(tx, member.org, meeting.id)
        .await?
        .filter(|i| i.revoked_at.is_none())
    {
        if accepted_by_manager {
            meetings::set_rsvp(tx, member.org, invite.id, "accepted", "").await?;
        } else {
            meetings::reset_rsvp(tx, member.org, meeting.id).await?;
        }
        meetings::set_invite_expiry(
            tx,
            member.org,
            invite.id,
            invite_expiry(&updated, starts_at),
        )
        .await?;
        let invite = meetings::invite(tx, member.org, invite.id)
            .await?
            .ok_or(AppError::NotFound)?;
        mailer(state, member)
            .time_set(
                tx,
                &updated,
                &invite,
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
        &state, &mut tx, &member, &meeting, starts_at, duration, &place, false,
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

/// The coachee or coach takes a time on offer — usually the one the manager proposed.
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
    let by_manager = candidate.proposed_by == "manager";
    let place = meeting.place.clone();
    set_time(
        &state,
        &mut tx,
        &member,
        &meeting,
        candidate.starts_at,
        meeting.duration_minutes,
        &place,
        by_manager,
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

pub(super) async fn cancel(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let (mut tx, meeting, _) = open(&state, &member, id, true, None).await?;
    if !meeting.status().is_open() {
        return done(&member, id, "This meeting is not planned any more.").await;
    }
    let invite = meetings::current_invite(&mut tx, member.org, meeting.id).await?;
    meetings::cancel(&mut tx, member.org, meeting.id, member.user.id).await?;
    meetings::revoke_invites(&mut tx, member.org, meeting.id, "cancelled").await?;
    let cancelled = meetings::meeting(&mut tx, member.org, meeting.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(invite) = invite {
        let mailer = mailer(&state, &member);
        mailer
            .cancelled(&mut tx, &cancelled, &invite, &member.user.name)
            .await?;
        mailer
            .withdraw_agenda_news(&mut tx, &cancelled, &invite)
            .await?;
    }
    record(&mut tx, &member, "meeting.cancelled", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        "The meeting is cancelled. Everyone has been told, and the manager's link no longer works.",
    )
    .await
}

/// The coachee invites a different manager: the old link stops working.
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
    let (name, email) = match check_manager(&form.manager_name, &form.manager_email) {
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
    meetings::revoke_invites(&mut tx, member.org, meeting.id, "replaced").await?;
    let invite = new_invite(
        &state,
        &mut tx,
        &member,
        &meeting,
        &name,
        &email,
        invite_expiry(&meeting, latest),
    )
    .await?;
    let mailer = mailer(&state, &member);
    if let Some(old) = old {
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
        }],
        None => candidates,
    };
    mailer
        .invite_manager(&mut tx, &meeting, &invite, &offered)
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
