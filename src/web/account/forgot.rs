//! Asking for a password reset: limited per address asked for and per
//! client, and answered alike — as soon, in the same words — whether or not
//! the address has an account.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::throttle::{self, Attempt, Key};
use crate::auth::tokens;
use crate::db;
use crate::db::people::{self, TokenPurpose};
use crate::mail;
use crate::state::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::AppResult;
use crate::web::flash::Flashes;
use crate::web::layout::Layout;
use crate::web::names;

#[derive(Template, WebTemplate)]
#[template(path = "account/forgot.html")]
pub(super) struct ForgotPage {
    layout: Layout,
    email: String,
    sent: bool,
    problem: Option<String>,
}

pub(super) async fn show(session: Session, flashes: Flashes) -> ForgotPage {
    ForgotPage {
        layout: Layout::for_visitor("Forgot your password?", &session, flashes).await,
        email: String::new(),
        sent: false,
        problem: None,
    }
}

#[derive(Deserialize)]
pub(super) struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// The limits count the typed address whatever it is, and the account is
/// looked up and its email queued after answering.
pub(super) async fn ask(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    session: Session,
    Form(form): Form<ForgotForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_owned();
    if !names::is_plausible_email(&email) {
        let problem = "Enter the email address you sign in with.".to_owned();
        return Ok(again(&session, email, StatusCode::UNPROCESSABLE_ENTITY, problem).await);
    }
    let keys = [Key::reset_account(&email), Key::reset_address(client)];
    if let Attempt::Wait(until) = throttle::reserve(&state.pool, &keys).await? {
        let problem = format!(
            "Several links were asked for just now. Look for them in your email (and its spam folder): each one works until you use one. You can ask again in {}.",
            throttle::wait_words(until, Utc::now())
        );
        return Ok(again(&session, email, StatusCode::TOO_MANY_REQUESTS, problem).await);
    }
    let sending = state.clone();
    let to = email.clone();
    state
        .after_answer
        .spawn("queue a password reset", async move {
            send_reset(&sending, &to).await
        });
    Ok(ForgotPage {
        layout: Layout::for_visitor("Check your email", &session, Flashes::default()).await,
        email,
        sent: true,
        problem: None,
    }
    .into_response())
}

/// The form again, with what was typed and why it did not go.
async fn again(session: &Session, email: String, status: StatusCode, problem: String) -> Response {
    let page = ForgotPage {
        layout: Layout::for_visitor("Forgot your password?", session, Flashes::default()).await,
        email,
        sent: false,
        problem: Some(problem),
    };
    (status, page).into_response()
}

/// Queues a reset link to `email`, if it names an account.
async fn send_reset(state: &AppState, email: &str) -> anyhow::Result<()> {
    let mut tx = db::begin_delivery(&state.pool).await?;
    if let Some(user) = people::user_by_email(&mut tx, email).await? {
        let token = tokens::generate();
        people::create_token(&mut tx, user.id, TokenPurpose::Reset, &tokens::hash(&token)).await?;
        let mut link = state.config.public_url.join("/reset-password")?;
        link.query_pairs_mut().append_pair("token", &token);
        let message = mail::templates::PasswordReset {
            name: &user.name,
            link: &link,
        }
        .email(mail::Recipient {
            email: user.email.clone(),
            name: user.name.clone(),
        })?;
        mail::enqueue(&mut tx, None, state.config.mail_domain(), message).await?;
    }
    tx.commit().await?;
    Ok(())
}
