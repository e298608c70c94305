//! A person's own account: profile and password, the one-time links that set
//! a first password (invitations) or a new one (resets), and asking for a reset.

mod forgot;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::throttle::{self, Attempt, Key};
use crate::auth::{password, tokens};
use crate::db::people::{self, TokenPurpose};
use crate::web::session;
use crate::web::session::SignedIn;

use crate::format;
use crate::state::AppState;
use crate::web::error::AppResult;
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::layout::Layout;
use crate::web::sign_in;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show).post(update_profile))
        .route("/account/password", axum::routing::post(change_password))
        .route("/welcome", get(show_invite).post(redeem_invite))
        .route("/reset-password", get(show_reset).post(redeem_reset))
        .route("/forgot-password", get(forgot::show).post(forgot::ask))
}

// ---------------------------------------------------------------------------
// Profile and password

#[derive(Template, WebTemplate)]
#[template(path = "account/account.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    name: String,
    time_zone: String,
    zones: Vec<&'static str>,
    profile_problem: Option<String>,
    password_problem: Option<String>,
}

impl AccountPage {
    async fn new(signed_in: &SignedIn, flashes: Flashes) -> Self {
        AccountPage {
            layout: Layout::for_user("Your account", signed_in, flashes).await,
            email: signed_in.user.email.clone(),
            name: signed_in.user.name.clone(),
            time_zone: signed_in.user.time_zone.clone(),
            zones: format::all_zones().collect(),
            profile_problem: None,
            password_problem: None,
        }
    }
}

async fn show(signed_in: SignedIn, flashes: Flashes) -> AccountPage {
    AccountPage::new(&signed_in, flashes).await
}

#[derive(Deserialize)]
struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    time_zone: String,
}

async fn update_profile(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    let name = form.name.trim();
    let problem = if name.is_empty() {
        Some("Enter your name.")
    } else if name.chars().count() > 200 {
        Some("Use at most 200 characters for your name.")
    } else if crate::web::names::breaks_lines(name) {
        Some(crate::web::names::ONE_LINE)
    } else if form.time_zone.parse::<chrono_tz::Tz>().is_err() {
        Some("Choose a time zone from the list.")
    } else {
        None
    };
    if let Some(problem) = problem {
        let mut page = AccountPage::new(&signed_in, Flashes::default()).await;
        page.name = form.name;
        page.time_zone = form.time_zone;
        page.profile_problem = Some(problem.into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    people::update_profile(
        &mut *state.pool.acquire().await?,
        signed_in.user.id,
        name,
        &form.time_zone,
    )
    .await?;
    flash::push(
        &signed_in.session,
        FlashKind::Success,
        "Your details are saved.",
    )
    .await?;
    Ok(Redirect::to("/account").into_response())
}

#[derive(Deserialize)]
struct PasswordChange {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(form): Form<PasswordChange>,
) -> AppResult<Response> {
    let user = &signed_in.user;
    // Someone at an unlocked screen may try to learn the password here: the
    // guesses are limited as sign-in's are.
    let keys = [Key::password_change(user.id)];
    if let Attempt::Wait(until) = throttle::reserve(&state.pool, &keys).await? {
        let mut page = AccountPage::new(&signed_in, Flashes::default()).await;
        page.password_problem = Some(format!(
            "Too many wrong current passwords. Try again in {}.",
            throttle::wait_words(until, Utc::now())
        ));
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    let current_ok = password::verify(form.current.clone(), user.password_hash.clone()).await?;
    if current_ok {
        throttle::succeeded(&state.pool, &keys).await?;
    }
    let problem = if !current_ok {
        Some("Your current password is not right.".to_owned())
    } else if form.new_password != form.confirm {
        Some("The two new passwords are not the same.".to_owned())
    } else {
        password::problem_with(&form.new_password, &[&user.email, &user.name])
    };
    if let Some(problem) = problem {
        let mut page = AccountPage::new(&signed_in, Flashes::default()).await;
        page.password_problem = Some(problem);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = password::hash(form.new_password).await?;
    let epoch =
        people::set_password(&mut *state.pool.acquire().await?, user.id, &hash, true).await?;
    // Every other session of this person ends; this one goes on, and this
    // browser stays one they have signed in on (other browsers must prove
    // themselves again).
    session::continue_in_epoch(&signed_in.session, epoch).await?;
    flash::push(
        &signed_in.session,
        FlashKind::Success,
        "Your password is changed. You were signed out everywhere else.",
    )
    .await?;
    let https = state.config.is_https();
    let key = &state.device_key;
    let device = sign_in::device::recognised(&headers, key, https, user.id, user.session_epoch);
    let mut response = Redirect::to("/account").into_response();
    sign_in::device::remember(&mut response, key, https, (user.id, epoch), device);
    Ok(response)
}

// ---------------------------------------------------------------------------
// One-time links

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Why a link cannot be used, in words that say what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LinkProblem {
    Unknown,
    Expired,
    Used,
}

impl LinkProblem {
    fn heading(&self) -> &'static str {
        match self {
            LinkProblem::Unknown => "This link does not work",
            LinkProblem::Expired => "This link has expired",
            LinkProblem::Used => "This link was already used",
        }
    }

    fn advice(&self) -> &'static str {
        match self {
            LinkProblem::Unknown => {
                "Check that you copied the whole link from the email. If it still does not work, ask for a new one."
            }
            LinkProblem::Expired => {
                "Links from Triad work for a limited time. Ask for a new one: your programme team can resend an invitation, and you can request a password reset yourself."
            }
            LinkProblem::Used => {
                "Each link works once. If you set your password with it, sign in; if not, ask for a new link."
            }
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/set_password.html")]
struct SetPasswordPage {
    layout: Layout,
    purpose: &'static str,
    action: &'static str,
    token: String,
    email: String,
    link_problem: Option<LinkProblem>,
    problem: Option<String>,
}

fn action_of(purpose: TokenPurpose) -> &'static str {
    match purpose {
        TokenPurpose::Invite => "/welcome",
        TokenPurpose::Reset => "/reset-password",
    }
}

/// Looks the link up without using it: opening a link changes nothing.
async fn check_link(
    state: &AppState,
    purpose: TokenPurpose,
    token: &str,
) -> AppResult<Result<people::User, LinkProblem>> {
    if !tokens::well_formed(token) {
        return Ok(Err(LinkProblem::Unknown));
    }
    let mut tx = state.pool.begin().await?;
    let Some(stored) = people::token_by_hash(&mut tx, purpose, &tokens::hash(token)).await? else {
        return Ok(Err(LinkProblem::Unknown));
    };
    if stored.used_at.is_some() {
        return Ok(Err(LinkProblem::Used));
    }
    if stored.expires_at <= Utc::now() {
        return Ok(Err(LinkProblem::Expired));
    }
    let user = people::user_by_id(&mut tx, stored.user_id).await?;
    Ok(user.ok_or(LinkProblem::Unknown))
}

async fn link_page(
    state: &AppState,
    session: &Session,
    purpose: TokenPurpose,
    token: String,
) -> AppResult<Response> {
    let checked = check_link(state, purpose, &token).await?;
    let title = match purpose {
        TokenPurpose::Invite => "Welcome to Triad",
        TokenPurpose::Reset => "Choose a new password",
    };
    let (status, email, link_problem) = match checked {
        Ok(user) => (StatusCode::OK, user.email, None),
        Err(problem) => (StatusCode::GONE, String::new(), Some(problem)),
    };
    let page = SetPasswordPage {
        layout: Layout::for_visitor(title, session, Flashes::default()).await,
        purpose: purpose.as_str(),
        action: action_of(purpose),
        token,
        email,
        link_problem,
        problem: None,
    };
    Ok((status, page).into_response())
}

async fn show_invite(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<TokenQuery>,
) -> AppResult<Response> {
    link_page(&state, &session, TokenPurpose::Invite, query.token).await
}

async fn show_reset(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<TokenQuery>,
) -> AppResult<Response> {
    link_page(&state, &session, TokenPurpose::Reset, query.token).await
}

#[derive(Deserialize)]
struct SetPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

async fn redeem(
    state: &AppState,
    session: &Session,
    purpose: TokenPurpose,
    form: SetPasswordForm,
) -> AppResult<Response> {
    let user = match check_link(state, purpose, &form.token).await? {
        Ok(user) => user,
        Err(_) => return link_page(state, session, purpose, form.token).await,
    };
    let problem = if form.new_password != form.confirm {
        Some("The two passwords are not the same.".to_owned())
    } else {
        password::problem_with(&form.new_password, &[&user.email, &user.name])
    };
    if let Some(problem) = problem {
        let page = SetPasswordPage {
            layout: Layout::for_visitor("Choose a password", session, Flashes::default()).await,
            purpose: purpose.as_str(),
            action: action_of(purpose),
            token: form.token,
            email: user.email,
            link_problem: None,
            problem: Some(problem),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = password::hash(form.new_password).await?;
    let mut tx = state.pool.begin().await?;
    // Locked and checked again: two tabs sending the same link use it once.
    let stored = people::token_by_hash(&mut tx, purpose, &tokens::hash(&form.token)).await?;
    let Some(stored) = stored.filter(|t| t.used_at.is_none() && t.expires_at > Utc::now()) else {
        drop(tx);
        return link_page(state, session, purpose, form.token).await;
    };
    let epoch = people::set_password(
        &mut tx,
        stored.user_id,
        &hash,
        purpose == TokenPurpose::Reset,
    )
    .await?;
    people::use_token(&mut tx, stored.id).await?;
    tx.commit().await?;

    let user = people::User {
        session_epoch: epoch,
        ..user
    };
    session::begin(session, &user, state).await?;
    flash::push(
        session,
        FlashKind::Success,
        "Your password is set. Welcome to Triad.",
    )
    .await?;
    // The link proved the account is theirs: what anyone tried against it
    // before is forgotten, and this browser is theirs from now on.
    throttle::forget(
        &state.pool,
        &[
            Key::account(Some(user.id), &user.email),
            Key::password_change(user.id),
        ],
    )
    .await?;
    let orgs = sign_in::organisations_of(state, user.id).await?;
    let destination = sign_in::land(state, session, user.id, &orgs, "/home".into()).await?;
    let mut response = Redirect::to(&destination).into_response();
    let https = state.config.is_https();
    let person = (user.id, user.session_epoch);
    sign_in::device::remember(&mut response, &state.device_key, https, person, None);
    Ok(response)
}

async fn redeem_invite(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SetPasswordForm>,
) -> AppResult<Response> {
    redeem(&state, &session, TokenPurpose::Invite, form).await
}

async fn redeem_reset(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SetPasswordForm>,
) -> AppResult<Response> {
    redeem(&state, &session, TokenPurpose::Reset, form).await
}
