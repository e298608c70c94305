//! The organisation's catalogue: its skills framework (a flat list of named
//! skills) and the development activities coaches assign from coaching
//! sessions (courses, readings, practices, each optionally tied to a skill).

use std::net::IpAddr;

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

use crate::db::programs::{self, Activity, ActivityFields, ActivityKind, Skill};
use crate::db::{self, TenantTx};
use crate::state::AppState;
use crate::web::admin::trail::record;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
use crate::web::session::Admin;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/catalogue", get(index))
        .route("/admin/catalogue/skills", post(add_skill))
        .route("/admin/catalogue/activities", post(add_activity))
        .route(
            "/admin/catalogue/activities/{id}",
            get(edit_activity).post(update_activity),
        )
        .route(
            "/admin/catalogue/activities/{id}/archive",
            post(archive_activity),
        )
        .route(
            "/admin/catalogue/activities/{id}/restore",
            post(restore_activity),
        )
}

#[derive(Clone, Debug, Default, Deserialize)]
struct SkillForm {
    #[serde(default)]
    name: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ActivityForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    skill_id: String,
}

impl ActivityForm {
    fn from_activity(activity: &Activity) -> Self {
        ActivityForm {
            title: activity.title.clone(),
            kind: activity.kind.clone(),
            url: activity.url.clone().unwrap_or_default(),
            skill_id: activity
                .skill_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        }
    }

    fn check(&self, skills: &[Skill]) -> Result<ActivityFields, FieldErrors> {
        let mut problems = FieldErrors::default();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 160 {
            problems.set(
                "title",
                "Give the activity a title of at most 160 characters.",
            );
        }
        let kind = ActivityKind::parse(&self.kind);
        if kind.is_none() {
            problems.set("kind", "Choose course, reading or practice.");
        }
        let url = self.url.trim();
        let url = if url.is_empty() {
            None
        } else if url.len() <= 500
            && url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        {
            Some(url.to_owned())
        } else {
            problems.set(
                "url",
                "Enter a web address starting with https:// (at most 500 characters), or leave it empty.",
            );
            None
        };
        let skill_id = if self.skill_id.is_empty() {
            None
        } else {
            // Only the organisation's own skills are on offer.
            match self
                .skill_id
                .parse::<Uuid>()
                .ok()
                .filter(|id| skills.iter().any(|s| s.id == *id))
            {
                Some(id) => Some(id),
                None => {
                    problems.set("skill", "Choose a skill from the list.");
                    None
                }
            }
        };
        match kind {
            Some(kind) if !problems.any() => Ok(ActivityFields {
                title: title.to_owned(),
                kind,
                url,
                skill_id,
            }),
            _ => Err(problems),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/catalogue.html")]
struct CataloguePage {
    layout: Layout,
    skills: Vec<Skill>,
    activities: Vec<Activity>,
    kinds: [ActivityKind; 3],
    skill_form: SkillForm,
    skill_problems: FieldErrors,
    /// The add-an-activity form.
    form: ActivityForm,
    problems: FieldErrors,
}

async fn catalogue_page(
    tx: &mut TenantTx,
    admin: &Admin,
    flashes: Flashes,
    skill: (SkillForm, FieldErrors),
    activity: (ActivityForm, FieldErrors),
) -> AppResult<CataloguePage> {
    Ok(CataloguePage {
        skills: programs::skills(tx, admin.org).await?,
        activities: programs::activities(tx, admin.org).await?,
        layout: Layout::for_member("Skills and activities", admin, flashes).await,
        kinds: ActivityKind::ALL,
        skill_form: skill.0,
        skill_problems: skill.1,
        form: activity.0,
        problems: activity.1,
    })
}

async fn index(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
) -> AppResult<CataloguePage> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let blank_activity = ActivityForm {
        kind: ActivityKind::Course.as_str().into(),
        ..ActivityForm::default()
    };
    catalogue_page(
        &mut tx,
        &admin,
        flashes,
        (SkillForm::default(), FieldErrors::default()),
        (blank_activity, FieldErrors::default()),
    )
    .await
}

async fn add_skill(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Form(form): Form<SkillForm>,
) -> AppResult<Response> {
    let name = form.name.trim().to_owned();
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let mut problems = FieldErrors::default();
    if name.is_empty() || name.chars().count() > 80 {
        problems.set("skill-name", "Name the skill in at most 80 characters.");
    } else if programs::add_skill(&mut tx, admin.org, &name)
        .await?
        .is_none()
    {
        problems.set("skill-name", "That skill is already in the framework.");
    }
    if problems.any() {
        let blank_activity = ActivityForm {
            kind: "course".into(),
            ..ActivityForm::default()
        };
        let page = catalogue_page(
            &mut tx,
            &admin,
            Flashes::default(),
            (form, problems),
            (blank_activity, FieldErrors::default()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    record(&mut tx, &admin, "skill.added", Some(name.clone()), peer).await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        format!("{name} is in the skills framework."),
    )
    .await?;
    Ok(Redirect::to("/admin/catalogue").into_response())
}

async fn add_activity(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Form(form): Form<ActivityForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let skills = programs::skills(&mut tx, admin.org).await?;
    let fields = match form.check(&skills) {
        Ok(fields) => fields,
        Err(problems) => {
            let page = catalogue_page(
                &mut tx,
                &admin,
                Flashes::default(),
                (SkillForm::default(), FieldErrors::default()),
                (form, problems),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    programs::create_activity(&mut tx, admin.org, &fields).await?;
    record(
        &mut tx,
        &admin,
        "activity.added",
        Some(fields.title.clone()),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        format!("{} is in the catalogue.", fields.title),
    )
    .await?;
    Ok(Redirect::to("/admin/catalogue").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/activity.html")]
struct ActivityPage {
    layout: Layout,
    activity: Activity,
    skills: Vec<Skill>,
    kinds: [ActivityKind; 3],
    form: ActivityForm,
    problems: FieldErrors,
}

async fn load(
    state: &AppState,
    admin: &Admin,
    id: Uuid,
) -> AppResult<(TenantTx, Activity, Vec<Skill>)> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let activity = programs::activity(&mut tx, admin.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let skills = programs::skills(&mut tx, admin.org).await?;
    Ok((tx, activity, skills))
}

async fn edit_activity(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
    Path(id): Path<Uuid>,
) -> AppResult<ActivityPage> {
    let (_, activity, skills) = load(&state, &admin, id).await?;
    Ok(ActivityPage {
        layout: Layout::for_member(activity.title.clone(), &admin, flashes).await,
        form: ActivityForm::from_activity(&activity),
        activity,
        skills,
        kinds: ActivityKind::ALL,
        problems: FieldErrors::default(),
    })
}

async fn update_activity(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
    Form(form): Form<ActivityForm>,
) -> AppResult<Response> {
    let (mut tx, activity, skills) = load(&state, &admin, id).await?;
    let fields = match form.check(&skills) {
        Ok(fields) => fields,
        Err(problems) => {
            let page = ActivityPage {
                layout: Layout::for_member(activity.title.clone(), &admin, Flashes::default())
                    .await,
                activity,
                skills,
                kinds: ActivityKind::ALL,
                form,
                problems,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    programs::update_activity(&mut tx, admin.org, id, &fields).await?;
    record(
        &mut tx,
        &admin,
        "activity.updated",
        Some(fields.title.clone()),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(&admin.session, FlashKind::Success, "The activity is saved.").await?;
    Ok(Redirect::to("/admin/catalogue").into_response())
}

async fn set_archived(
    state: &AppState,
    peer: IpAddr,
    admin: &Admin,
    id: Uuid,
    archived: bool,
) -> AppResult<Response> {
    let (mut tx, activity, _) = load(state, admin, id).await?;
    programs::set_activity_archived(&mut tx, admin.org, id, archived).await?;
    let action = if archived {
        "activity.archived"
    } else {
        "activity.restored"
    };
    record(&mut tx, admin, action, Some(activity.title.clone()), peer).await?;
    tx.commit().await?;
    let message = if archived {
        format!(
            "{} is archived: coaches no longer see it when assigning.",
            activity.title
        )
    } else {
        format!("{} can be assigned again.", activity.title)
    };
    flash::push(&admin.session, FlashKind::Success, message).await?;
    Ok(Redirect::to("/admin/catalogue").into_response())
}

async fn archive_activity(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    set_archived(&state, peer, &admin, id, true).await
}

async fn restore_activity(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    set_archived(&state, peer, &admin, id, false).await
}
