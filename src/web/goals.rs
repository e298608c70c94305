//! Goals: the coachee writes, orders and updates them, and alone decides which
//! are shared with their manager; the coach reads them all. A preview shows
//! exactly what the manager would see: the guest page itself.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

use crate::db::engagements::Engagement;
use crate::db::goals::{self, Goal, GoalFields, GoalStatus};
use crate::db::programs::{self, Skill};
use crate::db::{self, TenantTx};
use crate::state::AppState;
use crate::web::engagement::{MyEngagement, Side, engagement_for};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
use crate::web::session::Member;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}/goals/new", get(new).post(create))
        .route("/engagements/{id}/manager-view", get(manager_view))
        .route("/goals/{id}", get(show).post(update))
        .route("/goals/{id}/move", post(move_goal))
        .route("/goals/{id}/share", post(share))
}

#[derive(Clone, Debug, Default, Deserialize)]
struct GoalForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    skill_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    progress: String,
}

impl GoalForm {
    fn from_goal(goal: &Goal) -> Self {
        GoalForm {
            title: goal.title.clone(),
            description: goal.description.clone(),
            skill_id: goal.skill_id.map(|id| id.to_string()).unwrap_or_default(),
            status: goal.status.clone(),
            progress: goal.progress.to_string(),
        }
    }

    fn check(&self, skills: &[Skill]) -> Result<GoalFields, FieldErrors> {
        let mut problems = FieldErrors::default();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 160 {
            problems.set(
                "title",
                "Say what you want to achieve, in at most 160 characters.",
            );
        }
        if self.description.chars().count() > 1000 {
            problems.set("description", "Keep the description to 1,000 characters.");
        }
        let skill_id = if self.skill_id.is_empty() {
            None
        } else {
            let id = self
                .skill_id
                .parse::<Uuid>()
                .ok()
                .filter(|id| skills.iter().any(|s| s.id == *id));
            if id.is_none() {
                problems.set("skill", "Choose a skill from the list, or none.");
            }
            id
        };
        let status = GoalStatus::parse(&self.status);
        if status.is_none() {
            problems.set("status", "Choose where the goal stands.");
        }
        let progress = self
            .progress
            .trim()
            .trim_end_matches('%')
            .parse::<i32>()
            .ok()
            .filter(|p| (0..=100).contains(p));
        if progress.is_none() {
            problems.set(
                "progress",
                "Enter progress as a whole number from 0 to 100.",
            );
        }
        match (status, progress) {
            (Some(status), Some(progress)) if !problems.any() => Ok(GoalFields {
                title: title.to_owned(),
                description: self.description.trim().to_owned(),
                skill_id,
                status,
                progress,
            }),
            _ => Err(problems),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "coaching/goal.html")]
struct GoalPage {
    layout: Layout,
    engagement: Engagement,
    /// `None` while creating.
    goal: Option<Goal>,
    editable: bool,
    skills: Vec<Skill>,
    statuses: [GoalStatus; 4],
    form: GoalForm,
    problems: FieldErrors,
}

impl GoalPage {
    fn action(&self) -> String {
        match &self.goal {
            Some(goal) => format!("/goals/{}", goal.id),
            None => format!("/engagements/{}/goals/new", self.engagement.id),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn goal_page(
    tx: &mut TenantTx,
    member: &Member,
    engagement: Engagement,
    goal: Option<Goal>,
    editable: bool,
    form: GoalForm,
    problems: FieldErrors,
    flashes: Flashes,
) -> AppResult<GoalPage> {
    let title = goal
        .as_ref()
        .map_or("New goal".to_owned(), |g| g.title.clone());
    Ok(GoalPage {
        layout: Layout::for_member(title, member, flashes).await,
        skills: programs::skills(tx, member.org).await?,
        engagement,
        goal,
        editable,
        statuses: GoalStatus::ALL,
        form,
        problems,
    })
}

async fn new(
    MyEngagement {
        member,
        mut tx,
        engagement,
        side,
    }: MyEngagement,
    flashes: Flashes,
) -> AppResult<GoalPage> {
    // Only the coachee writes goals.
    if side != Side::Coachee {
        return Err(AppError::NotFound);
    }
    let form = GoalForm {
        status: GoalStatus::Active.as_str().into(),
        progress: "0".into(),
        ..GoalForm::default()
    };
    goal_page(
        &mut tx,
        &member,
        engagement,
        None,
        true,
        form,
        FieldErrors::default(),
        flashes,
    )
    .await
}

async fn create(
    MyEngagement {
        member,
        mut tx,
        engagement,
        side,
    }: MyEngagement,
    Form(form): Form<GoalForm>,
) -> AppResult<Response> {
    // Only the coachee writes goals.
    if side != Side::Coachee {
        return Err(AppError::NotFound);
    }
    let skills = programs::skills(&mut tx, member.org).await?;
    let fields = match form.check(&skills) {
        Ok(fields) => fields,
        Err(problems) => {
            let page = goal_page(
                &mut tx,
                &member,
                engagement,
                None,
                true,
                form,
                problems,
                Flashes::default(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    goals::create(&mut tx, member.org, engagement.id, &fields).await?;
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        "Your goal is saved. It is not shared with your manager unless you share it.",
    )
    .await?;
    Ok(Redirect::to(&format!("/engagements/{}", engagement.id)).into_response())
}

/// The goal and its engagement, for the engagement's coach or coachee.
async fn load(tx: &mut TenantTx, member: &Member, id: Uuid) -> AppResult<(Goal, Engagement, Side)> {
    let goal = goals::goal(tx, member.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (engagement, side) = engagement_for(tx, member, goal.engagement_id).await?;
    Ok((goal, engagement, side))
}

/// The goal, for its coachee only: the one person who may change it.
async fn load_as_coachee(
    tx: &mut TenantTx,
    member: &Member,
    id: Uuid,
) -> AppResult<(Goal, Engagement)> {
    match load(tx, member, id).await? {
        (goal, engagement, Side::Coachee) => Ok((goal, engagement)),
        _ => Err(AppError::NotFound),
    }
}

async fn show(
    State(state): State<AppState>,
    member: Member,
    flashes: Flashes,
    Path(id): Path<Uuid>,
) -> AppResult<GoalPage> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (goal, engagement, side) = load(&mut tx, &member, id).await?;
    let form = GoalForm::from_goal(&goal);
    goal_page(
        &mut tx,
        &member,
        engagement,
        Some(goal),
        side == Side::Coachee,
        form,
        FieldErrors::default(),
        flashes,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<GoalForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (goal, engagement) = load_as_coachee(&mut tx, &member, id).await?;
    let skills = programs::skills(&mut tx, member.org).await?;
    let fields = match form.check(&skills) {
        Ok(fields) => fields,
        Err(problems) => {
            let page = goal_page(
                &mut tx,
                &member,
                engagement,
                Some(goal),
                true,
                form,
                problems,
                Flashes::default(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    goals::update(&mut tx, member.org, id, &fields).await?;
    tx.commit().await?;
    flash::push(&member.session, FlashKind::Success, "Your goal is saved.").await?;
    Ok(Redirect::to(&format!("/engagements/{}", engagement.id)).into_response())
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    direction: String,
}

async fn move_goal(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (goal, engagement) = load_as_coachee(&mut tx, &member, id).await?;
    goals::move_goal(&mut tx, member.org, &goal, form.direction != "down").await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/engagements/{}#goals", engagement.id)).into_response())
}

#[derive(Deserialize)]
struct ShareForm {
    #[serde(default)]
    shared: String,
}

/// Only the coachee decides what their manager sees.
async fn share(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<ShareForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (goal, engagement) = load_as_coachee(&mut tx, &member, id).await?;
    let shared = form.shared == "yes";
    goals::set_shared(&mut tx, member.org, id, shared).await?;
    tx.commit().await?;
    let message = if shared {
        format!("“{}” is shared with your manager.", goal.title)
    } else {
        format!("“{}” is no longer shared with your manager.", goal.title)
    };
    flash::push(&member.session, FlashKind::Success, message).await?;
    Ok(Redirect::to(&format!("/engagements/{}#goals", engagement.id)).into_response())
}

/// The manager's page as it is, for the person invited — or, before anyone
/// is, the goals as that page will show them. The guest module renders it,
/// so the preview is the page itself.
async fn manager_view(
    MyEngagement {
        member,
        mut tx,
        engagement,
        ..
    }: MyEngagement,
    flashes: Flashes,
) -> AppResult<Response> {
    let layout = Layout::for_member("What the manager sees", &member, flashes).await;
    crate::web::guest::preview::engagement_preview(&mut tx, member.org, layout, &engagement).await
}
