//! A programme's page: its form, its engagements and its alignment rules,
//! shown by every handler that edits the programme.

use askama::Template;
use askama_web::WebTemplate;
use uuid::Uuid;

use crate::alignment::Kind;
use crate::db::engagements::{self, Engagement};
use crate::db::programs::{self, Cadence, Program, Unscheduled};
use crate::db::{self, TenantTx};
use crate::state::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::Flashes;
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
use crate::web::session::Admin;

use super::form::{ProgrammeForm, RulesForm};

#[derive(Template, WebTemplate)]
#[template(path = "admin/programme_form.html")]
pub(super) struct ProgrammeFormPage {
    layout: Layout,
    /// `None` for a new programme.
    programme: Option<Program>,
    form: ProgrammeForm,
    problems: FieldErrors,
    cadences: [Cadence; 3],
    /// The programme's engagements, when editing one.
    engagements: Vec<Engagement>,
    /// The alignment-meeting switch and rules, when editing one.
    rules: RulesForm,
    rules_problem: Option<String>,
    kinds: [Kind; 4],
    /// Each expected kind of meeting with the engagements yet to schedule it.
    unscheduled: Vec<Unscheduled>,
}

impl ProgrammeFormPage {
    fn action(&self) -> String {
        match &self.programme {
            Some(programme) => format!("/admin/programmes/{}", programme.id),
            None => "/admin/programmes/new".to_owned(),
        }
    }
}

pub(super) async fn form_page(
    tx: &mut TenantTx,
    admin: &Admin,
    programme: Option<Program>,
    form: ProgrammeForm,
    problems: FieldErrors,
    flashes: Flashes,
) -> AppResult<ProgrammeFormPage> {
    let rules = programme
        .as_ref()
        .map_or_else(RulesForm::default, |p| RulesForm::from_rules(&p.alignment));
    form_page_with_rules(tx, admin, programme, form, problems, (rules, None), flashes).await
}

pub(super) async fn form_page_with_rules(
    tx: &mut TenantTx,
    admin: &Admin,
    programme: Option<Program>,
    form: ProgrammeForm,
    problems: FieldErrors,
    (rules, rules_problem): (RulesForm, Option<String>),
    flashes: Flashes,
) -> AppResult<ProgrammeFormPage> {
    let title = programme
        .as_ref()
        .map_or("New programme".to_owned(), |p| p.name.clone());
    let (engagements, unscheduled) = match &programme {
        Some(programme) => (
            engagements::of_program(tx, admin.org, programme.id).await?,
            programs::unscheduled(tx, admin.org, programme.id).await?,
        ),
        None => (Vec::new(), Vec::new()),
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
        kinds: Kind::ALL,
        unscheduled,
    })
}

pub(super) async fn load(
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
