//! The manager's side: no account, one meeting, reached by a signed link.
//!
//! `GET /m/{token}` checks the token's signature before any query, then the
//! invite in the database (secret, expiry, revocation, the meeting's state),
//! notes that the link was opened, and swaps the token for a short guest
//! cookie scoped to `/guest` and to that one invite; the browser moves on to
//! `/guest`, a URL with no token in it. Opening changes nothing else: mail
//! scanners open links. Every action is a button (POST), written to the audit
//! log, and re-checks the invite. Guest pages are not cached, not indexed and
//! send no referrer. The cookie means nothing to any other route.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Duration, Utc};
use serde::Deserialize;
use tower_sessions::Session;
use tower_sessions::cookie::{Cookie, SameSite};

use crate::alignment::link::GuestClaim;
use crate::alignment::notify::{Mailer, TimeChange};
use crate::alignment::{AgendaItem, Status};
use crate::audit;
use crate::auth::csrf::constant_time_eq;
use crate::db::alignment::{self as meetings, Invite, Meeting};
use crate::db::goals::{self, Goal};
use crate::db::{self, TenantId, TenantTx};
use crate::error::{AppError, AppResult};
use crate::mail::calendar::Method;
use crate::startup::AppState;
use crate::web::alignment::CandidateRow;
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::format;
use crate::web::layout::Layout;

const COOKIE: &str = "triad_guest";
const COOKIE_PATH: &str = "/guest";
/// How long a guest visit lasts before the link must be opened again.
const VISIT: Duration = Duration::hours(2);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/m/{token}", get(open_link))
        .route("/guest", get(show))
        .route("/guest/accept", post(accept))
        .route("/guest/decline", post(decline))
        .route("/guest/propose", post(propose))
        .route("/guest/answers", post(save_answers))
        .route("/guest/time-zone", post(set_time_zone))
        .route("/guest/meeting.ics", get(calendar_file))
        .layer(middleware::map_response(private_headers))
}

/// Guest pages hold one person's meeting: keep them out of caches, search
/// engines and other sites' logs.
async fn private_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    response
}

/// Why a link or visit does not open the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// Forged, altered, incomplete, or for a meeting that is not there.
    NotValid,
    Expired,
    Cancelled,
    Replaced,
    /// The programme no longer uses alignment meetings.
    Unavailable,
    /// No guest cookie, or an old one.
    VisitEnded,
}

#[derive(Template, WebTemplate)]
#[template(path = "guest/refused.html")]
struct RefusedPage {
    layout: Layout,
    heading: &'static str,
    explanation: &'static str,
    next_step: &'static str,
}

fn refused(refusal: Refusal) -> Response {
    let (status, heading, explanation, next_step) = match refusal {
        Refusal::NotValid => (
            StatusCode::NOT_FOUND,
            "This link does not work",
            "It may have been cut short or changed on its way: long links sometimes break across two lines in an email.",
            "Open the link again straight from the email, or ask the colleague who invited you to send the invitation again.",
        ),
        Refusal::Expired => (
            StatusCode::GONE,
            "This link has expired",
            "Meeting links work until a few days after the meeting, then stop, so that the meeting's details do not stay reachable.",
            "If you still need something about this meeting, ask the colleague who invited you.",
        ),
        Refusal::Cancelled => (
            StatusCode::GONE,
            "This meeting was cancelled",
            "The meeting this link was for has been called off, so the link no longer opens it.",
            "If a new meeting is planned, a new invitation will reach you by email.",
        ),
        Refusal::Replaced => (
            StatusCode::GONE,
            "This invitation has been passed on",
            "Someone else has been invited to this meeting in your place, so this link no longer opens it.",
            "If you think that is a mistake, tell the colleague who invited you.",
        ),
        // Switched off, alignment routes answer 404 — with words all the same.
        Refusal::Unavailable => (
            StatusCode::NOT_FOUND,
            "This meeting page is no longer available",
            "The programme this meeting belonged to no longer plans its meetings in Triad, so the link no longer opens it.",
            "If the meeting still matters to you, ask the colleague who invited you.",
        ),
        Refusal::VisitEnded => (
            StatusCode::UNAUTHORIZED,
            "Open your meeting link again",
            "For privacy, the meeting page closes a while after you open it, and it only opens from the link in your invitation.",
            "Find the invitation email and open its link again.",
        ),
    };
    let page = RefusedPage {
        layout: Layout::new(heading),
        heading,
        explanation,
        next_step,
    };
    (status, page).into_response()
}

/// Too many wrong links from one address: a pause, said plainly.
fn too_many_guesses(wait: std::time::Duration) -> Response {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let page = RefusedPage {
        layout: Layout::new("Too many wrong links"),
        heading: "Too many wrong links",
        explanation: "Several meeting links that do not work were opened from your network in a short time, so Triad is pausing before it checks more.",
        next_step: if minutes == 1 {
            "Try your link again in a minute."
        } else {
            "Try your link again in a few minutes."
        },
    };
    let mut response = (StatusCode::TOO_MANY_REQUESTS, page).into_response();
    if let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn guest_cookie(value: String, https: bool, max_age: Duration) -> Cookie<'static> {
    let mut cookie = Cookie::new(COOKIE, value);
    cookie.set_path(COOKIE_PATH);
    cookie.set_http_only(true);
    // Lax: the first visit arrives from a link in an email.
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(https);
    cookie.set_max_age(tower_sessions::cookie::time::Duration::seconds(
        max_age.num_seconds(),
    ));
    cookie
}

fn claim_from(headers: &HeaderMap, state: &AppState) -> Option<GuestClaim> {
    let now = Utc::now();
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| Cookie::split_parse(value.to_owned()))
        .filter_map(Result::ok)
        .filter(|cookie| cookie.name() == COOKIE)
        .find_map(|cookie| state.guest_keys.verify_session(cookie.value(), now))
}

/// The invite and meeting a verified claim names, if they still admit the manager.
async fn admit(
    state: &AppState,
    claim: &GuestClaim,
    lock: bool,
) -> AppResult<Result<(TenantTx, Invite, Meeting), Refusal>> {
    let org = TenantId(claim.org);
    let mut tx = db::begin_tenant(&state.pool, org).await?;
    let invite = meetings::invite(&mut tx, org, claim.invite).await?;
    let Some(invite) = invite.filter(|i| constant_time_eq(&i.secret_hash, &claim.secret_hash()))
    else {
        return Ok(Err(Refusal::NotValid));
    };
    // For a change: the meeting first, then the invite — the order every
    // handler that changes a meeting takes its locks in.
    let meeting = if lock {
        meetings::meeting_for_update(&mut tx, org, invite.meeting_id).await?
    } else {
        meetings::meeting(&mut tx, org, invite.meeting_id).await?
    };
    let Some(meeting) = meeting else {
        return Ok(Err(Refusal::NotValid));
    };
    if !meeting.alignment_enabled {
        return Ok(Err(Refusal::Unavailable));
    }
    let invite = if lock {
        meetings::invite_for_update(&mut tx, org, invite.id)
            .await?
            .ok_or(AppError::NotFound)?
    } else {
        invite
    };
    if meeting.status() == Status::Cancelled
        || invite.revoked_reason.as_deref() == Some("cancelled")
    {
        return Ok(Err(Refusal::Cancelled));
    }
    if invite.revoked_at.is_some() {
        return Ok(Err(Refusal::Replaced));
    }
    if invite.expires_at <= Utc::now() {
        return Ok(Err(Refusal::Expired));
    }
    Ok(Ok((tx, invite, meeting)))
}

fn actor_of(invite: &Invite) -> String {
    format!("{} <{}> (manager, guest link)", invite.name, invite.email)
}

async fn record(
    tx: &mut TenantTx,
    invite: &Invite,
    meeting: &Meeting,
    action: &str,
    peer: Option<SocketAddr>,
) -> AppResult<()> {
    let actor = actor_of(invite);
    let org = tx.tenant();
    audit::record(
        tx,
        org,
        &audit::Event {
            actor_user: None,
            actor: &actor,
            action,
            subject: Some(format!(
                "{} alignment meeting of {}",
                meeting.kind().label(),
                meeting.coachee_name
            )),
            client: peer.map(|p| p.ip()),
        },
    )
    .await?;
    Ok(())
}

async fn open_link(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    // The signature first: a forged token costs no query. Only wrong links
    // are counted and paused — a properly signed one always goes through, so
    // guessing from a shared address cannot lock a manager out.
    let Some(claim) = state.guest_keys.verify_link(&token) else {
        if let Some(wait) = state.link_guesses.blocked(peer.ip()) {
            return Ok(too_many_guesses(wait));
        }
        tracing::info!("refused a guest link with a bad signature");
        state.link_guesses.failed(peer.ip());
        return Ok(refused(Refusal::NotValid));
    };
    let (mut tx, invite, meeting) = match admit(&state, &claim, false).await? {
        Ok(admitted) => admitted,
        Err(refusal) => {
            if refusal == Refusal::NotValid {
                state.link_guesses.failed(peer.ip());
            }
            return Ok(refused(refusal));
        }
    };
    let org = tx.tenant();
    meetings::mark_opened(&mut tx, org, invite.id).await?;
    record(&mut tx, &invite, &meeting, "guest.opened", Some(peer)).await?;
    tx.commit().await?;
    let until = (Utc::now() + VISIT).min(invite.expires_at);
    let cookie = guest_cookie(
        state.guest_keys.session_value(&claim, until),
        state.config.is_https(),
        until - Utc::now(),
    );
    let mut response = Redirect::to(COOKIE_PATH).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// What the manager sees of the meeting.
pub struct ManagerView {
    pub meeting: Meeting,
    pub invite: Invite,
    pub when: String,
    pub candidates: Vec<CandidateRow>,
    /// Times the manager proposed, not yet taken up.
    pub proposals: Vec<CandidateRow>,
    pub agenda: Vec<AgendaItem>,
    pub purpose: &'static str,
    pub goals: Vec<Goal>,
    /// The questions can be answered until the meeting starts.
    pub can_answer: bool,
    pub expires: String,
}

impl ManagerView {
    pub fn is_open(&self) -> bool {
        self.meeting.status().is_open()
    }
}

/// Builds the view from the meeting, its invite and the goals the coachee
/// shares right now.
async fn manager_view(
    tx: &mut TenantTx,
    org: TenantId,
    meeting: Meeting,
    invite: Invite,
) -> AppResult<ManagerView> {
    let tz = invite.time_zone.clone();
    let (proposals, candidates): (Vec<CandidateRow>, Vec<CandidateRow>) =
        meetings::candidates(tx, org, meeting.id)
            .await?
            .into_iter()
            .filter(|c| c.starts_at > Utc::now())
            .map(|candidate| CandidateRow {
                when: format::local_time(candidate.starts_at, &tz),
                candidate,
            })
            .partition(|row| row.candidate.proposed_by == "manager");
    // Times to choose from only while none is set; the manager's own
    // proposals wait for the coachee or coach to take them.
    let candidates = if meeting.status() == Status::Proposed {
        candidates
    } else {
        Vec::new()
    };
    let goals = goals::shared_of_engagement(tx, org, meeting.engagement_id).await?;
    Ok(ManagerView {
        when: meeting
            .starts_at
            .map(|at| format::local_time(at, &tz))
            .unwrap_or_default(),
        agenda: meeting.kind().agenda(meeting.duration_minutes),
        purpose: meeting.kind().purpose(),
        can_answer: meeting.status().is_open()
            && meeting.starts_at.is_none_or(|at| at > Utc::now()),
        expires: format::local_time(invite.expires_at, &tz),
        candidates,
        proposals,
        goals,
        meeting,
        invite,
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ProposeForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    note: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct AnswersForm {
    #[serde(default)]
    strengths: String,
    #[serde(default)]
    growth: String,
    #[serde(default)]
    support: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct DeclineForm {
    #[serde(default)]
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "guest/meeting.html")]
struct GuestPage {
    layout: Layout,
    view: ManagerView,
    /// The coachee looking at the manager's page: nothing can be sent.
    preview: bool,
    zones: Vec<&'static str>,
    propose: ProposeForm,
    propose_problem: Option<String>,
    answers: AnswersForm,
    answers_problem: Option<String>,
    decline: DeclineForm,
    decline_problem: Option<String>,
}

#[derive(Default)]
struct GuestEdits {
    propose: Option<(ProposeForm, String)>,
    answers: Option<(AnswersForm, String)>,
    decline: Option<(DeclineForm, String)>,
}

fn guest_page(layout: Layout, view: ManagerView, preview: bool, edits: GuestEdits) -> GuestPage {
    let (answers, answers_problem) = match edits.answers {
        Some((form, problem)) => (form, Some(problem)),
        None => (
            AnswersForm {
                strengths: view.invite.strengths.clone(),
                growth: view.invite.growth.clone(),
                support: view.invite.support.clone(),
            },
            None,
        ),
    };
    let (propose, propose_problem) = edits
        .propose
        .map_or((ProposeForm::default(), None), |(f, p)| (f, Some(p)));
    let (decline, decline_problem) = edits
        .decline
        .map_or((DeclineForm::default(), None), |(f, p)| (f, Some(p)));
    GuestPage {
        layout,
        view,
        preview,
        zones: format::all_zones().collect(),
        propose,
        propose_problem,
        answers,
        answers_problem,
        decline,
        decline_problem,
    }
}

/// The manager's page as the coachee previews it.
pub async fn preview(
    tx: &mut TenantTx,
    org: TenantId,
    layout: Layout,
    meeting: Meeting,
    invite: Invite,
) -> AppResult<Response> {
    let view = manager_view(tx, org, meeting, invite).await?;
    Ok(guest_page(layout, view, true, GuestEdits::default()).into_response())
}

async fn guest_layout(session: &Session, flashes: Flashes) -> Layout {
    Layout::for_visitor("Your alignment meeting", session, flashes).await
}

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    flashes: Flashes,
) -> AppResult<Response> {
    let Some(claim) = claim_from(&headers, &state) else {
        return Ok(refused(Refusal::VisitEnded));
    };
    let (mut tx, invite, meeting) = match admit(&state, &claim, false).await? {
        Ok(admitted) => admitted,
        Err(refusal) => return Ok(refused(refusal)),
    };
    let org = tx.tenant();
    let view = manager_view(&mut tx, org, meeting, invite).await?;
    let layout = guest_layout(&session, flashes).await;
    Ok(guest_page(layout, view, false, GuestEdits::default()).into_response())
}

/// Re-renders the page with a form's problem, keeping what was typed.
async fn rerender(
    mut tx: TenantTx,
    session: &Session,
    invite: Invite,
    meeting: Meeting,
    edits: GuestEdits,
) -> AppResult<Response> {
    let org = tx.tenant();
    let view = manager_view(&mut tx, org, meeting, invite).await?;
    let layout = guest_layout(session, Flashes::default()).await;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        guest_page(layout, view, false, edits),
    )
        .into_response())
}

async fn back(session: &Session, message: impl Into<String>) -> AppResult<Response> {
    flash::push(session, FlashKind::Success, message).await?;
    Ok(Redirect::to(COOKIE_PATH).into_response())
}

/// The answer to a button pressed on a meeting that is over or called off.
async fn no_longer_planned(session: &Session) -> AppResult<Response> {
    back(
        session,
        "This meeting is no longer planned, so there is nothing to answer.",
    )
    .await
}

fn mailer(state: &AppState, org: TenantId) -> Mailer<'_> {
    Mailer::of(state, org, None)
}

/// Loads what a guest action needs, or the page that says why not.
macro_rules! admitted {
    ($state:expr, $headers:expr) => {{
        let Some(claim) = claim_from(&$headers, &$state) else {
            return Ok(refused(Refusal::VisitEnded));
        };
        match admit(&$state, &claim, true).await? {
            Ok(admitted) => admitted,
            Err(refusal) => return Ok(refused(refusal)),
        }
    }};
}

#[derive(Clone, Debug, Default, Deserialize)]
struct AcceptForm {
    #[serde(default)]
    candidate: String,
    /// The meeting's sequence when the page was shown: the time accepted is
    /// the time the manager saw.
    #[serde(default)]
    sequence: String,
}

async fn accept(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let (mut tx, invite, meeting) = admitted!(state, headers);
    let org = tx.tenant();
    if !meeting.status().is_open() {
        return no_longer_planned(&session).await;
    }
    if form.sequence.parse::<i32>().ok() != Some(meeting.sequence) {
        return back(
            &session,
            "The meeting changed while the page was open. Here it is as it stands now.",
        )
        .await;
    }
    let mailer = mailer(&state, org);
    match meeting.status() {
        Status::Proposed => {
            let candidates = meetings::candidates(&mut tx, org, meeting.id).await?;
            let Some(chosen) = form
                .candidate
                .parse::<uuid::Uuid>()
                .ok()
                .and_then(|id| candidates.iter().find(|c| c.id == id))
                .filter(|c| c.starts_at > Utc::now() && c.proposed_by != "manager")
            else {
                return back(
                    &session,
                    "That time is no longer on offer; choose one of those below.",
                )
                .await;
            };
            meetings::set_time(
                &mut tx,
                org,
                meeting.id,
                chosen.starts_at,
                meeting.duration_minutes,
                &meeting.place,
            )
            .await?;
            meetings::withdraw_candidates(&mut tx, org, meeting.id).await?;
            meetings::set_rsvp(&mut tx, org, invite.id, "accepted", "").await?;
            let updated = meetings::meeting(&mut tx, org, meeting.id)
                .await?
                .ok_or(AppError::NotFound)?;
            meetings::set_invite_expiry(
                &mut tx,
                org,
                invite.id,
                crate::web::alignment::invite_expiry(&updated, chosen.starts_at),
            )
            .await?;
            let invite = meetings::invite(&mut tx, org, invite.id)
                .await?
                .ok_or(AppError::NotFound)?;
            mailer
                .time_set(&mut tx, &updated, &invite, TimeChange::ChosenByManager)
                .await?;
            record(&mut tx, &invite, &meeting, "guest.accepted", Some(peer)).await?;
            tx.commit().await?;
            let when = format::local_time(chosen.starts_at, &invite.time_zone);
            back(
                &session,
                format!(
                    "Thank you. The meeting is set for {when}; a calendar invite is on its way."
                ),
            )
            .await
        }
        _ => {
            // A time is set: accepting it again changes nothing.
            if invite.rsvp == "accepted" {
                return back(&session, "You have accepted this meeting.").await;
            }
            meetings::set_rsvp(&mut tx, org, invite.id, "accepted", "").await?;
            let starts = meeting.starts_at;
            mailer
                .manager_answered(
                    &mut tx,
                    &meeting,
                    &invite,
                    "accepted the meeting",
                    &|tz| {
                        starts.map(|at| {
                            format!("The meeting stays at {}.", format::local_time(at, tz))
                        })
                    },
                    None,
                )
                .await?;
            record(&mut tx, &invite, &meeting, "guest.accepted", Some(peer)).await?;
            tx.commit().await?;
            back(&session, "Thank you. You have accepted the meeting.").await
        }
    }
}

async fn decline(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<DeclineForm>,
) -> AppResult<Response> {
    let (mut tx, invite, meeting) = admitted!(state, headers);
    let org = tx.tenant();
    if !meeting.status().is_open() {
        return no_longer_planned(&session).await;
    }
    let note = form.note.trim().to_owned();
    if note.chars().count() > 500 {
        let edits = GuestEdits {
            decline: Some((form, "Keep your note to 500 characters.".into())),
            ..GuestEdits::default()
        };
        return rerender(tx, &session, invite, meeting, edits).await;
    }
    if invite.rsvp == "declined" && invite.rsvp_note == note {
        return back(&session, "You have declined this meeting.").await;
    }
    meetings::set_rsvp(&mut tx, org, invite.id, "declined", &note).await?;
    // No reminder for someone who will not come.
    crate::mail::outbox::withdraw(
        &mut tx,
        &format!("alignment-{}-reminder-manager", meeting.id),
    )
    .await?;
    mailer(&state, org)
        .manager_answered(
            &mut tx,
            &meeting,
            &invite,
            "declined the meeting",
            &|_| (!note.is_empty()).then(|| format!("Their note: {note}")),
            None,
        )
        .await?;
    record(&mut tx, &invite, &meeting, "guest.declined", Some(peer)).await?;
    tx.commit().await?;
    back(
        &session,
        "You have declined. The coachee and coach have been told and may suggest another time.",
    )
    .await
}

async fn propose(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<ProposeForm>,
) -> AppResult<Response> {
    let (mut tx, invite, meeting) = admitted!(state, headers);
    let org = tx.tenant();
    if !meeting.status().is_open() {
        return no_longer_planned(&session).await;
    }
    let at = format::instant_from_local(&form.date, &form.time, &invite.time_zone).and_then(|at| {
        if at <= Utc::now() {
            Err("That time has already passed. Choose a time ahead.".to_owned())
        } else if at > Utc::now() + Duration::days(730) {
            Err("Choose a time within the next two years.".to_owned())
        } else {
            Ok(at)
        }
    });
    let note = form.note.trim().to_owned();
    let at = match at {
        Ok(_) if note.chars().count() > 500 => Err("Keep your note to 500 characters.".to_owned()),
        other => other,
    };
    let at = match at {
        Ok(at) => at,
        Err(problem) => {
            let edits = GuestEdits {
                propose: Some((form, problem)),
                ..GuestEdits::default()
            };
            return rerender(tx, &session, invite, meeting, edits).await;
        }
    };
    let when = format::local_time(at, &invite.time_zone);
    let already = meetings::candidates(&mut tx, org, meeting.id)
        .await?
        .iter()
        .any(|c| c.proposed_by == "manager" && c.starts_at == at);
    if already {
        return back(&session, format!("You have proposed {when}.")).await;
    }
    // A new proposal replaces the manager's earlier one.
    meetings::withdraw_candidates_by(&mut tx, org, meeting.id, "manager").await?;
    meetings::add_candidate(&mut tx, org, meeting.id, at, "manager", &note).await?;
    meetings::set_rsvp(&mut tx, org, invite.id, "proposed", &note).await?;
    mailer(&state, org)
        .manager_answered(
            &mut tx,
            &meeting,
            &invite,
            "proposed another time",
            &|tz| {
                let mut detail = format!(
                    "They proposed {} instead. You or the coach can take that time on the meeting page.",
                    format::local_time(at, tz)
                );
                if !note.is_empty() {
                    detail.push_str(&format!(" Their note: {note}"));
                }
                Some(detail)
            },
            Some("proposal"),
        )
        .await?;
    record(
        &mut tx,
        &invite,
        &meeting,
        "guest.proposed_time",
        Some(peer),
    )
    .await?;
    tx.commit().await?;
    back(
        &session,
        format!("Thank you. You proposed {when}; the coachee and coach have been told."),
    )
    .await
}

async fn save_answers(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<AnswersForm>,
) -> AppResult<Response> {
    let (mut tx, invite, meeting) = admitted!(state, headers);
    let org = tx.tenant();
    let started = meeting.starts_at.is_some_and(|at| at <= Utc::now());
    let problem = if started || !meeting.status().is_open() {
        Some("The meeting has started, so the answers can no longer be changed.")
    } else if [&form.strengths, &form.growth, &form.support]
        .iter()
        .any(|t| t.chars().count() > 2000)
    {
        Some("Keep each answer to 2,000 characters.")
    } else {
        None
    };
    if let Some(problem) = problem {
        let edits = GuestEdits {
            answers: Some((form, problem.into())),
            ..GuestEdits::default()
        };
        return rerender(tx, &session, invite, meeting, edits).await;
    }
    let changed = meetings::save_answers(
        &mut tx,
        org,
        invite.id,
        form.strengths.trim(),
        form.growth.trim(),
        form.support.trim(),
    )
    .await?;
    if !changed {
        return back(&session, "Your answers are saved.").await;
    }
    if invite.answered_at.is_none() {
        mailer(&state, org)
            .manager_answered(
                &mut tx,
                &meeting,
                &invite,
                "answered the questions before the meeting",
                &|_| Some("Their answers are on the meeting page.".into()),
                None,
            )
            .await?;
    }
    record(&mut tx, &invite, &meeting, "guest.answered", Some(peer)).await?;
    tx.commit().await?;
    back(
        &session,
        "Thank you. Your answers are saved; the coachee and coach will read them before the meeting.",
    )
    .await
}

#[derive(Clone, Debug, Default, Deserialize)]
struct TimeZoneForm {
    #[serde(default)]
    time_zone: String,
}

async fn set_time_zone(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<TimeZoneForm>,
) -> AppResult<Response> {
    let (mut tx, invite, meeting) = admitted!(state, headers);
    let org = tx.tenant();
    let Some(zone) = format::all_zones().find(|z| *z == form.time_zone) else {
        return back(&session, "Choose a time zone from the list.").await;
    };
    meetings::set_invite_time_zone(&mut tx, org, invite.id, zone).await?;
    record(
        &mut tx,
        &invite,
        &meeting,
        "guest.time_zone_changed",
        Some(peer),
    )
    .await?;
    tx.commit().await?;
    back(&session, format!("Times are now shown in {zone}.")).await
}

async fn calendar_file(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let Some(claim) = claim_from(&headers, &state) else {
        return Ok(refused(Refusal::VisitEnded));
    };
    let (_tx, invite, meeting) = match admit(&state, &claim, false).await? {
        Ok(admitted) => admitted,
        Err(refusal) => return Ok(refused(refusal)),
    };
    let Some(starts) = meeting.starts_at else {
        return Err(AppError::NotFound);
    };
    let mailer = mailer(&state, TenantId(claim.org));
    let page = mailer.guest_link(&invite);
    let part = mailer.calendar(&meeting, &invite, starts, Method::Request, page.as_deref());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8; method=REQUEST",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"alignment-meeting.ics\"",
            ),
        ],
        part.ics,
    )
        .into_response())
}
