//! The coachee's request for one more meeting than the programme includes;
//! the programme team decides (`web::admin::alignment_requests`).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use crate::audit;
use crate::db;
use crate::db::alignment as meetings;
use crate::state::AppState;
use crate::web::engagement::Side;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::session::Member;

use super::fields::ScheduleProblems;
use super::notice::actor;
use super::planning::{RequestForm, engagement_page, engagement_with_state};

pub(super) async fn request_extra(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (engagement, side, alignment) = engagement_with_state(&mut tx, &member, id).await?;
    if side != Side::Coachee {
        return Err(AppError::NotFound);
    }
    let problem = if form.reason.chars().count() > 1000 {
        Some("Keep the reason to 1,000 characters.".to_owned())
    } else if alignment.used < alignment.allowed() {
        Some("You can still schedule a meeting without asking.".to_owned())
    } else {
        None
    };
    if let Some(problem) = problem {
        let page = engagement_page(
            &mut tx,
            &member,
            engagement,
            side,
            alignment,
            None,
            ScheduleProblems::default(),
            (form, Some(problem)),
            Flashes::default(),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let made = meetings::request_extra(
        &mut tx,
        member.org,
        engagement.id,
        form.reason.trim(),
        member.user.id,
    )
    .await?;
    if made {
        let actor = actor(&member);
        audit::record(
            &mut tx,
            member.org,
            &audit::Event {
                actor_user: Some(member.user.id),
                actor: &actor,
                action: "alignment.extra_requested",
                subject: Some(format!("engagement of {}", engagement.coachee_name)),
                client: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        "Your request for one more alignment meeting is with the programme team.",
    )
    .await?;
    Ok(Redirect::to(&format!("/engagements/{id}/alignment")).into_response())
}
