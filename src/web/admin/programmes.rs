//! Programmes: create, edit, archive and restore, with the settings area later
//! features extend. Admins see programmes and counts, never coaching content.

use std::net::IpAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::db::engagements::{self, Engagement};
use crate::db::programs::{self, AlignmentRules, Cadence, Program, ProgramFields};
use crate::db::{self, TenantTx};
use crate::state::AppState;
use crate::web::admin::trail::record;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::layout::Layout;
use crate::web::session::Admin;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/programmes", get(index))
        .route("/admin/programmes/new", get(new).post(create))
        .route("/admin/programmes/{id}", get(edit).post(update))
        .route("/admin/programmes/{id}/archive", post(archive))
        .route("/admin/programmes/{id}/restore", post(restore))
        .route(
            "/admin/programmes/{id}/alignment",
            post(set_alignment_rules),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/programmes.html")]
struct ProgrammesPage {
    layout: Layout,
    /// Each programme with its engagements: all, and active.
    programmes: Vec<(Program, i64, i64)>,
}

async fn index(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
) -> AppResult<ProgrammesPage> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let counts = engagements::counts_by_program(&mut tx, admin.org).await?;
    let programmes = programs::programs(&mut tx, admin.org)
        .await?
        .into_iter()
        .map(|programme| {
            let (all, active) = counts
                .iter()
                .find(|(id, _, _)| *id == programme.id)
                .map_or((0, 0), |(_, all, active)| (*all, *active));
            (programme, all, active)
        })
        .collect();
    Ok(ProgrammesPage {
        layout: Layout::for_member("Programmes", &admin, flashes).await,
        programmes,
    })
}

/// The form as typed, so a mistake never loses it.
#[derive(Clone, Debug, Default, Deserialize)]
struct ProgrammeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    cadence: String,
    #[serde(default)]
    sessions_included: String,
    #[serde(default)]
    reporting_threshold: String,
}

impl ProgrammeForm {
    fn from_program(program: &Program) -> Self {
        ProgrammeForm {
            name: program.name.clone(),
            description: program.description.clone(),
            starts_on: program.starts_on.to_string(),
            ends_on: program.ends_on.to_string(),
            cadence: program.cadence.clone(),
            sessions_included: program.sessions_included.to_string(),
            reporting_threshold: program.reporting_threshold.to_string(),
        }
    }

    /// The fields to save, or a message for each field that is wrong.
    fn check(&self) -> Result<ProgramFields, Problems> {
        let mut problems = Problems::default();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            problems.name = Some("Give the programme a name of at most 120 characters.");
        }
        if self.description.chars().count() > 2000 {
            problems.description = Some("Keep the description to 2,000 characters.");
        }
        let date = |value: &str| NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
        let starts_on = date(&self.starts_on);
        let ends_on = date(&self.ends_on);
        if starts_on.is_none() {
            problems.starts_on = Some("Enter the start date, like 2026-01-31.");
        }
        if ends_on.is_none() {
            problems.ends_on = Some("Enter the end date, like 2026-12-31.");
        }
        if let (Some(start), Some(end)) = (starts_on, ends_on) {
            if end < start {
                problems.ends_on = Some("The end date is before the start date.");
            }
        }
        let cadence = Cadence::parse(&self.cadence);
        if cadence.is_none() {
            problems.cadence = Some("Choose how often coaching sessions happen.");
        }
        let number = |value: &str, range: std::ops::RangeInclusive<i32>| {
            value
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|n| range.contains(n))
        };
        let sessions_included = number(&self.sessions_included, 1..=100);
        if sessions_included.is_none() {
            problems.sessions_included = Some("Enter a whole number from 1 to 100.");
        }
        let reporting_threshold = number(&self.reporting_threshold, 3..=100);
        if reporting_threshold.is_none() {
            problems.reporting_threshold =
                Some("Enter a whole number from 3 to 100: smaller groups could be recognised.");
        }
        match (
            starts_on,
            ends_on,
            cadence,
            sessions_included,
            reporting_threshold,
        ) {
            (
                Some(starts_on),
                Some(ends_on),
                Some(cadence),
                Some(sessions_included),
                Some(reporting_threshold),
            ) if !problems.any() => Ok(ProgramFields {
                name: name.to_owned(),
                description: self.description.trim().to_owned(),
                starts_on,
                ends_on,
                cadence,
                sessions_included,
                reporting_threshold,
            }),
            _ => Err(problems),
        }
    }
}

#[derive(Debug, Default)]
struct Problems {
    name: Option<&'static str>,
    description: Option<&'static str>,
    starts_on: Option<&'static str>,
    ends_on: Option<&'static str>,
    cadence: Option<&'static str>,
    sessions_included: Option<&'static str>,
    reporting_threshold: Option<&'static str>,
}

impl Problems {
    fn any(&self) -> bool {
        [
            self.name,
            self.description,
            self.starts_on,
            self.ends_on,
            self.cadence,
            self.sessions_included,
            self.reporting_threshold,
        ]
        .iter()
        .any(Option::is_some)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/programme_form.html")]
struct ProgrammeFormPage {
    layout: Layout,
    /// `None` for a new programme.
    programme: Option<Program>,
    form: ProgrammeForm,
    problems: Problems,
    cadences: [Cadence; 3],
    /// The programme's engagements, when editing one.
    engagements: Vec<Engagement>,
    /// The alignment-meeting switch and rules, when editing one.
    rules: RulesForm,
    rules_problem: Option<String>,
}

impl ProgrammeFormPage {
    fn action(&self) -> String {
        match &self.programme {
            Some(programme) => format!("/admin/programmes/{}", programme.id),
            None => "/admin/programmes/new".to_owned(),
        }
    }
}

async fn form_page(
    tx: &mut TenantTx,
    admin: &Admin,
    programme: Option<Program>,
    form: ProgrammeForm,
    problems: Problems,
    flashes: Flashes,
) -> AppResult<ProgrammeFormPage> {
    let rules = programme
        .as_ref()
        .map_or_else(RulesForm::default, |p| RulesForm::from_rules(&p.alignment));
    form_page_with_rules(tx, admin, programme, form, problems, (rules, None), flashes).await
}

async fn form_page_with_rules(
    tx: &mut TenantTx,
    admin: &Admin,
    programme: Option<Program>,
    form: ProgrammeForm,
    problems: Problems,
    (rules, rules_problem): (RulesForm, Option<String>),
    flashes: Flashes,
) -> AppResult<ProgrammeFormPage> {
    let title = programme
        .as_ref()
        .map_or("New programme".to_owned(), |p| p.name.clone());
    let engagements = match &programme {
        Some(programme) => engagements::of_program(tx, admin.org, programme.id).await?,
        None => Vec::new(),
    };
    Ok(ProgrammeFormPage {
        layout: Layout::for_member(title, admin, flashes).await,
        programme,
        form,
        problems,
        cadences: Cadence::ALL,
        engagements,
        rules,
        rules_problem,
    })
}

async fn new(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
) -> AppResult<ProgrammeFormPage> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let form = ProgrammeForm {
        cadence: Cadence::Monthly.as_str().into(),
        sessions_included: "6".into(),
        reporting_threshold: "5".into(),
        ..ProgrammeForm::default()
    };
    form_page(&mut tx, &admin, None, form, Problems::default(), flashes).await
}

async fn create(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Form(form): Form<ProgrammeForm>,
) -> AppResult<Response> {
    let fields = match form.check() {
        Ok(fields) => fields,
        Err(problems) => {
            let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
            let page = form_page(&mut tx, &admin, None, form, problems, Flashes::default()).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let id = programs::create_program(&mut tx, admin.org, &fields).await?;
    record(
        &mut tx,
        &admin,
        "programme.created",
        Some(fields.name.clone()),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        format!("{} is created.", fields.name),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/programmes/{id}")).into_response())
}

async fn load(state: &AppState, admin: &Admin, id: Uuid) -> AppResult<(TenantTx, Program)> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let programme = programs::program(&mut tx, admin.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, programme))
}

async fn edit(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
    Path(id): Path<Uuid>,
) -> AppResult<ProgrammeFormPage> {
    let (mut tx, programme) = load(&state, &admin, id).await?;
    let form = ProgrammeForm::from_program(&programme);
    form_page(
        &mut tx,
        &admin,
        Some(programme),
        form,
        Problems::default(),
        flashes,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
    Form(form): Form<ProgrammeForm>,
) -> AppResult<Response> {
    let (mut tx, programme) = load(&state, &admin, id).await?;
    let fields = match form.check() {
        Ok(fields) => fields,
        Err(problems) => {
            let page = form_page(
                &mut tx,
                &admin,
                Some(programme),
                form,
                problems,
                Flashes::default(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    programs::update_program(&mut tx, admin.org, id, &fields).await?;
    record(
        &mut tx,
        &admin,
        "programme.updated",
        Some(fields.name.clone()),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        "The programme is saved.",
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/programmes/{id}")).into_response())
}

async fn set_archived(
    state: &AppState,
    peer: IpAddr,
    admin: &Admin,
    id: Uuid,
    archived: bool,
) -> AppResult<Response> {
    let (mut tx, programme) = load(state, admin, id).await?;
    programs::set_program_archived(&mut tx, admin.org, id, archived).await?;
    let action = if archived {
        "programme.archived"
    } else {
        "programme.restored"
    };
    record(&mut tx, admin, action, Some(programme.name.clone()), peer).await?;
    tx.commit().await?;
    let message = if archived {
        format!(
            "{} is archived. Its records stay; you can restore it.",
            programme.name
        )
    } else {
        format!("{} is current again.", programme.name)
    };
    flash::push(&admin.session, FlashKind::Success, message).await?;
    Ok(Redirect::to("/admin/programmes").into_response())
}

async fn archive(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    set_archived(&state, peer, &admin, id, true).await
}

async fn restore(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    set_archived(&state, peer, &admin, id, false).await
}

// ---------------------------------------------------------------------------
// Alignment meetings: the switch and the rules

/// The rules as typed.
#[derive(Clone, Debug, Default, Deserialize)]
struct RulesForm {
    #[serde(default)]
    enabled: String,
    #[serde(default)]
    included: String,
    #[serde(default)]
    sessions_before: String,
    #[serde(default)]
    prep_expected: String,
    #[serde(default)]
    link_days: String,
    #[serde(default)]
    reminder_hours: String,
}

impl RulesForm {
    fn from_rules(rules: &AlignmentRules) -> Self {
        let on = |b: bool| if b { "on" } else { "" }.to_owned();
        RulesForm {
            enabled: on(rules.enabled),
            included: rules.included.to_string(),
            sessions_before: rules.sessions_before.to_string(),
            prep_expected: on(rules.prep_expected),
            link_days: rules.link_days.to_string(),
            reminder_hours: rules.reminder_hours.to_string(),
        }
    }

    fn is_enabled(&self) -> bool {
        self.enabled == "on"
    }

    fn expects_prep(&self) -> bool {
        self.prep_expected == "on"
    }

    fn check(&self) -> Result<AlignmentRules, String> {
        let number = |value: &str, range: std::ops::RangeInclusive<i32>, what: &str| {
            value
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    format!(
                        "{what} must be a whole number from {} to {}.",
                        range.start(),
                        range.end()
                    )
                })
        };
        Ok(AlignmentRules {
            enabled: self.is_enabled(),
            included: number(&self.included, 1..=10, "Meetings included")?,
            sessions_before: number(
                &self.sessions_before,
                0..=20,
                "Coaching sessions before the first meeting",
            )?,
            prep_expected: self.expects_prep(),
            link_days: number(
                &self.link_days,
                1..=90,
                "Days the manager's link stays valid",
            )?,
            reminder_hours: number(&self.reminder_hours, 1..=168, "Hours before the reminder")?,
        })
    }
}

async fn set_alignment_rules(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
    Form(rules_form): Form<RulesForm>,
) -> AppResult<Response> {
    let (mut tx, programme) = load(&state, &admin, id).await?;
    let rules = match rules_form.check() {
        Ok(rules) => rules,
        Err(problem) => {
            let form = ProgrammeForm::from_program(&programme);
            let page = form_page_with_rules(
                &mut tx,
                &admin,
                Some(programme),
                form,
                Problems::default(),
                (rules_form, Some(problem)),
                Flashes::default(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    programs::set_alignment_rules(&mut tx, admin.org, programme.id, &rules).await?;
    if programme.alignment.enabled && !rules.enabled {
        // Off means no more emails about the programme's meetings either.
        crate::db::alignment::withdraw_queued_emails(&mut tx, admin.org, programme.id).await?;
    }
    let action = match (programme.alignment.enabled, rules.enabled) {
        (false, true) => "programme.alignment_enabled",
        (true, false) => "programme.alignment_disabled",
        _ => "programme.alignment_rules_changed",
    };
    record(&mut tx, &admin, action, Some(programme.name.clone()), peer).await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        if rules.enabled {
            format!(
                "Alignment meetings are on for {}, with the rules below.",
                programme.name
            )
        } else {
            format!("Alignment meetings are off for {}.", programme.name)
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/programmes/{id}#alignment-title")).into_response())
}
