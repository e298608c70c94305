//! The coachee's request for one more meeting than the programme includes;
//! the programme team decides (`web::admin::alignment_requests`).

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::audit;
use crate::db::alignment as meetings;
use crate::web::engagement::{MyEngagement, Side};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};

use super::notice::actor;
use super::planning::{RequestForm, alignment_of, engagement_page};
use crate::web::forms::problems::FieldErrors;

pub(super) async fn request_extra(
    MyEngagement {
        member,
        mut tx,
        engagement,
        side,
    }: MyEngagement,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let alignment = alignment_of(&mut tx, &member, &engagement).await?;
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
            FieldErrors::default(),
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
    Ok(Redirect::to(&format!("/engagements/{}/alignment", engagement.id)).into_response())
}
