//! Inviting people, and the invitations still waiting for an answer. An
//! address new to Triad gets an account at once and a link to choose a
//! password; an address with an account elsewhere gets an invitation to accept
//! from its own sign-in. The admin sees both the same way — the name and email
//! they typed, "invitation pending", and a button to send it again — so the
//! page never tells whether an address already has an account.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::tokens;
use crate::config::Config;
use crate::db;
use crate::db::invitations::PendingInvitation;
use crate::db::people::{self, Member, Roles, TokenPurpose};
use crate::format;
use crate::mail;
use crate::state::AppState;
use crate::web::admin::trail::record;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::problems::FieldErrors;
use crate::web::layout::Layout;
use crate::web::session::Admin;

use super::lookup::load;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/people/invite", get(new_invite).post(invite))
        .route("/admin/people/{user_id}/resend", post(resend))
        .route("/admin/people/resend-invitation", post(resend_waiting))
}

const WAITING: &str = "An invitation to this address is already waiting for an answer.";

/// Someone invited who has not joined yet, as the admin typed them.
pub struct Waiting {
    pub name: String,
    pub email: String,
    pub roles: Roles,
}

/// Whether a member has not joined yet: invited with a new account, and no
/// password chosen.
pub(super) fn not_joined(member: &Member) -> bool {
    !member.has_password && member.disabled_at.is_none()
}

/// Everyone invited who has not joined yet, of either kind, in one list.
pub(super) fn waiting(members: &[Member], invitations: Vec<PendingInvitation>) -> Vec<Waiting> {
    let mut waiting: Vec<Waiting> = members
        .iter()
        .filter(|member| not_joined(member))
        .map(|member| Waiting {
            name: member.name.clone(),
            email: member.email.clone(),
            roles: member.roles,
        })
        .chain(invitations.into_iter().map(|invitation| Waiting {
            name: invitation.name,
            email: invitation.email,
            roles: invitation.roles,
        }))
        .collect();
    waiting.sort_by_cached_key(|w| (w.name.to_lowercase(), w.email.to_lowercase()));
    waiting
}

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

#[derive(Template, WebTemplate)]
#[template(path = "admin/invite.html")]
struct InvitePage {
    layout: Layout,
    form: InviteForm,
    problems: FieldErrors,
}

async fn new_invite(admin: Admin, flashes: Flashes) -> InvitePage {
    InvitePage {
        layout: Layout::for_member("Invite someone", &admin, flashes).await,
        form: InviteForm {
            is_coachee: Some("on".into()),
            ..InviteForm::default()
        },
        problems: FieldErrors::default(),
    }
}

async fn invite(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let name = form.name.trim().to_owned();
    let email = form.email.trim().to_owned();
    let mut problems = FieldErrors::default();
    if name.is_empty() || name.chars().count() > 200 {
        problems.set("name", "Enter their name (at most 200 characters).");
    } else if crate::web::names::breaks_lines(&name) {
        problems.set("name", crate::web::names::ONE_LINE);
    }
    if email.parse::<lettre::Address>().is_err() || email.len() > 254 {
        problems.set("email", "Enter an email address like name@example.com.");
    }
    if !form.roles().any() {
        problems.set("roles", "Choose at least one role.");
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
            Err(problem) => problems.set("email", problem),
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
    match people::member(tx, admin.org, user.id).await? {
        Some(member) if not_joined(&member) => return Ok(Err(WAITING)),
        Some(_) => return Ok(Err(ALREADY)),
        None => {}
    }
    let invitation = PendingInvitation {
        user_id: user.id,
        name: name.to_owned(),
        email: email.to_owned(),
        roles,
        created_at: chrono::Utc::now(),
    };
    if !crate::db::invitations::invite_existing(tx, admin.org, &invitation, admin.user.id).await? {
        return Ok(Err(WAITING));
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

async fn resend(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
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

#[derive(Deserialize)]
struct ResendForm {
    email: String,
}

/// Sends a waiting invitation again, whichever kind it is, found by the
/// address the admin typed; anything else is a 404.
async fn resend_waiting(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    admin: Admin,
    Form(form): Form<ResendForm>,
) -> AppResult<Response> {
    let email = form.email.trim();
    let mut tx = db::begin_tenant(&state.pool, admin.org).await?;
    let user = people::user_by_email(&mut tx, email)
        .await?
        .ok_or(AppError::NotFound)?;
    let (name, roles) = match people::member(&mut tx, admin.org, user.id).await? {
        Some(member) if not_joined(&member) => (member.name, member.roles),
        Some(_) => return Err(AppError::NotFound),
        None => {
            let invitation = crate::db::invitations::pending_invitations(&mut tx, admin.org)
                .await?
                .into_iter()
                .find(|invitation| invitation.user_id == user.id)
                .ok_or(AppError::NotFound)?;
            (invitation.name, invitation.roles)
        }
    };
    send_invitation(&mut tx, &state.config, &admin, &user, (&name, email), roles).await?;
    record(
        &mut tx,
        &admin,
        "member.invitation_resent",
        Some(format!("{name} <{email}>")),
        peer,
    )
    .await?;
    tx.commit().await?;
    flash::push(
        &admin.session,
        FlashKind::Success,
        format!("A new invitation is on its way to {email}."),
    )
    .await?;
    Ok(Redirect::to("/admin/people").into_response())
}
