//! Coaching, for the two people in it: an engagement's page, scheduling
//! coaching sessions, the coach's one-screen documentation with private notes,
//! and activities the coachee marks done.
//!
//! Everything here is reachable only by the engagement's own coach or coachee;
//! anyone else — an admin included — gets a 404. Private notes are read only
//! for the coach, and no coachee page ever asks for them.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use serde::Deserialize;
use uuid::Uuid;

use crate::db::coaching::{self, Assignment, CoachingSession, Documentation, SessionStatus};
use crate::db::engagements::Engagement;
use crate::db::goals::{self, Goal};
use crate::db::programs::{self, Activity, Skill};
use crate::db::{self, TenantTx};
use crate::format;
use crate::state::AppState;
use crate::web::engagement::{Side, engagement_for};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::layout::Layout;
use crate::web::session::FormFields;
use crate::web::session::{Member, MemberTx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}", get(show_engagement))
        .route("/engagements/{id}/sessions", post(schedule))
        .route("/sessions/{id}", get(show_session).post(document))
        .route("/sessions/{id}/notes", post(save_notes))
        .route(
            "/sessions/{id}/activities/{activity_id}",
            post(mark_activity),
        )
}

/// A session with its time in the viewer's zone.
pub struct Shown {
    pub session: CoachingSession,
    pub when: String,
}

fn shown(session: CoachingSession, time_zone: &str) -> Shown {
    Shown {
        when: format::local_time(session.starts_at, time_zone),
        session,
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ScheduleForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    duration: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "coaching/engagement.html")]
struct EngagementPage {
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
    let alignment = crate::db::alignment::states(tx, member.org, &[engagement.id])
        .await?
        .first()
        .and_then(|state| crate::web::alignment::shown::readiness_shown(state, side, &tz));
    let previewed = crate::web::guest::previewed_name(tx, member.org, &engagement).await?;
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
    })
}

async fn show_engagement(
    MemberTx(member, mut tx): MemberTx,
    flashes: Flashes,
    Path(id): Path<Uuid>,
) -> AppResult<EngagementPage> {
    let (engagement, side) = engagement_for(&mut tx, &member, id).await?;
    let form = ScheduleForm {
        duration: "60".into(),
        ..ScheduleForm::default()
    };
    engagement_page(&mut tx, &member, engagement, side, form, None, flashes).await
}

async fn schedule(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<ScheduleForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (engagement, side) = engagement_for(&mut tx, &member, id).await?;
    let duration = form
        .duration
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| (15..=240).contains(d));
    let starts_at = format::instant_from_local(&form.date, &form.time, &member.user.time_zone);
    let problem = match (&starts_at, duration) {
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
    coaching::schedule(
        &mut tx,
        member.org,
        engagement.id,
        starts_at,
        duration,
        member.user.id,
    )
    .await?;
    tx.commit().await?;
    let when = format::local_time(starts_at, &member.user.time_zone);
    flash::push(
        &member.session,
        FlashKind::Success,
        format!("Coaching session scheduled for {when}."),
    )
    .await?;
    Ok(Redirect::to(&format!("/engagements/{id}")).into_response())
}

// ---------------------------------------------------------------------------
// One coaching session

#[derive(Clone, Debug, Default, Deserialize)]
struct DocumentationForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    focus_skill_id: String,
    #[serde(default)]
    focus_area: String,
    #[serde(default)]
    key_points: String,
    #[serde(default)]
    agreed_actions: String,
    /// Checked activities: the field repeats, which a struct cannot say, so
    /// they are read from the raw fields (see `document`).
    #[serde(skip)]
    activity: Vec<String>,
}

#[derive(Debug, Default)]
struct DocumentationProblems {
    status: Option<&'static str>,
    focus: Option<&'static str>,
    key_points: Option<&'static str>,
    agreed_actions: Option<&'static str>,
    activities: Option<&'static str>,
}

impl DocumentationProblems {
    fn any(&self) -> bool {
        [
            self.status,
            self.focus,
            self.key_points,
            self.agreed_actions,
            self.activities,
        ]
        .iter()
        .any(Option::is_some)
    }
}

impl DocumentationForm {
    fn from_session(session: &CoachingSession, assignments: &[Assignment]) -> Self {
        DocumentationForm {
            status: session.status.clone(),
            focus_skill_id: session
                .focus_skill_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            focus_area: session.focus_area.clone(),
            key_points: session.key_points.clone(),
            agreed_actions: session.agreed_actions.clone(),
            activity: assignments
                .iter()
                .filter(|a| a.session_id == session.id)
                .map(|a| a.activity_id.to_string())
                .collect(),
        }
    }

    fn check(
        &self,
        skills: &[Skill],
        activities: &[Activity],
    ) -> Result<(Documentation, Vec<Uuid>), DocumentationProblems> {
        let mut problems = DocumentationProblems::default();
        let status = SessionStatus::parse(&self.status);
        if status.is_none() {
            problems.status = Some("Choose what happened to the session.");
        }
        let focus_skill_id = if self.focus_skill_id.is_empty() {
            None
        } else {
            let id = self
                .focus_skill_id
                .parse::<Uuid>()
                .ok()
                .filter(|id| skills.iter().any(|s| s.id == *id));
            if id.is_none() {
                problems.focus =
                    Some("Choose a skill from the list, or write the focus in your own words.");
            }
            id
        };
        if self.focus_area.chars().count() > 120 {
            problems.focus = Some("Keep the focus area to 120 characters.");
        }
        if self.key_points.chars().count() > 2000 {
            problems.key_points = Some("Keep the key points to 2,000 characters — a few bullets.");
        }
        if self.agreed_actions.chars().count() > 2000 {
            problems.agreed_actions = Some("Keep the agreed actions to 2,000 characters.");
        }
        let mut chosen = Vec::new();
        for value in &self.activity {
            match value
                .parse::<Uuid>()
                .ok()
                .filter(|id| activities.iter().any(|a| a.id == *id))
            {
                Some(id) => chosen.push(id),
                None => problems.activities = Some("Choose activities from the list."),
            }
        }
        match status {
            Some(status) if !problems.any() => Ok((
                Documentation {
                    status,
                    focus_skill_id,
                    focus_area: self.focus_area.trim().to_owned(),
                    key_points: self.key_points.trim().to_owned(),
                    agreed_actions: self.agreed_actions.trim().to_owned(),
                },
                chosen,
            )),
            _ => Err(problems),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "coaching/session.html")]
struct SessionPage {
    layout: Layout,
    engagement: Engagement,
    side: Side,
    shown: Shown,
    previous: Option<Shown>,
    statuses: [SessionStatus; 4],
    skills: Vec<Skill>,
    /// Activities on offer (not archived), for the coach.
    activities: Vec<Activity>,
    /// What was assigned from this session.
    assigned: Vec<Assignment>,
    form: DocumentationForm,
    problems: DocumentationProblems,
    /// The coach's own notes; always empty for the coachee.
    private_notes: String,
}

impl SessionPage {
    fn is_coach(&self) -> bool {
        self.side == Side::Coach
    }

    fn is_checked(&self, activity: &Uuid) -> bool {
        let id = activity.to_string();
        self.form.activity.contains(&id)
    }
}

async fn load_session(
    tx: &mut TenantTx,
    member: &Member,
    id: Uuid,
) -> AppResult<(CoachingSession, Engagement, Side)> {
    let session = coaching::session(tx, member.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (engagement, side) = engagement_for(tx, member, session.engagement_id).await?;
    Ok((session, engagement, side))
}

/// The session, for the engagement's person on `side` only.
async fn load_session_as(
    tx: &mut TenantTx,
    member: &Member,
    id: Uuid,
    side: Side,
) -> AppResult<(CoachingSession, Engagement)> {
    match load_session(tx, member, id).await? {
        (session, engagement, found) if found == side => Ok((session, engagement)),
        _ => Err(AppError::NotFound),
    }
}

#[allow(clippy::too_many_arguments)]
async fn session_page(
    tx: &mut TenantTx,
    member: &Member,
    session: CoachingSession,
    engagement: Engagement,
    side: Side,
    form: Option<DocumentationForm>,
    problems: DocumentationProblems,
    flashes: Flashes,
) -> AppResult<SessionPage> {
    let tz = member.user.time_zone.clone();
    let assignments = coaching::assignments_of_engagement(tx, member.org, engagement.id).await?;
    let assigned: Vec<Assignment> = assignments
        .iter()
        .filter(|a| a.session_id == session.id)
        .cloned()
        .collect();
    let previous =
        coaching::previous_with_actions(tx, member.org, engagement.id, session.starts_at)
            .await?
            .map(|s| shown(s, &tz));
    let (skills, activities, private_notes) = match side {
        Side::Coach => (
            programs::skills(tx, member.org).await?,
            programs::activities(tx, member.org)
                .await?
                .into_iter()
                .filter(|a| {
                    a.archived_at.is_none() || assigned.iter().any(|x| x.activity_id == a.id)
                })
                .collect(),
            coaching::private_notes(tx, member.org, session.id, member.user.id).await?,
        ),
        Side::Coachee => (Vec::new(), Vec::new(), String::new()),
    };
    let form = form.unwrap_or_else(|| DocumentationForm::from_session(&session, &assignments));
    Ok(SessionPage {
        layout: Layout::for_member("Coaching session", member, flashes).await,
        engagement,
        side,
        shown: shown(session, &tz),
        previous,
        statuses: SessionStatus::ALL,
        skills,
        activities,
        assigned,
        form,
        problems,
        private_notes,
    })
}

async fn show_session(
    MemberTx(member, mut tx): MemberTx,
    flashes: Flashes,
    Path(id): Path<Uuid>,
) -> AppResult<SessionPage> {
    let (session, engagement, side) = load_session(&mut tx, &member, id).await?;
    session_page(
        &mut tx,
        &member,
        session,
        engagement,
        side,
        None,
        DocumentationProblems::default(),
        flashes,
    )
    .await
}

/// The coach's one-screen record of a session.
async fn document(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Extension(FormFields(fields)): Extension<FormFields>,
    Form(mut form): Form<DocumentationForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (session, engagement) = load_session_as(&mut tx, &member, id, Side::Coach).await?;
    form.activity = fields
        .into_iter()
        .filter(|(name, _)| name == "activity")
        .map(|(_, value)| value)
        .collect();
    let skills = programs::skills(&mut tx, member.org).await?;
    let activities = programs::activities(&mut tx, member.org).await?;
    let (doc, chosen) = match form.check(&skills, &activities) {
        Ok(checked) => checked,
        Err(problems) => {
            let page = session_page(
                &mut tx,
                &member,
                session,
                engagement,
                Side::Coach,
                Some(form),
                problems,
                Flashes::default(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    coaching::document(&mut tx, member.org, id, &doc).await?;
    coaching::set_assignments(&mut tx, member.org, engagement.id, id, &chosen).await?;
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        "The session record is saved.",
    )
    .await?;
    Ok(Redirect::to(&format!("/sessions/{id}")).into_response())
}

#[derive(Deserialize)]
struct NotesForm {
    #[serde(default)]
    notes: String,
}

async fn save_notes(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<NotesForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (session, engagement) = load_session_as(&mut tx, &member, id, Side::Coach).await?;
    if form.notes.chars().count() > 5000 {
        let mut page = session_page(
            &mut tx,
            &member,
            session,
            engagement,
            Side::Coach,
            None,
            DocumentationProblems::default(),
            Flashes::default(),
        )
        .await?;
        page.private_notes = form.notes;
        page.layout.flashes.push(flash::Flash {
            kind: FlashKind::Problem,
            message:
                "Private notes can be at most 5,000 characters; yours are kept below to shorten."
                    .into(),
        });
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    coaching::save_private_notes(&mut tx, member.org, id, member.user.id, form.notes.trim())
        .await?;
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        "Your private notes are saved. Only you can read them.",
    )
    .await?;
    Ok(Redirect::to(&format!("/sessions/{id}")).into_response())
}

#[derive(Deserialize)]
struct DoneForm {
    #[serde(default)]
    done: String,
}

/// The coachee marks an activity done, or not done after all.
async fn mark_activity(
    State(state): State<AppState>,
    member: Member,
    Path((id, activity_id)): Path<(Uuid, Uuid)>,
    Form(form): Form<DoneForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (_, engagement) = load_session_as(&mut tx, &member, id, Side::Coachee).await?;
    let done = form.done == "yes";
    if !coaching::set_assignment_done(&mut tx, member.org, engagement.id, id, activity_id, done)
        .await?
    {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    let message = if done {
        "Marked as done. Well done."
    } else {
        "Marked as not done yet."
    };
    flash::push(&member.session, FlashKind::Success, message).await?;
    Ok(Redirect::to(&format!("/engagements/{}", engagement.id)).into_response())
}
