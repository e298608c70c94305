//! Signing in and out, choosing the active organisation, answering an
//! invitation to another one, and getting back a form whose session ran out.

pub mod device;
mod invitations;
mod memberships;
mod resume;

pub use memberships::{invitations_of, organisations_of};

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::auth::password;
use crate::auth::throttle::{self, Attempt, Key};
use crate::db::people::{self, MembershipSummary};
use crate::db::{self, TenantId};
use crate::state::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::forms::kept;
use crate::web::layout::Layout;
use crate::web::names;
use crate::web::session;
use crate::web::session::SignedIn;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(show).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/organisations", get(organisations).post(switch))
        .route("/resume", get(resume::resume))
        .route("/invitations/{org_id}/accept", post(invitations::accept))
        .route("/invitations/{org_id}/decline", post(invitations::decline))
}

/// Only paths on this site. `next` is read as a browser reads a link — by
/// the WHATWG URL rules, which drop tabs and line breaks and take `\\` for
/// `/` — against a stand-in origin, and kept only if it stays there; what is
/// given back is the parsed path and query, so it is also a valid `Location`.
/// Anything else, control characters included, goes home.
pub fn safe_next(next: Option<&str>) -> String {
    const HOME: &str = "/home";
    let Some(next) = next else {
        return HOME.to_owned();
    };
    if !next.starts_with('/') || next.chars().any(char::is_control) {
        return HOME.to_owned();
    }
    let here = url::Url::parse("https://triad.invalid/").expect("a valid base");
    match here.join(next) {
        Ok(url) if url.origin() == here.origin() => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        },
        _ => HOME.to_owned(),
    }
}

/// The same words whether the email is unknown or the password wrong.
const NO_MATCH: &str =
    "That email address and password do not match an account. Check both and try again.";

#[derive(Template, WebTemplate)]
#[template(path = "account/sign_in.html")]
struct SignInPage {
    layout: Layout,
    email: String,
    next: String,
    problem: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

async fn show(session: Session, flashes: Flashes, Query(query): Query<NextQuery>) -> SignInPage {
    let mut layout = Layout::for_visitor("Sign in", &session, flashes).await;
    if query.signed_out.is_some() {
        layout.flashes.push(flash::Flash {
            kind: FlashKind::Info,
            message: "You are signed out.".into(),
        });
    }
    SignInPage {
        layout,
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        problem: None,
    }
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<SignInForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let email = form.email.trim().to_owned();
    let again = |status: StatusCode, problem: String| {
        let session = session.clone();
        let email = email.clone();
        let next = next.clone();
        async move {
            let page = SignInPage {
                layout: Layout::for_visitor("Sign in", &session, Flashes::default()).await,
                email,
                next,
                problem: Some(problem),
            };
            (status, page).into_response()
        }
    };
    if email.is_empty() || form.password.is_empty() {
        return Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your email address and your password.".into(),
        )
        .await);
    }

    if !names::is_plausible_email(&email) {
        // Nothing could match it: the usual answer, and nothing counted.
        return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, NO_MATCH.into()).await);
    }

    let user = people::user_by_email(&mut *state.pool.acquire().await?, &email).await?;
    let https = state.config.is_https();
    let device = user.as_ref().and_then(|u| {
        device::recognised(&headers, &state.device_key, https, u.id, u.session_epoch)
    });
    // A browser that has signed in as this person before answers for itself;
    // any other is counted with everyone trying this account or this address.
    let keys = match &device {
        Some(device) => vec![Key::device(device)],
        None => vec![
            Key::account(user.as_ref().map(|u| u.id), &email),
            Key::address(client),
        ],
    };
    if let Attempt::Wait(until) = throttle::reserve(&state.pool, &keys).await? {
        let problem = format!(
            "Too many failed attempts. For your safety, each one makes the next wait longer: try again in {}. If you have forgotten your password, you can reset it.",
            throttle::wait_words(until, Utc::now())
        );
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, problem).await);
    }

    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = password::verify(form.password, hash).await?;
    let user = match user {
        Some(user) if matches => user,
        known => {
            // The same words, at the same moment, whether the email is unknown
            // or the password wrong: what only a known account causes (its
            // audit line) is written after answering.
            if let Some(known) = known {
                let state = state.clone();
                let after = state.after_answer.clone();
                after.spawn("record a failed sign-in", async move {
                    let orgs = organisations_of(&state, known.id).await?;
                    audit_person(&state, &known, &orgs, "sign_in.failed", Some(client)).await
                });
            }
            return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, NO_MATCH.into()).await);
        }
    };

    throttle::succeeded(&state.pool, &keys).await?;
    let orgs = organisations_of(&state, user.id).await?;
    session::begin(&session, &user, &state).await?;
    audit_person(&state, &user, &orgs, "sign_in", Some(client)).await?;
    let destination = land(&state, &session, user.id, &orgs, next).await?;
    let mut response = Redirect::to(&destination).into_response();
    let person = (user.id, user.session_epoch);
    device::remember(&mut response, &state.device_key, https, person, device);
    Ok(response)
}

/// Records something about a person in each of their organisations.
async fn audit_person(
    state: &AppState,
    user: &people::User,
    orgs: &[MembershipSummary],
    action: &str,
    client: Option<std::net::IpAddr>,
) -> AppResult<()> {
    let actor = format!("{} <{}>", user.name, user.email);
    let event = Event {
        actor_user: Some(user.id),
        actor: &actor,
        action,
        subject: None,
        client,
    };
    let orgs: Vec<TenantId> = orgs.iter().map(|m| TenantId(m.org_id)).collect();
    audit::record_in_each(&state.pool, &orgs, &event).await?;
    Ok(())
}

/// Where someone goes once signed in: back to a form they were typing when
/// their session ran out, in the organisation they typed it in; else, with
/// one organisation and nothing to answer, straight into it; else to choose
/// (and to see the invitations waiting for them).
pub async fn land(
    state: &AppState,
    session: &Session,
    user: Uuid,
    orgs: &[MembershipSummary],
    next: String,
) -> AppResult<String> {
    let key = &*state.stamp_key;
    if let Some(form) = kept::peek(session, user).await {
        match form.org {
            Some(org) if orgs.iter().any(|m| m.org_id == org) => {
                session::choose_organisation(session, TenantId(org), key).await?;
                return Ok("/resume".to_owned());
            }
            // Typed in an organisation they no longer belong to.
            Some(_) => kept::drop_kept(session).await,
            None => {
                if let [only] = orgs {
                    session::choose_organisation(session, TenantId(only.org_id), key).await?;
                }
                return Ok("/resume".to_owned());
            }
        }
    }
    if let [only] = orgs {
        session::choose_organisation(session, TenantId(only.org_id), key).await?;
    }
    let invited = !invitations_of(state, user).await?.is_empty();
    Ok(if orgs.len() == 1 && !invited {
        next
    } else {
        let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        format!("/organisations?next={next}")
    })
}

/// Deletes the session on the server. The page after says so through its
/// address, because a flash would need a new session.
async fn sign_out(session: Session) -> AppResult<Response> {
    session::end(&session).await?;
    Ok(Redirect::to("/sign-in?signed_out=1").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "account/organisations.html")]
struct OrganisationsPage {
    layout: Layout,
    organisations: Vec<MembershipSummary>,
    invitations: Vec<MembershipSummary>,
    next: String,
}

async fn organisations(
    State(state): State<AppState>,
    signed_in: SignedIn,
    flashes: Flashes,
    Query(query): Query<NextQuery>,
) -> AppResult<OrganisationsPage> {
    let organisations = organisations_of(&state, signed_in.user.id).await?;
    let invitations = invitations_of(&state, signed_in.user.id).await?;
    Ok(OrganisationsPage {
        layout: Layout::for_user("Choose an organisation", &signed_in, flashes).await,
        organisations,
        invitations,
        next: safe_next(query.next.as_deref()),
    })
}

#[derive(Deserialize)]
struct SwitchForm {
    org_id: Uuid,
    next: Option<String>,
}

async fn switch(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    signed_in: SignedIn,
    Form(form): Form<SwitchForm>,
) -> AppResult<Response> {
    let organisations = organisations_of(&state, signed_in.user.id).await?;
    // Only an organisation the person is an active member of; anything else
    // is as unknown as a missing one.
    let Some(chosen) = organisations.iter().find(|m| m.org_id == form.org_id) else {
        return Err(AppError::NotFound);
    };
    let org = TenantId(chosen.org_id);
    let key = &*state.stamp_key;
    session::choose_organisation(&signed_in.session, org, key).await?;
    let actor = format!("{} <{}>", signed_in.user.name, signed_in.user.email);
    let mut tx = db::begin_tenant(&state.pool, org).await?;
    audit::record(
        &mut tx,
        org,
        &Event {
            actor_user: Some(signed_in.user.id),
            actor: &actor,
            action: "organisation.switched_to",
            subject: None,
            client: Some(peer),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&safe_next(form.next.as_deref())).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/admin/people?x=1")), "/admin/people?x=1");
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "javascript:alert(1)",
            "/\\evil.example",
            // Browsers drop tabs and line breaks from a URL: these are `//evil.example/`.
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/\r\n/evil.example",
            "\t//evil.example",
            "/%09/evil.example/x\u{7}",
            "/home\u{1}",
            "/\\/evil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), "/home", "{bad}");
        }
        assert_eq!(safe_next(None), "/home");
        assert_eq!(safe_next(Some("/a b?c=d e")), "/a%20b?c=d%20e");
    }

    mod properties {
        use super::safe_next;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(crate::testing::cases(1000))]

            /// Whatever is asked for, the answer is a path on this site that a
            /// browser follows to this site, and can go in a `Location` header.
            #[test]
            fn any_next_is_a_path_on_this_site(next in "/?\\PC{0,40}|[/\\\\\t\n\r.:a-z%0-9]{0,12}") {
                let safe = safe_next(Some(&next));
                prop_assert!(safe.starts_with('/'));
                prop_assert!(!safe.chars().any(|c| c.is_control() || c.is_whitespace()), "{:?}", safe);
                prop_assert!(axum::http::HeaderValue::from_str(&safe).is_ok());
                let here = url::Url::parse("https://triad.example/").unwrap();
                let followed = here.join(&safe).unwrap();
                prop_assert_eq!(followed.origin(), here.origin());
            }
        }
    }
}
