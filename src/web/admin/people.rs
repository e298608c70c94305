//! People of the organisation: list, invite, change roles, disable and enable,
//! resend an invitation. An organisation always keeps one active admin.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::{Admin, tokens};
use crate::config::Config;
use crate::db::people::{self, Member, PendingInvitation, Roles, TokenPurpose};
use crate::db::{self, TenantId};
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::startup::AppState;
use crate::web::admin::record;
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::format;
use crate::web::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/people", get(index))
        .route("/admin/people/invite", get(new_invite).post(invite))
        .route("/admin/people/{user_id}", get(show))
        .route("/admin/people/{user_id}/roles", post(change_roles))
        .route("/admin/people/{user_id}/disable", post(disable))
        .route("/admin/people/{user_id}/enable", post(enable))
        .route("/admin/people/{user_id}/resend", post(resend))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/people.html")]
struct PeoplePage {
    layout: Layout,
    members: Vec<Member>,
    /// People with an account elsewhere who have not yet accepted.
    invitations: Vec<PendingInvitation>,
}

async fn index(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
) -> AppResult<PeoplePage> {
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let members = people::members(&mut tx, admin.org).await?;
    let invitations = people::pending_invitations(&mut tx, admin.org).await?;
    Ok(PeoplePage {
        layout: Layout::for_member("People", &admin, flashes).await,
        members,
        invitations,
    })
}

// ---------------------------------------------------------------------------
// Inviting

#[derive(Clone, Debug, Default, Deserialize)]
struct InviteForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    is_admin: Option<String>,
    #[serde(default)]
    is_coach: Option<String>,
    #[serde(default)]
    is_coachee: Option<String>,
}

impl InviteForm {
    fn roles(&self) -> Roles {
        Roles {
            is_admin: self.is_admin.is_some(),
            is_coach: self.is_coach.is_some(),
            is_coachee: self.is_coachee.is_some(),
        }
    }
}

#[derive(Default)]
struct InviteProblems {
    name: Option<&'static str>,
    email: Option<&'static str>,
    roles: Option<&'static str>,
}

impl InviteProblems {
    fn any(&self) -> bool {
        self.name.is_some() || self.email.is_some() || self.roles.is_some()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/invite.html")]
struct InvitePage {
    layout: Layout,
    form: InviteForm,
    problems: InviteProblems,
}

async fn new_invite(admin: Admin, flashes: Flashes) -> InvitePage {
    InvitePage {
        layout: Layout::for_member("Invite someone", &admin, flashes).await,
        form: InviteForm {
            is_coachee: Some("on".into()),
            ..InviteForm::default()
        },
        problems: InviteProblems::default(),
    }
}

async fn invite(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    admin: Admin,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let name = form.name.trim().to_owned();
    let email = form.email.trim().to_owned();
    let mut problems = InviteProblems::default();
    if name.is_empty() || name.chars().count() > 200 {
        problems.name = Some("Enter their name (at most 200 characters).");
    }
    if email.parse::<lettre::Address>().is_err() || email.len() > 254 {
        problems.email = Some("Enter an email address like name@example.com.");
    }
    if !form.roles().any() {
        problems.roles = Some("Choose at least one role.");
    }

    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    if !problems.any() {
        match invite_person(&mut tx, &state.config, &admin, &name, &email, form.roles()).await? {
            Ok(()) => {
                record(
                    &mut tx,
                    &admin,
                    "member.invited",
                    Some(format!("{name} <{email}> as {}", form.roles().describe())),
                    peer,
                )
                .await?;
                tx.commit().await?;
                flash::push(
                    &admin.session,
                    FlashKind::Success,
                    format!("Invitation sent to {email}."),
                )
                .await?;
                return Ok(Redirect::to("/admin/people").into_response());
            }
            Err(problem) => problems.email = Some(problem),
        }
    }
    let page = InvitePage {
        layout: Layout::for_member("Invite someone", &admin, Flashes::default()).await,
        form,
        problems,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Invites `email` with the name and roles the admin typed. An address new to
/// Triad gets an account and a membership at once, and a link to choose a
/// password. An address that already has an account — perhaps in another
/// organisation — gets an invitation that waits for that person to accept
/// from their own sign-in; this organisation learns nothing of the account
/// (not the name it holds, not whether it has a password). Refused, with the
/// words to show, when the person is already a member or already invited.
async fn invite_person(
    tx: &mut PgConnection,
    config: &Config,
    admin: &Admin,
    name: &str,
    email: &str,
    roles: Roles,
) -> AppResult<Result<(), &'static str>> {
    const ALREADY: &str = "This person is already a member of the organisation.";
    let Some(user) = people::user_by_email(tx, email).await? else {
        let user = people::find_or_create_user(tx, email, name).await?;
        if !people::add_member(tx, admin.org, user.id, roles, Some(admin.user.id)).await? {
            return Ok(Err(ALREADY));
        }
        send_invitation(tx, config, admin, &user, (name, email), roles).await?;
        return Ok(Ok(()));
    };
    if people::member(tx, admin.org, user.id).await?.is_some() {
        return Ok(Err(ALREADY));
    }
    let invitation = PendingInvitation {
        user_id: user.id,
        name: name.to_owned(),
        email: email.to_owned(),
        roles,
        created_at: chrono::Utc::now(),
    };
    if !people::invite_existing(tx, admin.org, &invitation, admin.user.id).await? {
        return Ok(Err(
            "An invitation to this address is already waiting for an answer.",
        ));
    }
    send_invitation(tx, config, admin, &user, (name, email), roles).await?;
    Ok(Ok(()))
}

/// Queues the invitation email in the caller's transaction, addressed with
/// the name the admin typed (`to`). Someone with no password yet gets a fresh
/// one-time link; someone who already has one is asked to sign in — what the
/// email says goes to its owner only, never to the admin.
async fn send_invitation(
    conn: &mut PgConnection,
    config: &Config,
    admin: &Admin,
    user: &people::User,
    to: (&str, &str),
    roles: Roles,
) -> AppResult<()> {
    let (name, email) = to;
    let to_sign_in = user.password_hash.is_some();
    let (link, expires) = if !to_sign_in {
        let token = tokens::generate();
        let expires_at =
            people::create_token(conn, user.id, TokenPurpose::Invite, &tokens::hash(&token))
                .await?;
        let mut link = config
            .public_url
            .join("/welcome")
            .map_err(anyhow::Error::from)?;
        link.query_pairs_mut().append_pair("token", &token);
        (link, format::local_time(expires_at, &user.time_zone))
    } else {
        let link = config
            .public_url
            .join("/sign-in")
            .map_err(anyhow::Error::from)?;
        (link, "you sign in".to_owned())
    };
    let message = mail::templates::Invitation {
        invitee_name: name,
        inviter_name: &admin.user.name,
        org_name: &admin.org_name,
        roles: &roles.describe(),
        link: &link,
        expires: &expires,
        to_sign_in,
    }
    .email(
        mail::Recipient {
            email: email.to_owned(),
            name: name.to_owned(),
        },
        admin.user.id,
    )
    .map_err(anyhow::Error::from)?;
    mail::enqueue(conn, Some(admin.org), config.mail_domain(), message)
        .await
        .map_err(anyhow::Error::from)?;
    Ok(())
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
}

async fn load(state: &AppState, org: TenantId, user_id: Uuid) -> AppResult<(db::TenantTx, Member)> {
    let mut tx = db::begin_tenant(&state.pool, org).await?;
    let person = people::member(&mut tx, org, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, person))
}

async fn person_page(
    admin: &Admin,
    person: Member,
    problem: Option<&'static str>,
    flashes: Flashes,
) -> PersonPage {
    PersonPage {
        layout: Layout::for_member(person.name.clone(), admin, flashes).await,
        joined: format::local_time(person.created_at, &admin.user.time_zone),
        is_self: person.user_id == admin.user.id,
        person,
        problem,
    }
}

async fn show(
    State(state): State<AppState>,
    admin: Admin,
    flashes: Flashes,
    Path(user_id): Path<Uuid>,
) -> AppResult<PersonPage> {
    let (_, person) = load(&state, admin.org, user_id).await?;
    Ok(person_page(&admin, person, None, flashes).await)
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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
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
        let page = person_page(&admin, person, problem, Flashes::default()).await;
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
    peer: SocketAddr,
    admin: &Admin,
    user_id: Uuid,
    disabled: bool,
) -> AppResult<Response> {
    let (mut tx, person) = load(state, admin.org, user_id).await?;
    if disabled
        && person.roles.is_admin
        && people::other_active_admins(&mut tx, admin.org, user_id).await? == 0
    {
        let page = person_page(admin, person, Some(LAST_ADMIN), Flashes::default()).await;
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

async fn disable(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    admin: Admin,
    Path(user_id): Path<Uuid>,
) -> AppResult<Response> {
    set_disabled(&state, peer, &admin, user_id, true).await
}

async fn enable(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    admin: Admin,
    Path(user_id): Path<Uuid>,
) -> AppResult<Response> {
    set_disabled(&state, peer, &admin, user_id, false).await
}

async fn resend(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    admin: Admin,
    Path(user_id): Path<Uuid>,
) -> AppResult<Response> {
    let (mut tx, person) = load(&state, admin.org, user_id).await?;
    let user = people::user_by_id(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    send_invitation(
        &mut tx,
        &state.config,
        &admin,
        &user,
        (&person.name, &person.email),
        person.roles,
    )
    .await?;
    record(
        &mut tx,
        &admin,
        "member.invitation_resent",
        Some(format!("{} <{}>", person.name, person.email)),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        format!("A new invitation is on its way to {}.", person.email),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/people/{user_id}")).into_response())
}
