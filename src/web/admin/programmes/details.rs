//! Creating a programme, changing its details, archiving and restoring it.

use std::net::IpAddr;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use crate::db;
use crate::db::programs::{self, Cadence};
use crate::state::AppState;
use crate::web::admin::trail::record;
use crate::web::client::ClientAddr;
use crate::web::error::AppResult;
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::session::Admin;

use super::form::ProgrammeForm;
use super::page::{ProgrammeFormPage, form_page, load};

pub(super) async fn new(
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
    form_page(&mut tx, &admin, None, form, FieldErrors::default(), flashes).await
}

pub(super) async fn create(
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

pub(super) async fn edit(
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
        FieldErrors::default(),
        flashes,
    )
    .await
}

pub(super) async fn update(
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

pub(super) async fn archive(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    set_archived(&state, peer, &admin, id, true).await
}

pub(super) async fn restore(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    set_archived(&state, peer, &admin, id, false).await
}
