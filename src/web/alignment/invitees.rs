//! Inviting one more sponsor to a meeting, and taking one invitee off it.
//! Each invitee has their own link, so adding or removing one touches only
//! that person: the others get no email and their links keep working. A
//! meeting invites at most three people, counted under the meeting's lock.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use crate::db::alignment::{self as meetings, Candidate, MAX_INVITEES};
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::forms::problems::FieldErrors;
use crate::web::session::Member;

use super::invite::{invite_expiry, new_invite};
use super::meeting::{Edits, done, open, rerender};
use super::notice::{mailer, record};
use super::roster::{InviteeForm, check_invitee};

/// The coachee or coach invites one more sponsor.
pub(super) async fn add_invitee(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<InviteeForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, side) = open(&state, &member, id, true, None).await?;
    if !meeting.status().is_open() {
        return done(
            &member,
            id,
            "This meeting is not planned any more, so nobody can be invited to it.",
        )
        .await;
    }
    let live = meetings::live_invites(&mut tx, member.org, meeting.id).await?;
    let taken: Vec<&str> = live.iter().map(|i| i.email.as_str()).collect();
    let checked = if live.len() >= MAX_INVITEES {
        Err((
            "email",
            format!(
                "{MAX_INVITEES} people are invited already, the most one meeting can have. Remove someone before inviting another sponsor."
            ),
        ))
    } else {
        check_invitee(
            &form.invitee_name,
            &form.invitee_email,
            [
                &meeting.coachee_email,
                meeting.coach_email.as_deref().unwrap_or_default(),
            ],
            &taken,
        )
    };
    let (name, email) = match checked {
        Ok(checked) => checked,
        Err((field, problem)) => {
            let key = if field == "name" {
                "invitee_name"
            } else {
                "invitee_email"
            };
            let edits = Edits {
                invitee: Some((form, FieldErrors::default().with(key, problem))),
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
    let invite = new_invite(
        &state,
        &mut tx,
        &member,
        &meeting,
        "sponsor",
        &name,
        &email,
        invite_expiry(&meeting, latest),
    )
    .await?;
    // Invited to the time set, or to say which of the times on offer works.
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
    mailer(&state, &member)
        .invite_manager(&mut tx, &meeting, &invite, &all, &offered)
        .await?;
    record(&mut tx, &member, "meeting.invitee_added", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        format!("{name} is invited as a sponsor and has been emailed their own link."),
    )
    .await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct RemoveForm {
    /// The invite to take off the meeting.
    #[serde(default)]
    invite: String,
}

/// The coachee or coach takes one invitee off the meeting: their link stops
/// working and they are told; nobody else hears of it.
pub(super) async fn remove_invitee(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<RemoveForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, _) = open(&state, &member, id, true, None).await?;
    if !meeting.status().is_open() {
        return done(&member, id, "This meeting is not planned any more.").await;
    }
    let live = meetings::live_invites(&mut tx, member.org, meeting.id).await?;
    let Some(old) = form
        .invite
        .parse::<Uuid>()
        .ok()
        .and_then(|wanted| live.iter().find(|i| i.id == wanted))
    else {
        return done(&member, id, "That person is no longer invited.").await;
    };
    if live.len() == 1 {
        return done(
            &member,
            id,
            format!(
                "{} is the only person invited. Invite a different manager, or cancel the meeting, instead.",
                old.name
            ),
        )
        .await;
    }
    let candidates = meetings::candidates(&mut tx, member.org, meeting.id).await?;
    // Their invitation carried a calendar invite when a time was set, or
    // when only one time was on offer.
    let had_calendar = meeting.starts_at.is_some() || candidates.len() == 1;
    meetings::revoke_invite(&mut tx, member.org, old.id, "removed").await?;
    meetings::withdraw_candidates_of_invite(&mut tx, member.org, meeting.id, old.id).await?;
    let mailer = mailer(&state, &member);
    mailer.removed(&mut tx, &meeting, old, had_calendar).await?;
    mailer.withdraw_agenda_news(&mut tx, &meeting, old).await?;
    record(&mut tx, &member, "meeting.invitee_removed", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        format!(
            "{} is no longer invited and has been told. The others' invitations stand.",
            old.name
        ),
    )
    .await
}
