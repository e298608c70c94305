//! Alignment meetings for a programme: the switch and the rules. Switching
//! them off while meetings are still planned asks first, on a page that says
//! how many and what becomes of them; its form carries the rules form's
//! fields again with `confirm=yes`.

use askama::Template;
use askama_web::WebTemplate;
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
use crate::web::forms::fields::{CSRF, ONCE};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
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
    let switching_off = programme.alignment.enabled && !rules.enabled;
    if switching_off && !fields.iter().any(|(k, v)| k == "confirm" && v == "yes") {
        let open = crate::db::alignment::open_in_program(&mut tx, admin.org, programme.id).await?;
        if open > 0 {
            let title = format!("Switch alignment meetings off for {}?", programme.name);
            return Ok(SwitchOffPage {
                layout: Layout::for_member(title, &admin, Flashes::default()).await,
                id,
                name: programme.name,
                open,
                fields: fields
                    .into_iter()
                    .filter(|(k, _)| k != CSRF && k != ONCE && k != "confirm")
                    .collect(),
            }
            .into_response());
        }
    }
    programs::set_alignment_rules(&mut tx, admin.org, programme.id, &rules).await?;
    if switching_off {
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

#[derive(Template, WebTemplate)]
#[template(path = "admin/alignment_off.html")]
struct SwitchOffPage {
    layout: Layout,
    id: Uuid,
    name: String,
    /// Meetings of the programme proposed or confirmed.
    open: i64,
    /// The rules form as it was sent, to send again.
    fields: Vec<(String, String)>,
}
