//! People of the organisation: list, invite, change roles, disable and enable,
//! resend an invitation. An organisation always keeps one active admin.

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

use crate::db;
use crate::db::coach_choice;
use crate::db::people::{self, Member, Roles};
use crate::format;
use crate::state::AppState;
use crate::web::admin::trail::record;
use crate::web::client::ClientAddr;
use crate::web::error::AppResult;
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
use crate::web::session::Admin;

mod disabling;
mod invite;
mod lookup;
mod profile;

use lookup::load;
use profile::ProfileForm;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/people", get(index))
        .route("/admin/people/{user_id}", get(show))
        .route("/admin/people/{user_id}/roles", post(change_roles))
        .route("/admin/people/{user_id}/disable", post(disable))
        .route("/admin/people/{user_id}/enable", post(enable))
        .route("/admin/people/{user_id}/profile", post(save_profile))
        .merge(invite::router())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/people.html")]
struct PeoplePage {
    layout: Layout,
    /// Members who have joined (disabled ones included).
    members: Vec<Member>,
    /// Everyone invited who has not joined yet, of either kind, alike.
    waiting: Vec<invite::Waiting>,
}

async fn index(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
) -> AppResult<PeoplePage> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let members = people::members(&mut tx, admin.org).await?;
    let invitations = crate::db::invitations::pending_invitations(&mut tx, admin.org).await?;
    let waiting = invite::waiting(&members, invitations);
    Ok(PeoplePage {
        layout: Layout::for_member("People", &admin, flashes).await,
        members: members
            .into_iter()
            .filter(|member| !invite::not_joined(member))
            .collect(),
        waiting,
    })
}

// ---------------------------------------------------------------------------
// One person

#[derive(Template, WebTemplate)]
#[template(path = "admin/person.html")]
struct PersonPage {
    layout: Layout,
    person: Member,
    joined: String,
    is_self: bool,
    problem: Option<&'static str>,
    /// A coach's profile form (None for people who do not coach) and its problems.
    profile: Option<ProfileForm>,
    profile_problems: FieldErrors,
}

async fn person_page(
    tx: &mut db::TenantTx,
    admin: &Admin,
    person: Member,
    problem: Option<&'static str>,
    flashes: Flashes,
) -> AppResult<PersonPage> {
    let profile = if person.roles.is_coach {
        let saved = coach_choice::profile(tx, admin.org, person.user_id).await?;
        Some(ProfileForm::of(saved.unwrap_or_default()))
    } else {
        None
    };
    Ok(PersonPage {
        layout: Layout::for_member(person.name.clone(), admin, flashes).await,
        joined: format::local_time(person.created_at, &admin.user.time_zone),
        is_self: person.user_id == admin.user.id,
        person,
        problem,
        profile,
        profile_problems: FieldErrors::default(),
    })
}

async fn show(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
    Path(user_id): Path<Uuid>,
) -> AppResult<PersonPage> {
    let (mut tx, person) = load(&state, admin.org, user_id).await?;
    person_page(&mut tx, &admin, person, None, flashes).await
}

const LAST_ADMIN: &str =
    "The organisation needs at least one active admin. Make someone else an admin first.";

#[derive(Deserialize)]
struct RolesForm {
    is_admin: Option<String>,
    is_coach: Option<String>,
    is_coachee: Option<String>,
}

async fn change_roles(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(user_id): Path<Uuid>,
    Form(form): Form<RolesForm>,
) -> AppResult<Response> {
    let (mut tx, person) = load(&state, admin.org, user_id).await?;
    let roles = Roles {
        is_admin: form.is_admin.is_some(),
        is_coach: form.is_coach.is_some(),
        is_coachee: form.is_coachee.is_some(),
    };
    let problem = if !roles.any() {
        Some("Choose at least one role. To remove someone's access, disable them instead.")
    } else if person.roles.is_admin
        && !roles.is_admin
        && person.disabled_at.is_none()
        && people::other_active_admins(&mut tx, admin.org, user_id).await? == 0
    {
        Some(LAST_ADMIN)
    } else {
        None
    };
    if problem.is_some() {
        let page = person_page(&mut tx, &admin, person, problem, Flashes::default()).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    people::set_roles(&mut tx, admin.org, user_id, roles).await?;
    record(
        &mut tx,
        &admin,
        "member.roles_changed",
        Some(format!(
            "{} <{}>: {} → {}",
            person.name,
            person.email,
            person.roles.describe(),
            roles.describe()
        )),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        format!("{}'s roles are saved.", person.name),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/people/{user_id}")).into_response())
}

async fn set_disabled(
    state: &AppState,
    peer: IpAddr,
    admin: &Admin,
    user_id: Uuid,
    disabled: bool,
) -> AppResult<Response> {
    let (mut tx, person) = load(state, admin.org, user_id).await?;
    if disabled
        && person.roles.is_admin
        && people::other_active_admins(&mut tx, admin.org, user_id).await? == 0
    {
        let page =
            person_page(&mut tx, admin, person, Some(LAST_ADMIN), Flashes::default()).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    people::set_disabled(&mut tx, admin.org, user_id, disabled).await?;
    record(
        &mut tx,
        admin,
        if disabled {
            "member.disabled"
        } else {
            "member.enabled"
        },
        Some(format!("{} <{}>", person.name, person.email)),
        peer,
    )
    .await?;
    tx.commit().await?;
    let message = if disabled {
        format!(
            "{} is disabled and can no longer use this organisation.",
            person.name
        )
    } else {
        format!("{} can use the organisation again.", person.name)
    };
    flash::push(&admin.session, FlashKind::Success, message).await?;
    Ok(Redirect::to(&format!("/admin/people/{user_id}")).into_response())
}

/// The person page's button asks first (see `disabling`); the question's own
/// form, with `confirm=yes`, disables. Someone already disabled, or the last
/// admin, gets today's answer straight away.
async fn disable(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(user_id): Path<Uuid>,
    Form(form): Form<disabling::DisableForm>,
) -> AppResult<Response> {
    if form.confirm != "yes" {
        let (mut tx, person) = load(&state, admin.org, user_id).await?;
        let last_admin = person.roles.is_admin
            && people::other_active_admins(&mut tx, admin.org, user_id).await? == 0;
        if person.disabled_at.is_none() && !last_admin {
            return disabling::confirm_page(&mut tx, &admin, person).await;
        }
    }
    set_disabled(&state, peer, &admin, user_id, true).await
}

async fn enable(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(user_id): Path<Uuid>,
) -> AppResult<Response> {
    set_disabled(&state, peer, &admin, user_id, false).await
}

/// Saves a coach's short profile; a person who does not coach has none.
async fn save_profile(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Path(user_id): Path<Uuid>,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    let (mut tx, person) = load(&state, admin.org, user_id).await?;
    if !person.roles.is_coach {
        return Err(crate::web::error::AppError::NotFound);
    }
    let profile = match form.check() {
        Ok(profile) => profile,
        Err(problems) => {
            let mut page = person_page(&mut tx, &admin, person, None, Flashes::default()).await?;
            page.profile = Some(form);
            page.profile_problems = problems;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    coach_choice::save_profile(&mut tx, admin.org, user_id, &profile).await?;
    record(
        &mut tx,
        &admin,
        "member.profile_saved",
        Some(format!("{} <{}>", person.name, person.email)),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        format!("{}'s coach profile is saved.", person.name),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/people/{user_id}")).into_response())
}
