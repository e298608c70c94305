//! The coachee chooses their coach from the shortlist the programme team
//! offered. Only the coachee of an engagement with no coach yet may choose,
//! and only a coach on the shortlist; the engagement's row is locked while
//! the choice is made, so two tabs submitting at once end with one coach.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use uuid::Uuid;

use crate::db::coach_choice::{self, ChosenBy, Offer};
use crate::db::engagements::Engagement;
use crate::mail::outbox::Recipient;
use crate::state::AppState;
use crate::web::engagement::{MyEngagement, Side};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new().route("/engagements/{id}/coach", get(show).post(choose))
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ChoiceForm {
    #[serde(default)]
    coach_id: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "coaching/choose_coach.html")]
struct ChoicePage {
    layout: Layout,
    engagement: Engagement,
    offers: Vec<Offer>,
    /// The coach ticked, kept when the form comes back.
    picked: String,
    problems: FieldErrors,
}

/// The engagement, for its coachee only: a coach (even one on the
/// shortlist) gets the same 404 as anyone else.
fn coachee_only(side: Side) -> AppResult<()> {
    match side {
        Side::Coachee => Ok(()),
        Side::Coach => Err(AppError::NotFound),
    }
}

async fn show(
    MyEngagement {
        member,
        mut tx,
        engagement,
        side,
    }: MyEngagement,
    flashes: Flashes,
) -> AppResult<Response> {
    coachee_only(side)?;
    if engagement.coach_id.is_some() {
        return Ok(Redirect::to(&format!("/engagements/{}", engagement.id)).into_response());
    }
    let offers = coach_choice::offers(&mut tx, member.org, engagement.id).await?;
    tx.commit().await?;
    Ok(ChoicePage {
        layout: Layout::for_member("Choose your coach", &member, flashes).await,
        engagement,
        offers,
        picked: String::new(),
        problems: FieldErrors::default(),
    }
    .into_response())
}

async fn choose(
    State(state): State<AppState>,
    MyEngagement {
        member,
        mut tx,
        engagement,
        side,
    }: MyEngagement,
    Form(form): Form<ChoiceForm>,
) -> AppResult<Response> {
    coachee_only(side)?;
    let back = format!("/engagements/{}", engagement.id);
    // Whoever comes second waits here, then finds the coach set.
    let current = coach_choice::lock_coach(&mut tx, member.org, engagement.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.is_some() {
        tx.commit().await?;
        flash::push(
            &member.session,
            FlashKind::Info,
            "Your coach is already chosen; nothing was changed.",
        )
        .await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let offers = coach_choice::offers(&mut tx, member.org, engagement.id).await?;
    let chosen = form
        .coach_id
        .trim()
        .parse::<Uuid>()
        .ok()
        .and_then(|id| offers.iter().find(|offer| offer.coach_id == id))
        .cloned();
    let Some(chosen) = chosen else {
        let problems = FieldErrors::default().with(
            "coach",
            if offers.is_empty() {
                "Your shortlist is not ready yet: the programme team will email you when it is."
            } else {
                "Choose one of the coaches on your shortlist."
            },
        );
        let page = ChoicePage {
            layout: Layout::for_member("Choose your coach", &member, Flashes::default()).await,
            engagement,
            offers,
            picked: form.coach_id,
            problems,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    if !coach_choice::choose(
        &mut tx,
        member.org,
        engagement.id,
        chosen.coach_id,
        ChosenBy::Coachee,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    crate::matching::tell_coach_chosen(
        &mut tx,
        &state.config,
        &engagement,
        Recipient {
            email: chosen.email.clone(),
            name: chosen.name.clone(),
        },
        ChosenBy::Coachee,
        member.user.id,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        format!(
            "{} is your coach. They have been told and will be in touch to plan your first session.",
            chosen.name
        ),
    )
    .await?;
    Ok(Redirect::to(&back).into_response())
}
