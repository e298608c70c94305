//! One coaching session: its page, the coach's one-screen record of it with
//! the activities assigned from it, and the coachee marking an activity done.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use uuid::Uuid;

use crate::coaching_mail::SessionMail;
use crate::db::alignment as meetings;
use crate::db::coaching::{self, Assignment, CoachingSession, Documentation, SessionStatus};
use crate::db::engagements::Engagement;
use crate::db::programs::{self, Activity, Skill};
use crate::db::{self, TenantTx};
use crate::format;
use crate::state::AppState;
use crate::web::engagement::{Side, engagement_for};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
use crate::web::session::{FormFields, Member, MemberTx};

/// A session with its time in the viewer's zone.
pub struct Shown {
    pub session: CoachingSession,
    pub when: String,
}

pub(super) fn shown(session: CoachingSession, time_zone: &str) -> Shown {
    Shown {
        when: format::local_time(session.starts_at, time_zone),
        session,
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct DocumentationForm {
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
    /// The coach's private notes, typed on the same page: the record's form
    /// carries them, so saving the record never drops a note being written.
    #[serde(default)]
    notes: Option<String>,
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
            notes: None,
        }
    }

    fn check(
        &self,
        skills: &[Skill],
        activities: &[Activity],
    ) -> Result<(Documentation, Vec<Uuid>), FieldErrors> {
        let mut problems = FieldErrors::default();
        let status = SessionStatus::parse(&self.status);
        if status.is_none() {
            problems.set("status", "Choose what happened to the session.");
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
                problems.set(
                    "focus",
                    "Choose a skill from the list, or write the focus in your own words.",
                );
            }
            id
        };
        if self.focus_area.chars().count() > 120 {
            problems.set("focus", "Keep the focus area to 120 characters.");
        }
        if self.key_points.chars().count() > 2000 {
            problems.set(
                "key-points",
                "Keep the key points to 2,000 characters — a few bullets.",
            );
        }
        if self.agreed_actions.chars().count() > 2000 {
            problems.set("actions", "Keep the agreed actions to 2,000 characters.");
        }
        let mut chosen = Vec::new();
        for value in &self.activity {
            match value
                .parse::<Uuid>()
                .ok()
                .filter(|id| activities.iter().any(|a| a.id == *id))
            {
                Some(id) => chosen.push(id),
                None => problems.set("activities", "Choose activities from the list."),
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
pub(super) struct SessionPage {
    pub(super) layout: Layout,
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
    problems: FieldErrors,
    /// The coach's own notes; always empty for the coachee.
    pub(super) private_notes: String,
    /// The engagement's planned alignment meetings this session could
    /// prepare, for the coach; the one it prepares (its id, or empty); and
    /// why a choice was refused.
    pub(super) prep_meetings: Vec<PrepChoice>,
    pub(super) prepares: String,
    pub(super) prepares_problem: Option<String>,
}

/// An alignment meeting a session may prepare, as the coach chooses it.
pub struct PrepChoice {
    pub id: Uuid,
    pub label: String,
}

/// The engagement's alignment meetings still planned, and the one `session`
/// prepares (kept in the list even once held, so the choice reads true).
async fn prep_choices(
    tx: &mut TenantTx,
    member: &Member,
    engagement: Uuid,
    session: Uuid,
) -> AppResult<(Vec<PrepChoice>, String)> {
    let prepares = meetings::prepares(tx, member.org, session).await?;
    let choices = meetings::of_engagement(tx, member.org, engagement)
        .await?
        .into_iter()
        .filter(|m| m.alignment_enabled && (m.status().is_open() || Some(m.id) == prepares))
        .map(|m| PrepChoice {
            id: m.id,
            label: match m.starts_at {
                Some(at) => format!(
                    "{} meeting, {}",
                    m.kind().label(),
                    format::local_time(at, &member.user.time_zone)
                ),
                None => format!("{} meeting, time not agreed yet", m.kind().label()),
            },
        })
        .collect();
    Ok((
        choices,
        prepares.map(|id| id.to_string()).unwrap_or_default(),
    ))
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
pub(super) async fn load_session_as(
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
pub(super) async fn session_page(
    tx: &mut TenantTx,
    member: &Member,
    session: CoachingSession,
    engagement: Engagement,
    side: Side,
    form: Option<DocumentationForm>,
    problems: FieldErrors,
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
    let (prep_meetings, prepares) = match side {
        Side::Coach => prep_choices(tx, member, engagement.id, session.id).await?,
        Side::Coachee => (Vec::new(), String::new()),
    };
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
        prep_meetings,
        prepares,
        prepares_problem: None,
    })
}

pub(super) async fn show_session(
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
        FieldErrors::default(),
        flashes,
    )
    .await
}

/// The coach's one-screen record of a session.
pub(super) async fn document(
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
    let notes = form.notes.clone();
    let notes_fit = notes.as_ref().is_none_or(|n| n.chars().count() <= 5000);
    let checked = form.check(&skills, &activities);
    if let (Some(notes), true) = (&notes, notes_fit) {
        // Whatever happens to the record, the note typed beside it is kept.
        coaching::save_private_notes(&mut tx, member.org, id, member.user.id, notes.trim()).await?;
    }
    let (doc, chosen) = match checked {
        Ok(checked) if notes_fit => checked,
        outcome => {
            let problems = outcome.err().unwrap_or_default();
            let mut page = session_page(
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
            if let Some(notes) = notes {
                page.private_notes = notes;
            }
            page.layout.flashes.push(flash::Flash {
                kind: FlashKind::Problem,
                message: if notes_fit {
                    "Your private notes are saved; the session record needs another look below."
                } else {
                    "Private notes can be at most 5,000 characters; nothing was saved, and all you typed is kept below."
                }
                .into(),
            });
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    coaching::document(&mut tx, member.org, id, &doc).await?;
    // Off the calendar once cancelled; no reminder once it is not ahead.
    let mail = SessionMail::of(&state.config, member.org, Some(member.user.id));
    let was_scheduled = session.status == SessionStatus::Scheduled.as_str();
    if was_scheduled && doc.status == SessionStatus::Cancelled {
        mail.cancelled(&mut tx, id).await?;
    } else if doc.status != SessionStatus::Scheduled {
        mail.withdraw_reminders(&mut tx, id).await?;
    }
    coaching::set_assignments(&mut tx, member.org, engagement.id, id, &chosen).await?;
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        if notes.is_some() {
            "The session record is saved, and your private notes with it."
        } else {
            "The session record is saved."
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/sessions/{id}")).into_response())
}

#[derive(Deserialize)]
pub(super) struct DoneForm {
    #[serde(default)]
    done: String,
}

/// The coachee marks an activity done, or not done after all.
pub(super) async fn mark_activity(
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
