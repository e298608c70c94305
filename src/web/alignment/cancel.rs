//! Calling a meeting off, in two steps: the meeting page's button only shows
//! what will happen — who is told, that links stop working, that calendars
//! lose the entry — and the meeting is cancelled when that page's own form,
//! carrying `confirm=yes`, is sent.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::db::alignment as meetings;
use crate::format;
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::Flashes;
use crate::web::layout::Layout;
use crate::web::session::Member;

use super::meeting::{done, open};
use super::notice::{mailer, record};

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct CancelForm {
    /// `yes` from the confirmation page; anything else only asks.
    #[serde(default)]
    confirm: String,
}

/// One person the cancellation reaches, and how.
pub(super) struct Told {
    name: String,
    why: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "alignment/cancel.html")]
pub(super) struct ConfirmPage {
    layout: Layout,
    id: Uuid,
    kind: &'static str,
    coachee: String,
    when: Option<String>,
    told: Vec<Told>,
    invitees: usize,
}

pub(super) async fn cancel(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<CancelForm>,
) -> AppResult<Response> {
    let (mut tx, meeting, _) = open(&state, &member, id, true, None).await?;
    if !meeting.status().is_open() {
        return done(&member, id, "This meeting is not planned any more.").await;
    }
    let invites = meetings::live_invites(&mut tx, member.org, meeting.id).await?;
    if form.confirm != "yes" {
        // The coachee and coach hear of it only when someone outside was
        // invited: with nobody invited there is nothing to call off for them.
        let mut told = Vec::new();
        if !invites.is_empty() {
            told.push(Told {
                name: meeting.coachee_name.clone(),
                why: "the coachee: an email, and the entry leaves their calendar",
            });
            if let Some(coach) = &meeting.coach_name {
                told.push(Told {
                    name: coach.clone(),
                    why: "the coach: an email, and the entry leaves their calendar",
                });
            }
        }
        told.extend(invites.iter().map(|invite| Told {
            name: invite.name.clone(),
            why: if invite.role == "manager" {
                "the manager: an email, the entry leaves their calendar, and their link stops working"
            } else {
                "a sponsor: an email, the entry leaves their calendar, and their link stops working"
            },
        }));
        let page = ConfirmPage {
            layout: Layout::for_member("Cancel the meeting?", &member, Flashes::default()).await,
            id,
            kind: meeting.kind().label(),
            coachee: meeting.coachee_name.clone(),
            when: meeting
                .starts_at
                .map(|at| format::local_time(at, &member.user.time_zone)),
            told,
            invitees: invites.len(),
        };
        return Ok(page.into_response());
    }
    meetings::cancel(&mut tx, member.org, meeting.id, member.user.id).await?;
    meetings::revoke_invites(&mut tx, member.org, meeting.id, None, "cancelled").await?;
    let cancelled = meetings::meeting(&mut tx, member.org, meeting.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !invites.is_empty() {
        let mailer = mailer(&state, &member);
        mailer
            .cancelled(&mut tx, &cancelled, &invites, &member.user.name)
            .await?;
        for invite in &invites {
            mailer
                .withdraw_agenda_news(&mut tx, &cancelled, invite)
                .await?;
        }
    }
    record(&mut tx, &member, "meeting.cancelled", &meeting).await?;
    tx.commit().await?;
    done(
        &member,
        id,
        "The meeting is cancelled. Everyone has been told, and the invitees' links no longer work.",
    )
    .await
}
