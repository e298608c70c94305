//! Engagements, as admins set them up: a coachee, a coach, dates, status, and
//! the coachee's manager of record and department. Admins see who is paired
//! with whom; never what happens in coaching.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::db::engagements::{self, Engagement, EngagementFields, Status};
use crate::db::people::{self, Member};
use crate::db::programs::{self, Program};
use crate::db::{self, TenantTx};
use crate::state::AppState;
use crate::web::admin::shortlist::{Matching, coach_assigned, matching};
use crate::web::admin::trail::record;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
use crate::web::session::Admin;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/programmes/{id}/engagements/new",
            get(new).post(create),
        )
        .route("/admin/engagements/{id}", get(edit).post(update))
}

/// The coach field's value for "no coach yet".
const NO_COACH: &str = "none";

#[derive(Clone, Debug, Default, Deserialize)]
struct EngagementForm {
    #[serde(default)]
    coachee_id: String,
    #[serde(default)]
    coach_id: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    manager_name: String,
    #[serde(default)]
    manager_email: String,
    #[serde(default)]
    department: String,
    /// The coach when the form was drawn ("" for none): a coachee's choice
    /// made while the form was open is not silently replaced.
    #[serde(default)]
    coach_seen: String,
}

/// The organisation's active coachees and coaches, to choose from.
struct People {
    coachees: Vec<Member>,
    coaches: Vec<Member>,
}

async fn people_of(tx: &mut TenantTx, admin: &Admin) -> AppResult<People> {
    let members: Vec<Member> = people::members(tx, admin.org)
        .await?
        .into_iter()
        .filter(|m| m.disabled_at.is_none())
        .collect();
    Ok(People {
        coachees: members
            .iter()
            .filter(|m| m.roles.is_coachee)
            .cloned()
            .collect(),
        coaches: members.into_iter().filter(|m| m.roles.is_coach).collect(),
    })
}

impl EngagementForm {
    fn from_engagement(engagement: &Engagement) -> Self {
        EngagementForm {
            coachee_id: engagement.coachee_id.to_string(),
            coach_id: engagement
                .coach_id
                .map_or_else(|| NO_COACH.to_owned(), |id| id.to_string()),
            starts_on: engagement.starts_on.to_string(),
            ends_on: engagement.ends_on.to_string(),
            status: engagement.status.clone(),
            manager_name: engagement.manager_name.clone(),
            manager_email: engagement.manager_email.clone(),
            department: engagement.department.clone(),
            coach_seen: engagement
                .coach_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        }
    }

    fn check(&self, people: &People) -> Result<EngagementFields, FieldErrors> {
        let mut problems = FieldErrors::default();
        let pick = |value: &str, among: &[Member]| {
            value
                .parse::<Uuid>()
                .ok()
                .filter(|id| among.iter().any(|m| m.user_id == *id))
        };
        let coachee_id = pick(&self.coachee_id, &people.coachees);
        if coachee_id.is_none() {
            problems.set("coachee", "Choose the coachee from the list.");
        }
        // Some(None): no coach yet, the coachee chooses from a shortlist.
        let coach_id = if self.coach_id == NO_COACH {
            Some(None)
        } else {
            pick(&self.coach_id, &people.coaches).map(Some)
        };
        if coach_id.is_none() {
            problems.set(
                "coach",
                "Choose the coach from the list. To let the coachee choose from a shortlist, pick “No coach yet”.",
            );
        }
        if coachee_id.is_some() && coach_id.flatten() == coachee_id {
            problems.set("coach", "The coach cannot be the coachee too.");
        }
        let date = |value: &str| NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
        let (starts_on, ends_on) = (date(&self.starts_on), date(&self.ends_on));
        if starts_on.is_none() {
            problems.set("starts", "Enter the start date, like 2026-01-31.");
        }
        if ends_on.is_none() {
            problems.set("ends", "Enter the end date, like 2026-12-31.");
        }
        if let (Some(start), Some(end)) = (starts_on, ends_on) {
            if end < start {
                problems.set("ends", "The end date is before the start date.");
            }
        }
        let status = Status::parse(&self.status);
        if status.is_none() {
            problems.set("status", "Choose a status.");
        }
        let manager_name = self.manager_name.trim();
        if manager_name.is_empty() || manager_name.chars().count() > 120 {
            problems.set(
                "manager-name",
                "Enter the manager's name (at most 120 characters).",
            );
        } else if crate::web::names::breaks_lines(manager_name) {
            problems.set("manager-name", crate::web::names::ONE_LINE);
        }
        let manager_email = self.manager_email.trim();
        if manager_email.parse::<lettre::Address>().is_err() || manager_email.len() > 254 {
            problems.set(
                "manager-email",
                "Enter the manager's email address, like name@example.com.",
            );
        }
        let department = self.department.trim();
        if department.chars().count() > 80 {
            problems.set("department", "Keep the department to 80 characters.");
        }
        match (coachee_id, coach_id, starts_on, ends_on, status) {
            (Some(coachee_id), Some(coach_id), Some(starts_on), Some(ends_on), Some(status))
                if !problems.any() =>
            {
                Ok(EngagementFields {
                    coachee_id,
                    coach_id,
                    starts_on,
                    ends_on,
                    status,
                    manager_name: manager_name.to_owned(),
                    manager_email: manager_email.to_owned(),
                    department: department.to_owned(),
                })
            }
            _ => Err(problems),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/engagement_form.html")]
struct EngagementPage {
    layout: Layout,
    programme: Program,
    /// `None` while creating.
    engagement_id: Option<Uuid>,
    people: People,
    statuses: [Status; 4],
    form: EngagementForm,
    problems: FieldErrors,
    /// The engagement's coach and shortlist; None while creating.
    matching: Option<Matching>,
    /// For the shortlist (shown with the page's own form).
    engagement: Option<Engagement>,
}

impl EngagementPage {
    fn action(&self) -> String {
        match self.engagement_id {
            Some(id) => format!("/admin/engagements/{id}"),
            None => format!("/admin/programmes/{}/engagements/new", self.programme.id),
        }
    }
}

async fn page(
    tx: &mut TenantTx,
    admin: &Admin,
    programme: Program,
    engagement: Option<Engagement>,
    form: EngagementForm,
    problems: FieldErrors,
    flashes: Flashes,
) -> AppResult<EngagementPage> {
    let engagement_id = engagement.as_ref().map(|e| e.id);
    let title = if engagement_id.is_some() {
        "Engagement"
    } else {
        "New engagement"
    };
    let matching = match &engagement {
        Some(engagement) => Some(matching(tx, admin, engagement).await?),
        None => None,
    };
    Ok(EngagementPage {
        matching,
        engagement,
        layout: Layout::for_member(title, admin, flashes).await,
        people: people_of(tx, admin).await?,
        programme,
        engagement_id,
        statuses: Status::ALL,
        form,
        problems,
    })
}

async fn load_programme(
    state: &AppState,
    admin: &Admin,
    id: Uuid,
) -> AppResult<(TenantTx, Program)> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let programme = programs::program(&mut tx, admin.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, programme))
}

async fn new(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
    Path(id): Path<Uuid>,
) -> AppResult<EngagementPage> {
    let (mut tx, programme) = load_programme(&state, &admin, id).await?;
    let form = EngagementForm {
        starts_on: programme.starts_on.to_string(),
        ends_on: programme.ends_on.to_string(),
        status: Status::Active.as_str().into(),
        ..EngagementForm::default()
    };
    page(
        &mut tx,
        &admin,
        programme,
        None,
        form,
        FieldErrors::default(),
        flashes,
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
    Form(form): Form<EngagementForm>,
) -> AppResult<Response> {
    let (mut tx, programme) = load_programme(&state, &admin, id).await?;
    let people = people_of(&mut tx, &admin).await?;
    let fields = match form.check(&people) {
        Ok(fields) => fields,
        Err(problems) => {
            let page = page(
                &mut tx,
                &admin,
                programme,
                None,
                form,
                problems,
                Flashes::default(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    engagements::create(&mut tx, admin.org, programme.id, &fields).await?;
    let coachee = people
        .coachees
        .iter()
        .find(|m| m.user_id == fields.coachee_id)
        .map(|m| m.name.clone());
    record(
        &mut tx,
        &admin,
        "engagement.created",
        coachee.map(|name| format!("{name} in {}", programme.name)),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        "The engagement is set up.",
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/programmes/{}", programme.id)).into_response())
}

async fn load(
    state: &AppState,
    admin: &Admin,
    id: Uuid,
) -> AppResult<(TenantTx, Engagement, Program)> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let engagement = engagements::engagement(&mut tx, admin.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let programme = programs::program(&mut tx, admin.org, engagement.program_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, engagement, programme))
}

async fn edit(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
    Path(id): Path<Uuid>,
) -> AppResult<EngagementPage> {
    let (mut tx, engagement, programme) = load(&state, &admin, id).await?;
    let form = EngagementForm::from_engagement(&engagement);
    page(
        &mut tx,
        &admin,
        programme,
        Some(engagement),
        form,
        FieldErrors::default(),
        flashes,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
    Form(form): Form<EngagementForm>,
) -> AppResult<Response> {
    let (mut tx, _, programme) = load(&state, &admin, id).await?;
    // The coachee may be choosing their coach at this moment: take turns,
    // and read the engagement as the choice left it.
    crate::db::coach_choice::lock_coach(&mut tx, admin.org, id).await?;
    let engagement = engagements::engagement(&mut tx, admin.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let people = people_of(&mut tx, &admin).await?;
    let seen = engagement
        .coach_id
        .map(|id| id.to_string())
        .unwrap_or_default();
    let changed_meanwhile = form.coach_seen != seen;
    let checked = form.check(&people).and_then(|fields| {
        // A coach once set is changed, never taken away; and a choice the
        // coachee made while this form was open is not replaced unseen.
        match (&engagement.coach_name, fields.coach_id) {
            (Some(coach), None) => Err(FieldErrors::default().with(
                "coach",
                format!("{coach} is the coach now. Choose them, or another coach."),
            )),
            (Some(coach), Some(chosen)) if changed_meanwhile && Some(chosen) != engagement.coach_id => {
                Err(FieldErrors::default().with(
                    "coach",
                    format!(
                        "{coach} became the coach while you were editing. Keep them, or choose another coach and save again."
                    ),
                ))
            }
            _ => Ok(fields),
        }
    });
    let mut form = form;
    form.coach_seen = seen;
    let fields = match checked {
        Ok(fields) => fields,
        Err(problems) => {
            let page = page(
                &mut tx,
                &admin,
                programme,
                Some(engagement),
                form,
                problems,
                Flashes::default(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    engagements::update(&mut tx, admin.org, id, &fields).await?;
    if let Some(coach) = fields.coach_id.filter(|c| Some(*c) != engagement.coach_id) {
        // The coach is told from the engagement as saved: its coachee and dates.
        let saved = engagements::engagement(&mut tx, admin.org, id)
            .await?
            .ok_or(AppError::NotFound)?;
        coach_assigned(&mut tx, &state, &admin, &saved, coach).await?;
    }
    let subject = format!(
        "{} in {}: {}",
        engagement.coachee_name,
        programme.name,
        fields.status.label()
    );
    record(&mut tx, &admin, "engagement.updated", Some(subject), peer).await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        "The engagement is saved.",
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/programmes/{}", programme.id)).into_response())
}
