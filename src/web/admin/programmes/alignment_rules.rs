//! Alignment meetings for a programme: the switch and the rules.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use uuid::Uuid;

use crate::db::programs;
use crate::state::AppState;
use crate::web::admin::trail::record;
use crate::web::client::ClientAddr;
use crate::web::error::AppResult;
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::session::{Admin, FormFields};

use super::form::{ProgrammeForm, RulesForm};
use super::page::{form_page_with_rules, load};

pub(super) async fn set_alignment_rules(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
    Extension(FormFields(fields)): Extension<FormFields>,
    Form(rules_form): Form<RulesForm>,
) -> AppResult<Response> {
    let rules_form = rules_form.with_kinds(&fields);
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
                FieldErrors::default(),
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
