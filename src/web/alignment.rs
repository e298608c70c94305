//! Alignment meetings for the coachee and the coach: where the coachee stands,
//! scheduling with candidate times and a preparation worksheet, the meeting
//! page (the coach's facilitation view), reschedule and cancel, the outcome and
//! the debrief, and a request for one more meeting than the programme includes.
//!
//! Only the engagement's coach and coachee reach these pages, and only while
//! their programme has alignment meetings switched on; anyone else, and every
//! page of a programme without them, gets a 404. The coachee's preparation and
//! the debrief are read by the two of them; the coach's notes by the coach.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::alignment::notify::{Mailer, TimeChange};
use crate::alignment::{
    AgendaItem, CoachRole, EngagementAlignment, GUIDE, GuideStep, Kind, Readiness, Speaker, Status,
};
use crate::audit;
use crate::db::alignment::{self as meetings, Candidate, Debrief, Invite, Meeting, Preparation};
use crate::db::engagements::Engagement;
use crate::db::goals::{self, Goal};
use crate::db::{self, TenantTx};
use crate::format;
use crate::state::AppState;
use crate::web::engagement::{Side, engagement_for};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind, Flashes};
use crate::web::layout::Layout;
use crate::web::session::FormFields;
use crate::web::session::Member;

mod meeting;

pub use meeting::CandidateRow;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/engagements/{id}/alignment",
            get(show_engagement).post(schedule),
        )
        .route("/engagements/{id}/alignment/request", post(request_extra))
        .route("/engagements/{id}/alignment/advice", post(advise))
        .route("/alignment/{id}", get(meeting::show_meeting))
        .route(
            "/alignment/{id}/preparation",
            post(meeting::save_preparation),
        )
        .route("/alignment/{id}/notes", post(meeting::save_notes))
        .route("/alignment/{id}/reschedule", post(meeting::reschedule))
        .route("/alignment/{id}/use-time", post(meeting::use_time))
        .route("/alignment/{id}/cancel", post(meeting::cancel))
        .route("/alignment/{id}/manager", post(meeting::replace_manager))
        .route("/alignment/{id}/outcome", post(meeting::record_outcome))
        .route("/alignment/{id}/debrief", post(meeting::save_debrief))
        .route("/alignment/{id}/manager-view", get(meeting::manager_view))
}

/// Lengths offered for a meeting, in minutes.
pub const DURATIONS: [i32; 5] = [20, 30, 45, 60, 90];

/// How a readiness state reads on a card: a headline and why.
pub struct ReadinessShown {
    pub readiness: Readiness,
    pub headline: String,
    pub detail: String,
    pub meeting: Option<Uuid>,
    pub can_schedule: bool,
    pub can_request: bool,
}

/// The card text for an engagement's state, in the viewer's words and zone;
/// None when the programme has no alignment meetings.
pub fn readiness_shown(
    state: &EngagementAlignment,
    side: Side,
    time_zone: &str,
) -> Option<ReadinessShown> {
    let today = Utc::now()
        .with_timezone(&format::zone(time_zone))
        .date_naive();
    if !state.enabled {
        return None;
    }
    let Some(readiness) = state.readiness(today) else {
        // The engagement is over or paused: its meetings stay readable.
        return Some(ReadinessShown {
            readiness: Readiness::Held {
                suggest_from: state.ends_on,
            },
            headline: "No new meetings".to_owned(),
            detail: format!(
                "The engagement is {}: no new alignment meeting can be planned.",
                state.engagement_status
            ),
            meeting: None,
            can_schedule: false,
            can_request: false,
        });
    };
    let you = side == Side::Coachee;
    let (headline, detail) = match &readiness {
        Readiness::NotYet { done, needed } => (
            "Not yet".to_owned(),
            format!(
                "{done} of {needed} recommended coaching session{} done. {}",
                if *needed == 1 { "" } else { "s" },
                if you {
                    "The alignment meeting works best once you and your coach know what you want to work on."
                } else {
                    "You can advise them to schedule earlier if they are ready."
                }
            ),
        ),
        Readiness::Ready { advised, next } => (
            if *next {
                "Time for the next alignment meeting".to_owned()
            } else {
                "Ready to schedule".to_owned()
            },
            if *next {
                "The engagement is past its midpoint: a good moment to look at progress on the goals with the manager.".to_owned()
            } else if *advised {
                "The coach advised scheduling the alignment meeting now.".to_owned()
            } else if you {
                "You have done the recommended coaching sessions. Invite your manager to align on your goals with your coach.".to_owned()
            } else {
                "The recommended coaching sessions are done; the coachee can invite their manager."
                    .to_owned()
            },
        ),
        Readiness::Scheduled { starts_at, .. } => (
            "Scheduled".to_owned(),
            match starts_at {
                Some(at) => format!(
                    "The meeting is set for {}.",
                    format::local_time(*at, time_zone)
                ),
                None if state.open_latest_offer.is_some_and(|at| at <= Utc::now()) => {
                    "Every time offered has passed without an answer: offer a new time, or cancel the meeting.".to_owned()
                }
                None => "Waiting for the manager to choose one of the times offered.".to_owned(),
            },
        ),
        Readiness::Held { suggest_from } => (
            "Held".to_owned(),
            format!(
                "The alignment meeting took place. The next is suggested from {}.",
                suggest_from.format("%-d %b %Y")
            ),
        ),
        Readiness::QuotaReached { pending_request } => (
            "All included meetings used".to_owned(),
            if *pending_request {
                "A request for one more meeting is with the programme team.".to_owned()
            } else if you {
                "Your programme includes no more alignment meetings. You can ask the programme team for one more.".to_owned()
            } else {
                "The programme includes no more alignment meetings; the coachee can ask for one more.".to_owned()
            },
        ),
    };
    let meeting = match &readiness {
        Readiness::Scheduled { meeting, .. } => Some(*meeting),
        _ => None,
    };
    let can_request = matches!(
        readiness,
        Readiness::QuotaReached {
            pending_request: false
        }
    );
    Some(ReadinessShown {
        can_schedule: state.can_schedule(),
        readiness,
        headline,
        detail,
        meeting,
        can_request,
    })
}

fn local(at: Option<DateTime<Utc>>, time_zone: &str) -> String {
    at.map(|at| format::local_time(at, time_zone))
        .unwrap_or_default()
}

fn actor(member: &Member) -> String {
    format!("{} <{}>", member.user.name, member.user.email)
}

async fn record(
    tx: &mut TenantTx,
    member: &Member,
    action: &str,
    meeting: &Meeting,
) -> AppResult<()> {
    let actor = actor(member);
    audit::record(
        tx,
        member.org,
        &audit::Event {
            actor_user: Some(member.user.id),
            actor: &actor,
            action,
            subject: Some(format!(
                "{} alignment meeting of {}",
                meeting.kind().label(),
                meeting.coachee_name
            )),
            client: None,
        },
    )
    .await?;
    Ok(())
}

fn mailer<'a>(state: &'a AppState, member: &Member) -> Mailer<'a> {
    Mailer::of(
        &state.config,
        &state.guest_keys,
        member.org,
        Some(member.user.id),
    )
}

/// When the manager's link stops working: some days after the latest time the
/// meeting could happen.
pub fn invite_expiry(meeting: &Meeting, latest: DateTime<Utc>) -> DateTime<Utc> {
    latest
        + Duration::minutes(i64::from(meeting.duration_minutes))
        + Duration::days(i64::from(meeting.link_days))
}

// ---------------------------------------------------------------------------
// The engagement's alignment page: readiness, meetings, scheduling

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PrepForm {
    #[serde(default)]
    pub success: String,
    #[serde(default)]
    pub from_manager: String,
    #[serde(default)]
    pub off_limits: String,
    #[serde(default)]
    pub concerns: String,
    #[serde(default)]
    pub opens: String,
    #[serde(default)]
    pub closes: String,
    #[serde(default)]
    pub coach_role: String,
}

impl PrepForm {
    fn from(prep: Preparation) -> Self {
        PrepForm {
            success: prep.success,
            from_manager: prep.from_manager,
            off_limits: prep.off_limits,
            concerns: prep.concerns,
            opens: prep.opens,
            closes: prep.closes,
            coach_role: prep.coach_role,
        }
    }

    fn starting() -> Self {
        PrepForm {
            opens: Speaker::Coachee.as_str().into(),
            closes: Speaker::Coachee.as_str().into(),
            coach_role: CoachRole::Facilitate.as_str().into(),
            ..PrepForm::default()
        }
    }

    fn check(&self) -> Result<Preparation, String> {
        let long = [
            &self.success,
            &self.from_manager,
            &self.off_limits,
            &self.concerns,
        ]
        .iter()
        .any(|text| text.chars().count() > 2000);
        if long {
            return Err("Keep each answer to 2,000 characters.".into());
        }
        let (Some(opens), Some(closes), Some(role)) = (
            Speaker::parse(&self.opens),
            Speaker::parse(&self.closes),
            CoachRole::parse(&self.coach_role),
        ) else {
            return Err("Choose who opens, who closes, and how your coach takes part.".into());
        };
        Ok(Preparation {
            success: self.success.trim().to_owned(),
            from_manager: self.from_manager.trim().to_owned(),
            off_limits: self.off_limits.trim().to_owned(),
            concerns: self.concerns.trim().to_owned(),
            opens: opens.as_str().into(),
            closes: closes.as_str().into(),
            coach_role: role.as_str().into(),
        })
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ScheduleForm {
    #[serde(default)]
    request_key: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    date1: String,
    #[serde(default)]
    time1: String,
    #[serde(default)]
    date2: String,
    #[serde(default)]
    time2: String,
    #[serde(default)]
    date3: String,
    #[serde(default)]
    time3: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    manager_name: String,
    #[serde(default)]
    manager_email: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    success: String,
    #[serde(default)]
    from_manager: String,
    #[serde(default)]
    off_limits: String,
    #[serde(default)]
    concerns: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    closes: String,
    #[serde(default)]
    coach_role: String,
    /// Ticked goals: the field repeats, so it is read from the raw fields.
    #[serde(skip)]
    goal: Vec<String>,
}

#[derive(Debug, Default)]
struct ScheduleProblems {
    kind: Option<String>,
    times: Option<String>,
    duration: Option<String>,
    place: Option<String>,
    manager: Option<String>,
    goals: Option<String>,
    agenda: Option<String>,
    prep: Option<String>,
}

impl ScheduleProblems {
    fn any(&self) -> bool {
        [
            &self.kind,
            &self.times,
            &self.duration,
            &self.place,
            &self.manager,
            &self.goals,
            &self.agenda,
            &self.prep,
        ]
        .iter()
        .any(|p| p.is_some())
    }
}

struct Scheduled {
    kind: Kind,
    times: Vec<DateTime<Utc>>,
    duration: i32,
    place: String,
    manager_name: String,
    manager_email: String,
    shared: Vec<Uuid>,
    agenda: String,
    prep: Preparation,
}

/// A time typed in `time_zone`, which must lie ahead.
fn future_time(
    date: &str,
    time: &str,
    time_zone: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let at = format::instant_from_local(date, time, time_zone)?;
    if at <= now {
        return Err(format!(
            "{} has already passed. Choose a time ahead.",
            format::local_time(at, time_zone)
        ));
    }
    if at > now + Duration::days(730) {
        return Err("Choose a time within the next two years.".into());
    }
    Ok(at)
}

fn check_duration(value: &str) -> Option<i32> {
    value
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| DURATIONS.contains(d))
}

fn check_place(value: &str) -> Result<String, String> {
    let place = value.trim();
    if place.is_empty() {
        return Err("Say where you meet: a video link or a room.".into());
    }
    if place.chars().count() > 300 {
        return Err("Keep the place to 300 characters.".into());
    }
    Ok(place.to_owned())
}

fn check_manager(name: &str, email: &str) -> Result<(String, String), String> {
    let (name, email) = (name.trim(), email.trim());
    if name.is_empty() || name.chars().count() > 120 {
        return Err("Enter your manager's name (up to 120 characters).".into());
    }
    if crate::web::names::breaks_lines(name) {
        return Err(crate::web::names::ONE_LINE.into());
    }
    if email.len() > 254 || email.parse::<lettre::Address>().is_err() {
        return Err("Enter your manager's email address, like name@example.com.".into());
    }
    Ok((name.to_owned(), email.to_owned()))
}

impl ScheduleForm {
    fn starting(engagement: &Engagement, goals: &[Goal], kind: Kind) -> Self {
        let prep = PrepForm::starting();
        ScheduleForm {
            request_key: Uuid::new_v4().to_string(),
            kind: kind.as_str().into(),
            duration: "30".into(),
            manager_name: engagement.manager_name.clone(),
            manager_email: engagement.manager_email.clone(),
            opens: prep.opens,
            closes: prep.closes,
            coach_role: prep.coach_role,
            goal: goals
                .iter()
                .filter(|g| g.shared_with_manager)
                .map(|g| g.id.to_string())
                .collect(),
            ..ScheduleForm::default()
        }
    }

    fn prep(&self) -> PrepForm {
        PrepForm {
            success: self.success.clone(),
            from_manager: self.from_manager.clone(),
            off_limits: self.off_limits.clone(),
            concerns: self.concerns.clone(),
            opens: self.opens.clone(),
            closes: self.closes.clone(),
            coach_role: self.coach_role.clone(),
        }
    }

    fn check(
        &self,
        goals: &[Goal],
        time_zone: &str,
        now: DateTime<Utc>,
    ) -> Result<Scheduled, Box<ScheduleProblems>> {
        let mut problems = ScheduleProblems::default();
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            problems.kind = Some("Choose the kind of meeting.".into());
        }
        let mut times = Vec::new();
        for (date, time) in [
            (&self.date1, &self.time1),
            (&self.date2, &self.time2),
            (&self.date3, &self.time3),
        ] {
            if date.trim().is_empty() && time.trim().is_empty() {
                continue;
            }
            match future_time(date, time, time_zone, now) {
                Ok(at) if !times.contains(&at) => times.push(at),
                Ok(_) => {}
                Err(problem) => {
                    problems.times.get_or_insert(problem);
                }
            }
        }
        if times.is_empty() && problems.times.is_none() {
            problems.times = Some("Offer at least one time for the meeting.".into());
        }
        times.sort();
        let duration = check_duration(&self.duration);
        if duration.is_none() {
            problems.duration = Some("Choose how long the meeting takes.".into());
        }
        let place = check_place(&self.place)
            .map_err(|p| problems.place = Some(p))
            .ok();
        let manager = check_manager(&self.manager_name, &self.manager_email)
            .map_err(|p| problems.manager = Some(p))
            .ok();
        let mut shared = Vec::new();
        for value in &self.goal {
            match value
                .parse::<Uuid>()
                .ok()
                .filter(|id| goals.iter().any(|g| g.id == *id))
            {
                Some(id) => shared.push(id),
                None => problems.goals = Some("Choose goals from the list.".into()),
            }
        }
        if self.agenda.chars().count() > 2000 {
            problems.agenda = Some("Keep your agenda items to 2,000 characters.".into());
        }
        let prep = self
            .prep()
            .check()
            .map_err(|p| problems.prep = Some(p))
            .ok();
        match (kind, duration, place, manager, prep) {
            (
                Some(kind),
                Some(duration),
                Some(place),
                Some((manager_name, manager_email)),
                Some(prep),
            ) if !problems.any() => Ok(Scheduled {
                kind,
                times,
                duration,
                place,
                manager_name,
                manager_email,
                shared,
                agenda: self.agenda.trim().to_owned(),
                prep,
            }),
            _ => Err(Box::new(problems)),
        }
    }

    fn is_shared(&self, goal: &Uuid) -> bool {
        self.goal.contains(&goal.to_string())
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
struct RequestForm {
    #[serde(default)]
    reason: String,
}

/// A meeting in a list, its time in the viewer's zone.
pub struct MeetingRow {
    pub meeting: Meeting,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "alignment/engagement.html")]
struct EngagementPage {
    layout: Layout,
    engagement: Engagement,
    side: Side,
    state: EngagementAlignment,
    card: ReadinessShown,
    meetings: Vec<MeetingRow>,
    goals: Vec<Goal>,
    form: ScheduleForm,
    problems: ScheduleProblems,
    request: RequestForm,
    request_problem: Option<String>,
    kinds: [Kind; 4],
    durations: [i32; 5],
    speakers: [Speaker; 3],
    coach_roles: [CoachRole; 3],
    time_zone: String,
}

impl EngagementPage {
    fn is_coach(&self) -> bool {
        self.side == Side::Coach
    }
}

/// The engagement with its alignment state, for its coach or coachee; a 404
/// when the programme has no alignment meetings.
async fn engagement_with_state(
    tx: &mut TenantTx,
    member: &Member,
    id: Uuid,
) -> AppResult<(Engagement, Side, EngagementAlignment)> {
    let (engagement, side) = engagement_for(tx, member, id).await?;
    let state = meetings::states(tx, member.org, &[engagement.id])
        .await?
        .pop()
        .filter(|s| s.enabled)
        .ok_or(AppError::NotFound)?;
    Ok((engagement, side, state))
}

/// The kind a new meeting most likely is: initial first, then midpoint, then closing.
fn next_kind(state: &EngagementAlignment) -> Kind {
    match state.held {
        0 => Kind::Initial,
        1 => Kind::Midpoint,
        _ => Kind::Closing,
    }
}

#[allow(clippy::too_many_arguments)]
async fn engagement_page(
    tx: &mut TenantTx,
    member: &Member,
    engagement: Engagement,
    side: Side,
    state: EngagementAlignment,
    form: Option<ScheduleForm>,
    problems: ScheduleProblems,
    request: (RequestForm, Option<String>),
    flashes: Flashes,
) -> AppResult<EngagementPage> {
    let tz = member.user.time_zone.clone();
    let card = readiness_shown(&state, side, &tz).ok_or(AppError::NotFound)?;
    let meetings = meetings::of_engagement(tx, member.org, engagement.id)
        .await?
        .into_iter()
        .map(|meeting| MeetingRow {
            when: local(meeting.starts_at, &tz),
            meeting,
        })
        .collect();
    let goals = goals::of_engagement(tx, member.org, engagement.id).await?;
    let form =
        form.unwrap_or_else(|| ScheduleForm::starting(&engagement, &goals, next_kind(&state)));
    let title = match side {
        Side::Coach => format!("Alignment meetings of {}", engagement.coachee_name),
        Side::Coachee => "Your alignment meetings".to_owned(),
    };
    Ok(EngagementPage {
        layout: Layout::for_member(title, member, flashes).await,
        engagement,
        side,
        state,
        card,
        meetings,
        goals,
        form,
        problems,
        request: request.0,
        request_problem: request.1,
        kinds: Kind::ALL,
        durations: DURATIONS,
        speakers: Speaker::ALL,
        coach_roles: CoachRole::ALL,
        time_zone: tz,
    })
}

async fn show_engagement(
    State(state): State<AppState>,
    member: Member,
    flashes: Flashes,
    Path(id): Path<Uuid>,
) -> AppResult<EngagementPage> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (engagement, side, alignment) = engagement_with_state(&mut tx, &member, id).await?;
    engagement_page(
        &mut tx,
        &member,
        engagement,
        side,
        alignment,
        None,
        ScheduleProblems::default(),
        (RequestForm::default(), None),
        flashes,
    )
    .await
}

async fn schedule(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Extension(FormFields(fields)): Extension<FormFields>,
    Form(mut form): Form<ScheduleForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    // One plan at a time per engagement: two tabs sending different forms at
    // once take turns, and the second sees the first's meeting.
    sqlx::query("select 1 from engagements where org_id = $1 and id = $2 for update")
        .bind(member.org.0)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let (engagement, side, alignment) = engagement_with_state(&mut tx, &member, id).await?;
    if side != Side::Coachee {
        return Err(AppError::NotFound);
    }
    form.goal = fields
        .into_iter()
        .filter(|(name, _)| name == "goal")
        .map(|(_, value)| value)
        .collect();
    // The form's one-time key; a form without one (not ours) gets a fresh key.
    let request_key = form
        .request_key
        .parse::<Uuid>()
        .unwrap_or_else(|_| Uuid::new_v4());
    form.request_key = request_key.to_string();
    // The same form sent twice: the meeting made the first time.
    if let Some(existing) = existing_meeting(&mut tx, &member, request_key).await? {
        return Ok(Redirect::to(&format!("/alignment/{existing}")).into_response());
    }
    let goals = goals::of_engagement(&mut tx, member.org, engagement.id).await?;
    let now = Utc::now();
    let mut checked = form.check(&goals, &member.user.time_zone, now);
    if checked.is_ok() && !alignment.can_schedule() {
        checked = Err(Box::new(ScheduleProblems {
            kind: Some(
                "You cannot schedule another alignment meeting now: one is already planned, or every included meeting is used.".into(),
            ),
            ..ScheduleProblems::default()
        }));
    }
    let plan = match checked {
        Ok(plan) => plan,
        Err(problems) => {
            let page = engagement_page(
                &mut tx,
                &member,
                engagement,
                side,
                alignment,
                Some(form),
                *problems,
                (RequestForm::default(), None),
                Flashes::default(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let (meeting_id, created) = meetings::create(
        &mut tx,
        member.org,
        &meetings::NewMeeting {
            engagement_id: engagement.id,
            kind: plan.kind,
            duration_minutes: plan.duration,
            place: plan.place,
            agenda: plan.agenda,
            request_key,
            created_by: member.user.id,
        },
    )
    .await?;
    if created {
        for at in &plan.times {
            meetings::add_candidate(&mut tx, member.org, meeting_id, *at, "coachee", "").await?;
        }
        meetings::save_preparation(&mut tx, member.org, meeting_id, &plan.prep).await?;
        for goal in &goals {
            let shared = plan.shared.contains(&goal.id);
            if shared != goal.shared_with_manager {
                goals::set_shared(&mut tx, member.org, goal.id, shared).await?;
            }
        }
        let meeting = meetings::meeting(&mut tx, member.org, meeting_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let latest = *plan.times.last().expect("at least one time was checked");
        let invite = new_invite(
            &state,
            &mut tx,
            &member,
            &meeting,
            &plan.manager_name,
            &plan.manager_email,
            invite_expiry(&meeting, latest),
        )
        .await?;
        let candidates = meetings::candidates(&mut tx, member.org, meeting_id).await?;
        mailer(&state, &member)
            .invite_manager(&mut tx, &meeting, &invite, &candidates)
            .await?;
        record(&mut tx, &member, "meeting.scheduled", &meeting).await?;
    }
    tx.commit().await?;
    if created {
        flash::push(
            &member.session,
            FlashKind::Success,
            format!(
                "Meeting planned. {} has been emailed a link to choose a time.",
                plan.manager_name
            ),
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/alignment/{meeting_id}")).into_response())
}

async fn existing_meeting(
    tx: &mut TenantTx,
    member: &Member,
    request_key: Uuid,
) -> AppResult<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "select id from alignment_meetings where org_id = $1 and request_key = $2",
    )
    .bind(member.org.0)
    .bind(request_key)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Makes the manager's invite and its link. The manager reads times in the
/// coachee's zone until they choose their own.
async fn new_invite(
    state: &AppState,
    tx: &mut TenantTx,
    member: &Member,
    meeting: &Meeting,
    name: &str,
    email: &str,
    expires_at: DateTime<Utc>,
) -> AppResult<Invite> {
    let invite_id = Uuid::now_v7();
    let link = state.guest_keys.issue(member.org.0, invite_id);
    meetings::create_invite(
        tx,
        member.org,
        invite_id,
        meeting.id,
        name,
        email,
        &link,
        &meeting.coachee_time_zone,
        expires_at,
    )
    .await?;
    meetings::invite(tx, member.org, invite_id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn request_extra(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (engagement, side, alignment) = engagement_with_state(&mut tx, &member, id).await?;
    if side != Side::Coachee {
        return Err(AppError::NotFound);
    }
    let problem = if form.reason.chars().count() > 1000 {
        Some("Keep the reason to 1,000 characters.".to_owned())
    } else if alignment.used < alignment.allowed() {
        Some("You can still schedule a meeting without asking.".to_owned())
    } else {
        None
    };
    if let Some(problem) = problem {
        let page = engagement_page(
            &mut tx,
            &member,
            engagement,
            side,
            alignment,
            None,
            ScheduleProblems::default(),
            (form, Some(problem)),
            Flashes::default(),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let made = meetings::request_extra(
        &mut tx,
        member.org,
        engagement.id,
        form.reason.trim(),
        member.user.id,
    )
    .await?;
    if made {
        let actor = actor(&member);
        audit::record(
            &mut tx,
            member.org,
            &audit::Event {
                actor_user: Some(member.user.id),
                actor: &actor,
                action: "alignment.extra_requested",
                subject: Some(format!("engagement of {}", engagement.coachee_name)),
                client: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        "Your request for one more alignment meeting is with the programme team.",
    )
    .await?;
    Ok(Redirect::to(&format!("/engagements/{id}/alignment")).into_response())
}

#[derive(Clone, Debug, Default, Deserialize)]
struct AdviceForm {
    #[serde(default)]
    advised: String,
}

async fn advise(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<Uuid>,
    Form(form): Form<AdviceForm>,
) -> AppResult<Response> {
    let mut tx = db::begin_tenant(&state.pool, member.org).await?;
    let (engagement, side, _) = engagement_with_state(&mut tx, &member, id).await?;
    if side != Side::Coach {
        return Err(AppError::NotFound);
    }
    let advised = form.advised == "yes";
    meetings::set_advised(&mut tx, member.org, engagement.id, advised).await?;
    tx.commit().await?;
    flash::push(
        &member.session,
        FlashKind::Success,
        if advised {
            format!(
                "{} now sees that you advise scheduling the alignment meeting.",
                engagement.coachee_name
            )
        } else {
            "Your advice to schedule is withdrawn.".to_owned()
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/engagements/{id}/alignment")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::testing::cases(300))]

        /// Whatever is typed, the scheduling form either says what to fix or
        /// gives values the database accepts (its CHECK constraints).
        #[test]
        fn the_scheduling_form_accepts_only_what_the_database_can_keep(
            kind in "\\PC{0,12}|initial|closing",
            date in "\\PC{0,12}|2031-05-0[1-9]",
            time in "\\PC{0,6}|1[0-7]:[0-5]0",
            duration in "\\PC{0,4}|30|45",
            place in "\\PC{0,320}",
            name in "\\PC{0,130}",
            email in "\\PC{0,30}|[a-z]{1,8}@example\\.com",
            agenda in "\\PC{0,60}",
            success in "\\PC{0,60}",
            opens in "\\PC{0,8}|coachee|manager",
            role in "\\PC{0,8}|observe",
        ) {
            let form = ScheduleForm {
                request_key: Uuid::new_v4().to_string(),
                kind,
                date1: date,
                time1: time,
                duration,
                place,
                manager_name: name,
                manager_email: email,
                agenda,
                success,
                opens: opens.clone(),
                closes: opens,
                coach_role: role,
                ..ScheduleForm::default()
            };
            let now = chrono::Utc::now();
            if let Ok(plan) = form.check(&[], "Europe/London", now) {
                prop_assert!(!plan.times.is_empty() && plan.times.iter().all(|t| *t > now));
                prop_assert!(DURATIONS.contains(&plan.duration));
                let place_len = plan.place.chars().count();
                prop_assert!((1..=300).contains(&place_len));
                prop_assert!(!plan.manager_name.is_empty() && plan.manager_name.chars().count() <= 120);
                prop_assert!(plan.manager_email.parse::<lettre::Address>().is_ok());
                prop_assert!(plan.agenda.chars().count() <= 2000);
                prop_assert!(Speaker::parse(&plan.prep.opens).is_some());
                prop_assert!(CoachRole::parse(&plan.prep.coach_role).is_some());
            }
        }
    }
}
