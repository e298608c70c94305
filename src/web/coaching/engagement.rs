//! An engagement's page for its coach and coachee — sessions, activities,
//! goals, where alignment meetings stand — and scheduling a coaching session
//! in the viewer's time zone.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::coaching_mail::SessionMail;
use crate::db::TenantTx;
use crate::db::coaching::{self, Assignment};
use crate::db::engagements::Engagement;
use crate::db::goals::{self, Goal};
use crate::format;
use crate::state::AppState;
use crate::web::engagement::{MyEngagement, Side};
use crate::web::error::AppResult;
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::layout::Layout;
use crate::web::session::Member;

use super::sessions::{Shown, shown};

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ScheduleForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    duration: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "coaching/engagement.html")]
pub(super) struct EngagementPage {
    layout: Layout,
    engagement: Engagement,
    side: Side,
    sessions: Vec<Shown>,
    assignments: Vec<Assignment>,
    goals: Vec<Goal>,
    form: ScheduleForm,
    problem: Option<String>,
    time_zone: String,
    /// Where the coachee stands with alignment meetings, when the programme has them.
    alignment: Option<crate::web::alignment::shown::ReadinessShown>,
    /// Who the manager preview is for: the person invited, not always the
    /// manager of record.
    previewed: String,
    /// The coaches offered while the engagement has no coach (coachee only),
    /// and the choice form's state (see `web::coach_choice`).
    offers: Vec<crate::db::coach_choice::Offer>,
    picked: String,
    problems: crate::web::forms::problems::FieldErrors,
}

impl EngagementPage {
    fn is_coach(&self) -> bool {
        self.side == Side::Coach
    }
}

async fn engagement_page(
    tx: &mut TenantTx,
    member: &Member,
    engagement: Engagement,
    side: Side,
    form: ScheduleForm,
    problem: Option<String>,
    flashes: Flashes,
) -> AppResult<EngagementPage> {
    let tz = member.user.time_zone.clone();
    let sessions = coaching::of_engagement(tx, member.org, engagement.id)
        .await?
        .into_iter()
        .map(|s| shown(s, &tz))
        .collect();
    let assignments = coaching::assignments_of_engagement(tx, member.org, engagement.id).await?;
    let goals = goals::of_engagement(tx, member.org, engagement.id).await?;
    let states = crate::db::alignment::states(tx, member.org, &[engagement.id]).await?;
    let waiting: Vec<uuid::Uuid> = states.iter().filter_map(|s| s.open_meeting).collect();
    let replies = crate::db::alignment::replies(tx, member.org, &waiting).await?;
    let alignment = states.first().and_then(|state| {
        crate::web::alignment::shown::readiness_shown(state, side, &tz, &replies)
    });
    let previewed = crate::web::guest::preview::previewed_name(tx, member.org, &engagement).await?;
    let offers = if side == Side::Coachee && engagement.coach_id.is_none() {
        crate::db::coach_choice::offers(tx, member.org, engagement.id).await?
    } else {
        Vec::new()
    };
    let title = match side {
        Side::Coach => format!("Coaching {}", engagement.coachee_name),
        Side::Coachee => "Your coaching".to_owned(),
    };
    Ok(EngagementPage {
        layout: Layout::for_member(title, member, flashes).await,
        engagement,
        side,
        sessions,
        assignments,
        goals,
        form,
        problem,
        time_zone: tz,
        alignment,
        previewed,
        offers,
        picked: String::new(),
        problems: Default::default(),
    })
}

pub(super) async fn show_engagement(
    MyEngagement {
        member,
        mut tx,
        engagement,
        side,
    }: MyEngagement,
    flashes: Flashes,
) -> AppResult<EngagementPage> {
    let form = ScheduleForm {
        duration: "60".into(),
        ..ScheduleForm::default()
    };
    engagement_page(&mut tx, &member, engagement, side, form, None, flashes).await
}

pub(super) async fn schedule(
    State(state): State<AppState>,
    MyEngagement {
        member,
        mut tx,
        engagement,
        side,
    }: MyEngagement,
    Form(form): Form<ScheduleForm>,
) -> AppResult<Response> {
    let duration = form
        .duration
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| (15..=240).contains(d));
    let starts_at = format::instant_from_local(&form.date, &form.time, &member.user.time_zone);
    let problem = match (&starts_at, duration) {
        // A coaching session is with the coach: none to hold it with yet.
        _ if engagement.coach_id.is_none() => Some(
            "A coaching session needs your coach: choose one from your shortlist first.".to_owned(),
        ),
        (Err(problem), _) => Some(problem.clone()),
        (Ok(_), None) => Some("Choose a length between 15 minutes and 4 hours.".to_owned()),
        _ => None,
    };
    let (Ok(starts_at), Some(duration), None) = (starts_at, duration, problem.clone()) else {
        let page = engagement_page(
            &mut tx,
            &member,
            engagement,
            side,
            form,
            problem,
            Flashes::default(),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let session = coaching::schedule(
        &mut tx,
        member.org,
        engagement.id,
        starts_at,
        duration,
        member.user.id,
    )
    .await?;
    SessionMail::of(&state.config, member.org, Some(member.user.id))
        .scheduled(&mut tx, session)
        .await?;
    tx.commit().await?;
    let when = format::local_time(starts_at, &member.user.time_zone);
    flash::push(
        &member.session,
        FlashKind::Success,
        format!("Coaching session scheduled for {when}."),
    )
    .await?;
    Ok(Redirect::to(&format!("/engagements/{}", engagement.id)).into_response())
}
